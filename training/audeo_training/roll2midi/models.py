"""Roll2Midi networks. Every model maps probabilities x [B, T=100, K=88] (frame-major, time x keys) to a dict
{"frame": logits [B, T, K], optional "onset": logits [B, T, K]}; the ONNX wrapper (export.py) applies the sigmoid.

- `PaperGenerator(width=64)` is the Audeo paper's generator exactly: every conv stride 1 (no down-sampling), 6 conv
  blocks (w, 2w, 4w, 8w, 16w, 16w; 3x3, no bias, BatchNorm eps 0.8 except the first, LeakyReLU 0.2, dropout 0.5 from
  block 3), 5 transposed-conv blocks (3x3 stride 1, BN eps 0.8, ReLU, dropout 0.5 on the first three) each
  concatenated with its skip, a 1x1 conv to one channel, sigmoid. width=64 has 37.6 M parameters (150 MB fp32, 75 MB
  fp16: over the 30 MB model limit) and costs 221 GMAC per window; `width` scales all channels (16 -> 1/16 compute).
- `PatchDiscriminator`: conv 64/s2 (no norm), 128/s2, 256/s2, 512/s1 with InstanceNorm + LeakyReLU 0.2, conv to 1.
- `LightRefiner` (ours, the default): a down-sampling U-Net over (time x keys), 100x88 -> 50x44 -> 25x22, with dilated
  temporal convs at the bottom (~4 s of context), a residual on the input logit, and separate frame and onset heads.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

T_FRAMES = 100
KEYS = 88


def _logit(x: torch.Tensor) -> torch.Tensor:
    x = x.clamp(1e-4, 1 - 1e-4)
    return torch.log(x) - torch.log1p(-x)


class _Down(nn.Module):
    def __init__(self, cin: int, cout: int, *, normalize: bool = True, dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(cin, cout, 3, stride=1, padding=1, bias=False)]
        if normalize:
            layers.append(nn.BatchNorm2d(cout, eps=0.8))
        layers.append(nn.LeakyReLU(0.2))
        if dropout:
            layers.append(nn.Dropout(dropout))
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class _Up(nn.Module):
    def __init__(self, cin: int, cout: int, *, dropout: float = 0.0) -> None:
        super().__init__()
        layers: list[nn.Module] = [
            nn.ConvTranspose2d(cin, cout, 3, stride=1, padding=1, bias=False),
            nn.BatchNorm2d(cout, eps=0.8),
            nn.ReLU(),
        ]
        if dropout:
            layers.append(nn.Dropout(dropout))
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        return torch.cat((self.model(x), skip), 1)


class PaperGenerator(nn.Module):
    """The paper's stride-1 'U-Net' generator (see module doc). Returns frame logits (sigmoid outside)."""

    def __init__(self, width: int = 64) -> None:
        super().__init__()
        w = width
        self.width = width
        self.down1 = _Down(1, w, normalize=False)
        self.down2 = _Down(w, 2 * w)
        self.down3 = _Down(2 * w, 4 * w, dropout=0.5)
        self.down4 = _Down(4 * w, 8 * w, dropout=0.5)
        self.down5 = _Down(8 * w, 16 * w, dropout=0.5)
        self.down6 = _Down(16 * w, 16 * w, dropout=0.5)
        self.up1 = _Up(16 * w, 16 * w, dropout=0.5)
        self.up2 = _Up(32 * w, 8 * w, dropout=0.5)
        self.up3 = _Up(16 * w, 4 * w, dropout=0.5)
        self.up4 = _Up(8 * w, 2 * w)
        self.up5 = _Up(4 * w, w)
        self.final = nn.Conv2d(2 * w, 1, kernel_size=1)

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        h = x.unsqueeze(1)
        d1 = self.down1(h)
        d2 = self.down2(d1)
        d3 = self.down3(d2)
        d4 = self.down4(d3)
        d5 = self.down5(d4)
        d6 = self.down6(d5)
        u = self.up1(d6, d5)
        u = self.up2(u, d4)
        u = self.up3(u, d3)
        u = self.up4(u, d2)
        u = self.up5(u, d1)
        return {"frame": self.final(u).squeeze(1)}


