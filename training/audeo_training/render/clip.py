"""The render loop shared by full frames (keyboard locator, videos) and strips (Video2Roll).

Per clip: a Style and a Camera are drawn from the seed; the piano is drawn once on a canvas (scene.py); per frame the
pressed keys and hands are drawn on a copy, the canvas is warped into the camera frame over a background, the
camera's imperfections are applied (light, blur, noise, JPEG), and, for strips, the frame is rectified through the
keyboard corners with a few px of locator error (camera.rectify), exactly like the TS extractor does on real video.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..midi_sources import Note, Performance
from . import labels as L
from .camera import Camera, homography, jitter_corners, rectify, sample_camera, to_opencv
from .scene import Canvas, Ink, base_keyboard, draw_hands, hand_poses, press_keys
from .style import Style, sample_style

FPS = 25.0


def hands_of_notes(notes: list[Note]) -> list[int]:
    """0 = left hand, 1 = right: split at the middle of what is played around each note (a moving boundary)."""
    out: list[int] = []
    if not notes:
        return out
    onsets = np.array([n.onset for n in notes])
    pitches = np.array([n.pitch for n in notes])
    for n in notes:
        near = np.abs(onsets - n.onset) < 1.5
        lo, hi = pitches[near].min(), pitches[near].max()
        if hi - lo < 10:
            out.append(1 if n.pitch >= 57 else 0)
        else:
            out.append(1 if n.pitch >= (lo + hi) / 2 else 0)
    return out


def hand_roll(notes: list[Note], hands: list[int], frames: int, fps: float = FPS) -> np.ndarray:
    roll = np.full((frames, 88), -1, np.int8)
    for n, h in zip(notes, hands):
        a, b = L.frame_span(n.onset, n.offset, fps)
        roll[max(a, 0) : min(b, frames), n.pitch - 21] = h
    return roll


def _background(st: Style, w: int, h: int, gray: bool) -> np.ndarray:
    rng = np.random.default_rng(st.bg_seed)
    ink = Ink(gray)
    img = np.empty((h, w) if gray else (h, w, 3), np.uint8)
    img[:] = ink(st.bg_rgb)
    if st.bg_kind == "clutter":
        for _ in range(int(rng.integers(6, 25))):
            col = ink(tuple(int(c) for c in rng.integers(0, 256, 3)))  # type: ignore[arg-type]
            x, y = int(rng.integers(-w // 4, w)), int(rng.integers(-h // 4, h))
            if rng.random() < 0.6:
                cv2.rectangle(img, (x, y), (x + int(rng.integers(10, w // 2)), y + int(rng.integers(10, h // 2))), col, -1)  # type: ignore[call-overload]
            else:
                cv2.ellipse(img, (x, y), (int(rng.integers(5, w // 5)), int(rng.integers(5, h // 5))), float(rng.uniform(0, 180)), 0, 360, col, -1)  # type: ignore[call-overload]
        img = cv2.GaussianBlur(img, (0, 0), float(rng.uniform(0.5, 4)))
    elif st.bg_kind == "sheet":
        x0, x1 = int(w * rng.uniform(0.05, 0.2)), int(w * rng.uniform(0.8, 0.95))
        y1 = int(h * rng.uniform(0.3, 0.5))
        cv2.rectangle(img, (x0, 0), (x1, y1), ink((245, 245, 240)), -1)  # type: ignore[call-overload]
        step = max(3, y1 // 30)
        for sy in range(step * 2, y1 - step, step * 6):
            for i in range(5):
                cv2.line(img, (x0 + 10, sy + i * step // 2), (x1 - 10, sy + i * step // 2), ink((40, 40, 40)), 1)  # type: ignore[call-overload]
            for _ in range(int(rng.integers(8, 20))):
                cx = int(rng.integers(x0 + 20, max(x0 + 21, x1 - 20)))
                cv2.circle(img, (cx, sy + int(rng.integers(-step, 3 * step))), max(1, step // 2), ink((20, 20, 20)), -1)  # type: ignore[call-overload]
    return img


@dataclass
class ClipPlan:
    style: Style
    camera: Camera
    keydown: np.ndarray  # uint8 [T, 88]
    sounding: np.ndarray  # uint8 [T, 88]
    notes: list[Note]  # the notes (note-on = when it sounds) relative to the clip start (clipped to it)
    frames: int
    key_lead_sec: float = 0.0  # keys go visibly down this long before they sound


def plan_clip(perf: Performance, start: float, seconds: float, style_seed: int, *, clean: bool = False, size: tuple[int, int] | None = None) -> tuple[ClipPlan, np.random.Generator]:
    rng = np.random.default_rng(style_seed)
    st = sample_style(rng, clean=clean)
    cam = sample_camera(rng, size=size, clean=clean)
    frames = int(round(seconds * FPS))
    lead = float(rng.uniform(*L.KEY_LEAD_RANGE_SEC))  # keys are seen down before they sound (labels.py)
    keydown, sounding = L.rolls(perf.notes, perf.pedal, start, frames, FPS, key_lead_sec=lead)
    notes = L.clip_notes(perf.notes, start, seconds)
    return ClipPlan(st, cam, keydown, sounding, notes, frames, lead), rng


class ClipRenderer:
    """Renders the frames of one planned clip, either whole RGB frames or just the part around the keyboard (gray)."""

    def __init__(
        self, plan: ClipPlan, rng: np.random.Generator, *, gray: bool, crop_to_keyboard: bool,
        extra_corners: np.ndarray | None = None, hands: bool = True,
    ) -> None:
        self.plan, self.rng, self.gray = plan, rng, gray
        cv2.setRNGSeed(int(rng.integers(2**31)))  # cv2.randn (noise) draws from OpenCV's own generator
        st, cam = plan.style, plan.camera
        self.ink = Ink(gray)
        cw = int(np.clip(round(cam.keyboard_px * 1.1), 480, 2000))
        self.cv = Canvas.for_width(cw, st.key_aspect)
        self.base = base_keyboard(self.cv, st, gray)
        if crop_to_keyboard:
            pts = cam.corners if extra_corners is None else np.concatenate([cam.corners, extra_corners])
            x0 = int(max(0, np.floor(pts[:, 0].min()) - 4))
            y0 = int(max(0, np.floor(pts[:, 1].min()) - 4))
            x1 = int(min(cam.frame_w, np.ceil(pts[:, 0].max()) + 4))
            y1 = int(min(cam.frame_h, np.ceil(pts[:, 1].max()) + 4))
            if x1 <= x0 or y1 <= y0:
                x0, y0, x1, y1 = 0, 0, 2, 2
        else:
            x0, y0, x1, y1 = 0, 0, cam.frame_w, cam.frame_h
        self.origin = (x0, y0)
        self.size = (x1 - x0, y1 - y0)
        bg = _background(st, cam.frame_w, cam.frame_h, gray)
        self.bg = np.ascontiguousarray(bg[y0:y1, x0:x1])
        h_cont = homography(self.cv.key_corners(), cam.corners - np.array(self.origin, np.float64))
        self.m = to_opencv(h_cont)
        # light field: gradient + vignette (+ white balance for RGB), over the output region
        xs = (np.arange(x0, x1, dtype=np.float32) + 0.5) / cam.frame_w * 2 - 1
        ys = (np.arange(y0, y1, dtype=np.float32) + 0.5) / cam.frame_h * 2 - 1
        field = (1 + st.light_x * xs[None, :]) * (1 + st.light_y * ys[:, None])
        field *= 1 - st.vignette * (xs[None, :] ** 2 + ys[:, None] ** 2) / 2
        field *= st.gain
        self.field = field if gray else field[..., None] * np.array(st.white_balance, np.float32)[None, None, :]
        lut = np.arange(256, dtype=np.float32) / 255.0
        lut = np.clip((np.power(lut, st.gamma) - 0.5) * st.contrast + 0.5, 0, 1)
        self.lut = (lut * 255 + 0.5).astype(np.uint8)
        hroll = hand_roll(plan.notes, hands_of_notes(plan.notes), plan.frames)
        self.poses = hand_poses(self.cv, st, plan.keydown.astype(bool), hroll, rng) if hands else [[] for _ in range(plan.frames)]
        self.noise = np.empty(self.bg.shape, np.int16)

    def canvas(self, t: int) -> np.ndarray:
        img = self.base.copy()
        press_keys(img, self.cv, self.plan.style, self.ink, self.plan.keydown[t].astype(bool), self.base)
        draw_hands(img, self.cv, self.plan.style, self.ink, self.poses[t])
        return img

    def frame(self, t: int, *, compress: bool = True) -> np.ndarray:
        """Frame t (or its crop around the keyboard), with the camera's degradations."""
        st = self.plan.style
        out = self.bg.copy()
        cv2.warpPerspective(self.canvas(t), self.m, self.size, dst=out, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
        f = out.astype(np.float32) * self.field
        out = cv2.LUT(np.clip(f, 0, 255).astype(np.uint8), self.lut)
        if st.blur_sigma > 0:
            out = cv2.GaussianBlur(out, (0, 0), st.blur_sigma)
        if st.motion_blur:
            k = np.full((1, st.motion_blur), 1.0 / st.motion_blur, np.float32)
            out = cv2.filter2D(out, -1, k)
        if st.noise_sigma > 0.5:
            cv2.randn(self.noise, 0, st.noise_sigma)
            out = np.clip(out.astype(np.int16) + self.noise, 0, 255).astype(np.uint8)
        if compress and st.jpeg_quality < 96:
            ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, st.jpeg_quality])
            if ok:
                out = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        return out


