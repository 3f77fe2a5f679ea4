"""PerfNet: feature conventions (same expectations as test/render/griffin-lim.test.ts), model shapes, ONNX export."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from audeo_training.perfnet import features as F
from audeo_training.perfnet.models import PerfNet, SpecRefiner


def test_constants_match_the_paper() -> None:
    assert (F.SR, F.N_FFT, F.HOP, F.BINS) == (16000, 2048, 256, 576)
    assert F.IN_CHANNELS == 264


def test_roll_encoding() -> None:
    x = F.notes_to_input(np.array([[0.1, 0.5, 21], [1.0, 1.2, 108], [0.0, 1.0, 10]]), 100)
    assert x.shape == (264, 100)
    assert x[0, 6] == 0 and x[0, 7] == 1 and x[0, 31] == 1 and x[0, 32] == 0
    assert x[88, 6] == 1 and x[88, 7] == 1 and x[88, 8] == 0
    assert x[176, 31] == 1 and x[176, 32] == 1
    assert x[87, 63] == 1
    assert x.sum() == pytest.approx((32 - 7) + 2 + 2 + (75 - 63) + 2 + 2)  # pitch 10 ignored


def test_log_magnitude_of_a_tone() -> None:
    t = np.arange(F.SR) / F.SR
    y = F.log_magnitude((0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32))
    assert y.shape == (576, F.SR // F.HOP + 1)
    assert int(np.argmax(y[:, 30])) == round(440 * F.N_FFT / F.SR)


@pytest.mark.parametrize("frames", [64, 136])
def test_models_keep_time_and_bins(frames: int) -> None:
    torch.manual_seed(0)
    net, ref = PerfNet(32).eval(), SpecRefiner((4, 8, 8)).eval()
    with torch.no_grad():
        y = net(torch.rand(1, 264, frames))
        z = ref(y[:, None])
    assert y.shape == (1, 576, frames) and z.shape == (1, 1, 576, frames)
    assert float(y.min()) >= 0 and float(z.min()) >= 0


def test_onnx_export_has_a_dynamic_time_axis(tmp_path: Path) -> None:
    ort = pytest.importorskip("onnxruntime")
    net = PerfNet(16).eval()
    f = tmp_path / "p.onnx"
    torch.onnx.export(net, (torch.zeros(1, 264, 64),), str(f), input_names=["roll"], output_names=["logmag"], dynamic_axes={"roll": {2: "T"}, "logmag": {2: "T"}}, opset_version=17, dynamo=False)
    s = ort.InferenceSession(str(f))
    x = np.random.default_rng(0).random((1, 264, 200), dtype=np.float32)
    out = s.run(None, {"roll": x})[0]
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    assert out.shape == (1, 576, 200)
    assert np.abs(out - ref).max() < 1e-4


def test_heldout_list_is_fixed() -> None:
    held = json.loads((Path(F.__file__).with_name("heldout.json")).read_text())["heldout"]
    assert len(held) == 10 and len(set(held)) == 10


def test_export_writes_both_models_with_cards_and_index_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """train.export (the shipping path): ONNX + card (STFT constants, held-out metrics) for both nets, index defaults."""
    ort = pytest.importorskip("onnxruntime")
    from audeo_training import cards
    from audeo_training.perfnet import train as T

    monkeypatch.setattr(T, "MODELS_ROOT", tmp_path)
    monkeypatch.setattr(T, "update_index", lambda card, make_default=False: cards.update_index(card, make_default=make_default, models_root=tmp_path))
    torch.manual_seed(0)
    T.export(PerfNet(16), SpecRefiner((4, 8, 8)), "9.9.9", tmp_path / "run", {"heldout": {"perfnet_l1": 0.2, "refined_l1": 0.1}}, {"width": 16})
    index = json.loads((tmp_path / "index.json").read_text())
    assert index["defaults"] == {"perfnet": "perfnet@9.9.9", "spec-refiner": "spec-refiner@9.9.9"}
    for name, shape in (("perfnet", (1, 264, 72)), ("spec-refiner", (1, 1, 576, 72))):
        card = json.loads((tmp_path / name / "9.9.9" / "card.json").read_text())
        assert card["audio"] == {"sampleRate": F.SR, "nFft": F.N_FFT, "hop": F.HOP, "bins": F.BINS}
        assert card["metrics"]["heldout"]["refined_l1"] == 0.1
        s = ort.InferenceSession(str(tmp_path / name / "9.9.9" / "model.onnx"))
        out = s.run(None, {card["inputs"][0]["name"]: np.random.default_rng(1).random(shape, dtype=np.float32)})[0]
        assert out.shape[-2:] == (576, 72)
