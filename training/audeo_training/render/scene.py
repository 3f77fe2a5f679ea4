"""Drawing the piano seen from above, and the hands, on a canonical canvas (the keyboard's own plane).

Canvas coordinates (OpenCV pixel centres): the keys span x in [side, side + width) (the 52 white keys, canonical
geometry of ../geometry.py) and rows [top, top + length) from the back of the keys to the white keys' front edge.
Above: fallboard / piano body; left and right: the cheeks; below: key slip, then the player's side (lap, floor).
The camera warps this canvas into the frame (camera.py); hands are drawn on it too (they are roughly in that plane,
seen from above). Works on RGB (H, W, 3) or gray (H, W) images: colours go through `Ink`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import cv2
import numpy as np

from ..geometry import BLACK_LENGTH, all_key_spans
from .camera import PHYS_ASPECT
from .style import RGB, Style, luma

SPANS = all_key_spans()
BLACK = np.array([s.black for s in SPANS])
XC = np.array([s.xc for s in SPANS])
X0 = np.array([s.x0 for s in SPANS])
X1 = np.array([s.x1 for s in SPANS])


class Ink:
    """Colour conversion for the image mode: RGB tuples, or gray scalars (ITU-R 601 luma, as cv2's RGB2GRAY)."""

    def __init__(self, gray: bool) -> None:
        self.gray = gray

    def __call__(self, rgb: tuple[float, float, float] | RGB, f: float = 1.0) -> tuple[float, ...] | float:
        r, g, b = (min(255.0, max(0.0, c * f)) for c in rgb)
        if self.gray:
            return float(luma((r, g, b)))
        return (r, g, b)


@dataclass(frozen=True)
class Canvas:
    width: int  # keys width in px
    length: int  # white key length in px
    side: int  # px left and right of the keys (cheeks)
    top: int  # rows above the keys
    bottom: int  # rows below the keys' front edge

    @property
    def height(self) -> int:
        return self.top + self.length + self.bottom

    @property
    def full_width(self) -> int:
        return self.width + 2 * self.side

    @property
    def wk(self) -> float:
        return self.width / 52.0

    @staticmethod
    def for_width(width: int, key_aspect: float = 1.0) -> "Canvas":
        length = int(round(width / PHYS_ASPECT * key_aspect))
        return Canvas(width=width, length=length, side=int(round(0.05 * width)), top=int(round(1.3 * length)), bottom=int(round(3.6 * length)))

    def key_corners(self) -> np.ndarray:
        """The keys' rectangle in continuous canvas px: back-left, back-right, front-right, front-left."""
        x0, x1, y0, y1 = self.side, self.side + self.width, self.top, self.top + self.length
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)

    def kx(self, u: float | np.ndarray) -> np.ndarray:
        """Canvas x (continuous) of keyboard coordinate u in [0, 1]."""
        return self.side + np.asarray(u, np.float64) * self.width


def _mul(img: np.ndarray, f: float | np.ndarray) -> np.ndarray:
    return np.clip(img.astype(np.float32) * f, 0, 255).astype(np.uint8)