def render_strips(plan: ClipPlan, rng: np.random.Generator, *, jitter: bool = True, hands: bool = True) -> np.ndarray:
    """strips uint8 [T, 100, 900]: each frame rectified through slightly wrong corners (one error per clip, plus a
    little per-frame wobble, as a tracked locator)."""
    corners = jitter_corners(rng, plan.camera) if jitter else plan.camera.corners.copy()
    wobble = max(0.2, plan.camera.keyboard_px / 900.0 * 0.3) if jitter else 0.0
    pad = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * (3 * wobble + 2)
    r = ClipRenderer(plan, rng, gray=True, crop_to_keyboard=True, extra_corners=corners + pad, hands=hands)
    strips = np.empty((plan.frames, 100, 900), np.uint8)
    for t in range(plan.frames):
        c = corners + rng.normal(0, wobble, (4, 2)) * 0.3 if jitter else corners
        strips[t] = rectify(r.frame(t), c, r.origin)
    return strips


def render_strip_clip_full(
    perf: Performance, start: float, seconds: float, style_seed: int, *, clean: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, ClipPlan]:
    plan, rng = plan_clip(perf, start, seconds, style_seed, clean=clean)
    return render_strips(plan, rng), plan.keydown, plan.sounding, plan


def render_frames(
    perf: Performance, start: float, seconds: float, style_seed: int, *, clean: bool = False,
    size: tuple[int, int] | None = None, compress: bool = True,
) -> tuple[np.ndarray, np.ndarray, ClipPlan]:
    """RGB frames uint8 [T, H, W, 3] and the full keyboard's 4 corners [4, 2] (continuous px; back-left, back-right,
    front-right, front-left), plus the plan (style, camera, labels, keydown notes)."""
    plan, rng = plan_clip(perf, start, seconds, style_seed, clean=clean, size=size)
    r = ClipRenderer(plan, rng, gray=False, crop_to_keyboard=False)
    frames = np.empty((plan.frames, plan.camera.frame_h, plan.camera.frame_w, 3), np.uint8)
    for t in range(plan.frames):
        frames[t] = r.frame(t, compress=compress)
    return frames, plan.camera.corners.copy(), plan
