"""Drawing a top view of the keyboard and the hands on a canonical canvas.

Canvas coordinates: the keys region spans x in [0, W) (all 52 white keys, canonical geometry of ../geometry.py) and
rows [top, top + L) from the back of the keys to the white keys' front edge. Above it: the fallboard / piano body;
below it: the player's side (hands, forearms, lap). Strips and full frames are both cut or warped from this canvas.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import BLACK_LENGTH, all_key_spans
from .style import Style

SPANS = all_key_spans()
BLACK = np.array([s.black for s in SPANS])
XC = np.array([s.xc for s in SPANS])


@dataclass(frozen=True)
class Canvas:
    width: int  # keys width in px
    length: int  # white key length in px
    top: int  # rows of body above the keys
    bottom: int  # rows below the keys (player's side)

    @property
    def height(self) -> int:
        return self.top + self.length + self.bottom

    @staticmethod
    def at_scale(scale: float) -> "Canvas":
        L = int(round(100 * scale))
        return Canvas(width=int(round(900 * scale)), length=L, top=int(round(0.4 * L)), bottom=int(round(1.2 * L)))


def _mul(img: np.ndarray, f: float) -> np.ndarray:
    return np.clip(img.astype(np.float32) * f, 0, 255).astype(np.uint8)


def base_keyboard(cv: Canvas, st: Style) -> np.ndarray:
    """The unpressed keyboard with body above and floor below: uint8 [H, W, 3]."""
    img = np.empty((cv.height, cv.width, 3), np.uint8)
    img[:] = st.floor_rgb
    img[: cv.top] = st.body_rgb
    if st.felt:
        img[cv.top - max(2, cv.length // 25) : cv.top] = (120, 20, 25)
    y0, y1 = cv.top, cv.top + cv.length
    img[y0:y1] = st.white_rgb
    # a soft shading along the key length (keys are lit from the front)
    shade = np.linspace(0.9, 1.02, cv.length, dtype=np.float32)[:, None, None]
    img[y0:y1] = np.clip(img[y0:y1].astype(np.float32) * shade, 0, 255).astype(np.uint8)
    gap = max(1, cv.width // 600)
    for s in SPANS:
        if not s.black:
            x = int(round(s.x0 * cv.width))
            img[y0:y1, max(0, x - gap // 2) : x + (gap + 1) // 2] = st.gap_level
    # front edge of the white keys: a thin darker lip, then the key slip (body colour)
    lip = max(1, cv.length // 30)
    img[y1 - lip : y1] = _mul(img[y1 - lip : y1], 0.8)
    img[y1 : y1 + max(1, cv.length // 20)] = st.body_rgb
    for s in SPANS:
        if s.black:
            _draw_black(img, cv, st, s.x0, s.x1, pressed=False)
    return img


def _draw_black(img: np.ndarray, cv: Canvas, st: Style, x0f: float, x1f: float, *, pressed: bool) -> None:
    y0 = cv.top
    length = int(round(BLACK_LENGTH * cv.length * (0.95 if pressed else 1.0)))
    x0, x1 = int(round(x0f * cv.width)), int(round(x1f * cv.width))
    lvl = st.black_level
    img[y0 : y0 + length, x0:x1] = lvl
    # shadow the black key casts on the white keys in front of it
    sh = max(1, cv.length // 25)
    img[y0 + length : y0 + length + sh, x0:x1] = _mul(img[y0 + length : y0 + length + sh, x0:x1], 0.7)
    if not pressed:
        # lit bevel at the front and a faint highlight along the top
        hl = int(lvl + (120 - lvl) * st.black_highlight)
        bev = max(2, cv.length // 14)
        img[y0 + length - bev : y0 + length, x0:x1] = hl
        w = max(1, (x1 - x0) // 5)
        img[y0 : y0 + length - bev, x0 + w : x0 + 2 * w] = int(lvl + (hl - lvl) * 0.5)
    else:
        bev = max(1, cv.length // 30)
        img[y0 + length - bev : y0 + length, x0:x1] = int(lvl + 0.5 * (lvl + 20))


def press_keys(img: np.ndarray, cv: Canvas, st: Style, down: np.ndarray) -> None:
    """Draws the keys in `down` (bool [88]) pressed, in place."""
    y0, y1 = cv.top, cv.top + cv.length
    for k in np.flatnonzero(down):
        s = SPANS[k]
        if s.black:
            # the black key drops: its bevel highlight vanishes and it looks shorter
            x0, x1 = int(round(s.x0 * cv.width)), int(round(s.x1 * cv.width))
            img[y0 : y0 + int(BLACK_LENGTH * cv.length) + max(1, cv.length // 25), x0:x1] = _mul(
                img[y0 : y0 + int(BLACK_LENGTH * cv.length) + max(1, cv.length // 25), x0:x1], 1.0
            )
            _redraw_white_under(img, cv, st, s.x0, s.x1)
            _draw_black(img, cv, st, s.x0, s.x1, pressed=True)
        else:
            x0, x1 = int(round(s.x0 * cv.width)) + 1, int(round(s.x1 * cv.width))
            front = int(round(cv.length * 0.12))
            region = img[y0:y1, x0:x1].astype(np.float32)
            region *= 0.93
            ramp = np.linspace(1.0, 0.55, front, dtype=np.float32)[:, None, None]
            region[-front:] *= ramp
            img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)
            # the key slip shows in front of the lowered key
            img[y1 - max(1, cv.length // 40) : y1, x0:x1] = st.body_rgb
            # re-draw neighbouring black keys that overlap this white key
            for j in (k - 1, k + 1):
                if 0 <= j < 88 and SPANS[j].black:
                    _draw_black(img, cv, st, SPANS[j].x0, SPANS[j].x1, pressed=bool(down[j]))


def _redraw_white_under(img: np.ndarray, cv: Canvas, st: Style, x0f: float, x1f: float) -> None:
    y0 = cv.top
    x0, x1 = int(round(x0f * cv.width)), int(round(x1f * cv.width))
    n = int(BLACK_LENGTH * cv.length) + max(1, cv.length // 25)
    img[y0 : y0 + n, x0:x1] = st.white_rgb


# ----------------------------------------------------------------------------------------------------------------
# Hands


@dataclass
class HandPose:
    centre: float  # x of the hand centre in canvas px
    tips: np.ndarray  # [5, 2] fingertip (x, y) in canvas px; finger 0 = thumb
    right: bool


def hand_poses(
    cv: Canvas, st: Style, keydown: np.ndarray, hand_of_key: np.ndarray, rng: np.random.Generator
) -> list[list[HandPose]]:
    """Per frame, the two hands' poses. keydown: [T, 88] bool; hand_of_key: [T, 88] int (0 left, 1 right, -1 none)."""
    T = keydown.shape[0]
    wk = cv.width / 52.0
    spacing = 1.2 * wk * st.hand_scale
    xk = XC * cv.width
    out: list[list[HandPose]] = [[] for _ in range(T)]
    for hand in (0, 1):
        mask = keydown & (hand_of_key == hand)
        target = np.full(T, np.nan)
        for t in range(T):
            ks = np.flatnonzero(mask[t])
            if len(ks):
                target[t] = xk[ks].mean()
        idx = np.flatnonzero(~np.isnan(target))
        if len(idx) == 0:
            default = cv.width * (0.35 if hand == 0 else 0.62) + rng.normal(0, wk * 3)
            target[:] = default
        else:
            target = np.interp(np.arange(T), idx, target[idx])
        # smooth: hands glide between positions
        sm = np.copy(target)
        for t in range(1, T):
            sm[t] = 0.55 * sm[t - 1] + 0.45 * target[t]
        for t in range(T - 2, -1, -1):
            sm[t] = 0.5 * sm[t] + 0.5 * sm[t + 1]
        right = hand == 1
        order = np.arange(5) - 2 if right else 2 - np.arange(5)
        for t in range(T):
            c = float(sm[t])
            rest_x = c + order * spacing
            rest_y = cv.top + cv.length * (0.98 + np.array([0.25, 0.05, 0.0, 0.03, 0.12]))
            tips = np.stack([rest_x, rest_y], 1).astype(np.float64)
            tips[:, 0] += rng.normal(0, wk * 0.08, 5)
            ks = np.flatnonzero(mask[t])
            if len(ks):
                ks = ks[np.argsort(xk[ks])]
                if not right:
                    ks = ks[::-1]
                n = min(len(ks), 5)
                fingers = [0] if n == 1 else list(np.round(np.linspace(0, 4, n)).astype(int))
                if n == 1:
                    fingers = [int(np.argmin(np.abs(rest_x - xk[ks[0]])))]
                for f, k in zip(fingers, ks[:n]):
                    tips[f, 0] = xk[k]
                    tips[f, 1] = cv.top + cv.length * (0.5 if BLACK[k] else 0.8) + rng.normal(0, cv.length * 0.02)
            out[t].append(HandPose(c, tips, right))
    return out


