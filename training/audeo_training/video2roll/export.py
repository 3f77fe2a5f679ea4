"""Export a trained Video2Roll run to models/<name>/<version>/model.onnx + card.json (via cards.py), plus parity fixtures.

    python -m audeo_training.video2roll.export --run training/runs/v2r-strip-cpu --name v2r-strip --version 1.0.0 --default

- ONNX opset 17, input "frames" float32 [batch, 5, 100, 900] (gray / 255), output "logits" float32 [batch, 88];
  BatchNorm folded into the convs (eval-mode export).
- A model whose fp32 weights exceed the 30 MB limit (the paper network, ResNet-18: ~45-49 MB) is stored with fp16
  weights and Cast nodes (compute stays fp32; onnxruntime folds the casts at load). Its torch twin used for metrics and
  parity has the same fp16-rounded weights, so card metrics describe exactly the shipped file.
- Parity: test/fixtures/parity/video2roll-inputs.json (2 windows, uint8, zlib + base64, shared by all models) and
  test/fixtures/parity/video2roll-<name>.json (torch logits), replayed by test/models/video2roll-parity.test.ts.
- The card's metrics come from <run>/metrics.json (validation) and <run>/test-metrics.json (written by evaluate.py).
"""

from __future__ import annotations

import argparse
import base64
import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from ..cards import MAX_MODEL_BYTES, MODELS_ROOT, REPO_ROOT, tensor, update_index, write_card
from ..render.labels import KEY_LEAD_SEC
from . import data as D
from .decoder_tune import tune
from .models import build

OPSET = 17
PARITY_DIR = REPO_ROOT / "test" / "fixtures" / "parity"
DESCRIPTIONS = {
    "strip": "StripNet: y pooled early, x kept at 225 columns, dilated 1-D conv stack, key-sampling head at each key's canonical x. CPU-fast default.",
    "paper": "The Audeo paper's Video2Roll network (ResNet-18 trunk, feature transform, top-down refinement, correlation module), 88 keys.",
    "resnet18": "ResNet-18 baseline (the paper's [27] row): same trunk, global average pool + linear head, 88 keys.",
}


def load_run(run: Path) -> tuple[torch.nn.Module, dict[str, Any]]:
    config = json.loads((run / "config.json").read_text())
    model = build(config["arch"])
    model.load_state_dict(torch.load(run / "model.pt", map_location="cpu", weights_only=True))
    model.eval()
    return model, config


def round_weights_fp16(model: torch.nn.Module) -> None:
    """In place: every float parameter and buffer rounded through fp16 (what an fp16-weight ONNX file holds)."""
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.dtype == torch.float32:
                t.copy_(t.half().float())


