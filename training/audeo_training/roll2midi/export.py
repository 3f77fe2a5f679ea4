"""Export a trained Roll2Midi run to models/<name>/<version>/model.onnx + card.json (via cards.py), plus parity fixtures.

    python -m audeo_training.roll2midi.export --run training/runs/r2m-light --name r2m-light --version 1.0.0 --default
    python -m audeo_training.roll2midi.export --run training/runs/r2m-paper --name r2m-paper --version 1.0.0

- ONNX opset 17, input "roll_in" float32 [batch, 100, 88] (Video2Roll probabilities, key k = MIDI 21 + k, 25 fps),
  outputs "frame" (and "onset" for the LightRefiner) float32 [batch, 100, 88], probabilities (sigmoid inside the graph).
- Card: window 100 frames, hop 50, triangular blending (src/extractor/windows.ts, mirrored by data.run_windowed);
  thresholds.default = the run's validation-tuned frame threshold, thresholds.paper = 0.4, thresholds.onset for onsets.
- Parity: test/fixtures/parity/roll2midi-inputs.json (2 windows, uint8 / 255, zlib + base64, shared by all models) and
  test/fixtures/parity/roll2midi-<name>.json (torch outputs, float32 zlib + base64), replayed by
  test/models/roll2midi-parity.test.ts through onnxruntime-node.
- Card metrics come from <run>/metrics.json (validation) and <run>/test-metrics.json (written by evaluate.py) if present.
"""

from __future__ import annotations

import argparse
import base64
import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ..cards import MODELS_ROOT, REPO_ROOT, tensor, update_index, write_card
from . import data as D
from .models import build

OPSET = 17
PARITY_DIR = REPO_ROOT / "test" / "fixtures" / "parity"
DESCRIPTIONS = {
    "paper": "The Audeo paper's Roll2Midi GAN generator (stride-1 'U-Net', BN eps 0.8, least-squares GAN + MSE), "
    "channel width reduced for CPU; refines Video2Roll probabilities into the sounding roll.",
    "light": "LightRefiner (ours): small down-sampling U-Net over time x keys with dilated temporal convs, a residual on the "
    "input logit, and separate frame and onset heads; refines Video2Roll probabilities into the sounding roll.",
}


