"""The demo sample: samples/demo.mp4 (+ samples/demo.expected.json), a clean full-frame synthetic video of a
test-split piece (never seen in training), 854x480, 25 fps, H.264.

    python -m audeo_training.render.sample
"""

from __future__ import annotations

import json
from pathlib import Path

from ..midi_sources import load_splits
from .video import render_video

REPO = Path(__file__).resolve().parents[3]
PIECE = "asap/Bach/Prelude/bwv_856"  # preferred test piece; falls back to the first test piece present
SECONDS = 14.0
SEED = 7


def main() -> None:
    test = load_splits()["test"]
    piece = PIECE if PIECE in test else test[0]
    out = REPO / "samples" / "demo.mp4"
    from ..midi_sources import all_pieces, load_midi

    perf = load_midi(all_pieces()[piece][0])
    start = max(0.0, perf.notes[0].onset - 0.5)
    lab = render_video(piece, SECONDS, SEED, out, start=start, clean=True, size=(854, 480), crf=26)
    out.with_suffix(".labels.json").unlink()
    expected = {"notes": lab["notes"], "corners": lab["corners"], "source": lab["source"], "piece": piece, "start": lab["start"],
                "fps": lab["fps"], "frameSize": lab["frameSize"], "split": "test"}
    (REPO / "samples" / "demo.expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB, {len(lab['notes'])} notes from {lab['source']}")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
