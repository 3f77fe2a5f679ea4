"""audeo_training.metrics against mir_eval's own numbers (fixtures in test/fixtures/mir_eval/, shared with the TS metrics)."""

import json
from pathlib import Path

import numpy as np
import pytest

from audeo_training.metrics import all_metrics, frame_metrics, note_metrics, note_metrics_pooled, roll_to_notes

FIX = Path(__file__).resolve().parents[2] / "test" / "fixtures" / "mir_eval"


def _roll(cells: list[list[int]], frames: int) -> np.ndarray:
    r = np.zeros((frames, 88), np.uint8)
    for t, k in cells:
        r[t, k] = 1
    return r


@pytest.mark.parametrize("path", sorted(FIX.glob("rolls_*.json")), ids=lambda p: p.name)
def test_frame_metrics_match_fixtures(path: Path) -> None:
    d = json.loads(path.read_text())
    ref, est = _roll(d["reference"], d["frames"]), _roll(d["estimate"], d["frames"])
    got = all_metrics(ref, est)
    for ours, theirs in (("keys88", "allKeys"), ("keys51", "paperKeys")):
        for conv in ("micro", "samples"):
            for m in ("precision", "recall", "accuracy", "f1"):
                assert got[ours][conv][m] == pytest.approx(d["expected"][theirs][conv][m], abs=1e-9), (ours, conv, m)


@pytest.mark.parametrize("path", sorted(FIX.glob("notes_*.json")), ids=lambda p: p.name)
def test_note_metrics_match_fixtures(path: Path) -> None:
    d = json.loads(path.read_text())

    def arr(ns: list[dict[str, float]]) -> np.ndarray:
        return np.array([[n["onsetSec"], n["offsetSec"], n["pitch"]] for n in ns], float).reshape(-1, 3)

    got = note_metrics(arr(d["reference"]), arr(d["estimate"]))
    for m in ("precision", "recall", "f1"):
        assert got[m] == pytest.approx(d["expected"]["onset"][m], abs=1e-9)


def test_samples_convention_silence_counts_as_one() -> None:
    ref = np.zeros((4, 88), np.uint8)
    est = np.zeros((4, 88), np.uint8)
    ref[0, 40] = est[0, 40] = 1  # one perfect frame, three silent-silent frames
    m = frame_metrics(ref, est)
    assert m["samples"]["f1"] == 1.0 and m["micro"]["f1"] == 1.0
    est[1, 3] = 1  # a false positive in a silent frame: that frame scores 0
    m = frame_metrics(ref, est)
    assert m["samples"]["precision"] == pytest.approx(0.75)
    assert m["micro"]["precision"] == pytest.approx(0.5)


def test_roll_to_notes_onsets_offsets_and_repress() -> None:
    r = np.zeros((10, 88), np.uint8)
    r[2:5, 39] = 1
    r[6:10, 39] = 1  # re-press, runs to the end
    n = roll_to_notes(r)
    assert n.tolist() == [[0.08, 0.2, 60.0], [0.24, 0.4, 60.0]]


def test_pooled_note_metrics_counts() -> None:
    ref = np.array([[0.0, 0.5, 60], [1.0, 1.5, 62]])
    est = np.array([[0.03, 0.5, 60], [1.2, 1.5, 62], [2.0, 2.2, 64]])
    m = note_metrics_pooled([(ref, est), (ref, ref)])
    assert m["refNotes"] == 4 and m["estNotes"] == 5
    assert m["precision"] == pytest.approx(3 / 5) and m["recall"] == pytest.approx(3 / 4)
