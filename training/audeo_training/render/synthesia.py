"""Synthesia-style falling-notes video (issue 3, item 4): coloured bars fall onto an on-screen 88-key keyboard whose
keys light up in the hand's colour while a bar touches the keyboard line.

    python -m audeo_training.render.synthesia --piece asap/Bach/Fugue/bwv_846 --seconds 10 --seed 1 --out x.mp4 [--size 1280x720] [--clean]
    python -m audeo_training.render.synthesia --real-vs-synth ../docs/img/synthesia-real-vs-synth.png

Like the top-view renderer (clip.render_frames, video.py) it gives RGB frames [T,H,W,3] at 25 fps, the corners of the
whole 88-key keyboard (back-left, back-right, front-right, front-left, continuous px; back = the keys' top edge,
front = the white keys' bottom edge), and a plan with per-frame key-down / sounding labels (labels.rolls) plus the
key map (which key each pixel shows). Key-down is exactly "a bar touches the keyboard line" and exactly the lit keys:
a note occupying frames a..b-1 (labels.frame_span) is drawn as a bar whose lower end reaches the line at frame a and
whose upper end passes it at frame b.

Hands: a MIDI file with exactly two note tracks gives the hands by track (the one with the higher mean pitch is the
right hand); otherwise notes are split around a moving boundary (clip.hands_of_notes), as for the top view.
Domain randomisation (SynthStyle): colour schemes, background and guide lines, fall speed, keyboard height and
position, zoomed key ranges, bar shape (corner radius, gradient, outline), note-name labels, hit glow, the player's
tool bar, blur and JPEG quality. `clean=True` gives the classic Synthesia look of the real reference video.
"""

from __future__ import annotations

import argparse
import colorsys
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import mido
import numpy as np

from ..geometry import BLACK_LENGTH, LOWEST_MIDI, PIANO_KEYS, WHITE_KEYS, all_key_spans
from ..midi_sources import DATA_ROOT, Note, Performance, load_midi
from . import labels as L
from .camera import Camera, rectify
from .clip import FPS, hands_of_notes
from .video import default_start, resolve_piece, write_mp4

RGB = tuple[int, int, int]
SPANS = all_key_spans()
NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]
REAL_VIDEO = DATA_ROOT / "video" / "synthesia_falling_notes.mp4"
SIZES: list[tuple[int, int]] = [(1920, 1080), (1280, 720), (854, 480), (640, 360), (1024, 576)]

# Measured on the reference video (1920x1080): background 47 gray; left hand blue, right hand green, a lighter shade
# for white-key notes and a darker one for black-key notes; bars fall at ~205 px/s = 0.19 frame heights per second;
# keys from y=0.65 h to 0.84 h, the whole 88 keys across the full width (1.0047 w: 4 px cut at each end); tool bar
# below from 0.855 h.
CLASSIC: dict[str, RGB] = {
    "left": (126, 166, 208), "left_dark": (68, 112, 173), "right": (150, 205, 95), "right_dark": (94, 148, 38),
}


@dataclass(frozen=True)
class SynthStyle:
    scheme: str
    left_rgb: RGB  # white-key notes of the left hand (bars and lit keys)
    left_dark_rgb: RGB  # black-key notes of the left hand
    right_rgb: RGB
    right_dark_rgb: RGB
    bg_rgb: RGB
    bg_gradient: float  # 0 = flat; > 0 lighter towards the keyboard
    guides: str  # vertical guide lines: "CF" (at every C and F), "C", "none"
    guide_rgb: RGB
    top_band: float  # a light band at the top of the frame (the player's frame edge) / frame height (0 = none)
    measure_sec: float  # horizontal measure lines every this many seconds (0 = none)
    fall_speed: float  # frame heights per second
    key_len: float  # white key length / frame height
    toolbar: float  # tool bar height / frame height (0 = none)
    lip: float  # grey strip under the keys / frame height
    shelf: float  # band above the keys / frame height; its top is the line the bars hit
    felt_rgb: RGB  # the thin line right above the keys
    zoom: float  # keyboard width / frame width (1 = the 88 keys exactly across; > 1 = some keys outside)
    pan: float  # -1..1: where the keyboard's visible part sits when zoomed
    bar_width: float  # white-key note bar width in white-key widths
    bar_radius: float  # corner radius in white-key widths
    bar_gradient: float  # left-to-right brightness drop across a bar
    bar_outline: float  # 0 = none, else darkening of the 1-px outline
    note_labels: str  # "none" | "letter" | "octave" (C, C4)
    glow: float  # strength of the glow where a bar hits the keyboard (0 = none)
    white_rgb: RGB
    black_rgb: RGB
    blur_sigma: float
    jpeg_quality: int  # 96+ = no compression artefacts

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _shade(c: RGB, f: float) -> RGB:
    return (int(min(255, c[0] * f)), int(min(255, c[1] * f)), int(min(255, c[2] * f)))


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (int(r * 255), int(g * 255), int(b * 255))


