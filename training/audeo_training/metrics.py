"""Transcription metrics on binary piano rolls [T, 88] (key k = MIDI 21 + k, 25 fps) — always say which convention.

- `frame_metrics(...)["micro"]`: Bay et al. 2009 / mir_eval.multipitch: TP, FP, FN summed over all frames, then
  P = TP/(TP+FP), R = TP/(TP+FN), Acc = TP/(TP+FP+FN), F1 = 2PR/(P+R).
- `frame_metrics(...)["samples"]`: the Audeo paper's Table 1 (sklearn average="samples"): the same per frame, then the
  mean over frames; a silent frame predicted silent scores 1 for P, R, F1 and Acc; any other 0/0 scores 0.
- `note_metrics`: decode both rolls into notes (onset on 0->1, offset on 1->0), then
  mir_eval.transcription.precision_recall_f1_overlap with 50 ms onset tolerance and no offset criterion (onset F1).
Mirrors src/core/metrics.ts (fixtures in test/fixtures/mir_eval/ check both).
"""

from __future__ import annotations

import warnings

import numpy as np

FPS = 25.0
LOWEST_MIDI = 21
PAPER_RANGE = (36, 86)  # MIDI, inclusive: the paper's 51 keys


def key_slice(low_midi: int, high_midi: int) -> slice:
    return slice(low_midi - LOWEST_MIDI, high_midi - LOWEST_MIDI + 1)


def _safe(num: float, den: float) -> float:
    return float(num / den) if den > 0 else 0.0


def frame_metrics(ref: np.ndarray, est: np.ndarray) -> dict[str, dict[str, float]]:
    """ref, est: bool/0-1 [T, K]. Returns {"micro": {precision, recall, accuracy, f1}, "samples": {...}, "counts": {...}}."""
    if ref.shape != est.shape:
        raise ValueError(f"roll shapes differ: reference {ref.shape}, estimate {est.shape}")
    r = ref.astype(bool)
    e = est.astype(bool)
    tp_f = (r & e).sum(axis=1).astype(np.float64)
    fp_f = (~r & e).sum(axis=1).astype(np.float64)
    fn_f = (r & ~e).sum(axis=1).astype(np.float64)
    tp, fp, fn = tp_f.sum(), fp_f.sum(), fn_f.sum()
    p, rc = _safe(tp, tp + fp), _safe(tp, tp + fn)
    micro = {"precision": p, "recall": rc, "accuracy": _safe(tp, tp + fp + fn), "f1": _safe(2 * p * rc, p + rc)}

    silent = (tp_f + fp_f + fn_f) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        pf = np.where(tp_f + fp_f > 0, tp_f / (tp_f + fp_f), 0.0)
        rf = np.where(tp_f + fn_f > 0, tp_f / (tp_f + fn_f), 0.0)
        ff = np.where(2 * tp_f + fp_f + fn_f > 0, 2 * tp_f / (2 * tp_f + fp_f + fn_f), 0.0)
        af = np.where(tp_f + fp_f + fn_f > 0, tp_f / (tp_f + fp_f + fn_f), 0.0)
    pf[silent] = rf[silent] = ff[silent] = af[silent] = 1.0
    n = max(len(r), 1)
    samples = {
        "precision": float(pf.sum() / n),
        "recall": float(rf.sum() / n),
        "accuracy": float(af.sum() / n),
        "f1": float(ff.sum() / n),
    }
    return {"micro": micro, "samples": samples, "counts": {"tp": float(tp), "fp": float(fp), "fn": float(fn), "frames": float(len(r))}}


def roll_to_notes(roll: np.ndarray, *, fps: float = FPS, lowest_midi: int = LOWEST_MIDI) -> np.ndarray:
    """[T, K] binary -> notes float [N, 3] (onsetSec, offsetSec, midi): onset on 0->1, offset on 1->0 (or the end)."""
    r = roll.astype(np.int8)
    pad = np.zeros((1, r.shape[1]), np.int8)
    d = np.diff(np.concatenate([pad, r, pad], axis=0), axis=0)  # [T+1, K]
    notes = []
    for k in range(r.shape[1]):
        on = np.flatnonzero(d[:, k] == 1)
        off = np.flatnonzero(d[:, k] == -1)
        for a, b in zip(on, off):
            notes.append((a / fps, b / fps, lowest_midi + k))
    arr = np.array(notes, np.float64).reshape(-1, 3)
    return arr[np.argsort(arr[:, 0], kind="stable")] if len(arr) else arr


def midi_to_hz(m: np.ndarray) -> np.ndarray:
    return 440.0 * 2.0 ** ((m - 69.0) / 12.0)


def note_metrics(ref_notes: np.ndarray, est_notes: np.ndarray, *, onset_tolerance: float = 0.05) -> dict[str, float]:
    """Onset-only note P/R/F1 (mir_eval.transcription, offsets ignored). notes: [N, 3] (onsetSec, offsetSec, midi)."""
    import mir_eval  # imported lazily: heavy

    if len(ref_notes) == 0 and len(est_notes) == 0:
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    if len(ref_notes) == 0 or len(est_notes) == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = mir_eval.transcription.precision_recall_f1_overlap(
            ref_notes[:, :2], midi_to_hz(ref_notes[:, 2]), est_notes[:, :2], midi_to_hz(est_notes[:, 2]),
            onset_tolerance=onset_tolerance, offset_ratio=None,
        )
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def note_metrics_pooled(pairs: list[tuple[np.ndarray, np.ndarray]], *, onset_tolerance: float = 0.05) -> dict[str, float]:
    """Onset P/R/F1 over several clips: matches per clip, counts summed (micro over notes)."""
    import mir_eval

    tp = n_ref = n_est = 0
    for ref, est in pairs:
        n_ref += len(ref)
        n_est += len(est)
        if len(ref) and len(est):
            m = mir_eval.transcription.match_notes(
                ref[:, :2], midi_to_hz(ref[:, 2]), est[:, :2], midi_to_hz(est[:, 2]),
                onset_tolerance=onset_tolerance, offset_ratio=None,
            )
            tp += len(m)
    p, r = _safe(tp, n_est), _safe(tp, n_ref)
    return {"precision": p, "recall": r, "f1": _safe(2 * p * r, p + r), "refNotes": float(n_ref), "estNotes": float(n_est)}


def all_metrics(ref: np.ndarray, est: np.ndarray) -> dict[str, dict[str, dict[str, float]]]:
    """Frame metrics on all 88 keys and on the paper's MIDI 36..86."""
    s = key_slice(*PAPER_RANGE)
    return {"keys88": frame_metrics(ref, est), "keys51": frame_metrics(ref[:, s], est[:, s])}
