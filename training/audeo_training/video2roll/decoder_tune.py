"""Tune the note decoder's constants for a Video2Roll model on the VALIDATION split: threshold x minimum note length.

The TypeScript note decoder (src/core/notes.ts `rollToNotes`) keeps a key's run of frames with probability >= threshold
as one note when it lasts >= minFrames frames (re-press split at every released frame). Fast passages at 25 fps have
notes of 1-2 frames, so the decoder's default minimum (2) drops them; the right value depends on the model's noise.
`decode` mirrors rollToNotes (onset = frame index / fps); the score is mir_eval's note-onset F1 (50 ms), the figure
`audeo demo` and the docs report. The winner goes into the card (`thresholds.default`, `thresholds.minFrames`).
"""

from __future__ import annotations

from typing import Any

import mir_eval
import numpy as np

FPS = 25.0


def decode(probs: np.ndarray, threshold: float, min_frames: int, fps: float = FPS) -> list[tuple[float, float, int]]:
    """[T, 88] probabilities -> (onsetSec, offsetSec, midi) notes, as rollToNotes with repressGapFrames 1."""
    on = probs >= threshold
    notes: list[tuple[float, float, int]] = []
    pad = np.zeros((1, on.shape[1]), bool)
    d = np.diff(np.concatenate([pad, on, pad]).astype(np.int8), axis=0)
    for k in np.flatnonzero(np.abs(d).sum(axis=0)):
        starts, ends = np.flatnonzero(d[:, k] == 1), np.flatnonzero(d[:, k] == -1)
        for s, e in zip(starts, ends):
            if e - s >= min_frames:
                notes.append((s / fps, e / fps, 21 + int(k)))
    return notes


def onset_f1(est: list[tuple[float, float, int]], ref: list[tuple[float, float, int]]) -> tuple[float, float, float]:
    if not ref or not est:
        return 0.0, 0.0, 0.0
    ri = np.array([[a, max(b, a + 1e-3)] for a, b, _ in ref])
    ei = np.array([[a, max(b, a + 1e-3)] for a, b, _ in est])
    rp = mir_eval.util.midi_to_hz(np.array([m for *_, m in ref], float))
    ep = mir_eval.util.midi_to_hz(np.array([m for *_, m in est], float))
    p, r, f, _ = mir_eval.transcription.precision_recall_f1_overlap(ri, rp, ei, ep, onset_tolerance=0.05, offset_ratio=None)
    return float(p), float(r), float(f)


def tune(
    clip_probs: list[np.ndarray],
    clip_keydown: list[np.ndarray],
    thresholds: tuple[float, ...] = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
    min_frames: tuple[int, ...] = (1, 2, 3),
) -> dict[str, Any]:
    """Grid search; F1 is over all notes of all clips pooled (each clip scored on its own timeline)."""
    refs = [decode(k.astype(np.float32), 0.5, 1) for k in clip_keydown]
    rows = []
    for th in thresholds:
        for mf in min_frames:
            tp = n_est = n_ref = 0.0
            for p, ref in zip(clip_probs, refs):
                est = decode(p, th, mf)
                _, r, _ = onset_f1(est, ref)
                tp += r * len(ref)
                n_est += len(est)
                n_ref += len(ref)
            prec = tp / n_est if n_est else 0.0
            rec = tp / n_ref if n_ref else 0.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            rows.append({"threshold": th, "minFrames": mf, "onsetP": prec, "onsetR": rec, "onsetF1": f1})
    best = max(rows, key=lambda r: r["onsetF1"])
    return {"rows": rows, "best": best}