def _scheme(rng: np.random.Generator, clean: bool) -> tuple[str, RGB, RGB, RGB, RGB]:
    r = rng.random()
    if clean or r < 0.35:
        c = CLASSIC
        return "classic", c["left"], c["left_dark"], c["right"], c["right_dark"]
    if r < 0.85:  # two random hues far apart
        h1 = float(rng.random())
        h2 = h1 + float(rng.uniform(0.25, 0.75))
        cols = []
        for h in (h1, h2):
            s, v = float(rng.uniform(0.35, 0.8)), float(rng.uniform(0.75, 0.95))
            cols.append(_hsv(h, s, v))
            cols.append(_hsv(h, min(1.0, s + 0.15), v * float(rng.uniform(0.6, 0.8))))
        name = "hues"
    else:  # one colour for both hands (some videos do not tell hands apart)
        h, s, v = float(rng.random()), float(rng.uniform(0.35, 0.8)), float(rng.uniform(0.75, 0.95))
        light, dark = _hsv(h, s, v), _hsv(h, min(1.0, s + 0.15), v * 0.7)
        cols = [light, dark, light, dark]
        name = "mono"
    if rng.random() < 0.5:
        cols = cols[2:] + cols[:2]
    return name, cols[0], cols[1], cols[2], cols[3]


def sample_synth_style(rng: np.random.Generator, *, clean: bool = False) -> SynthStyle:
    scheme, l, ld, r, rd = _scheme(rng, clean)
    if clean:
        bg: RGB = (47, 47, 47)
    elif rng.random() < 0.6:
        g = int(rng.integers(8, 70))
        bg = (g, g, g)
    else:
        v = rng.integers(5, 60, 3)
        bg = (int(v[0]), int(v[1]), int(v[2]))
    guide_d = 14 if clean else int(rng.integers(5, 30))
    toolbar = 0.145 if clean else (float(rng.uniform(0.06, 0.16)) if rng.random() < 0.5 else 0.0)
    zr = rng.random()
    zoom = 1.0047 if clean else (float(rng.uniform(1.0, 1.01)) if zr < 0.7 else float(rng.uniform(0.9, 1.0)) if zr < 0.8 else float(rng.uniform(1.1, 1.45)))
    return SynthStyle(
        scheme=scheme, left_rgb=l, left_dark_rgb=ld, right_rgb=r, right_dark_rgb=rd,
        bg_rgb=bg,
        bg_gradient=0.0 if clean or rng.random() < 0.6 else float(rng.uniform(0.1, 0.6)),
        guides="CF" if clean else str(rng.choice(["CF", "C", "none"], p=[0.5, 0.25, 0.25])),
        guide_rgb=(bg[0] + guide_d, bg[1] + guide_d, bg[2] + guide_d),
        top_band=0.011 if clean else (float(rng.uniform(0.004, 0.015)) if rng.random() < 0.5 else 0.0),
        measure_sec=2.0 if clean else (float(rng.uniform(1.5, 3.0)) if rng.random() < 0.5 else 0.0),
        fall_speed=0.19 if clean else float(rng.uniform(0.1, 0.4)),
        key_len=0.19 if clean else float(rng.uniform(0.1, 0.25)),
        toolbar=toolbar,
        lip=0.016 if clean else float(rng.uniform(0.0, 0.02)),
        shelf=0.0185 if clean else float(rng.uniform(0.0, 0.03)),
        felt_rgb=(62, 22, 25) if clean else (_shade((150, 30, 35), float(rng.uniform(0.3, 1.2))) if rng.random() < 0.6 else bg),
        zoom=zoom,
        pan=0.0 if clean else float(rng.uniform(-1, 1)),
        bar_width=0.84 if clean else float(rng.uniform(0.65, 0.95)),
        bar_radius=0.15 if clean else float(rng.uniform(0.0, 0.35)),
        bar_gradient=0.25 if clean else float(rng.uniform(0.0, 0.35)),
        bar_outline=0.45 if clean else (float(rng.uniform(0.2, 0.7)) if rng.random() < 0.7 else 0.0),
        note_labels="none" if clean else str(rng.choice(["none", "letter", "octave"], p=[0.5, 0.3, 0.2])),
        glow=0.9 if clean else (float(rng.uniform(0.3, 1.0)) if rng.random() < 0.6 else 0.0),
        white_rgb=(241, 241, 241) if clean else _shade((240, 240, 238), float(rng.uniform(0.85, 1.05))),
        black_rgb=(30, 28, 26) if clean else _shade((30, 30, 30), float(rng.uniform(0.3, 1.4))),
        blur_sigma=0.0 if clean else float(rng.choice([0.0, 0.0, 0.5, 0.8, 1.2])),
        jpeg_quality=90 if clean else int(rng.integers(25, 97)),
    )


