"""The camera: where the whole 88-key keyboard lands in the frame (4 corners -> a homography), and the locator's error.

Pixel convention (same as src/extractor/rectify.ts): continuous pixel coordinates, pixel (i, j) covers [i, i+1) x
[j, j+1), so its centre is (i + 0.5, j + 0.5). Corners are given in that convention, in the order back-left,
back-right, front-right, front-left, for the *full* keyboard (they lie outside the frame when it is cut).
Strip pixel (i, j) has its centre at u = (i + 0.5) / 900, v = (j + 0.5) / 100.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

STRIP_W, STRIP_H = 900, 100
FRAME_SIZES: list[tuple[int, int]] = [(640, 360), (854, 480), (1280, 720), (960, 540), (1920, 1080), (848, 480), (1280, 624)]
PHYS_ASPECT = 1222.0 / 150.0  # keyboard width / white key length (23.5 mm x 52 keys, 150 mm keys)


@dataclass(frozen=True)
class Camera:
    frame_w: int
    frame_h: int
    corners: np.ndarray  # [4, 2] float64: back-left, back-right, front-right, front-left (continuous px)
    rotation_deg: float
    cut: str  # "none" | "left" | "right" | "both"

    def to_json(self) -> dict[str, object]:
        return {
            "frameW": self.frame_w, "frameH": self.frame_h, "corners": [[float(x), float(y)] for x, y in self.corners],
            "rotationDeg": self.rotation_deg, "cut": self.cut,
        }

    @property
    def keyboard_px(self) -> float:
        """Width of the full keyboard in frame px (front edge)."""
        return float(np.linalg.norm(self.corners[2] - self.corners[3]))


def sample_camera(
    rng: np.random.Generator, *, size: tuple[int, int] | None = None, clean: bool = False, partial_prob: float = 0.3
) -> Camera:
    fw, fh = size if size is not None else FRAME_SIZES[int(rng.integers(len(FRAME_SIZES)))]
    partial = (not clean) and rng.random() < partial_prob
    if partial:
        frac = float(rng.uniform(0.3, 0.9))  # visible part of the keyboard width
        kf = fw / frac
        which = str(rng.choice(["left", "right", "both"]))
        if which == "left":  # low end cut off: the right end (C8) is in view
            x_left = fw - kf * (1.0 - 0.0) - float(rng.uniform(-0.02, 0.06)) * fw
            x_left = min(x_left, -0.02 * kf)
        elif which == "right":
            x_left = float(rng.uniform(-0.06, 0.02)) * fw
            x_left = max(x_left, fw - kf + 0.02 * kf)
        else:
            x_left = -float(rng.uniform(0.02, 1.0 - frac - 0.02)) * kf if frac < 0.94 else -0.01 * kf
        cx = x_left + kf / 2
        cut = which
    else:
        kf = fw * float(rng.uniform(0.88, 0.96) if clean else rng.uniform(0.62, 0.97))
        cx = fw / 2 + float(rng.uniform(-1, 1)) * (fw * 0.98 - kf) / 2
        cut = "none"
    lf = kf / PHYS_ASPECT * float(rng.uniform(0.95, 1.1) if clean else rng.uniform(0.75, 1.3))
    lf = min(lf, fh * 0.8)
    cy_lo, cy_hi = (0.6, 0.72) if clean else (0.45, 0.8)
    cy = fh * float(rng.uniform(cy_lo, cy_hi))
    cy = float(np.clip(cy, lf / 2 + 2, fh - lf / 2 - 2)) if lf < fh - 4 else fh / 2
    rot = float(rng.uniform(-1, 1) if clean else rng.uniform(-8, 8))
    persp_back = float(rng.uniform(0.96, 1.0) if clean else rng.uniform(0.88, 1.05))  # back edge shorter: seen from the front
    tilt = float(rng.uniform(-0.02, 0.02) if clean else rng.uniform(-0.08, 0.08))  # one end farther than the other
    half_w, half_l = kf / 2, lf / 2
    local = np.array(
        [
            [-half_w * persp_back, -half_l * (1 + tilt)],
            [half_w * persp_back, -half_l * (1 - tilt)],
            [half_w, half_l],
            [-half_w, half_l],
        ]
    )
    a = np.deg2rad(rot)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = local @ R.T + np.array([cx, cy])
    return Camera(fw, fh, corners, rot, cut)


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    return cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32)).astype(np.float64)


def to_opencv(h_cont: np.ndarray) -> np.ndarray:
    """A homography between continuous-pixel spaces -> the same between OpenCV's pixel-centre spaces."""
    a = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1.0]])
    b = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1.0]])
    return b @ h_cont @ a


STRIP_CORNERS = np.array([[0, 0], [STRIP_W, 0], [STRIP_W, STRIP_H], [0, STRIP_H]], np.float64)


def strip_to_frame(corners: np.ndarray) -> np.ndarray:
    """OpenCV homography mapping strip pixel centres to frame pixel positions (for WARP_INVERSE_MAP)."""
    return to_opencv(homography(STRIP_CORNERS, corners))


def jitter_corners(rng: np.random.Generator, cam: Camera, sigma_px: float | None = None) -> np.ndarray:
    """The corners as an imperfect locator finds them: a few px of error (scaled to the keyboard's size)."""
    if sigma_px is None:
        sigma_px = float(rng.uniform(0.5, 3.0)) * max(1.0, cam.keyboard_px / 900.0)
    return cam.corners + rng.normal(0, sigma_px, (4, 2))


def rectify(frame: np.ndarray, corners: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The 900x100 strip from a frame (or a crop of it whose top-left pixel is `origin` in the frame)."""
    c = corners - np.array(origin, np.float64)
    m = strip_to_frame(c)
    return cv2.warpPerspective(
        frame, m, (STRIP_W, STRIP_H), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT, borderValue=0,  # type: ignore[arg-type]
    )