class Exported(nn.Module):
    """roll_in [B, 100, 88] probabilities -> frame (, onset) probabilities."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, roll_in: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.model(roll_in)
        heads = [torch.sigmoid(out["frame"])]
        if "onset" in out:
            heads.append(torch.sigmoid(out["onset"]))
        return tuple(heads)


def load_run(run: Path) -> tuple[nn.Module, dict[str, Any]]:
    config = json.loads((run / "config.json").read_text())
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in config.get("kwargs", {}).items()}
    model = build(config["arch"], **kwargs)
    model.load_state_dict(torch.load(run / "model.pt", map_location="cpu", weights_only=True))
    model.eval()
    return model, config


def output_names(model: nn.Module) -> list[str]:
    with torch.no_grad():
        return ["frame", "onset"] if "onset" in model(torch.rand(1, D.T, D.KEYS)) else ["frame"]


def export_onnx(model: nn.Module, path: Path) -> list[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    names = output_names(model)
    x = torch.rand(2, D.T, D.KEYS)
    torch.onnx.export(
        Exported(model).eval(), (x,), str(path), input_names=["roll_in"], output_names=names, opset_version=OPSET,
        dynamic_axes={"roll_in": {0: "batch"}, **{n: {0: "batch"} for n in names}}, do_constant_folding=True, dynamo=False,
    )
    return names


def torch_outputs(model: nn.Module, x: np.ndarray) -> dict[str, np.ndarray]:
    with torch.no_grad():
        heads = Exported(model).eval()(torch.from_numpy(x))
    return {n: h.numpy() for n, h in zip(["frame", "onset"], heads)}


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(zlib.compress(np.ascontiguousarray(a).tobytes(), 9)).decode()


def parity_inputs(parity_dir: Path) -> np.ndarray:
    """2 windows [2, 100, 88] of simulated Video2Roll probabilities (quantised to k/255), made once and shared."""
    p = parity_dir / "roll2midi-inputs.json"
    if p.exists():
        d = json.loads(p.read_text())
        raw = np.frombuffer(zlib.decompress(base64.b64decode(d["uint8ZlibBase64"])), np.uint8).reshape(d["shape"])
        return raw.astype(np.float32) / 255.0
    rng = np.random.default_rng(5)
    kd = np.zeros((200, D.KEYS), np.uint8)
    for _ in range(60):  # a synthetic passage: chords and runs across the middle of the keyboard
        k, a = int(rng.integers(25, 65)), int(rng.integers(0, 190))
        kd[a : a + int(rng.integers(2, 25)), k] = 1
    sim = D.simulate_v2r(kd, rng)
    q = np.round(np.stack([sim[:100], sim[100:]]) * 255).astype(np.uint8)
    parity_dir.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps({
        "description": "Roll2Midi parity inputs: uint8 [n, 100, 88] (zlib, base64): simulated Video2Roll probabilities "
        "quantised to 1/255; model input roll_in = value / 255",
        "shape": list(q.shape), "uint8ZlibBase64": _b64(q),
    }) + "\n")
    return q.astype(np.float32) / 255.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--default", action="store_true", help="make it the default roll2midi model in models/index.json")
    ap.add_argument("--hop", type=int, default=50, help="inference hop in frames (window 100)")
    ap.add_argument("--blend", choices=["none", "triangular", "hann"], default="triangular")
    ap.add_argument("--models-root", type=Path, default=MODELS_ROOT)
    ap.add_argument("--parity-dir", type=Path, default=PARITY_DIR)
    a = ap.parse_args()
    torch.set_num_threads(1)

    model, config = load_run(a.run)
    model_dir = a.models_root / a.name / a.version
    onnx_path = model_dir / "model.onnx"
    names = export_onnx(model, onnx_path)

    metrics_path, test_path = a.run / "metrics.json", a.run / "test-metrics.json"
    val = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    test = json.loads(test_path.read_text()) if test_path.exists() else None
    threshold = float(val.get("threshold", 0.4))
    card_metrics: dict[str, Any] = {
        "validation": {
            "windows": val.get("valWindows"), "inputs": "simulated Video2Roll probabilities (val split performances)",
            "microF1@0.4": val.get("valF1@0.4"), "inputMicroF1@0.4": val.get("inputValF1@0.4"),
            "threshold": threshold, "sweepBest": val.get("thresholdSweep", {}).get("best"),
        },
    }
    if test is not None:
        card_metrics["test"] = test
    thresholds: dict[str, float] = {"default": threshold, "paper": 0.4}
    if "onset" in names:
        thresholds["onset"] = 0.5
    extra = {
        "fps": 25,
        "keys": {"lowestMidi": 21, "count": D.KEYS},
        "window": {"frames": D.T, "hopFrames": a.hop, "blend": a.blend},
        "thresholds": thresholds,
        "training": {
            "commit": config.get("commit"), "arch": config["arch"], "config": config, "device": config.get("device", "cpu"),
            "wallSec": val.get("trainWallSec"), "steps": val.get("steps"), "windowsSeen": val.get("windowsSeen"),
            "data": config.get("inputs"), "weights": "float32",
        },
        "metrics": card_metrics,
    }
    card = write_card(
        model_dir, name=a.name, version=a.version, type="roll2midi",
        inputs=[tensor("roll_in", ["batch", D.T, D.KEYS])], outputs=[tensor(n, ["batch", D.T, D.KEYS]) for n in names],
        output_kind="probabilities", description=DESCRIPTIONS.get(config["arch"], ""), extra=extra,
    )
    update_index(card, make_default=a.default, models_root=a.models_root)

    x = parity_inputs(a.parity_dir)
    want = torch_outputs(model, x)
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = dict(zip(names, sess.run(names, {"roll_in": x})))
    err = max(float(np.abs(got[n] - want[n]).max()) for n in names)
    (a.parity_dir / f"roll2midi-{a.name}.json").write_text(json.dumps({
        "model": a.name, "version": a.version, "sha256": card["sha256"], "inputs": "roll2midi-inputs.json",
        "tolerance": 1e-4, "shape": list(x.shape),
        "outputs": {n: {"float32ZlibBase64": _b64(want[n].astype(np.float32))} for n in names},
    }) + "\n")
    print(json.dumps({"onnx": str(onnx_path), "sizeBytes": card["sizeBytes"], "outputs": names, "threshold": threshold,
                      "parityMaxAbsErr(onnxruntime-python)": err}))
    if err > 1e-4:
        raise SystemExit(f"parity failed: onnxruntime vs torch max |diff| {err:.2e} > 1e-4")


if __name__ == "__main__":
    main()
