"""Export path: ONNX (opset 17, dynamic batch) matches torch; the fp16-weight variant matches the fp16-rounded twin."""

import os
from pathlib import Path

import numpy as np
import pytest
import onnx
import onnxruntime as ort
import torch

from audeo_training.video2roll.export import OPSET, export_onnx, round_weights_fp16, weights_to_fp16
from audeo_training.video2roll.models import build


def _run(path: Path, x: np.ndarray) -> np.ndarray:
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(["logits"], {"frames": x})[0]


def test_onnx_export_matches_torch_with_dynamic_batch(tmp_path: Path) -> None:
    torch.manual_seed(0)
    m = build("strip").eval()
    p = tmp_path / "m.onnx"
    export_onnx(m, p)
    g = onnx.load(str(p))
    assert max(o.version for o in g.opset_import if o.domain in ("", "ai.onnx")) == OPSET
    x = np.random.default_rng(0).random((3, 5, 100, 900), dtype=np.float32)  # batch 3 != the export batch 2
    with torch.no_grad():
        want = m(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(_run(p, x), want, atol=1e-4)

    round_weights_fp16(m)
    weights_to_fp16(p)
    small = p.stat().st_size
    with torch.no_grad():
        want16 = m(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(_run(p, x), want16, atol=1e-4)
    assert any(i.data_type == onnx.TensorProto.FLOAT16 for i in onnx.load(str(p)).graph.initializer)
    assert small < 0.6 * sum(t.numel() * 4 for t in m.state_dict().values())


def test_speed_models_export_untrained_architectures_beside_the_shipped_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json as _json
    import sys as _sys

    from audeo_training.video2roll import speed_models

    monkeypatch.setattr(_sys, "argv", ["speed_models", "--out", str(tmp_path), "--archs", "strip"])
    speed_models.main()
    index = _json.loads((tmp_path / "index.json").read_text())
    names = [f"{m['name']}@{m['version']}" for m in index["models"]]
    assert "v2r-strip@untrained" in names
    assert (tmp_path / "untrained" / "v2r-strip" / "model.onnx").stat().st_size > 100_000
    assert all(m["type"] == "video2roll" for m in index["models"])
    shipped = [m for m in index["models"] if m["version"] != "untrained"]
    assert shipped, "the shipped video2roll models are linked beside the untrained ones"
    for m in shipped:
        link = tmp_path / m["name"]
        assert link.is_symlink() and not Path(os.readlink(link)).is_absolute(), "links are relative (the folder can move)"
        assert (tmp_path / m["path"] / "card.json").exists()
