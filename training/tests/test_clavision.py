"""clavision calibration and data: label rolls, fault masks, the offset/shift search, the manifest, and the ONNX warm
start used to fine-tune the shipped StripNet. Tests that read ../shared/data skip with a message when it is absent."""

from pathlib import Path

import numpy as np
import pytest
import torch

from audeo_training.clavision.calibrate import search
from audeo_training.clavision.data import CLAVISION_DIR, MANIFEST, ClipCalibration, fault_mask, keydown_roll, load_manifest, read_raw_notes
from audeo_training.video2roll.export import export_onnx
from audeo_training.video2roll.models import build
from audeo_training.video2roll.onnx_init import load_strip_from_onnx


def test_keydown_roll_marks_frames_from_onset_to_offset() -> None:
    notes = np.array([[0.10, 0.30, 60.0], [0.0, 0.01, 21.0]])
    roll = keydown_roll(notes, 10, first_sec=0.0, fps=25.0)
    assert roll[:, 60 - 21].tolist() == [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]  # frames at 0.12 .. 0.28 s (< 0.30)
    assert roll[0, 0] == 1 and roll[1:, 0].sum() == 0  # a note shorter than a frame still gets one


def test_fault_mask_covers_the_stated_seconds() -> None:
    cal = ClipCalibration("piece03_0_1", 3, "0", 3.0, faults=[[0.0, 0.2], [1.0, 1.08]])
    m = fault_mask(cal, 30, first_sec=0.0, fps=25.0)
    assert np.flatnonzero(m).tolist() == [0, 1, 2, 3, 4, 25, 26]


def test_search_recovers_a_known_shift_and_offset() -> None:
    rng = np.random.default_rng(0)
    raw = np.stack([rng.integers(20, 80, 200), np.sort(rng.uniform(0, 30, 200)), np.zeros(200)], axis=1).astype(float)
    shift, offset = 12, 2.36
    sig = rng.normal(0, 0.1, (int(40 * 25), 88))
    for p, on, _ in raw:
        sig[int(round((on + offset) * 25)), int(p) + shift - 21] += 1.0
    sc = search(sig, raw, range(9, 16), np.arange(0, 4, 0.04))
    i, j = np.unravel_index(np.argmax(sc), sc.shape)
    assert range(9, 16)[int(i)] == shift
    assert abs(np.arange(0, 4, 0.04)[j] - offset) < 0.021


def test_onnx_warm_start_computes_what_the_onnx_file_computes(tmp_path: Path) -> None:
    import onnxruntime as ort

    torch.manual_seed(1)
    m = build("strip").eval()
    with torch.no_grad():  # non-trivial BatchNorm statistics, so the folding is exercised
        for mod in m.modules():
            if isinstance(mod, torch.nn.modules.batchnorm._BatchNorm):
                mod.running_mean.uniform_(-0.5, 0.5)
                mod.running_var.uniform_(0.5, 2.0)
    p = tmp_path / "m.onnx"
    export_onnx(m, p)
    warm = load_strip_from_onnx(p).eval()
    x = np.random.default_rng(2).random((2, 5, 100, 900), dtype=np.float32)
    want = ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]).run(None, {"frames": x})[0]
    with torch.no_grad():
        got = warm(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)


def test_manifest_split_is_by_piece_and_validation_is_pieces_10_11() -> None:
    m = load_manifest(MANIFEST)
    assert m.val_pieces == [10, 11] and m.train_pieces == list(range(1, 10))
    assert all(c.piece in (10, 11) for c in m.split("val"))
    assert not ({c.clip for c in m.split("train")} & {c.clip for c in m.split("val")})
    assert all(not c.faults for c in m.clips.values() if c.piece in (10, 11))


def test_calibration_puts_scan_notes_in_the_piano_range() -> None:
    if not CLAVISION_DIR.exists():
        pytest.skip(f"clavision data not found at {CLAVISION_DIR}")
    m = load_manifest(MANIFEST)
    pitches = [n.pitch + m.pitch_shift for n in read_raw_notes(CLAVISION_DIR / "piece01_0_1.mid")]
    assert 21 <= min(pitches) and max(pitches) <= 108
