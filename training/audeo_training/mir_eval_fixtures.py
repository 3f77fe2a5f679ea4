"""Export mir_eval reference numbers for audeo's TypeScript metrics (src/core/metrics.ts).

Writes small JSON cases to test/fixtures/mir_eval/: random notes (with near-tolerance onsets and offsets, repeated
pitches, overlapping candidates that need a real bipartite matching) and random binary piano rolls, with the numbers
that mir_eval itself gives:
- notes: mir_eval.transcription.precision_recall_f1_overlap, without offsets (offset_ratio=None) and with
  (offset_ratio 0.2, offset_min_tolerance 0.05), onset tolerance 0.05 s;
- rolls: mir_eval.multipitch.metrics (micro: precision, recall, accuracy; F1 = 2PR/(P+R)), on all 88 keys and on
  MIDI 36..86, plus the paper's sample-averaged figures computed here with numpy (an independent implementation).

Run: training/.venv/bin/python -m audeo_training.mir_eval_fixtures  (from training/, or with PYTHONPATH=training)
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import mir_eval
import numpy as np

FPS = 25.0
LOW, HIGH = 21, 108
PAPER_LOW, PAPER_HIGH = 36, 86
OUT = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "mir_eval"


def midi_to_hz(m: np.ndarray) -> np.ndarray:
    return 440.0 * 2.0 ** ((m - 69.0) / 12.0)


def random_notes(rng: np.random.Generator, n: int, dur_sec: float, pitches: np.ndarray) -> np.ndarray:
    on = np.round(rng.uniform(0, dur_sec, n), 4)
    length = np.round(rng.uniform(0.03, 1.2, n), 4)
    pitch = rng.choice(pitches, n)
    return np.stack([on, on + length, pitch], axis=1)


def perturb(rng: np.random.Generator, ref: np.ndarray, pitches: np.ndarray) -> np.ndarray:
    """An estimate: jittered copies (some just inside/outside tolerances), drops, wrong pitches, extras, duplicates."""
    est = []
    for on, off, p in ref:
        u = rng.uniform()
        if u < 0.15:
            continue  # miss
        j_on = rng.choice([rng.normal(0, 0.02), 0.05, -0.05, 0.0501, rng.uniform(-0.08, 0.08)])
        j_off = rng.choice([rng.normal(0, 0.05), rng.uniform(-0.3, 0.3), 0.0])
        if u < 0.25:
            p = rng.choice(pitches)
        new_on = max(0.0, on + j_on)
        new_off = max(new_on + 0.01, off + j_off)
        est.append([new_on, new_off, p])
        if rng.uniform() < 0.1:  # a duplicate near the same onset: competes for the same reference
            est.append([max(0.0, new_on + rng.uniform(-0.04, 0.04)), new_off, p])
    for _ in range(int(rng.integers(0, 6))):
        on = rng.uniform(0, ref[:, 1].max() if len(ref) else 5.0)
        est.append([on, on + rng.uniform(0.05, 0.8), rng.choice(pitches)])
    arr = np.array(est, dtype=float).reshape(-1, 3)
    arr[:, :2] = np.round(arr[:, :2], 6)
    return arr


def note_scores(ref: np.ndarray, est: np.ndarray, offsets: bool) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p, r, f, _ = mir_eval.transcription.precision_recall_f1_overlap(
            ref[:, :2].reshape(-1, 2),
            midi_to_hz(ref[:, 2]),
            est[:, :2].reshape(-1, 2),
            midi_to_hz(est[:, 2]),
            onset_tolerance=0.05,
            offset_ratio=0.2 if offsets else None,
            offset_min_tolerance=0.05,
        )
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def random_roll(rng: np.random.Generator, frames: int, density: float) -> np.ndarray:
    roll = np.zeros((frames, 88), dtype=np.uint8)
    t = 0
    while t < frames:
        if rng.uniform() < 0.15:  # a silent stretch
            t += int(rng.integers(1, 10))
            continue
        k = rng.integers(0, 88, int(rng.integers(1, 6)))
        length = int(rng.integers(1, 12))
        roll[t : t + length, k] = 1
        t += int(rng.integers(1, 4))
    mask = rng.uniform(size=roll.shape) < density
    return roll | mask.astype(np.uint8)


def perturb_roll(rng: np.random.Generator, ref: np.ndarray) -> np.ndarray:
    est = ref.copy()
    flip = rng.uniform(size=est.shape) < 0.01
    est[flip] = 1 - est[flip]
    drop = (rng.uniform(size=est.shape) < 0.2) & (est == 1)
    est[drop] = 0
    shift = np.roll(ref, 1, axis=0)
    est |= (shift & (rng.uniform(size=est.shape) < 0.1)).astype(np.uint8)
    est[: max(1, len(est) // 10)] = 0  # a silent stretch predicted silent only where the reference is silent too
    return est


def roll_to_series(roll: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, list[np.ndarray]]:
    times = np.arange(roll.shape[0]) / FPS
    freqs = [midi_to_hz(np.nonzero(row[lo - LOW : hi - LOW + 1])[0].astype(float) + lo) for row in roll]
    return times, freqs


def micro(ref: np.ndarray, est: np.ndarray, lo: int, hi: int) -> dict[str, float]:
    rt, rf = roll_to_series(ref, lo, hi)
    et, ef = roll_to_series(est, lo, hi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = mir_eval.multipitch.metrics(rt, rf, et, ef)
    p, r, a = float(m[0]), float(m[1]), float(m[2])
    return {"precision": p, "recall": r, "accuracy": a, "f1": 0.0 if p + r == 0 else 2 * p * r / (p + r)}


def samples(ref: np.ndarray, est: np.ndarray, lo: int, hi: int) -> dict[str, float]:
    r = ref[:, lo - LOW : hi - LOW + 1].astype(bool)
    e = est[:, lo - LOW : hi - LOW + 1].astype(bool)
    tp = (r & e).sum(1).astype(float)
    fp = (~r & e).sum(1).astype(float)
    fn = (r & ~e).sum(1).astype(float)
    silent = (tp + fp + fn) == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), 0.0)
        rc = np.where(tp + fn > 0, tp / np.maximum(tp + fn, 1), 0.0)
        f = np.where(p + rc > 0, 2 * p * rc / np.where(p + rc > 0, p + rc, 1), 0.0)
        a = np.where(~silent, tp / np.maximum(tp + fp + fn, 1), 1.0)
    p[silent] = 1.0
    rc[silent] = 1.0
    f[silent] = 1.0
    return {"precision": float(p.mean()), "recall": float(rc.mean()), "accuracy": float(a.mean()), "f1": float(f.mean())}


def sparse(roll: np.ndarray) -> list[list[int]]:
    t, k = np.nonzero(roll)
    return [[int(a), int(b)] for a, b in zip(t, k)]


def notes_json(a: np.ndarray) -> list[dict[str, Any]]:
    return [{"onsetSec": float(r[0]), "offsetSec": float(r[1]), "pitch": int(r[2]), "velocity": 100} for r in a]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20201206)
    for case in range(6):
        pitches = np.arange(21, 109) if case % 2 == 0 else np.array([60, 61, 62, 64, 72])  # few pitches: dense conflicts
        ref = random_notes(rng, int(rng.integers(20, 120)), 20.0, pitches)
        est = perturb(rng, ref, pitches)
        data = {
            "kind": "notes",
            "generator": f"mir_eval {mir_eval.__version__}",
            "reference": notes_json(ref),
            "estimate": notes_json(est),
            "expected": {"onset": note_scores(ref, est, False), "onsetOffset": note_scores(ref, est, True)},
        }
        (OUT / f"notes_{case}.json").write_text(json.dumps(data) + "\n")
    for case in range(4):
        frames = int(rng.integers(60, 250))
        ref = random_roll(rng, frames, 0.002 * case)
        est = perturb_roll(rng, ref)
        data = {
            "kind": "rolls",
            "generator": f"mir_eval {mir_eval.__version__}",
            "fps": FPS,
            "frames": frames,
            "lowestMidi": LOW,
            "keys": 88,
            "reference": sparse(ref),
            "estimate": sparse(est),
            "expected": {
                "allKeys": {"micro": micro(ref, est, LOW, HIGH), "samples": samples(ref, est, LOW, HIGH)},
                "paperKeys": {
                    "micro": micro(ref, est, PAPER_LOW, PAPER_HIGH),
                    "samples": samples(ref, est, PAPER_LOW, PAPER_HIGH),
                },
            },
        }
        (OUT / f"rolls_{case}.json").write_text(json.dumps(data) + "\n")
    print(f"wrote fixtures to {OUT}")


if __name__ == "__main__":
    main()
