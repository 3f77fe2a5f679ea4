"""Video2Roll data: rendered clips (render/dataset.py npz shards) -> 5-frame windows, labels, balanced sampling, augmentation.

Window for frame t: strips[t-2..t+2] stacked as channels, indices clipped to the clip (edge frames repeat the nearest
frame), float32 = gray / 255. Label: keydown[t] (88 keys, key k = MIDI 21 + k).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import cv2
import numpy as np
import torch

from ..geometry import PIANO_KEYS, all_key_spans

FRAMES = 5
HALF = FRAMES // 2


@dataclass
class Clip:
    strips: np.ndarray  # uint8 [T, 100, 900]
    keydown: np.ndarray  # uint8 [T, 88]


def load_split(split_dir: Path, max_clips: int | None = None) -> list[Clip]:
    files = sorted(split_dir.glob("clip-*.npz"))
    if max_clips is not None:
        files = files[:max_clips]
    if not files:
        raise FileNotFoundError(f"no clip-*.npz in {split_dir}; expected shards written by audeo_training.render.dataset")
    out = []
    for f in files:
        try:
            with np.load(f) as z:
                out.append(Clip(strips=z["strips"], keydown=z["keydown"]))
        except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile):
            continue  # a shard still being written by the renderer: picked up on the next reload
    if not out:
        raise FileNotFoundError(f"no readable clip-*.npz in {split_dir}")
    return out


def manifest_summary(split_dir: Path) -> dict[str, Any]:
    p = split_dir / "manifest.json"
    if not p.exists():
        return {"dir": str(split_dir), "manifest": None}
    m = json.loads(p.read_text())
    return {
        "dir": str(split_dir),
        "split": m.get("split"),
        "seed": m.get("seed"),
        "clips": len(m.get("clips", [])),
        "frames": m.get("frames"),
        "seconds": m.get("seconds"),
        "commit": m.get("commit"),
    }


def window_indices(t: int, frames: int) -> np.ndarray:
    return np.clip(np.arange(t - HALF, t + HALF + 1), 0, frames - 1)


def window(strips: np.ndarray, t: int) -> np.ndarray:
    """uint8 [5, H, W] for the middle frame t (edge frames repeated)."""
    return strips[window_indices(t, len(strips))]


def clip_windows(strips: np.ndarray) -> np.ndarray:
    """uint8 [T, 5, H, W]: every frame's window (a view-free copy; fine for an 8-s clip)."""
    t = len(strips)
    idx = np.clip(np.arange(t)[:, None] + np.arange(-HALF, HALF + 1)[None, :], 0, t - 1)
    return strips[idx]


class BalancedSampler:
    """Draws (clip, frame) pairs. With probability `balanced` the paper's class-balanced draw (pick a key or
    "silence" uniformly among the classes present, then a frame that has it); otherwise a uniform frame.

    The pure paper sampler over-draws the few frames of rare keys (A0, C8) hundreds of times; mixing in uniform frames
    (balanced=0.5 by default) keeps the frame prior closer to real music while still showing every key often.
    """

    def __init__(self, clips: list[Clip], rng: np.random.Generator, balanced: float = 0.5) -> None:
        self.rng = rng
        self.balanced = balanced
        self.offsets = np.cumsum([0] + [len(c.keydown) for c in clips])
        allkd = np.concatenate([c.keydown for c in clips], axis=0).astype(bool)  # [N, 88]
        self.total = len(allkd)
        classes = [np.flatnonzero(allkd[:, k]) for k in range(PIANO_KEYS)]
        classes.append(np.flatnonzero(~allkd.any(axis=1)))
        self.classes = [c for c in classes if len(c) > 0]

    def _locate(self, flat: int) -> tuple[int, int]:
        ci = int(np.searchsorted(self.offsets, flat, side="right") - 1)
        return ci, int(flat - self.offsets[ci])

    def draw(self) -> tuple[int, int]:
        if self.rng.random() < self.balanced:
            c = self.classes[int(self.rng.integers(len(self.classes)))]
            flat = int(c[int(self.rng.integers(len(c)))])
        else:
            flat = int(self.rng.integers(self.total))
        return self._locate(flat)


@dataclass
class AugmentConfig:
    shift: float = 0.01  # x shift, fraction of the width (locator error)
    scale: float = 0.01  # x scale about the centre
    yshift: float = 0.03  # y shift, fraction of the height
    brightness: float = 0.15
    contrast: float = 0.25
    gamma: float = 0.3  # log-uniform in [1/(1+g), 1+g]
    noise: float = 6.0  # max Gaussian sigma, in gray levels
    blur_p: float = 0.3


_NOISE_BANK: np.ndarray | None = None