@dataclass(frozen=True)
class SynthLayout:
    frame_w: int
    frame_h: int
    kx0: float  # the whole 88-key keyboard spans x in [kx0, kx1) (continuous px; may reach outside the frame)
    kx1: float
    hit_y: int  # bars end at the row above this one (the top of the shelf): the keyboard line
    key_top: int  # first row of the keys (the keyboard's back edge)
    key_front: int  # row after the white keys' last row (the front edge)
    toolbar_y: int  # first row of the tool bar (= frame_h when none)
    px_per_sec: float

    @property
    def white_px(self) -> float:
        return (self.kx1 - self.kx0) / WHITE_KEYS

    def corners(self) -> np.ndarray:
        return np.array([[self.kx0, self.key_top], [self.kx1, self.key_top], [self.kx1, self.key_front], [self.kx0, self.key_front]], np.float64)

    def key_x(self, k: int) -> tuple[float, float, float]:
        """x0, x1, centre of key k (0..87) in frame px."""
        s = SPANS[k]
        w = self.kx1 - self.kx0
        return self.kx0 + s.x0 * w, self.kx0 + s.x1 * w, self.kx0 + s.xc * w

    def to_json(self) -> dict[str, object]:
        return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in asdict(self).items()}


def make_layout(st: SynthStyle, w: int, h: int) -> SynthLayout:
    toolbar_y = h - int(round(st.toolbar * h))
    key_front = toolbar_y - int(round(st.lip * h))
    key_top = key_front - max(8, int(round(st.key_len * h)))
    hit_y = key_top - int(round(st.shelf * h))
    kw = st.zoom * w
    kx0 = (w - kw) / 2 + (st.pan * (kw - w) / 2 if kw > w else 0.0)
    return SynthLayout(w, h, float(kx0), float(kx0 + kw), hit_y, key_top, key_front, toolbar_y, st.fall_speed * h)


def key_map(lay: SynthLayout) -> np.ndarray:
    """int16 [H, W]: the key (0..87) each pixel shows, -1 elsewhere (gaps between keys, outside the keyboard)."""
    out = np.full((lay.frame_h, lay.frame_w), -1, np.int16)
    w = lay.kx1 - lay.kx0
    u = (np.arange(lay.frame_w) + 0.5 - lay.kx0) / w  # keyboard coordinate of each column
    white_pos = u * WHITE_KEYS
    white_idx = np.floor(white_pos).astype(int)
    inside = (u >= 0) & (u < 1)
    gap_px = max(1.0, 0.06 * lay.white_px)
    frac = white_pos - white_idx
    gap = np.minimum(frac, 1 - frac) * lay.white_px < gap_px / 2
    white_keys = [k for k, s in enumerate(SPANS) if not s.black]
    white_row = np.full(lay.frame_w, -1, np.int16)
    ok = inside & ~gap
    white_row[ok] = np.array(white_keys, np.int16)[np.clip(white_idx[ok], 0, WHITE_KEYS - 1)]
    black_row = np.full(lay.frame_w, -1, np.int16)
    for k, s in enumerate(SPANS):
        if s.black:
            black_row[(u >= s.x0) & (u < s.x1)] = k
    rows = np.arange(lay.key_top, lay.key_front)
    v = (rows + 0.5 - lay.key_top) / (lay.key_front - lay.key_top)
    for y, vv in zip(rows, v):
        row = white_row.copy()
        if vv < BLACK_LENGTH:
            row = np.where(black_row >= 0, black_row, row)
        out[y] = row
    return out


