"""What `audeo extract` does to a Video2Roll roll before the note decoder, ported for the Python evaluation.

`suppress_static_keys` is src/core/notes.ts `suppressStaticKeys`; both replay test/fixtures/static-key-cases.json
(jest: test/core/anchor.test.ts, pytest: training/tests/test_video2roll.py), so the two cannot drift.
"""

from __future__ import annotations

import numpy as np

STATIC_WINDOW_SEC = 30.0  # src/extractor/pipeline.ts STATIC_WINDOW_SEC


def suppress_static_keys(probs: np.ndarray, window_frames: int) -> np.ndarray:
    """probs [T, keys] -> same shape: per key, in consecutive windows of `window_frames`, minus the window's (upper)
    median, clamped at 0. A short last window takes its median over the roll's last `window_frames` frames (or all of
    them, when the roll is shorter). Keys that look down for most of a window are the picture (a mark, a lip, the
    black edge of a cut keyboard), not a press."""
    w = max(1, int(round(window_frames)))
    x = np.asarray(probs, np.float32)
    out = np.empty_like(x)
    frames = len(x)
    for s in range(0, frames, w):
        e = min(frames, s + w)
        window = np.sort(x[max(0, e - w):e], axis=0)
        median = window[len(window) // 2]
        out[s:e] = np.maximum(0.0, x[s:e] - median)
    return out