def _noise(rng: np.random.Generator, n: int) -> np.ndarray:
    """n standard-normal floats, a random slice of a fixed bank (drawing fresh noise per sample was the bottleneck)."""
    global _NOISE_BANK
    if _NOISE_BANK is None:
        _NOISE_BANK = np.random.default_rng(12345).standard_normal(4 * n + 1, dtype=np.float32)
    o = int(rng.integers(len(_NOISE_BANK) - n))
    return _NOISE_BANK[o : o + n]


def augment(win: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    """uint8 [5, H, W] -> float32 [5, H, W] in [0, 1]; the same geometric and photometric change on all 5 frames."""
    _, h, w = win.shape
    s = 1 + rng.uniform(-cfg.scale, cfg.scale)
    dx = rng.uniform(-cfg.shift, cfg.shift) * w
    dy = rng.uniform(-cfg.yshift, cfg.yshift) * h
    m = np.array([[s, 0, (1 - s) * w / 2 + dx], [0, 1, dy]], np.float32)
    blur = rng.random() < cfg.blur_p
    k = int(rng.choice([3, 5])) if blur else 0
    ky = 1 if rng.random() < 0.5 else k
    out = np.empty(win.shape, np.uint8)
    for i in range(len(win)):
        f = cv2.warpAffine(win[i], m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        out[i] = cv2.GaussianBlur(f, (k, ky), 0) if blur else f
    # gamma, contrast, brightness as one 256-entry table
    g = float(np.exp(rng.uniform(-np.log1p(cfg.gamma), np.log1p(cfg.gamma))))
    c = 1 + rng.uniform(-cfg.contrast, cfg.contrast)
    b = rng.uniform(-cfg.brightness, cfg.brightness)
    lut = np.clip(((np.arange(256) / 255.0) ** g - 0.5) * c + 0.5 + b, 0, 1)
    lut8 = np.round(lut * 255).astype(np.uint8)
    out = cv2.LUT(out.reshape(-1, w), lut8).reshape(win.shape)
    f32 = out.astype(np.float32) * (1.0 / 255.0)
    sigma = rng.uniform(0, cfg.noise) / 255.0
    if sigma > 0:
        f32 += sigma * _noise(rng, f32.size).reshape(f32.shape)
        np.clip(f32, 0, 1, out=f32)
    return f32


def batch(
    clips: list[Clip], sampler: BalancedSampler, size: int, rng: np.random.Generator, aug: AugmentConfig | None,
    visible: list[np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x float32 [size, 5, H, W], y float32 [size, 88], loss weights float32 [size, 88] (1 everywhere, or each clip's
    `visible` keys: a key outside a cut keyboard's picture teaches nothing but guessing)."""
    xs, ys, ws = [], [], []
    for _ in range(size):
        ci, t = sampler.draw()
        c = clips[ci]
        win = window(c.strips, t)
        xs.append(augment(win, rng, aug) if aug is not None else win.astype(np.float32) / 255.0)
        ys.append(c.keydown[t].astype(np.float32))
        ws.append(visible[ci].astype(np.float32) if visible is not None else np.ones(c.keydown.shape[1], np.float32))
    return np.stack(xs), np.stack(ys), np.stack(ws)


class BatchStream(torch.utils.data.IterableDataset):  # type: ignore[type-arg]
    """Endless training batches (x, y, w as `batch` makes them) for a DataLoader with worker processes, each drawing
    with its own generator seeded by (seed, worker id): augmentation off the training loop's thread (a GPU outruns one
    numpy thread: ~150-300 samples/s per core). Workers fork, so the clips are shared copy-on-write."""

    def __init__(self, clips: list[Clip], size: int, seed: int, balanced: float, aug: AugmentConfig | None, visible: list[np.ndarray] | None) -> None:
        super().__init__()
        self.clips, self.size, self.seed, self.balanced, self.aug, self.visible = clips, size, seed, balanced, aug, visible

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        info = torch.utils.data.get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info is not None else 0])
        sampler = BalancedSampler(self.clips, rng, self.balanced)
        while True:
            yield batch(self.clips, sampler, self.size, rng, self.aug, self.visible)


def visible_keys(strips: np.ndarray) -> np.ndarray:
    """bool [88]: keys the camera sees in a clip (a cut keyboard's strip is exactly 0 outside the view; a key counts
    as visible when under half of its column span in the middle frame is that black)."""
    s = strips[len(strips) // 2]
    vis = np.zeros(len(all_key_spans()), bool)
    for k, sp in enumerate(all_key_spans()):
        a = int(sp.x0 * s.shape[1])
        b = max(a + 1, int(sp.x1 * s.shape[1]))
        vis[k] = float((s[:, a:b] == 0).mean()) < 0.5
    return vis
