"""From canvas to the 100x900 strip the models see, with the camera's and the locator's imperfections."""

from __future__ import annotations

import cv2
import numpy as np

from .scene import Canvas
from .style import Style

STRIP_W, STRIP_H = 900, 100


def strip_affine(cv: Canvas, st: Style) -> np.ndarray:
    """2x3 matrix mapping strip pixels to canvas pixels, including the simulated locator error."""
    dx, dy, sx, sy, rot = st.jitter
    wk = cv.width / 52.0
    scale_x = cv.width / STRIP_W * (1 + sx)
    scale_y = cv.length / STRIP_H * (1 + sy)
    a = np.deg2rad(rot)
    ca, sa = np.cos(a), np.sin(a)
    # rotate about the strip centre
    m = np.array([[ca * scale_x, -sa * scale_y], [sa * scale_x, ca * scale_y]])
    centre_s = np.array([STRIP_W / 2, STRIP_H / 2])
    centre_c = np.array([cv.width / 2 + dx * wk, cv.top + cv.length / 2 + dy * cv.length])
    t = centre_c - m @ centre_s
    return np.hstack([m, t[:, None]]).astype(np.float32)


def light_field(st: Style) -> np.ndarray:
    x = np.linspace(-1, 1, STRIP_W, dtype=np.float32)
    return (1 + st.light_slope * x)[None, :]


def to_strip(canvas_rgb: np.ndarray, cv: Canvas, st: Style, affine: np.ndarray, light: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    gray = cv2.cvtColor(canvas_rgb, cv2.COLOR_RGB2GRAY)
    s = cv2.warpAffine(gray, affine, (STRIP_W, STRIP_H), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_REPLICATE)
    if st.resolution < 0.98:
        w, h = max(8, int(STRIP_W * st.resolution)), max(4, int(STRIP_H * st.resolution))
        s = cv2.resize(cv2.resize(s, (w, h), interpolation=cv2.INTER_AREA), (STRIP_W, STRIP_H), interpolation=cv2.INTER_LINEAR)
    if st.motion_blur:
        k = np.zeros((1, st.motion_blur), np.float32) + 1.0 / st.motion_blur
        s = cv2.filter2D(s, -1, k)
    f = s.astype(np.float32) / 255.0
    f = np.power(np.clip(f * light, 0, 1), st.gamma)
    f = (f - 0.5) * st.contrast + 0.5
    f = f * st.gain
    if st.noise_sigma > 0:
        f += rng.normal(0, st.noise_sigma / 255.0, f.shape).astype(np.float32)
    s = np.clip(f * 255 + 0.5, 0, 255).astype(np.uint8)
    if st.jpeg_quality < 95:
        ok, buf = cv2.imencode(".jpg", s, [cv2.IMWRITE_JPEG_QUALITY, st.jpeg_quality])
        if ok:
            s = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    u0, u1 = st.visible_u
    if u0 > 0 or u1 < 1:
        s[:, : int(round(u0 * STRIP_W))] = 0
        s[:, int(round(u1 * STRIP_W)) :] = 0
    return s