def _keyboard_images(st: SynthStyle, lay: SynthLayout, kmap: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """The idle keyboard rows [key_top, key_front) and the same rows with every key lit for each hand (0, 1)."""
    rows = slice(lay.key_top, lay.key_front)
    km = kmap[rows]
    kh = km.shape[0]
    v = ((np.arange(kh) + 0.5) / kh)[:, None, None].astype(np.float32)
    black = np.array([SPANS[k].black for k in range(PIANO_KEYS)] + [False])[km]  # km == -1 maps to the last entry
    is_key = km >= 0
    shadow = 1.0 - 0.22 * np.exp(-v / 0.07)  # the shelf's shadow on the keys' back
    vb = np.minimum(v / BLACK_LENGTH, 1.0)
    bevel = (vb > 0.9).astype(np.float32) * 0.9  # the lighter front face of a black key

    def paint(white: RGB, blk: RGB, black_gain: np.ndarray) -> np.ndarray:
        w = np.array(white, np.float32)[None, None, :] * shadow * (1.02 - 0.04 * v)
        b = np.array(blk, np.float32)[None, None, :] * black_gain
        img = np.where(black[..., None], b, w)
        gap = np.array(_shade(white, 0.45), np.float32)
        img = np.where(is_key[..., None], img, gap[None, None, :])
        return np.clip(img, 0, 255).astype(np.uint8)

    idle = paint(st.white_rgb, st.black_rgb, (1.0 + 0.3 * vb + bevel))
    lit = []
    for light, dark in ((st.left_rgb, st.left_dark_rgb), (st.right_rgb, st.right_dark_rgb)):
        lit.append(paint(_shade(light, 1.04), dark, (1.05 - 0.15 * vb + 0.15 * bevel)))
    # the keyboard's outside (zoom < 1) shows the background colour
    cols = np.arange(lay.frame_w) + 0.5
    outside = (cols < lay.kx0) | (cols >= lay.kx1)
    for img in [idle, *lit]:
        img[:, outside] = st.bg_rgb
    return idle, lit


def _static(st: SynthStyle, lay: SynthLayout, idle_kb: np.ndarray) -> np.ndarray:
    w, h = lay.frame_w, lay.frame_h
    img = np.empty((h, w, 3), np.uint8)
    bg = np.array(st.bg_rgb, np.float32)
    if st.bg_gradient > 0:
        ramp = 1 + st.bg_gradient * (np.arange(lay.hit_y, dtype=np.float32) / max(1, lay.hit_y))[:, None, None]
        img[: lay.hit_y] = np.clip(bg[None, None, :] * ramp, 0, 255).astype(np.uint8)
    else:
        img[: lay.hit_y] = st.bg_rgb
    if st.guides != "none":
        lw = max(1, int(round(lay.white_px * 0.08)))
        for k, s in enumerate(SPANS):
            pc = (k + LOWEST_MIDI) % 12
            if pc == 0 or (pc == 5 and st.guides == "CF"):
                x = int(round(lay.key_x(k)[0]))
                cv2.line(img, (x, 0), (x, lay.hit_y - 1), st.guide_rgb, lw)
    if st.top_band > 0:  # light edge, then a shadow fading into the background
        n = max(2, int(round(st.top_band * h * 2.5)))
        y = (np.arange(n, dtype=np.float32) + 0.5) / (st.top_band * h)
        prof = np.where(y < 1, 1.0 + 0.8 * np.clip(np.sin(np.pi * np.minimum(y, 1)), 0, 1) ** 0.5, 1.0 - 0.25 * np.exp(-(y - 1) * 2))
        img[:n] = np.clip(img[:n].astype(np.float32) * prof[:, None, None], 0, 255).astype(np.uint8)
    # shelf: a lighter band that fades towards the keys, the felt line right above them
    sh = lay.key_top - lay.hit_y
    if sh > 0:
        t = (np.arange(sh, dtype=np.float32) + 0.5) / sh
        prof = 1.0 + 0.8 * np.exp(-((t - 0.3) / 0.25) ** 2)
        band = np.clip(bg[None, :] * prof[:, None] + 10, 0, 255).astype(np.uint8)
        img[lay.hit_y : lay.key_top] = band[:, None, :]
        fl = max(1, sh // 4)
        img[lay.key_top - fl : lay.key_top] = st.felt_rgb
    img[lay.key_top : lay.key_front] = idle_kb
    if lay.toolbar_y > lay.key_front:  # the lip under the keys
        n = lay.toolbar_y - lay.key_front
        t = (np.arange(n, dtype=np.float32) + 0.5) / n
        lip = (np.array(st.white_rgb, np.float32) * (0.55 - 0.25 * t)[:, None]).astype(np.uint8)
        img[lay.key_front : lay.toolbar_y] = lip[:, None, :]
    if lay.toolbar_y < h:
        tb = np.array((59, 68, 82), np.float32) * (0.7 + 0.6 * (st.bg_rgb[0] / 255))
        img[lay.toolbar_y :] = np.clip(tb, 0, 255).astype(np.uint8)
        th = h - lay.toolbar_y
        cv2.rectangle(img, (int(0.012 * w), lay.toolbar_y + int(0.12 * th)), (int(0.988 * w), lay.toolbar_y + int(0.27 * th)), (32, 36, 42), -1)
        by0, by1 = lay.toolbar_y + int(0.43 * th), lay.toolbar_y + int(0.62 * th)
        for x0, x1 in ((0.565, 0.815), (0.835, 0.86), (0.865, 0.915), (0.935, 0.995)):
            cv2.rectangle(img, (int(x0 * w), by0), (int(x1 * w), by1), (78, 86, 98), -1)
    return img


def _label(note: Note, mode: str) -> str:
    name = NAMES[note.pitch % 12]
    return name + str(note.pitch // 12 - 1) if mode == "octave" else name


@dataclass
class SynthPlan:
    style: SynthStyle
    layout: SynthLayout
    keydown: np.ndarray  # uint8 [T, 88]: a bar touches the keyboard line = the key is lit
    sounding: np.ndarray  # uint8 [T, 88]: labels.rolls (pedal, decay), as for the top view
    notes: list[Note]  # key-down notes relative to the clip start (clipped to it)
    hands: list[int]  # per entry of `notes`: 0 = left, 1 = right
    frames: int
    key_map: np.ndarray  # int16 [H, W]: the key each pixel shows (-1 elsewhere)

    @property
    def camera(self) -> Camera:
        """The layout as the top-view renderer's Camera (frame size, corners; cut = which ends have key centres
        outside the frame), so code written for ClipPlan.camera works on Synthesia plans too."""
        lay = self.layout
        left = lay.key_x(0)[2] < 0
        right = lay.key_x(PIANO_KEYS - 1)[2] > lay.frame_w
        cut = "both" if left and right else "left" if left else "right" if right else "none"
        return Camera(lay.frame_w, lay.frame_h, lay.corners(), 0.0, cut)


@dataclass(frozen=True)
class _Bar:
    key: int
    hand: int
    a: int  # first frame the note is down (clip frames)
    b: int  # one past the last
    note: Note


def track_hands(path: Path) -> dict[tuple[int, float], int] | None:
    """{(pitch, onset rounded to 0.1 ms): hand} when the MIDI file has exactly two tracks with notes (the one with the
    higher mean pitch is the right hand = 1); None otherwise."""
    mid = mido.MidiFile(str(path))
    note_tracks = [i for i, tr in enumerate(mid.tracks) if any(m.type == "note_on" and m.velocity > 0 for m in tr)]
    if len(note_tracks) != 2:
        return None
    for i, tr in enumerate(mid.tracks):  # tag every note message with its track (in a copy)
        mid.tracks[i] = mido.MidiTrack(m.copy(channel=min(i, 15)) if m.type in ("note_on", "note_off") else m for m in tr)
    t = 0.0
    onsets: list[tuple[int, float, int]] = []
    for msg in mid:
        t += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            onsets.append((msg.note, t, msg.channel))
    mean = {tr: float(np.mean([p for p, _, c in onsets if c == tr])) for tr in note_tracks}
    right = max(note_tracks, key=lambda tr: mean[tr])
    return {(p, round(on, 4)): int(c == right) for p, on, c in onsets}


def _window_notes(perf: Performance, start: float, end: float) -> list[Note]:
    return [n for n in perf.notes if n.offset > start and n.onset < end]


def plan_synthesia(
    perf: Performance, start: float, seconds: float, seed: int, *, size: tuple[int, int] | None = None, clean: bool = False,
    hand_of: dict[tuple[int, float], int] | None = None, style: SynthStyle | None = None,
) -> tuple[SynthPlan, list[_Bar], np.random.Generator]:
    rng = np.random.default_rng(seed)
    st = sample_synth_style(rng, clean=clean)
    if style is not None:
        st = style
    if size is None:
        size = SIZES[int(rng.integers(len(SIZES)))]
    lay = make_layout(st, *size)
    frames = int(round(seconds * FPS))
    keydown, sounding = L.rolls(perf.notes, perf.pedal, start, frames, FPS)
    fall_sec = lay.hit_y / max(lay.px_per_sec, 1e-6)
    window = _window_notes(perf, start, start + seconds + fall_sec + 0.1)
    if hand_of is not None:
        hands = [hand_of.get((n.pitch, round(n.onset, 4)), int(n.pitch >= 60)) for n in window]
    else:
        hands = hands_of_notes(window)
    bars = []
    clip_notes, clip_hands = [], []
    for n, h in zip(window, hands):
        a, b = L.frame_span(n.onset - start, n.offset - start, FPS)
        bars.append(_Bar(n.pitch - LOWEST_MIDI, h, a, b, n))
        if n.onset < start + seconds:
            clip_notes.append(Note(n.pitch, max(n.onset, start) - start, min(n.offset, start + seconds) - start, n.velocity))
            clip_hands.append(h)
    plan = SynthPlan(st, lay, keydown, sounding, clip_notes, clip_hands, frames, key_map(lay))
    return plan, bars, rng


class SynthRenderer:
    def __init__(self, plan: SynthPlan, bars: list[_Bar], *, duration_sec: float = 0.0, start_sec: float = 0.0) -> None:
        self.plan, self.bars = plan, bars
        st, lay = plan.style, plan.layout
        self.idle_kb, self.lit_kb = _keyboard_images(st, lay, plan.key_map)
        self.static = _static(st, lay, self.idle_kb)
        km = plan.key_map[lay.key_top : lay.key_front]
        self.key_pixels = [np.nonzero(km == k) for k in range(PIANO_KEYS)]
        self.pxf = lay.px_per_sec / FPS  # px per frame
        self.gap = min(3.0, 0.25 * self.pxf)  # the gap left above each bar so repeated notes stay apart
        self.duration, self.start = duration_sec, start_sec
        wp = lay.white_px
        self.radius = int(round(st.bar_radius * wp))
        self._profiles: dict[tuple[int, bool, int], np.ndarray] = {}
        self._corners: dict[tuple[int, int], np.ndarray] = {}
        gw, gh = max(3, int(round(wp * 3.6))), max(3, int(round(wp * 1.8)))
        yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
        cx, cy = (gw - 1) / 2, gh - 1
        blob = np.exp(-(((xx - cx) / (0.75 * wp)) ** 2 + ((yy - cy) / (0.45 * wp)) ** 2) / 2)
        # short rays fanning upwards from the hit point (the sparkle of the real player)
        ang = np.arctan2(cy - yy, xx - cx)
        window = np.sin(np.pi * (xx + 0.5) / gw) ** 2 * np.sin(np.pi * (yy + 0.5) / (2 * gh)) ** 2  # fades out at the sprite's edges
        self.glows = []  # 4 sparkle phases (rays turn a little from frame to frame)
        for phase in range(4):
            rays = np.exp(-((np.abs(np.cos(3.5 * ang + phase * 0.7)) - 1) / 0.06) ** 2) * np.exp(-np.hypot((xx - cx) / 1.3, yy - cy) / (0.45 * wp))
            self.glows.append(np.clip(blob * 0.85 + rays * 0.7, 0, 1) * window * 230 * st.glow)
        self.font_scale = max(0.25, min(0.9, wp / 40))

    def _colour(self, bar: _Bar) -> RGB:
        st = self.plan.style
        black = SPANS[bar.key].black
        if bar.hand == 0:
            return st.left_dark_rgb if black else st.left_rgb
        return st.right_dark_rgb if black else st.right_rgb

    def _profile(self, bar: _Bar, width: int) -> np.ndarray:
        key = (bar.hand, SPANS[bar.key].black, width)
        p = self._profiles.get(key)
        if p is None:
            st = self.plan.style
            c = np.array(self._colour(bar), np.float32)
            x = (np.arange(width, dtype=np.float32) + 0.5) / width
            gain = 1.12 - st.bar_gradient * x
            prof = c[None, :] * gain[:, None]
            if st.bar_outline > 0 and width > 2:
                prof[0] *= 1 - st.bar_outline
                prof[-1] *= 1 - st.bar_outline
            p = np.clip(prof, 0, 255).astype(np.uint8)
            self._profiles[key] = p
        return p

    def _corner_alpha(self, width: int, r: int) -> np.ndarray:
        """alpha [r, width] for the top r rows of a bar with rounded corners (flip it for the bottom)."""
        a = self._corners.get((width, r))
        if a is None:
            yy, xx = np.mgrid[0:r, 0:width].astype(np.float32) + 0.5
            dx = np.maximum(0, np.maximum(r - xx, xx - (width - r)))
            dy = r - yy
            d = np.sqrt(dx**2 + dy**2)
            a = np.clip(r - d + 0.5, 0, 1)[..., None].astype(np.float32)
            self._corners[(width, r)] = a
        return a

    def _bar_columns(self, bar: _Bar) -> tuple[int, int]:
        st, lay = self.plan.style, self.plan.layout
        x0, x1, xc = lay.key_x(bar.key)
        bw = (x1 - x0) * (0.95 if SPANS[bar.key].black else 1.0) * (1.0 if SPANS[bar.key].black else st.bar_width)
        return int(round(xc - bw / 2)), int(round(xc + bw / 2))

    def _draw_bar(self, img: np.ndarray, bar: _Bar, t: int) -> None:
        lay, st = self.plan.layout, self.plan.style
        y_bot = lay.hit_y - (bar.a - t) * self.pxf
        y_top = lay.hit_y - (bar.b - t) * self.pxf + self.gap
        r0, r1 = max(0, int(round(y_top))), min(lay.hit_y, int(round(y_bot)))
        c0, c1 = self._bar_columns(bar)
        c0c, c1c = max(0, c0), min(lay.frame_w, c1)
        if r1 <= r0 or c1c <= c0c:
            return
        width = c1 - c0
        prof = self._profile(bar, width)[c0c - c0 : c1c - c0]
        region = img[r0:r1, c0c:c1c]
        region[:] = prof[None]
        if st.bar_outline > 0:
            dark = (prof.astype(np.float32) * (1 - st.bar_outline)).astype(np.uint8)
            if int(round(y_top)) >= 0:
                region[0] = dark
            if y_bot < lay.hit_y:
                region[-1] = dark
        r = min(self.radius, (r1 - r0) // 2, width // 2)
        if r >= 1:
            a = self._corner_alpha(width, r)[:, c0c - c0 : c1c - c0]
            below = self.static[r0 : r0 + r, c0c:c1c].astype(np.float32)
            if int(round(y_top)) >= 0:
                region[:r] = (region[:r] * a + below * (1 - a)).astype(np.uint8)
            if y_bot < lay.hit_y:  # not yet into the keyboard: round the lower end too
                below = self.static[r1 - r : r1, c0c:c1c].astype(np.float32)
                af = a[::-1]
                region[-r:] = (region[-r:] * af + below * (1 - af)).astype(np.uint8)
        if st.note_labels != "none" and r1 - r0 > 2.2 * 12 * self.font_scale:
            text = _label(bar.note, st.note_labels)
            (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, self.font_scale, 1)
            if tw <= width:
                x = c0 + (width - tw) // 2
                y = r1 - max(2, int(th * 0.5))
                cv2.putText(img, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, self.font_scale, _shade(self._colour(bar), 0.35), 1, cv2.LINE_AA)

    def frame(self, t: int, *, compress: bool = True) -> np.ndarray:
        plan, st, lay = self.plan, self.plan.style, self.plan.layout
        img = self.static.copy()
        if st.measure_sec > 0:  # horizontal measure lines scroll with the notes
            now = t / FPS
            k0 = int(np.floor(now / st.measure_sec))
            k1 = int(np.ceil((now + lay.hit_y / lay.px_per_sec) / st.measure_sec))
            for k in range(k0, k1 + 1):
                y = int(round(lay.hit_y - (k * st.measure_sec - now) * lay.px_per_sec))
                if 0 <= y < lay.hit_y:
                    img[y, :] = np.minimum(img[y, :].astype(np.int16) + 8, 255).astype(np.uint8)
                    if lay.frame_w >= 640:
                        cv2.putText(img, str(k + 1), (3, max(8, y - 3)), cv2.FONT_HERSHEY_SIMPLEX, 0.3, st.guide_rgb, 1, cv2.LINE_AA)
        horizon = lay.hit_y / self.pxf + 1
        visible = [b for b in self.bars if b.b > t and b.a < t + horizon]
        lit_hand: dict[int, tuple[int, int]] = {}  # key -> (onset frame, hand) of the latest note holding it down
        for black in (False, True):  # black-key bars on top
            for b in visible:
                if SPANS[b.key].black == black:
                    self._draw_bar(img, b, t)
        for b in visible:
            if b.a <= t < b.b and (b.key not in lit_hand or b.a >= lit_hand[b.key][0]):
                lit_hand[b.key] = (b.a, b.hand)
        kb = img[lay.key_top : lay.key_front]
        for k in np.nonzero(plan.keydown[t])[0]:
            hand = lit_hand.get(int(k), (0, 0))[1]
            ys, xs = self.key_pixels[k]
            kb[ys, xs] = self.lit_kb[hand][ys, xs]
        if st.glow > 0:
            gh, gw = self.glows[0].shape
            for k in np.nonzero(plan.keydown[t])[0]:
                glow = self.glows[(t + int(k)) % len(self.glows)]
                xc = lay.key_x(int(k))[2]
                x0, y0 = int(round(xc - gw / 2)), lay.hit_y - gh + max(1, gh // 6)
                xs0, xs1 = max(0, x0), min(lay.frame_w, x0 + gw)
                ys0, ys1 = max(0, y0), min(lay.key_top, y0 + gh)
                if xs1 > xs0 and ys1 > ys0:
                    g = glow[ys0 - y0 : ys1 - y0, xs0 - x0 : xs1 - x0, None]
                    reg = img[ys0:ys1, xs0:xs1]
                    reg[:] = np.clip(reg + g, 0, 255).astype(np.uint8)
        if lay.toolbar_y < lay.frame_h and self.duration > 0:  # progress bar + time
            th = lay.frame_h - lay.toolbar_y
            frac = min(1.0, (self.start + t / FPS) / self.duration)
            x0, x1 = int(0.012 * lay.frame_w), int(0.012 * lay.frame_w + frac * 0.976 * lay.frame_w)
            cv2.rectangle(img, (x0, lay.toolbar_y + int(0.12 * th)), (x1, lay.toolbar_y + int(0.27 * th)), (40, 160, 40), -1)
            sec = self.start + t / FPS
            text = f"Time: {int(sec // 60)}:{sec % 60:04.1f} / {int(self.duration // 60)}:{self.duration % 60:04.1f}"
            cv2.putText(img, text, (int(0.01 * lay.frame_w), lay.frame_h - int(0.08 * th)), cv2.FONT_HERSHEY_SIMPLEX,
                        max(0.25, th / 400), (150, 160, 170), 1, cv2.LINE_AA)
        if st.blur_sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), st.blur_sigma)
        if compress and st.jpeg_quality < 96:
            ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, st.jpeg_quality])
            if ok:
                img = cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)
        return img


