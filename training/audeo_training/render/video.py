"""Full-frame synthetic videos for the keyboard locator and for end-to-end checks.

    python -m audeo_training.render.video --piece asap/Bach/Fugue/bwv_848 --seconds 12 --seed 3 --out X.mp4 [--clean]

writes X.mp4 (H.264, yuv420p, 25 fps, through the project's ffmpeg) and X.labels.json: {"fps", "corners" (full
88-key keyboard, continuous px: back-left, back-right, front-right, front-left; may lie outside the frame),
"frameSize", "notes" ([{pitch, onsetSec, offsetSec, velocity}] key-down notes, clip time), "source", "start",
"style", "camera"}. `render_frames` (clip.py) is the in-memory API.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import numpy as np

from ..midi_sources import DATA_ROOT, Performance, all_pieces, load_midi
from .clip import FPS, ClipPlan, render_frames

FFMPEG = Path(__file__).resolve().parents[3] / "node_modules" / "@ffmpeg-installer" / "linux-x64" / "ffmpeg"


def resolve_piece(piece: str) -> Path:
    """A piece name from splits.json (its first performance) or a MIDI file path."""
    p = Path(piece)
    if p.suffix.lower() in (".mid", ".midi") and p.exists():
        return p
    files = all_pieces().get(piece)
    if not files:
        raise FileNotFoundError(f"piece {piece!r}: expected a .mid path or a piece name from training/splits.json present under {DATA_ROOT}/midi")
    return files[0]


def default_start(perf: Performance, seconds: float, rng: np.random.Generator | None = None) -> float:
    first = perf.notes[0].onset if perf.notes else 0.0
    if rng is None:
        return first
    return float(rng.uniform(first, max(first, perf.duration - seconds - 1)))


def write_mp4(frames: np.ndarray, out: Path, *, fps: float = FPS, crf: int = 23) -> None:
    t, h, w, _ = frames.shape
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(FFMPEG), "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps),
        "-i", "-", "-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
        "-movflags", "+faststart", str(out),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for f in frames:
        proc.stdin.write(np.ascontiguousarray(f).tobytes())
    proc.stdin.close()
    if proc.wait() != 0:
        raise RuntimeError(f"ffmpeg failed writing {out}")


def labels_json(plan: ClipPlan, corners: np.ndarray, source: str, start: float) -> dict[str, object]:
    return {
        "fps": FPS,
        "frameSize": [plan.camera.frame_w, plan.camera.frame_h],
        "corners": [[round(float(x), 3), round(float(y), 3)] for x, y in corners],
        "notes": [
            {"pitch": n.pitch, "onsetSec": round(n.onset, 4), "offsetSec": round(n.offset, 4), "velocity": n.velocity}
            for n in plan.notes
        ],
        "source": source,
        "start": start,
        "style": plan.style.to_json(),
        "camera": plan.camera.to_json(),
        "keyLeadSec": round(plan.key_lead_sec, 4),
    }


def render_video(piece: str, seconds: float, seed: int, out: Path, *, start: float | None = None, clean: bool = False,
                 size: tuple[int, int] | None = None, crf: int = 23) -> dict[str, object]:
    path = resolve_piece(piece)
    perf = load_midi(path)
    if start is None:
        start = default_start(perf, seconds, np.random.default_rng(seed))
    frames, corners, plan = render_frames(perf, start, seconds, seed, clean=clean, size=size, compress=False)
    write_mp4(frames, out, crf=crf)
    try:
        source = str(path.relative_to(DATA_ROOT))
    except ValueError:
        source = str(path)
    lab = labels_json(plan, corners, source, start)
    out.with_suffix(".labels.json").write_text(json.dumps(lab, indent=1) + "\n")
    return lab


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--piece", required=True, help="piece name from training/splits.json, or a .mid path")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=float, default=None, help="start time in the performance (default: random, seeded)")
    ap.add_argument("--size", default=None, help="WxH (default: random from the camera's list)")
    ap.add_argument("--clean", action="store_true", help="typical clean look (as the demo sample)")
    ap.add_argument("--crf", type=int, default=23)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    size = tuple(int(v) for v in a.size.split("x")) if a.size else None
    lab = render_video(a.piece, a.seconds, a.seed, a.out, start=a.start, clean=a.clean, size=size, crf=a.crf)  # type: ignore[arg-type]
    print(json.dumps({"out": str(a.out), "notes": len(lab["notes"]), "corners": lab["corners"]}))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
