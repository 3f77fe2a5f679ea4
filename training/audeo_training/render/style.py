"""Domain randomisation: one Style per clip, drawn from a seeded generator."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Style:
    body_rgb: tuple[int, int, int]  # piano body / fallboard colour
    felt: bool  # red felt strip at the back of the keys (grand pianos)
    white_rgb: tuple[int, int, int]
    black_level: int  # 10..60
    black_highlight: float  # 0..1: light reflected on black keys' tops
    gap_level: int  # white-key gap darkness
    skin_rgb: tuple[int, int, int]
    sleeve_rgb: tuple[int, int, int]
    sleeve_reach: float  # how far the sleeve comes up the forearm, 0..1
    floor_rgb: tuple[int, int, int]  # what is in front of the keys (lap, floor)
    hand_scale: float
    gain: float  # brightness
    contrast: float
    gamma: float
    light_slope: float  # lighting gradient across the keyboard
    light_dir: float  # shadow offset direction
    noise_sigma: float
    resolution: float  # camera resolution relative to the strip (down/up-sample factor)
    motion_blur: int  # 0 = none, else kernel size
    jpeg_quality: int
    visible_u: tuple[float, float]  # part of the keyboard in view (partial keyboards)
    jitter: tuple[float, float, float, float, float]  # locator error: dx (white keys), dy, sx, sy, rot (deg)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _rgb(rng: np.random.Generator, base: tuple[int, int, int], spread: int) -> tuple[int, int, int]:
    v = np.clip(np.array(base) + rng.integers(-spread, spread + 1, 3), 0, 255)
    return (int(v[0]), int(v[1]), int(v[2]))


SKINS = [(236, 200, 170), (224, 172, 135), (198, 134, 98), (141, 85, 55), (95, 60, 40), (250, 215, 190)]
BODIES = [(15, 15, 18), (30, 28, 28), (90, 55, 30), (60, 35, 20), (200, 200, 200), (50, 50, 55)]


def sample_style(rng: np.random.Generator, *, clean: bool = False) -> Style:
    body = BODIES[int(rng.integers(len(BODIES)))]
    partial = (not clean) and rng.random() < 0.35
    if partial:
        width = rng.uniform(0.3, 0.85)
        u0 = rng.uniform(0.0, 1.0 - width)
        visible = (float(u0), float(u0 + width))
    else:
        visible = (0.0, 1.0)
    j = 0.0 if clean else 1.0
    return Style(
        body_rgb=_rgb(rng, body, 12),
        felt=bool(rng.random() < 0.4),
        white_rgb=_rgb(rng, (238, 236, 228), 14),
        black_level=int(rng.integers(8, 55)),
        black_highlight=float(rng.uniform(0.1, 0.9)),
        gap_level=int(rng.integers(40, 150)),
        skin_rgb=_rgb(rng, SKINS[int(rng.integers(len(SKINS)))], 15),
        sleeve_rgb=_rgb(rng, tuple(int(x) for x in rng.integers(0, 256, 3)), 0),  # type: ignore[arg-type]
        sleeve_reach=float(rng.uniform(0.0, 1.0)),
        floor_rgb=_rgb(rng, tuple(int(x) for x in rng.integers(20, 200, 3)), 0),  # type: ignore[arg-type]
        hand_scale=float(rng.uniform(0.9, 1.12)),
        gain=float(rng.uniform(0.75, 1.15)) if not clean else 1.0,
        contrast=float(rng.uniform(0.75, 1.2)) if not clean else 1.0,
        gamma=float(rng.uniform(0.8, 1.25)) if not clean else 1.0,
        light_slope=float(rng.uniform(-0.25, 0.25)) * j,
        light_dir=float(rng.uniform(-1, 1)),
        noise_sigma=float(rng.uniform(0, 7)) * j,
        resolution=float(rng.uniform(0.35, 1.0)) if not clean else 0.8,
        motion_blur=int(rng.choice([0, 0, 0, 3, 5])) if not clean else 0,
        jpeg_quality=int(rng.integers(25, 96)) if not clean else 90,
        visible_u=visible,
        jitter=(
            float(rng.normal(0, 0.25)) * j,
            float(rng.normal(0, 0.03)) * j,
            float(rng.normal(0, 0.012)) * j,
            float(rng.normal(0, 0.05)) * j,
            float(rng.normal(0, 0.4)) * j,
        ),
    )
