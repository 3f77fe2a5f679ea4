"""ONNX files of the Video2Roll architectures with freshly initialised weights, for speed benches only.

    python -m audeo_training.video2roll.speed_models --out bench/out/arch-models [--archs paper resnet18]

Speed in onnxruntime does not depend on the weights' values, so the paper network and the ResNet-18 baseline can be
timed against the shipped default (`bench/video2roll_speed.ts --models-dir bench/out/arch-models`) even where no
trained copy of them exists (they need a GPU to train; see docs/video2roll.md). Writes <out>/untrained/v2r-<arch>/model.onnx and
<out>/index.json in the layout of models/ (no card: these are not models to run on video). The shipped video2roll
models are linked in beside them so one bench run times all of them.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import torch

from ..cards import MODELS_ROOT
from .export import export_onnx
from .train import build


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--archs", nargs="*", default=["paper", "resnet18"])
    a = ap.parse_args()
    torch.manual_seed(0)
    a.out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, object]] = []
    for arch in a.archs:
        model = build(arch).eval()
        onnx = a.out / "untrained" / f"v2r-{arch}" / "model.onnx"
        export_onnx(model, onnx)
        entries.append({"name": f"v2r-{arch}", "version": "untrained", "type": "video2roll", "path": f"untrained/v2r-{arch}",
                        "sizeBytes": onnx.stat().st_size, "description": f"{arch} architecture, initial weights (speed only)"})
    index = json.loads((MODELS_ROOT / "index.json").read_text())
    for e in index["models"]:
        if e["type"] != "video2roll":
            continue
        link = a.out / str(e["name"])
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(os.path.relpath((MODELS_ROOT / str(e["name"])).resolve(), a.out.resolve()), link)  # relative: the folder can move with the repo
        entries.append(e)
    (a.out / "index.json").write_text(json.dumps({"schema": index["schema"], "defaults": index["defaults"], "models": entries}, indent=1) + "\n")
    print(json.dumps({"out": str(a.out), "models": [f"{e['name']}@{e['version']}" for e in entries]}))


if __name__ == "__main__":
    main()