def render_synthesia_frames(
    perf: Performance, start: float, seconds: float, seed: int, *, size: tuple[int, int] | None = None, clean: bool = False,
    compress: bool = True, hand_of: dict[tuple[int, float], int] | None = None, style: SynthStyle | None = None,
) -> tuple[np.ndarray, np.ndarray, SynthPlan]:
    """RGB frames uint8 [T, H, W, 3], the whole keyboard's corners [4, 2] (continuous px; back-left, back-right,
    front-right, front-left), and the plan (style, layout, key-down / sounding labels, notes + hands, key map)."""
    plan, bars, _ = plan_synthesia(perf, start, seconds, seed, size=size, clean=clean, hand_of=hand_of, style=style)
    r = SynthRenderer(plan, bars, duration_sec=perf.duration, start_sec=start)
    lay = plan.layout
    frames = np.empty((plan.frames, lay.frame_h, lay.frame_w, 3), np.uint8)
    for t in range(plan.frames):
        frames[t] = r.frame(t, compress=compress)
    return frames, lay.corners(), plan


def to_strips(frames: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """Gray 900x100 strips [T, 100, 900] rectified through the corners, as the top-view strips for Video2Roll."""
    return np.stack([rectify(cv2.cvtColor(f, cv2.COLOR_RGB2GRAY), corners) for f in frames])


def labels_json(plan: SynthPlan, corners: np.ndarray, source: str, start: float) -> dict[str, object]:
    """The same fields as video.labels_json (fps, frameSize, corners, notes, source, start, style, camera), plus
    kind = "synthesia" and each note's hand ("left" / "right")."""
    lay = plan.layout
    return {
        "kind": "synthesia",
        "fps": FPS,
        "frameSize": [lay.frame_w, lay.frame_h],
        "corners": [[round(float(x), 3), round(float(y), 3)] for x, y in corners],
        "notes": [
            {"pitch": n.pitch, "onsetSec": round(n.onset, 4), "offsetSec": round(n.offset, 4), "velocity": n.velocity,
             "hand": "right" if h else "left"}
            for n, h in zip(plan.notes, plan.hands)
        ],
        "source": source,
        "start": start,
        "style": plan.style.to_json(),
        "camera": lay.to_json(),
    }


def render_synthesia_video(piece: str, seconds: float, seed: int, out: Path, *, start: float | None = None, clean: bool = False,
                           size: tuple[int, int] | None = None, crf: int = 23) -> dict[str, object]:
    path = resolve_piece(piece)
    perf = load_midi(path)
    if start is None:
        start = default_start(perf, seconds, np.random.default_rng(seed))
    frames, corners, plan = render_synthesia_frames(perf, start, seconds, seed, size=size, clean=clean, compress=False,
                                                    hand_of=track_hands(path))
    write_mp4(frames, out, crf=crf)
    try:
        source = str(path.relative_to(DATA_ROOT))
    except ValueError:
        source = str(path)
    lab = labels_json(plan, corners, source, start)
    out.with_suffix(".labels.json").write_text(json.dumps(lab, indent=1) + "\n")
    return lab


def real_frame(sec: float) -> np.ndarray | None:
    if not REAL_VIDEO.exists():
        return None
    cap = cv2.VideoCapture(str(REAL_VIDEO))
    cap.set(cv2.CAP_PROP_POS_MSEC, sec * 1000)
    ok, bgr = cap.read()
    cap.release()
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB) if ok else None


