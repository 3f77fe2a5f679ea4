"""PerfNet (1-D U-Net over time: roll channels -> spectrogram bins) and the 2-D refinement U-Net. Small, CPU-trainable.

Both need the frame count T to be a multiple of 8 (three stride-2 levels); callers pad.
"""

from __future__ import annotations

import torch
from torch import nn

from .features import BINS, IN_CHANNELS


def _c1(cin: int, cout: int, k: int = 5) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(cin, cout, k, padding=k // 2), nn.BatchNorm1d(cout), nn.LeakyReLU(0.2))


class PerfNet(nn.Module):
    """PerformanceNet-style contracting/expanding 1-D U-Net: (B, 264, T) -> (B, 576, T) log1p magnitude."""

    def __init__(self, width: int = 128) -> None:
        super().__init__()
        w = width
        self.enc0 = _c1(IN_CHANNELS, w)
        self.down = nn.ModuleList([nn.Sequential(nn.Conv1d(w, w, 4, stride=2, padding=1), nn.BatchNorm1d(w), nn.LeakyReLU(0.2), _c1(w, w)) for _ in range(3)])
        self.up = nn.ModuleList([nn.ConvTranspose1d(w, w, 4, stride=2, padding=1) for _ in range(3)])
        self.merge = nn.ModuleList([_c1(2 * w, w) for _ in range(3)])
        self.out = nn.Conv1d(w, BINS, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.enc0(x)]
        h = skips[0]
        for d in self.down:
            h = d(h)
            skips.append(h)
        skips.pop()
        for up, merge in zip(self.up, self.merge):
            h = up(h)
            h = merge(torch.cat([h, skips.pop()], dim=1))
        return torch.relu(self.out(h))


def _c2(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.LeakyReLU(0.2))


class SpecRefiner(nn.Module):
    """2-D U-Net on (B, 1, 576, T) log-magnitude; predicts a residual correction (trained with L1)."""

    def __init__(self, widths: tuple[int, int, int] = (8, 16, 32)) -> None:
        super().__init__()
        a, b, c = widths
        self.e0 = _c2(1, a)
        self.e1 = nn.Sequential(nn.Conv2d(a, b, 4, stride=2, padding=1), nn.LeakyReLU(0.2), _c2(b, b))
        self.e2 = nn.Sequential(nn.Conv2d(b, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2), _c2(c, c))
        self.u2 = nn.ConvTranspose2d(c, b, 4, stride=2, padding=1)
        self.m2 = _c2(2 * b, b)
        self.u1 = nn.ConvTranspose2d(b, a, 4, stride=2, padding=1)
        self.m1 = _c2(2 * a, a)
        self.out = nn.Conv2d(a, 1, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h0 = self.e0(x)
        h1 = self.e1(h0)
        h2 = self.e2(h1)
        g1 = self.m2(torch.cat([self.u2(h2), h1], dim=1))
        g0 = self.m1(torch.cat([self.u1(g1), h0], dim=1))
        return torch.relu(x + self.out(g0))