class PatchDiscriminator(nn.Module):
    """PatchGAN over a roll [B, T, K] in [0, 1] -> patch scores [B, 1, T/8, K/8] (least-squares targets 1/0)."""

    def __init__(self) -> None:
        super().__init__()

        def block(cin: int, cout: int, stride: int, normalize: bool) -> list[nn.Module]:
            layers: list[nn.Module] = [nn.Conv2d(cin, cout, 3, stride, 1)]
            if normalize:
                layers.append(nn.InstanceNorm2d(cout))
            layers.append(nn.LeakyReLU(0.2))
            return layers

        self.model = nn.Sequential(
            *block(1, 64, 2, False), *block(64, 128, 2, True), *block(128, 256, 2, True), *block(256, 512, 1, True),
            nn.Conv2d(512, 1, 3, 1, 1),
        )

    def forward(self, roll: torch.Tensor) -> torch.Tensor:
        return self.model(roll.unsqueeze(1))


def _cbr(cin: int, cout: int, *, stride: tuple[int, int] = (1, 1), dilation: tuple[int, int] = (1, 1), k: tuple[int, int] = (3, 3)) -> nn.Sequential:
    pad = (dilation[0] * (k[0] - 1) // 2, dilation[1] * (k[1] - 1) // 2)
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=pad, dilation=dilation, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class _TemporalRes(nn.Module):
    """Residual dilated conv along time only (kernel 5x1), then a 1x3 conv across neighbouring keys."""

    def __init__(self, c: int, dilation: int) -> None:
        super().__init__()
        self.t = _cbr(c, c, k=(5, 1), dilation=(dilation, 1))
        self.k = nn.Sequential(nn.Conv2d(c, c, (1, 3), padding=(0, 1), bias=False), nn.BatchNorm2d(c))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.relu(x + self.k(self.t(x)))


class LightRefiner(nn.Module):
    """Down-sampling U-Net over (time x keys) with frame + onset heads; residual on the input logit.
    channels: (full resolution 100x88, 50x44, 25x22)."""

    def __init__(self, channels: tuple[int, int, int] = (8, 24, 48), onset: bool = True, dilations: tuple[int, ...] = (1, 2, 4, 8)) -> None:
        super().__init__()
        c1, c2, c3 = channels
        self.channels = tuple(channels)
        self.has_onset = onset
        self.enc1 = _cbr(2, c1)  # 100 x 88
        self.enc2 = nn.Sequential(_cbr(c1, c2, stride=(2, 2)), _cbr(c2, c2))  # 50 x 44
        self.enc3 = _cbr(c2, c3, stride=(2, 2))  # 25 x 22
        self.mid = nn.Sequential(*[_TemporalRes(c3, d) for d in dilations])
        self.up2 = nn.ConvTranspose2d(c3, c2, 2, stride=2)
        self.dec2 = _cbr(2 * c2, c2)
        self.up1 = nn.ConvTranspose2d(c2, c1, 2, stride=2)
        self.dec1 = nn.Sequential(_cbr(2 * c1, c1), _cbr(c1, c1, k=(5, 1)))
        self.head = nn.Conv2d(c1, 2 if onset else 1, 1)
        self.skip_gain = nn.Parameter(torch.tensor(1.0))

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        lg = _logit(x)
        h = torch.stack([x, lg / 5.0], 1)
        e1 = self.enc1(h)
        e2 = self.enc2(e1)
        e3 = self.mid(self.enc3(e2))
        d2 = self.dec2(torch.cat([self.up2(e3), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        out = self.head(d1)
        res: dict[str, torch.Tensor] = {"frame": out[:, 0] + self.skip_gain * lg}
        if self.has_onset:
            res["onset"] = out[:, 1]
        return res


def build(arch: str, **kwargs: Any) -> nn.Module:
    if arch == "paper":
        return PaperGenerator(**kwargs)
    if arch == "light":
        return LightRefiner(**kwargs)
    raise ValueError(f"unknown Roll2Midi arch {arch!r}; expected 'paper' or 'light'")


def count_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())


def conv_macs(m: nn.Module, t: int = T_FRAMES, k: int = KEYS) -> int:
    """Multiply-accumulates of one window [1, t, k] through m (convs and transposed convs)."""
    total = 0

    def hook(mod: nn.Module, inp: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        assert isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d))
        kh, kw = mod.kernel_size
        if isinstance(mod, nn.Conv2d):
            total += out.numel() * (mod.in_channels // mod.groups) * kh * kw
        else:
            total += inp[0].numel() * (mod.out_channels // mod.groups) * kh * kw

    hs = [mm.register_forward_hook(hook) for mm in m.modules() if isinstance(mm, (nn.Conv2d, nn.ConvTranspose2d))]
    was = m.training
    m.eval()
    with torch.no_grad():
        m(torch.rand(1, t, k))
    m.train(was)
    for h in hs:
        h.remove()
    return total