def weights_to_fp16(path: Path, min_elements: int = 256) -> None:
    """Stores large float32 initializers as float16 with a Cast back to float32 (compute stays fp32)."""
    m = onnx.load(str(path))
    g = m.graph
    casts = []
    for init in list(g.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.size < min_elements:
            continue
        half_name = init.name + "__fp16"
        g.initializer.remove(init)
        g.initializer.append(numpy_helper.from_array(arr.astype(np.float16), half_name))
        casts.append(helper.make_node("Cast", [half_name], [init.name], to=TensorProto.FLOAT, name=init.name + "__cast"))
    for i, node in enumerate(casts):
        g.node.insert(i, node)
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def export_onnx(model: torch.nn.Module, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    x = torch.rand(2, 5, 100, 900)
    torch.onnx.export(
        model, (x,), str(path), input_names=["frames"], output_names=["logits"], opset_version=OPSET,
        dynamic_axes={"frames": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True, dynamo=False,
    )


def parity_inputs(data_dir: Path, parity_dir: Path) -> np.ndarray:
    """2 windows (uint8 [2, 5, 100, 900]) from the first test clip: one at the clip start (edge repeat), one busy."""
    p = parity_dir / "video2roll-inputs.json"
    if p.exists():
        d = json.loads(p.read_text())
        return np.frombuffer(zlib.decompress(base64.b64decode(d["uint8ZlibBase64"])), np.uint8).reshape(d["shape"])
    test = data_dir / "test"
    manifest = json.loads((test / "manifest.json").read_text())
    quiet = min(manifest["clips"], key=lambda c: float(c["style"].get("noise_sigma", 0.0)))  # compresses best
    with np.load(test / f"clip-{int(quiet['clip']):05d}.npz") as z:
        strips, keydown = z["strips"], z["keydown"]
    busy = int(np.argmax(keydown.sum(axis=1)))
    wins = np.stack([D.window(strips, 0), D.window(strips, busy)]) & 0xF0  # 16 gray levels: a ~60 KB fixture
    parity_dir.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps({
        "description": "Video2Roll parity inputs: uint8 windows [n, 5, 100, 900] (zlib, base64; a test-split clip quantised to 16 gray levels to stay small); model input = value / 255",
        "shape": list(wins.shape),
        "uint8ZlibBase64": base64.b64encode(zlib.compress(wins.tobytes(), 9)).decode(),
    }) + "\n")
    return wins


def tune_on_validation(model: torch.nn.Module, val_dir: Path) -> dict[str, Any]:
    """Note-decoder constants (threshold, minFrames) for the best note-onset F1 on the validation clips."""
    return tune_on_clips(model, D.load_split(val_dir))


def real_validation_clips() -> list[D.Clip]:
    from ..clavision.clips import real_clips
    from ..clavision.data import load_manifest

    return real_clips(load_manifest(), "val")[0]


def clavision_provenance(config: dict[str, Any]) -> dict[str, Any]:
    from ..clavision.data import load_manifest

    m = load_manifest()
    return {
        "set": "clavision (shared/data/video/clavision): real top-view video of one 88-key Casio digital piano in one room, "
               "with the piano's own MIDI; Akbari, Liang & Cheng, Multimedia Tools and Applications 2018, as redistributed "
               "in github ppfish45/AI-Pianist",
        "licence": "none published: research use only; a model trained on it says so (this card)",
        "calibration": f"training/clavision.json {m.version} (pitch shift {m.pitch_shift:+d}, per-clip offsets found from the video)",
        "trainPieces": m.train_pieces,
        "validationPieces": m.val_pieces,
        "validationUse": "never trained on; decoder thresholds chosen on them",
        "trainClips": config.get("clavision", {}).get("train"),
        "realFractionOfEachBatch": config.get("real_frac"),
    }


@torch.no_grad()
def tune_on_clips(model: torch.nn.Module, clips: list[D.Clip]) -> dict[str, Any]:
    model.eval()
    probs, keydown = [], []
    for c in clips:
        w = D.clip_windows(c.strips)
        out = [torch.sigmoid(model(torch.from_numpy(w[i : i + 32].astype(np.float32) / 255.0))).numpy() for i in range(0, len(w), 32)]
        probs.append(np.concatenate(out))
        keydown.append(c.keydown)
    return tune(probs, keydown)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--version", default="1.0.0")
    ap.add_argument("--default", action="store_true", help="make it the default video2roll model in models/index.json")
    ap.add_argument("--data", type=Path, default=REPO_ROOT / "training" / "data" / "v2r-v0", help="for the parity windows")
    ap.add_argument("--fp16-weights", choices=["auto", "yes", "no"], default="auto")
    ap.add_argument("--models-root", type=Path, default=MODELS_ROOT)
    ap.add_argument("--parity-dir", type=Path, default=PARITY_DIR)
    ap.add_argument("--clavision", action="store_true",
                    help="a run trained with --clavision: tune the decoder on the clavision validation pieces (thresholds only) "
                         "and record the real data's provenance and licence on the card")
    ap.add_argument("--no-decoder-tuning", action="store_true", help="keep the frame threshold; do not tune threshold x minFrames on <data>/val")
    a = ap.parse_args()

    model, config = load_run(a.run)
    n_bytes = sum(t.numel() * 4 for t in model.state_dict().values() if t.dtype == torch.float32)
    fp16 = a.fp16_weights == "yes" or (a.fp16_weights == "auto" and n_bytes > 0.9 * MAX_MODEL_BYTES)
    if fp16:
        round_weights_fp16(model)
    model_dir = a.models_root / a.name / a.version
    onnx_path = model_dir / "model.onnx"
    export_onnx(model, onnx_path)
    if fp16:
        weights_to_fp16(onnx_path)

    metrics_path, test_path = a.run / "metrics.json", a.run / "test-metrics.json"
    val = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    test = json.loads(test_path.read_text()) if test_path.exists() else None
    threshold = float(val.get("threshold", 0.4))
    card_metrics: dict[str, Any] = {
        "validation": {"frames": val.get("valFrames"), "threshold": threshold, "sweepBest": val.get("thresholdSweep", {}).get("best")},
    }
    thresholds: dict[str, Any] = {"default": threshold, "paper": 0.4}
    if a.clavision and not a.no_decoder_tuning:
        decoder = tune_on_clips(model, real_validation_clips())
        card_metrics["validation"]["decoderOn"] = "clavision validation pieces 10-11 (real video, the piano's MIDI)"
        card_metrics["validation"]["decoder"] = decoder["best"]
        card_metrics["validation"]["real"] = val.get("realVal", {}).get("thresholdSweep", {}).get("best")
        thresholds.update({"default": decoder["best"]["threshold"], "minFrames": decoder["best"]["minFrames"], "frame": threshold})
        print(json.dumps({"decoderTuning": decoder["best"]}))
    elif not a.no_decoder_tuning and (a.data / "val").exists():
        decoder = tune_on_validation(model, a.data / "val")
        card_metrics["validation"]["decoder"] = decoder["best"]
        thresholds.update({"default": decoder["best"]["threshold"], "minFrames": decoder["best"]["minFrames"], "frame": threshold})
        print(json.dumps({"decoderTuning": decoder["best"]}))
    if test is not None:
        card_metrics["testSynthetic"] = test
    extra = {
        "fps": 25,
        "keys": {"lowestMidi": 21, "count": 88},
        "preprocessing": {"frames": 5, "width": 900, "height": 100, "scale": 1 / 255, "mean": 0.0, "std": 1.0, "edge": "repeat"},
        "thresholds": thresholds,
        # keys are seen down before they sound (render/labels.py: measured on real footage; the renderer draws it)
        "timing": {"soundDelaySec": KEY_LEAD_SEC},
        "training": {
            "commit": config.get("commit"),
            "arch": config["arch"],
            "data": val.get("data"),
            "config": config,
            "device": config.get("device", "cpu"),
            "wallSec": val.get("trainWallSec"),
            "samplesSeen": val.get("samplesSeen"),
            "weights": "float16 (rounded; compute float32)" if fp16 else "float32",
            **({"realData": clavision_provenance(config)} if a.clavision else {}),
        },
        "metrics": card_metrics,
    }
    card = write_card(
        model_dir, name=a.name, version=a.version, type="video2roll",
        inputs=[tensor("frames", ["batch", 5, 100, 900])], outputs=[tensor("logits", ["batch", 88])],
        output_kind="logits", description=DESCRIPTIONS.get(config["arch"], ""), extra=extra,
    )
    update_index(card, make_default=a.default, models_root=a.models_root)

    wins = parity_inputs(a.data, a.parity_dir)
    with torch.no_grad():
        logits = model(torch.from_numpy(wins.astype(np.float32) / 255.0)).numpy()
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(["logits"], {"frames": wins.astype(np.float32) / 255.0})[0]
    err = float(np.abs(got - logits).max())
    (a.parity_dir / f"video2roll-{a.name}.json").write_text(json.dumps({
        "model": a.name, "version": a.version, "sha256": card["sha256"], "inputs": "video2roll-inputs.json",
        "tolerance": 1e-4, "torchLogits": [[round(float(v), 6) for v in row] for row in logits],
    }) + "\n")
    print(json.dumps({"onnx": str(onnx_path), "sizeBytes": card["sizeBytes"], "fp16Weights": fp16, "parityMaxAbsErr(onnxruntime-python)": err}))
    if err > 1e-4:
        raise SystemExit(f"parity failed: onnxruntime vs torch max |diff| {err:.2e} > 1e-4")


if __name__ == "__main__":
    main()
