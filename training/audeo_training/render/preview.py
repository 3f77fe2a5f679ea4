"""Contact sheet of random rendered samples with their labels drawn on.

    python -m audeo_training.render.preview --out docs/img/contact-sheet.png [--split train] [--strips 8] [--frames 2] [--seed 0]

Each strip (what Video2Roll sees, 900x100) is followed by a label bar: green = key down (visible), orange = sounding
only (released but held by the pedal / still ringing), at each key's canonical x. Full frames are shown with the
keyboard's ground-truth corners (green quadrilateral) and key-down keys marked on the front edge.
`--real-vs-synth X.png` also writes a side-by-side of a real frame and a synthetic frame.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from ..geometry import all_key_spans
from ..midi_sources import DATA_ROOT, Note, Performance, performances
from .clip import render_frames
from .dataset import _load, pick_clip, render_strip_clip

SPANS = all_key_spans()
REAL_FRAME = DATA_ROOT / "video" / "scarborough_fair.mp4"


def label_bar(keydown: np.ndarray, sounding: np.ndarray, width: int = 900, height: int = 12) -> np.ndarray:
    bar = np.full((height, width, 3), 40, np.uint8)
    for k, s in enumerate(SPANS):
        x0, x1 = int(s.x0 * width), max(int(s.x0 * width) + 1, int(s.x1 * width) - 1)
        y0, y1 = (0, height // 2) if s.black else (height // 2, height)
        if keydown[k]:
            bar[y0:y1, x0:x1] = (60, 220, 60)
        elif sounding[k]:
            bar[y0:y1, x0:x1] = (240, 150, 30)
    return bar


def demo_perf() -> Performance:
    rng = np.random.default_rng(0)
    notes = [Note(int(rng.integers(36, 90)), t, t + float(rng.uniform(0.1, 0.8)), 80) for t in np.arange(0.1, 20, 0.15)]
    return Performance(notes, [(2.0, True), (4.0, False)], 21.0)


def sources(split: str, n: int, seconds: float, rng: np.random.Generator) -> list[tuple[str, Performance, float]]:
    files = performances(split)
    if not files:
        p = demo_perf()
        return [("synthetic", p, float(rng.uniform(0, 15))) for _ in range(n)]
    out = []
    for _ in range(n):
        f, perf, start = pick_clip(files, rng, seconds)
        out.append((f.parent.name + "/" + f.stem, _load(str(f)), start))
    return out


def strip_rows(split: str, n: int, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    rows = []
    for i, (_name, perf, start) in enumerate(sources(split, n, 2.0, rng)):
        s, kd, so = render_strip_clip(perf, start, 2.0, seed * 1000 + i)
        t = int(rng.integers(len(s)))
        rows.append(np.vstack([cv2.cvtColor(s[t], cv2.COLOR_GRAY2RGB), label_bar(kd[t], so[t]), np.zeros((4, 900, 3), np.uint8)]))
    return rows


def frame_tiles(split: str, n: int, seed: int, *, clean_first: bool = True) -> list[np.ndarray]:
    rng = np.random.default_rng(seed + 77)
    tiles = []
    for i, (_name, perf, start) in enumerate(sources(split, n, 1.0, rng)):
        fr, corners, plan = render_frames(perf, start, 1.0, seed * 1000 + 500 + i, size=(854, 480), clean=clean_first and i == 0)
        t = int(rng.integers(len(fr)))
        img = fr[t].copy()
        cv2.polylines(img, [np.round((corners - 0.5) * 16).astype(np.int32)], True, (0, 255, 0), 1, cv2.LINE_AA, 4)
        # mark key-down keys on the front edge, through the homography
        h = cv2.getPerspectiveTransform(np.float32([[0, 0], [1, 0], [1, 1], [0, 1]]), corners.astype(np.float32))
        for k in np.flatnonzero(plan.keydown[t]):
            p = cv2.perspectiveTransform(np.float32([[[SPANS[k].xc, 1.0]]]), h)[0, 0]
            cv2.circle(img, (int(p[0]), int(p[1]) + 4), 3, (0, 255, 0), -1)
        tiles.append(img)
    return tiles


def contact_sheet(split: str, strips: int, frames: int, seed: int) -> np.ndarray:
    rows = strip_rows(split, strips, seed)
    tiles = frame_tiles(split, frames, seed)
    parts = rows
    if tiles:
        w = 900 // len(tiles)
        small = [cv2.resize(t, (w, int(t.shape[0] * w / t.shape[1])), interpolation=cv2.INTER_AREA) for t in tiles]
        hmax = max(s.shape[0] for s in small)
        line = np.zeros((hmax, 900, 3), np.uint8)
        for i, s in enumerate(small):
            line[: s.shape[0], i * w : i * w + s.shape[1]] = s
        parts = rows + [line]
    return np.vstack(parts)


def real_frame(sec: float = 10.0) -> np.ndarray | None:
    if not REAL_FRAME.exists():
        return None
    cap = cv2.VideoCapture(str(REAL_FRAME))
    cap.set(cv2.CAP_PROP_POS_MSEC, sec * 1000)
    ok, bgr = cap.read()
    cap.release()
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if ok else None


def real_vs_synth(split: str, seed: int) -> np.ndarray:
    real = real_frame()
    rng = np.random.default_rng(seed)
    _name, perf, start = sources(split, 1, 1.0, rng)[0]
    fr, _, _ = render_frames(perf, start, 1.0, seed, size=(854, 480), clean=True)
    synth = fr[len(fr) // 2]
    if real is None:
        return synth
    real = cv2.resize(real, (640, 360), interpolation=cv2.INTER_AREA)
    synth = cv2.resize(synth, (640, 360), interpolation=cv2.INTER_AREA)
    return np.hstack([real, np.zeros((360, 6, 3), np.uint8), synth])


def save_png(img: np.ndarray, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--split", default="train")
    ap.add_argument("--strips", type=int, default=8)
    ap.add_argument("--frames", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=float, default=1.0, help="downscale the sheet (PNG size)")
    ap.add_argument("--real-vs-synth", type=Path, default=None)
    a = ap.parse_args()
    sheet = contact_sheet(a.split, a.strips, a.frames, a.seed)
    if a.scale != 1.0:
        sheet = cv2.resize(sheet, None, fx=a.scale, fy=a.scale, interpolation=cv2.INTER_AREA)
    save_png(sheet, a.out)
    print(f"{a.out}: {a.out.stat().st_size / 1e3:.0f} kB")
    if a.real_vs_synth:
        img = real_vs_synth(a.split, a.seed)
        save_png(img, a.real_vs_synth)
        print(f"{a.real_vs_synth}: {a.real_vs_synth.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