COMPARE_PIECE, COMPARE_START = "pop909/001", 65.0  # test split; ~30 notes of ~0.4 s in view, like the reference frame


def real_vs_synth(*, real_sec: float = 40.0, width: int = 800, seed: int = 1) -> np.ndarray:
    """Top: a frame of the reference video beside a clean rendered frame, both drawn at 1920x1080 and scaled to the
    same size; below: three randomised styles (domain randomisation)."""
    h = width * 9 // 16
    path = resolve_piece(COMPARE_PIECE)
    perf = load_midi(path)
    hands = track_hands(path)
    fr, _, _ = render_synthesia_frames(perf, COMPARE_START, 0.04, seed, size=(1920, 1080), clean=True, hand_of=hands)
    synth = cv2.resize(fr[0], (width, h), interpolation=cv2.INTER_AREA)
    real = real_frame(real_sec)
    real = cv2.resize(real, (width, h), interpolation=cv2.INTER_AREA) if real is not None else np.zeros_like(synth)
    sep = np.zeros((h, 8, 3), np.uint8)
    top = np.hstack([real, sep, synth])
    tiles = []
    tw = (2 * width + 8 - 16) // 3
    th = tw * 9 // 16
    for i in range(3):
        f, _, _ = render_synthesia_frames(perf, COMPARE_START + 4.0 * (i + 1), 0.04, seed * 100 + i + 1, size=(1280, 720), hand_of=hands)
        tiles.append(cv2.resize(f[0], (tw, th), interpolation=cv2.INTER_AREA))
        if i < 2:
            tiles.append(np.zeros((th, 8, 3), np.uint8))
    bottom = np.hstack(tiles)
    bottom = np.pad(bottom, ((0, 0), (0, top.shape[1] - bottom.shape[1]), (0, 0)))
    return np.vstack([top, np.zeros((8, top.shape[1], 3), np.uint8), bottom])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--piece", help="piece name from training/splits.json, or a .mid path")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=float, default=None, help="start time in the performance (default: random, seeded)")
    ap.add_argument("--size", default=None, help="WxH (default: random from the style's list)")
    ap.add_argument("--clean", action="store_true", help="the classic Synthesia look of the reference video")
    ap.add_argument("--crf", type=int, default=23, help="H.264 quality (higher = more compression)")
    ap.add_argument("--out", type=Path, help="X.mp4 (+ X.labels.json)")
    ap.add_argument("--real-vs-synth", type=Path, default=None, help="write the real-vs-rendered comparison PNG here")
    a = ap.parse_args()
    if a.real_vs_synth:
        img = real_vs_synth(seed=a.seed or 1)
        a.real_vs_synth.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(a.real_vs_synth), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        print(json.dumps({"out": str(a.real_vs_synth)}))
    if a.piece:
        if a.out is None:
            ap.error("--out is required with --piece")
        size = tuple(int(v) for v in a.size.split("x")) if a.size else None
        lab = render_synthesia_video(a.piece, a.seconds, a.seed, a.out, start=a.start, clean=a.clean, size=size, crf=a.crf)  # type: ignore[arg-type]
        print(json.dumps({"out": str(a.out), "notes": len(lab["notes"]), "corners": lab["corners"]}))  # type: ignore[arg-type]
    elif not a.real_vs_synth:
        ap.error("give --piece (and --out) or --real-vs-synth")


if __name__ == "__main__":
    main()