def base_keyboard(cv: Canvas, st: Style, gray: bool) -> np.ndarray:
    """The unpressed piano (no hands): uint8 [H, W, 3] or [H, W]."""
    ink = Ink(gray)
    shape = (cv.height, cv.full_width) if gray else (cv.height, cv.full_width, 3)
    img = np.empty(shape, np.uint8)
    L, W = cv.length, cv.full_width
    y0, y1 = cv.top, cv.top + L
    # floor, lap in the middle
    img[:] = ink(st.floor_rgb)
    lap_w = int(0.42 * cv.width)
    cv2.ellipse(img, (W // 2, y1 + int(3.8 * L)), (lap_w // 2, int(2.6 * L)), 0, 0, 360, ink(st.lap_rgb), -1)  # type: ignore[call-overload]
    # body above the keys
    img[:y1 + int(0.08 * L)] = ink(st.body_rgb)
    if st.piano == "digital":
        # control panel strip, a little lighter, well behind the keys
        img[int(0.15 * L) : int(0.55 * L), cv.side : cv.side + cv.width] = ink(st.body_rgb, 1.35)
    elif st.piano == "grand":
        # glossy fallboard: a faint blurred reflection of the keys
        refl_h = int(0.5 * L)
        img[y0 - refl_h : y0, cv.side : cv.side + cv.width] = ink(st.fallboard_rgb)
    else:  # upright: the fallboard stands up, seen as a band; music desk edge above
        img[y0 - int(0.9 * L) : y0 - int(0.75 * L), :] = ink(st.body_rgb, 1.25)
    img[y0 - int(0.35 * L) : y0, cv.side : cv.side + cv.width] = ink(st.fallboard_rgb)
    if st.felt:
        img[y0 - max(2, L // 22) : y0, cv.side : cv.side + cv.width] = ink(st.felt_rgb)
    # white keys: a soft gradient along their length (lit from the front/above)
    keys = np.empty((L, cv.width) if gray else (L, cv.width, 3), np.float32)
    keys[:] = ink(st.white_rgb)
    shade = np.linspace(0.9, 1.0, L, dtype=np.float32)
    keys *= shade[:, None] if gray else shade[:, None, None]
    img[y0:y1, cv.side : cv.side + cv.width] = np.clip(keys, 0, 255).astype(np.uint8)
    gap = max(1.0, cv.wk * 0.07)
    gap_col = ink(st.white_rgb, 1.0 - st.gap_level)
    for s in SPANS:
        if not s.black and s.x0 > 0:
            x = cv.kx(s.x0)
            _vband(img, y0, y1, x - gap / 2, x + gap / 2, gap_col)
    # front lip of the white keys, then the key slip (body colour)
    lip = max(1, L // 28)
    img[y1 - lip : y1, cv.side : cv.side + cv.width] = _mul(img[y1 - lip : y1, cv.side : cv.side + cv.width], 0.82)
    for s in SPANS:
        if s.black:
            draw_black(img, cv, st, ink, s.x0, s.x1, pressed=False)
    return img


def _vband(img: np.ndarray, y0: int, y1: int, xa: float, xb: float, col: object) -> None:
    """A vertical band [xa, xb) (continuous px), anti-aliased at its two edges."""
    ia, ib = int(np.floor(xa)), int(np.floor(xb))
    if ib <= ia:
        fa = xb - xa
        _blend_col(img, y0, y1, ia, fa, col)
        return
    _blend_col(img, y0, y1, ia, 1 - (xa - ia), col)
    if ib > ia + 1:
        img[y0:y1, ia + 1 : ib] = col
    _blend_col(img, y0, y1, ib, xb - ib, col)


def _blend_col(img: np.ndarray, y0: int, y1: int, x: int, f: float, col: object) -> None:
    if f <= 0 or x < 0 or x >= img.shape[1]:
        return
    c = np.asarray(col, np.float32)
    img[y0:y1, x] = np.clip(img[y0:y1, x].astype(np.float32) * (1 - f) + c * f, 0, 255).astype(np.uint8)


def draw_black(img: np.ndarray, cv: Canvas, st: Style, ink: Ink, x0f: float, x1f: float, *, pressed: bool) -> None:
    L = cv.length
    y0 = cv.top
    length = BLACK_LENGTH * L * (0.96 if pressed else 1.0)
    xa, xb = float(cv.kx(x0f)), float(cv.kx(x1f))
    # shadow the black key casts on the white keys in front of it, and along its sides
    sh = max(1, int(L * (0.02 if pressed else 0.035)))
    yb = int(round(y0 + length))
    img[yb : yb + sh, int(xa) : int(np.ceil(xb))] = _mul(img[yb : yb + sh, int(xa) : int(np.ceil(xb))], 0.72)
    body = ink(st.black_rgb, 0.8 if pressed else 1.0)
    _vband(img, y0, yb, xa, xb, body)
    hl = st.black_highlight * (0.35 if pressed else 1.0)
    top_col = ink(tuple(c + (150 - c) * hl for c in st.black_rgb))  # type: ignore[arg-type]
    if not pressed:
        # lit bevel at the front, and the key's top surface a bit lighter in its middle
        bev = max(2, int(L * 0.07))
        _vband(img, yb - bev, yb, xa, xb, top_col)
        w = (xb - xa)
        mid_col = ink(tuple(c + (150 - c) * hl * 0.45 for c in st.black_rgb))  # type: ignore[arg-type]
        _vband(img, y0 + int(0.05 * L), yb - bev, xa + 0.2 * w, xb - 0.2 * w, mid_col)
    else:
        bev = max(1, int(L * 0.025))
        _vband(img, yb - bev, yb, xa, xb, top_col)


def press_keys(img: np.ndarray, cv: Canvas, st: Style, ink: Ink, down: np.ndarray, base: np.ndarray) -> None:
    """Draws the keys in `down` (bool [88]) pressed, in place (img starts as a copy of `base`)."""
    L = cv.length
    y0, y1 = cv.top, cv.top + L
    ks = np.flatnonzero(down)
    if len(ks) == 0:
        return
    redraw_black: set[int] = set()
    for k in ks:
        if BLACK[k]:
            redraw_black.add(int(k))
            continue
        xa, xb = int(np.ceil(cv.kx(X0[k]))), int(np.floor(cv.kx(X1[k])))
        xa, xb = xa + 1, max(xa + 2, xb)
        region = img[y0:y1, xa:xb].astype(np.float32)
        region *= 0.94
        front = max(2, int(round(L * 0.14)))
        ramp = np.linspace(1.0, 0.6, front, dtype=np.float32)
        region[-front:] *= ramp[:, None] if img.ndim == 2 else ramp[:, None, None]
        img[y0:y1, xa:xb] = np.clip(region, 0, 255).astype(np.uint8)
        # the sides of the neighbours show: darker gap lines
        img[y0:y1, xa - 1 : xa] = _mul(img[y0:y1, xa - 1 : xa], 0.6)
        img[y0:y1, xb : xb + 1] = _mul(img[y0:y1, xb : xb + 1], 0.75)
        # the key slip shows in front of the lowered key
        img[y1 - max(1, L // 30) : y1, xa:xb] = ink(st.body_rgb)
        for j in (k - 1, k + 1):
            if 0 <= j < 88 and BLACK[j]:
                redraw_black.add(int(j))
    for j in sorted(redraw_black):
        if down[j]:
            # restore what is under the black key (white keys + shadow region) before drawing it lowered
            xa, xb = int(np.floor(cv.kx(X0[j]))), int(np.ceil(cv.kx(X1[j]))) + 1
            n = int(BLACK_LENGTH * L) + max(2, int(L * 0.04))
            keep = img[y0 : y0 + n, xa:xb].copy()
            img[y0 : y0 + n, xa:xb] = base[y0 : y0 + n, xa:xb]
            # keep the darkening of pressed white neighbours (their pixels differ from base outside the key)
            mask = np.zeros(keep.shape[:2], bool)
            bx0, bx1 = cv.kx(X0[j]) - xa, cv.kx(X1[j]) - xa
            mask[:, max(0, int(bx0) - 1) : int(np.ceil(bx1)) + 1] = True
            img[y0 : y0 + n, xa:xb][~mask] = keep[~mask]
        draw_black(img, cv, st, ink, float(X0[j]), float(X1[j]), pressed=bool(down[j]))


# ----------------------------------------------------------------------------------------------------------------
# Hands


@dataclass
class HandPose:
    centre: float  # canvas x of the hand centre (knuckle line middle)
    tips: np.ndarray  # [5, 2] fingertip (x, y) canvas px; finger 0 = thumb
    pressing: np.ndarray  # [5] bool
    right: bool


def _kspace(cv: Canvas, st: Style) -> float:
    """Distance between neighbouring knuckles in canvas px (the hand is above the keys: nearer the camera)."""
    return 0.98 * cv.wk * st.hand_scale


def _rest_offsets(right: bool, spacing: float) -> np.ndarray:
    """x offsets of the fingertips' rest positions from the hand centre (thumb .. little finger)."""
    o = np.array([-2.2, -1.2, -0.1, 0.95, 1.95]) * spacing
    return o if right else -o


def _assign(xs: np.ndarray, rest: np.ndarray) -> list[int]:
    """Order-preserving finger choice for keys at xs (sorted thumb->little side), minimising squared distance."""
    n = min(len(xs), 5)
    best: tuple[float, tuple[int, ...]] = (float("inf"), tuple(range(n)))
    for combo in combinations(range(5), n):
        cost = float(((rest[list(combo)] - xs[:n]) ** 2).sum())
        if cost < best[0]:
            best = (cost, combo)
    return list(best[1])


def hand_poses(
    cv: Canvas, st: Style, keydown: np.ndarray, hand_of_key: np.ndarray, rng: np.random.Generator
) -> list[list[HandPose]]:
    """Per frame, both hands' poses. keydown: [T, 88] bool; hand_of_key: [T, 88] int8 (0 left, 1 right, -1 none).

    The hand centre follows the mean of its pressed keys (held between notes, smoothed both ways so the hand
    anticipates), clamped so every pressed key stays within the fingers' reach; each pressed key gets the finger
    whose rest position is nearest (order-preserving), whose tip then rests on the key's front part (black keys:
    further back). Other fingers hover over the keys near their rest positions."""
    T = keydown.shape[0]
    ks_ = _kspace(cv, st)
    xk = cv.kx(XC)
    L = cv.length
    out: list[list[HandPose]] = [[] for _ in range(T)]
    for hand in (0, 1):
        right = hand == 1
        mask = keydown & (hand_of_key == hand)
        target = np.full(T, np.nan)
        lo = np.full(T, -np.inf)
        hi = np.full(T, np.inf)
        rest = _rest_offsets(right, ks_)
        for t in range(T):
            ks = np.flatnonzero(mask[t])
            if len(ks):
                x = xk[ks]
                target[t] = 0.5 * (x.min() + x.max())
                # centre such that the extreme keys are at most ~1 knuckle beyond the outer fingers' rest
                lo[t] = x.max() - (rest.max() + 1.2 * ks_)
                hi[t] = x.min() - (rest.min() - 1.2 * ks_)
        idx = np.flatnonzero(~np.isnan(target))
        if len(idx) == 0:
            target[:] = cv.kx(0.36 if hand == 0 else 0.6) + rng.normal(0, ks_ * 4)
        else:
            target = np.interp(np.arange(T), idx, target[idx])
        sm = np.copy(target)
        for t in range(1, T):
            sm[t] = 0.45 * sm[t - 1] + 0.55 * target[t]
        for t in range(T - 2, -1, -1):
            sm[t] = 0.45 * sm[t + 1] + 0.55 * sm[t]
        sm = np.where(lo <= hi, np.clip(sm, np.minimum(lo, hi), np.maximum(lo, hi)), sm)
        base_y = cv.top + L * np.array([0.88, 0.68, 0.64, 0.67, 0.74])
        wobble = rng.normal(0, 0.03, 5) * L
        drift = rng.normal(0, 1, (T, 5)).cumsum(0)
        drift = (drift - drift.mean(0)) / (np.abs(drift).max() + 1e-6) * 0.03 * L
        for t in range(T):
            c = float(sm[t])
            tips = np.stack([c + rest, base_y + wobble + drift[t]], 1).astype(np.float64)
            pressing = np.zeros(5, bool)
            ks = np.flatnonzero(mask[t])
            if len(ks):
                order = np.argsort(xk[ks]) if right else np.argsort(-xk[ks])
                ks = ks[order][:5]
                fingers = _assign(xk[ks], c + rest)
                for f, k in zip(fingers, ks):
                    if abs(xk[k] - (c + rest[f])) > 2.6 * ks_:
                        continue  # out of reach (a hand-split error or a huge stretch): no finger on it
                    tips[f, 0] = xk[k]
                    depth = 0.46 if BLACK[k] else (0.64 if f > 0 else 0.82)
                    tips[f, 1] = cv.top + L * depth
                    pressing[f] = True
                # idle fingers make room: keep them between their pressing neighbours
                for f in range(5):
                    if not pressing[f]:
                        left = [g for g in range(f) if pressing[g]]
                        rgt = [g for g in range(f + 1, 5) if pressing[g]]
                        x = tips[f, 0]
                        sgn = 1.0 if right else -1.0
                        if left:
                            x = sgn * max(sgn * x, sgn * tips[left[-1], 0] + 0.8 * ks_)
                        if rgt:
                            x = sgn * min(sgn * x, sgn * tips[rgt[0], 0] - 0.8 * ks_)
                        tips[f, 0] = x
            out[t].append(HandPose(c, tips, pressing, right))
        _anticipate([frame[hand] for frame in out], L)
    return out


def _anticipate(poses: list[HandPose], length: int) -> None:
    """A finger reaches its key before pressing it and lingers after the release (over 2 frames each way), so a
    finger over a key is not by itself the sign of a key down."""
    T = len(poses)
    for f in range(5):
        for t in range(T):
            if not poses[t].pressing[f]:
                continue
            if t > 0 and not poses[t - 1].pressing[f]:
                for d, w in ((1, 0.75), (2, 0.4)):
                    if t - d >= 0 and not poses[t - d].pressing[f]:
                        p = poses[t - d]
                        p.tips[f] = (1 - w) * p.tips[f] + w * (poses[t].tips[f] + [0.0, 0.05 * length])
            if t + 1 < T and not poses[t + 1].pressing[f]:
                p = poses[t + 1]
                p.tips[f] = 0.5 * p.tips[f] + 0.5 * (poses[t].tips[f] + [0.0, 0.04 * length])


def _hand_geometry(cv: Canvas, st: Style, p: HandPose) -> dict[str, np.ndarray]:
    L = cv.length
    ks = _kspace(cv, st)
    side = 1.0 if p.right else -1.0
    c = p.centre
    y_front = cv.top + L
    kx = c + side * np.array([-2.0, -1.3, -0.35, 0.6, 1.5]) * ks
    ky = y_front + np.array([0.42, -0.1, -0.14, -0.11, -0.03]) * L
    knuckles = np.stack([kx, ky], 1)
    # knuckles lean a little towards where the fingers go
    knuckles[1:, 0] += 0.25 * (p.tips[1:, 0] - kx[1:]).clip(-ks, ks)
    wrist_c = np.array([c + side * 0.35 * ks, y_front + 0.7 * L])
    shoulder = np.array([cv.kx(0.5) + side * 0.17 * cv.width, y_front + 6.0 * L])
    d = shoulder - wrist_c
    d /= np.linalg.norm(d)
    n = np.array([-d[1], d[0]])
    ww = 1.3 * ks
    elbow = wrist_c + d * 4.5 * L
    palm_pts = np.array(
        [
            knuckles[1] + [-side * 0.5 * ks, -0.04 * L], knuckles[2] + [0, -0.06 * L], knuckles[3] + [0, -0.05 * L],
            knuckles[4] + [side * 0.5 * ks, 0.0], knuckles[4] + [side * 0.55 * ks, 0.3 * L],
            knuckles[0] + [-side * 0.35 * ks, 0.1 * L], knuckles[0] + [side * 0.3 * ks, -0.25 * L],
            wrist_c + n * ww, wrist_c - n * ww,
        ]
    )
    palm = cv2.convexHull(palm_pts.astype(np.float32)).reshape(-1, 2).astype(np.float64)
    arm = np.array([wrist_c + n * ww * 0.95, wrist_c - n * ww * 0.95, elbow - n * ww * 1.4, elbow + n * ww * 1.4])
    back = np.array([c + side * 0.1 * ks, y_front + 0.2 * L])
    return {"knuckles": knuckles, "palm": palm, "arm": arm, "wrist": wrist_c, "dir": d, "n": n, "ww": np.array([ww]), "back": back}


def _finger_poly(a: np.ndarray, b: np.ndarray, wa: float, wb: float) -> np.ndarray:
    d = b - a
    nrm = np.linalg.norm(d)
    if nrm < 1e-6:
        d = np.array([0.0, -1.0])
    else:
        d = d / nrm
    n = np.array([-d[1], d[0]])
    return np.array([a + n * wa / 2, b + n * wb / 2, b - n * wb / 2, a - n * wa / 2])


def draw_hands(img: np.ndarray, cv: Canvas, st: Style, ink: Ink, poses: list[HandPose]) -> None:
    """Hands, fingers, forearms, sleeves and their shadows, in place."""
    if not poses:
        return
    ks = _kspace(cv, st)
    fw = st.finger_width * ks * 1.15
    geos = [_hand_geometry(cv, st, p) for p in poses]
    if st.shadow_strength > 0.02:
        pts = np.concatenate([np.concatenate([g["palm"], p.tips, g["arm"]]) for g, p in zip(geos, poses)])
        off = np.array([st.shadow_dx * cv.wk, st.shadow_dy * cv.length])
        x0 = int(max(0, pts[:, 0].min() + min(0, off[0]) - 2 * fw))
        x1 = int(min(img.shape[1], pts[:, 0].max() + max(0, off[0]) + 2 * fw))
        y0 = int(max(0, pts[:, 1].min() + min(0, off[1]) - 2 * fw))
        y1 = int(min(img.shape[0], pts[:, 1].max() + max(0, off[1]) + 2 * fw))
        if x1 > x0 and y1 > y0:
            m = np.zeros((y1 - y0, x1 - x0), np.uint8)
            o = np.array([x0, y0]) - off
            for g, p in zip(geos, poses):
                _silhouette(m, g, p, fw, o, 255)
            k = max(3, int(fw // 2) * 2 + 1)
            m = cv2.blur(m, (k, k))
            f = 1.0 - st.shadow_strength * (m.astype(np.float32) / 255.0)
            sub = img[y0:y1, x0:x1]
            sub[:] = _mul(sub, f if img.ndim == 2 else f[..., None])
    skin = ink(st.skin_rgb)
    dark = ink(st.skin_rgb, 0.68)
    mid = ink(st.skin_rgb, 0.9)
    light = ink(st.skin_rgb, 1.08)
    nail = ink(tuple(min(255.0, c * 1.1 + 25) for c in st.skin_rgb))  # type: ignore[arg-type]
    sleeve = ink(st.sleeve_rgb)
    sleeve_dark = ink(st.sleeve_rgb, 0.75)
    for g, p in zip(geos, poses):
        arm = g["arm"]
        _poly(img, arm, mid)
        if st.sleeve_start < 1.0:
            a = g["wrist"] + g["dir"] * 4.5 * cv.length * st.sleeve_start
            n, ww = g["n"], float(g["ww"][0]) * 1.5
            sl = np.array([a + n * ww, a - n * ww, arm[2] - n * ww * 0.6, arm[3] + n * ww * 0.6])
            _poly(img, sl, sleeve)
            _line(img, a + n * ww, a - n * ww, sleeve_dark, max(1, int(fw / 3)))
        _poly(img, _grow(g["palm"], 1.0), dark)
        _poly(img, g["palm"], skin)
        # a lit area on the back of the hand
        bc = g["back"]
        cv2.ellipse(img, _pt(bc), (int(ks * 1.4 * 16), int(cv.length * 0.22 * 16)), 0, 0, 360, ink(st.skin_rgb, 1.04), -1, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]
        kn = g["knuckles"]
        order = [4, 3, 2, 1, 0]
        for f in order:
            wa = fw * (1.25 if f == 0 else 1.0 if f < 4 else 0.85)
            wb = wa * 0.82
            a, b = kn[f], p.tips[f]
            _poly(img, _finger_poly(a, b, wa + 2, wb + 2), dark)
            cv2.circle(img, _pt(b), int((wb / 2 + 1) * 16), dark, -1, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]
            _poly(img, _finger_poly(a, b, wa, wb), skin)
            cv2.circle(img, _pt(b), int(wb / 2 * 16), skin, -1, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]
            # highlight along the finger's back, joints, nail
            _line(img, a + (b - a) * 0.1, b - (b - a) * 0.2, light, max(1, int(wa / 3)))
            j = a + (b - a) * 0.55
            _line(img, j - _perp(a, b) * wa * 0.3, j + _perp(a, b) * wa * 0.3, mid, 1)
            cv2.circle(img, _pt(b - (b - a) * 0.04), int(wb * 0.3 * 16), nail, -1, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]
        for f in range(1, 5):
            cv2.circle(img, _pt(kn[f]), int(max(1.0, fw * 0.28) * 16), light, -1, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]


def _perp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = b - a
    n = np.linalg.norm(d)
    return np.array([-d[1], d[0]]) / n if n > 1e-6 else np.array([1.0, 0.0])


def _grow(poly: np.ndarray, px: float) -> np.ndarray:
    c = poly.mean(0)
    d = poly - c
    n = np.linalg.norm(d, axis=1, keepdims=True) + 1e-6
    return poly + d / n * px


def _silhouette(m: np.ndarray, g: dict[str, np.ndarray], p: HandPose, fw: float, origin: np.ndarray, v: int) -> None:
    _poly(m, g["palm"] - origin, v)
    _poly(m, g["arm"] - origin, v)
    for f in range(5):
        _poly(m, _finger_poly(g["knuckles"][f] - origin, p.tips[f] - origin, fw, fw * 0.8), v)


_SHIFT = 4


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(p[0] * (1 << _SHIFT))), int(round(p[1] * (1 << _SHIFT)))


def _poly(img: np.ndarray, pts: np.ndarray, col: object) -> None:
    cv2.fillConvexPoly(img, np.round(pts * (1 << _SHIFT)).astype(np.int32), col, cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]


def _line(img: np.ndarray, a: np.ndarray, b: np.ndarray, col: object, w: int) -> None:
    cv2.line(img, _pt(a), _pt(b), col, int(w), cv2.LINE_AA, _SHIFT)  # type: ignore[call-overload]
