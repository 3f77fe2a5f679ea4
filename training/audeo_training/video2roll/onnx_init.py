"""Warm-start a StripNet from a shipped ONNX file (models/v2r-strip/<v>/model.onnx), for fine-tuning when the run's
state_dict is not at hand (runs/ is git-ignored; the ONNX file is what ships).

The exporter folds each BatchNorm into the conv before it, so the ONNX initializers hold fused conv weights and biases.
They are loaded into the convs, and each BatchNorm is set to the identity (weight 1, bias = the fused bias, running mean 0,
running variance 1 - eps): in eval mode the torch model computes what the ONNX model computes (a test checks it).
Fine-tune with `freeze_bn_stats` so the BatchNorms keep those statistics (their affine parameters still learn).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from .models import StripNet


def load_strip_from_onnx(path: Path) -> StripNet:
    model = StripNet()
    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}
    named = {k: v for k, v in inits.items() if not k.startswith("onnx::")}
    fused = [v for k, v in inits.items() if k.startswith("onnx::")]  # conv weight, bias pairs in graph order
    sd = model.state_dict()
    for k, v in named.items():
        if k in sd:
            sd[k] = torch.from_numpy(np.array(v))
    # convs followed by a BatchNorm, in module order (the graph's order)
    pairs: list[tuple[str, str]] = []
    mods = list(model.named_modules())
    for i, (name, m) in enumerate(mods):
        if isinstance(m, (nn.Conv1d, nn.Conv2d)) and i + 1 < len(mods) and isinstance(mods[i + 1][1], (nn.BatchNorm1d, nn.BatchNorm2d)):
            pairs.append((name, mods[i + 1][0]))
    if len(fused) != 2 * len(pairs):
        raise ValueError(f"{path}: {len(fused)} fused initializers for {len(pairs)} conv+BatchNorm pairs; expected a StripNet export")
    for j, (conv, bn) in enumerate(pairs):
        w, b = fused[2 * j], fused[2 * j + 1]
        if tuple(sd[f"{conv}.weight"].shape) != tuple(w.shape):
            raise ValueError(f"{path}: fused weight {j} has shape {w.shape}, {conv} expects {tuple(sd[f'{conv}.weight'].shape)}")
        sd[f"{conv}.weight"] = torch.from_numpy(np.array(w))
        eps = dict(model.named_modules())[bn].eps
        sd[f"{bn}.weight"] = torch.ones_like(sd[f"{bn}.weight"])
        sd[f"{bn}.bias"] = torch.from_numpy(np.array(b))
        sd[f"{bn}.running_mean"] = torch.zeros_like(sd[f"{bn}.running_mean"])
        sd[f"{bn}.running_var"] = torch.full_like(sd[f"{bn}.running_var"], 1.0 - eps)
    model.load_state_dict(sd)
    return model


def freeze_bn_stats(model: nn.Module) -> None:
    """BatchNorms in eval mode (running statistics kept) while the rest trains; call after every model.train()."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            m.eval()
