"""Video2Roll networks: 5 stacked gray frames of the 100x900 keyboard strip -> one logit per key (88) for the middle frame.

Input  x: float32 [B, 5, 100, 900], gray / 255 (no mean/std).  Output: logits float32 [B, 88] (key k = MIDI 21 + k).

- `Video2RollNet`: the paper's network as the authors' code does it (see shared/design/AUDEO-NOTES.md): 11x11/2 stem,
  ResNet-18 stages, feature transform to 128 ch at the top stage's size, top-down channel-gated refinement, the
  "correlation" attention, GAP + Linear.
- `ResNet18Baseline`: the same stem and backbone, GAP + Linear (the paper's ResNet row).
- `StripNet` ("v2r-strip", the default): the strip is 1-D. A few convs pool y to 1 while keeping x at 225 columns
  (4 px each, ~4 columns per white key), a dilated residual 1-D conv stack along x, and a key-sampling head that
  reads the features over each key's canonical span (geometry.py) through a fixed [88, 225] matrix.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..geometry import PIANO_KEYS, all_key_spans

FRAMES, HEIGHT, WIDTH = 5, 100, 900


# ---------------------------------------------------------------- ResNet-18 parts (as torchvision, written out)
class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + self.down(x))


def _stage(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1))


class ResNet18Trunk(nn.Module):
    """11x11/2 stem (5 -> 64) + BN + ReLU + 3x3/2 max-pool, stages [2,2,2,2]: 25x225, 13x113, 7x57, 4x29 for 100x900."""

    def __init__(self, in_ch: int = FRAMES, width: int = 64) -> None:
        super().__init__()
        w = width
        self.stem = nn.Sequential(
            nn.Conv2d(in_ch, w, 11, 2, 5, bias=False), nn.BatchNorm2d(w), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)
        )
        self.layer1 = _stage(w, w, 1)
        self.layer2 = _stage(w, 2 * w, 2)
        self.layer3 = _stage(2 * w, 4 * w, 2)
        self.layer4 = _stage(4 * w, 8 * w, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        x1 = self.layer1(self.stem(x))
        x2 = self.layer2(x1)
        x3 = self.layer3(x2)
        x4 = self.layer4(x3)
        return x1, x2, x3, x4


class ResNet18Baseline(nn.Module):
    def __init__(self, keys: int = PIANO_KEYS) -> None:
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.fc = nn.Linear(512, keys)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x4 = self.trunk(x)[3]
        return self.fc(x4.mean(dim=(2, 3)))


# ---------------------------------------------------------------- the paper's Video2Roll
class FeatureTransform(nn.Module):
    """1x1 conv to `cout`, a residual 3x3-conv pair, average pooling to the top stage's size (4x29 for 100x900).

    The pooling is a fixed AvgPool2d (ONNX cannot export adaptive pooling between sizes that do not divide):
    13x113 -> 4x29 with kernel (4,5), stride (3,4), padding (0,2); 7x57 -> 4x29 with kernel 3, stride 2, padding 1.
    """

    def __init__(self, cin: int, cout: int, pool: nn.Module) -> None:
        super().__init__()
        self.reduce = nn.Sequential(nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
        self.res = nn.Sequential(
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout),
        )
        self.pool = pool

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.reduce(x)
        return self.pool(F.relu(y + self.res(y)))


class Refine(nn.Module):
    """R(low, high): concat -> GAP -> FC -> ReLU -> FC -> sigmoid, gating low's channels."""

    def __init__(self, c_low: int, c_high: int, hidden: int = 64) -> None:
        super().__init__()
        self.fc1 = nn.Linear(c_low + c_high, hidden)
        self.fc2 = nn.Linear(hidden, c_low)

    def forward(self, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
        g = torch.cat([low, high], dim=1).mean(dim=(2, 3))
        g = torch.sigmoid(self.fc2(F.relu(self.fc1(g))))
        return low * g[:, :, None, None]


class Video2RollNet(nn.Module):

    def __init__(self, keys: int = PIANO_KEYS) -> None:
        super().__init__()
        self.trunk = ResNet18Trunk()
        self.t2 = FeatureTransform(128, 128, nn.AvgPool2d((4, 5), (3, 4), (0, 2)))
        self.t3 = FeatureTransform(256, 128, nn.AvgPool2d(3, 2, 1))
        self.t4 = FeatureTransform(512, 128, nn.Identity())
        self.t5 = nn.Sequential(nn.Conv2d(512, 64, 1, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True))
        self.r4 = Refine(128, 64)
        self.r3 = Refine(128, 128)
        self.r2 = Refine(128, 128)
        self.corr = nn.Conv2d(128, 128, 1)
        self.fc = nn.Linear(128, keys)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, s2, s3, s4 = self.trunk(x)
        x2, x3, x4, x5 = self.t2(s2), self.t3(s3), self.t4(s4), self.t5(s4)
        p4 = self.r4(x4, x5)
        p3 = self.r3(x3, p4)
        p2 = self.r2(x2, p3)
        if p2.shape[2:] != p4.shape[2:]:
            raise ValueError(f"Video2RollNet expects a 5x100x900 input (top stage 4x29); got {tuple(x.shape[1:])}")
        b, c, h, w = p4.shape
        att = torch.softmax((p2 * p3).reshape(b, c, h * w), dim=2).reshape(b, c, h, w)
        y = self.corr(att * p4) + p4
        return self.fc(y.mean(dim=(2, 3)))


# ---------------------------------------------------------------- the default: StripNet
def key_pooling_matrix(columns: int, *, shrink: float = 0.8) -> np.ndarray:
    """[88, columns]: row k averages the columns inside the central `shrink` part of key k's canonical x-span.

    A column c covers x in [c/columns, (c+1)/columns); its weight is the overlap with the (shrunk) key span, and each
    row sums to 1.
    """
    m = np.zeros((PIANO_KEYS, columns), np.float32)
    edges = np.arange(columns + 1, dtype=np.float64) / columns
    for k, s in enumerate(all_key_spans()):
        half = (s.x1 - s.x0) * shrink / 2
        a, b = s.xc - half, s.xc + half
        ov = np.clip(np.minimum(edges[1:], b) - np.maximum(edges[:-1], a), 0, None)
        m[k] = ov / ov.sum()
    return m


def black_key_mask() -> np.ndarray:
    return np.array([1.0 if s.black else 0.0 for s in all_key_spans()], np.float32)


def _cbr(cin: int, cout: int, k: tuple[int, int], s: tuple[int, int], p: tuple[int, int]) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Res1d(nn.Module):
    def __init__(self, ch: int, dilation: int, kernel: int = 5) -> None:
        super().__init__()
        pad = dilation * (kernel // 2)
        self.c1 = nn.Conv1d(ch, ch, kernel, padding=pad, dilation=dilation, bias=False)
        self.b1 = nn.BatchNorm1d(ch)
        self.c2 = nn.Conv1d(ch, ch, 1, bias=False)
        self.b2 = nn.BatchNorm1d(ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.b1(self.c1(x)))
        return F.relu(x + self.b2(self.c2(y)))


class StripNet(nn.Module):
    """y pooled to 1 by strided convs, x kept at 225 columns; dilated 1-D residual stack; per-key sampling head."""

    def __init__(self, keys: int = PIANO_KEYS, width: int = 64, ch1d: int = 96, dilations: tuple[int, ...] = (1, 2, 4, 8, 1, 2)) -> None:
        super().__init__()
        if keys != PIANO_KEYS:
            raise ValueError(f"StripNet samples the canonical 88-key geometry; got keys={keys}")
        w = width
        self.enc = nn.Sequential(
            nn.PixelUnshuffle(4),  # [B, 80, 25, 225]: each 4x4 px patch of the 5 frames becomes one cell
            _cbr(FRAMES * 16, w // 2, (1, 1), (1, 1), (0, 0)),  # == a 4x4/4 patchify conv, as a GEMM (fast on CPU)
            _cbr(w // 2, 3 * w // 4, (3, 3), (3, 1), (1, 1)),  # 9 x 225
            _cbr(3 * w // 4, w, (3, 3), (3, 1), (1, 1)),  # 3 x 225
            _cbr(w, ch1d, (3, 1), (1, 1), (0, 0)),  # 1 x 225: a learned read of the 3 y bands (black heads / fronts)
        )
        self.seq = nn.Sequential(*[Res1d(ch1d, d) for d in dilations])
        self.columns = 225
        self.register_buffer("pool", torch.from_numpy(key_pooling_matrix(self.columns)).t().contiguous())  # [225, 88]
        self.register_buffer("black", torch.from_numpy(black_key_mask())[None, :])  # [1, 88]
        self.head_white = nn.Sequential(nn.Conv1d(ch1d, 64, 1), nn.ReLU(inplace=True), nn.Conv1d(64, 1, 1))
        self.head_black = nn.Sequential(nn.Conv1d(ch1d, 64, 1), nn.ReLU(inplace=True), nn.Conv1d(64, 1, 1))
        self.key_bias = nn.Parameter(torch.zeros(1, keys))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.enc(x).squeeze(2)  # [B, C, 225]
        f = self.seq(f)
        k = torch.matmul(f, self.pool)  # [B, C, 88]
        lw = self.head_white(k).squeeze(1)
        lb = self.head_black(k).squeeze(1)
        return lw + self.black * (lb - lw) + self.key_bias


ARCHS: dict[str, type[nn.Module]] = {"strip": StripNet, "paper": Video2RollNet, "resnet18": ResNet18Baseline}


def build(arch: str, **kwargs: Any) -> nn.Module:
    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; expected one of {sorted(ARCHS)}")
    return ARCHS[arch](**kwargs)


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