def draw_hands(img: np.ndarray, cv: Canvas, st: Style, poses: list[HandPose]) -> None:
    wk = cv.width / 52.0
    thick = max(2, int(round(0.8 * wk * st.hand_scale)))
    skin = tuple(int(c) for c in st.skin_rgb)
    dark = tuple(int(c * 0.7) for c in st.skin_rgb)
    sleeve = tuple(int(c) for c in st.sleeve_rgb)
    # a soft shadow first: the hand silhouette, shifted and darkened
    shadow = np.zeros(img.shape[:2], np.uint8)
    for p in poses:
        _hand_shape(shadow, cv, p, 255, 255, 255, thick, wk)
    dx = int(round(st.light_dir * wk * 0.6))
    dy = -int(round(abs(st.light_dir) * wk * 0.4)) - 1
    shadow = np.roll(np.roll(shadow, dx, axis=1), dy, axis=0)
    m = (shadow > 0)[..., None]
    np.copyto(img, (img.astype(np.float32) * 0.72).astype(np.uint8), where=m)
    for p in poses:
        _hand_shape(img, cv, p, dark, skin, sleeve, thick, wk, st.sleeve_reach)


def _hand_shape(
    img: np.ndarray, cv: Canvas, p: HandPose, outline: object, fill: object, sleeve: object, thick: int, wk: float,
    sleeve_reach: float = 0.0,
) -> None:
    c = p.centre
    palm_y = cv.top + cv.length * 1.42
    knuckle_y = cv.top + cv.length * 1.12
    side = 1 if p.right else -1
    # forearm towards the player, a bit outward
    arm_x = c + side * wk * 1.5
    w_arm = int(wk * 4.2)
    pts = np.array(
        [[c - w_arm / 2, palm_y], [c + w_arm / 2, palm_y], [arm_x + w_arm / 2 + side * wk, img.shape[0] + 5], [arm_x - w_arm / 2 + side * wk, img.shape[0] + 5]],
        np.int32,
    )
    cv2.fillConvexPoly(img, pts, fill)  # type: ignore[call-overload]
    if sleeve_reach > 0:
        ys = palm_y + (img.shape[0] - palm_y) * (1 - sleeve_reach) + cv.length * 0.15
        sp = np.array([[pts[3][0] - 2, img.shape[0] + 5], [pts[2][0] + 2, img.shape[0] + 5], [pts[2][0] + 2, ys], [pts[3][0] - 2, ys]], np.int32)
        cv2.fillConvexPoly(img, sp, sleeve)  # type: ignore[call-overload]
    cv2.ellipse(img, (int(c), int(palm_y)), (int(wk * 2.6), int(cv.length * 0.38)), 0, 0, 360, fill, -1)  # type: ignore[call-overload]
    for f in range(5):
        tip = p.tips[f]
        kx = c + (f - 2 if p.right else 2 - f) * wk * 1.05
        ky = knuckle_y + (cv.length * 0.22 if f == 0 else 0)
        if f == 0:
            kx = c - side * wk * 2.2
        a, b = (int(kx), int(ky)), (int(tip[0]), int(tip[1]))
        w = thick + (2 if f == 0 else 0)
        cv2.line(img, a, b, outline, w + 2)  # type: ignore[call-overload]
        cv2.line(img, a, b, fill, w)  # type: ignore[call-overload]
