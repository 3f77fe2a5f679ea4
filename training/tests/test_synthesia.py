"""Synthesia-style renderer: determinism, lit keys == key-down == bars touching the line == notes down, bars inside
their key's x-span, left/right colours (by pitch and by MIDI track), the video + labels CLI path, and the clean
layout against the real reference video (skipped when it is absent)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import mido
import numpy as np
import pytest

from audeo_training.midi_sources import Note, Performance, load_midi
from audeo_training.render import video as V
from audeo_training.render.synthesia import (
    REAL_VIDEO, SynthRenderer, SynthStyle, labels_json, plan_synthesia, real_frame, render_synthesia_frames,
    render_synthesia_video, sample_synth_style, to_strips, track_hands,
)

SIZE = (640, 360)


def plain_style(**kw: object) -> SynthStyle:
    st = sample_synth_style(np.random.default_rng(0), clean=True)
    return replace(st, glow=0.0, blur_sigma=0.0, jpeg_quality=100, measure_sec=0.0, **kw)  # type: ignore[arg-type]


def random_perf(seconds: float = 3.0) -> Performance:
    rng = np.random.default_rng(0)
    notes, t = [], 0.05
    while t < seconds:
        p = int(rng.integers(30, 100))
        notes.append(Note(p, t, t + float(rng.uniform(0.1, 0.7)), 80))
        t += float(rng.uniform(0.03, 0.2))
    notes.sort(key=lambda n: (n.onset, n.pitch))
    return Performance(notes, [(0.5, True), (1.5, False)], seconds + 1)


def frame_notes() -> Performance:
    """Notes on frame boundaries (25 fps), both hands, the keyboard's ends, black keys, a re-struck key."""
    f = 0.04
    spec = [(60, 5, 15), (64, 10, 25), (61, 0, 8), (62, 13, 20), (21, 2, 12), (108, 4, 9), (67, 5, 10), (67, 10, 15),
            (36, 0, 20), (43, 6, 7), (94, 12, 18)]
    notes = [Note(p, a * f, b * f, 90) for p, a, b in spec]
    notes.sort(key=lambda n: (n.onset, n.pitch))
    return Performance(notes, [], 1.0)


def renderer(perf: Performance, style: SynthStyle, seconds: float, **kw: object) -> tuple[SynthRenderer, object]:
    plan, bars, _ = plan_synthesia(perf, 0.0, seconds, 1, size=SIZE, style=style, **kw)  # type: ignore[arg-type]
    return SynthRenderer(plan, bars), plan


def key_probe(plan: object, k: int) -> tuple[int, int]:
    """A pixel (y, x) inside key k on the on-screen keyboard (front part for white keys, middle for black)."""
    km = plan.key_map  # type: ignore[attr-defined]
    ys, xs = np.nonzero(km == k)
    y = int(np.quantile(ys, 0.8 if ys.max() - ys.min() > 0 else 0.5))
    row = xs[ys == y]
    return y, int(row[len(row) // 2])


def bar_probe_column(lay: object, st: SynthStyle, k: int) -> int:
    """A column that only key k's bar can cover (white-key bars are bar_width wide, so they may reach a black key's
    centre column; pick a black key's column away from its white neighbours' bars)."""
    x0, x1, xc = lay.key_x(k)  # type: ignore[attr-defined]
    if (k + 21) % 12 not in (1, 3, 6, 8, 10):
        return int(round(xc))
    wp = lay.white_px  # type: ignore[attr-defined]
    taken: set[int] = set()
    for j in (k - 1, k + 1):
        if 0 <= j < 88:
            _, _, c = lay.key_x(j)  # type: ignore[attr-defined]
            taken.update(range(int(round(c - st.bar_width * wp / 2)), int(round(c + st.bar_width * wp / 2))))
    bw = (x1 - x0) * 0.95
    free = [x for x in range(int(round(xc - bw / 2)) + 1, int(round(xc + bw / 2)) - 1) if x not in taken]
    assert free, f"no free column for key {k}"
    return free[len(free) // 2]


def test_deterministic_under_seed() -> None:
    perf = random_perf(1.0)
    a, ca, pa = render_synthesia_frames(perf, 0.2, 0.3, 7, size=(320, 180))
    b, cb, pb = render_synthesia_frames(perf, 0.2, 0.3, 7, size=(320, 180))
    assert np.array_equal(a, b) and np.array_equal(ca, cb) and pa.style == pb.style
    c, _, pc = render_synthesia_frames(perf, 0.2, 0.3, 8, size=(320, 180))
    assert pc.style != pa.style and not np.array_equal(a, c)


def test_lit_keys_equal_keydown_equal_touching_bars_equal_notes_down() -> None:
    perf = frame_notes()
    st = plain_style(bar_width=0.7)
    r, plan = renderer(perf, st, 1.0)
    lay = plan.layout  # type: ignore[attr-defined]
    probes = [key_probe(plan, k) for k in range(88)]
    cols = [bar_probe_column(lay, st, k) for k in range(88)]
    seen_lit = 0
    for t in range(plan.frames):  # type: ignore[attr-defined]
        img = r.frame(t, compress=False).astype(np.int16)
        base = r.static.astype(np.int16)
        expected = np.zeros(88, bool)
        for n in perf.notes:
            if n.onset <= t / 25 + 1e-9 < n.offset:
                expected[n.pitch - 21] = True
        lit = np.array([np.abs(img[y, x] - base[y, x]).sum() > 60 for y, x in probes])
        touching = np.array([np.abs(img[lay.hit_y - 1, x] - base[lay.hit_y - 1, x]).sum() > 30 for x in cols])
        kd = plan.keydown[t].astype(bool)  # type: ignore[attr-defined]
        assert np.array_equal(kd, expected), f"frame {t}: keydown {np.nonzero(kd)[0] + 21} vs notes {np.nonzero(expected)[0] + 21}"
        assert np.array_equal(lit, expected), f"frame {t}: lit {np.nonzero(lit)[0] + 21} vs {np.nonzero(expected)[0] + 21}"
        assert np.array_equal(touching, expected), f"frame {t}: touching {np.nonzero(touching)[0] + 21} vs {np.nonzero(expected)[0] + 21}"
        seen_lit += int(lit.sum())
    assert seen_lit > 40


@pytest.mark.parametrize("pitch", [21, 22, 60, 61, 64, 65, 66, 70, 71, 107, 108])
def test_bar_lies_in_its_key_span(pitch: int) -> None:
    perf = Performance([Note(pitch, 0.8, 1.2, 90)], [], 2.0)
    st = plain_style()
    r, plan = renderer(perf, st, 0.2)
    lay = plan.layout  # type: ignore[attr-defined]
    img = r.frame(0, compress=False).astype(np.int16)
    diff = np.abs(img[: lay.hit_y] - r.static[: lay.hit_y].astype(np.int16)).sum(2) > 20
    ys, xs = np.nonzero(diff)
    assert len(xs) > 20, "the bar is drawn"
    x0, x1, _ = lay.key_x(pitch - 21)
    assert xs.min() >= np.floor(x0) - 0.5 and xs.max() + 1 <= np.ceil(x1) + 0.5, (xs.min(), xs.max() + 1, x0, x1)
    # it falls: 0.8 s before the hit line by fall speed, +- one frame
    assert abs(lay.hit_y - ys.max() - 1 - 0.8 * lay.px_per_sec) <= lay.px_per_sec / 25 + 1


def nearest_hand(pixel: np.ndarray, st: SynthStyle, black: bool) -> int:
    cols = [st.left_dark_rgb, st.right_dark_rgb] if black else [st.left_rgb, st.right_rgb]
    d = [np.abs(pixel.astype(float) - np.array(c)).sum() for c in cols]
    return int(np.argmin(d))


def test_left_right_colours_by_pitch() -> None:
    # two hands far apart, both sounding: low C2 + D#2 (left), high C6 + F#6 (right)
    notes = [Note(36, 0.0, 0.6, 80), Note(39, 0.0, 0.6, 80), Note(84, 0.0, 0.6, 80), Note(90, 0.0, 0.6, 80)]
    st = plain_style()
    r, plan = renderer(Performance(notes, [], 1.0), st, 0.2)
    img = r.frame(2, compress=False)
    lay = plan.layout  # type: ignore[attr-defined]
    for pitch, hand in ((36, 0), (39, 0), (84, 1), (90, 1)):
        k = pitch - 21
        black = pitch % 12 in (1, 3, 6, 8, 10)
        y, x = key_probe(plan, k)
        assert nearest_hand(img[y, x], st, black) == hand, f"key {pitch} lit in the wrong hand's colour"
        bar_px = img[lay.hit_y - 3, int(round(lay.key_x(k)[2]))]
        assert nearest_hand(bar_px, st, black) == hand, f"bar {pitch} in the wrong hand's colour"
    assert plan.hands == [0, 0, 1, 1]  # type: ignore[attr-defined]


def two_track_midi(path: Path) -> None:
    """Right hand (track 1) crosses below the left hand (track 2) for one note: hands must follow the tracks."""
    mid = mido.MidiFile(ticks_per_beat=480)
    meta = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=500000, time=0)])
    rh = mido.MidiTrack()
    lh = mido.MidiTrack()
    for tr, pitches in ((rh, [72, 76, 79, 45]), (lh, [48, 52, 55, 57])):
        for p in pitches:
            tr.append(mido.Message("note_on", note=p, velocity=80, time=0))
            tr.append(mido.Message("note_off", note=p, velocity=0, time=240))
    mid.tracks.extend([meta, rh, lh])
    mid.save(str(path))


def test_left_right_colours_by_track(tmp_path: Path) -> None:
    path = tmp_path / "two.mid"
    two_track_midi(path)
    hand_of = track_hands(path)
    assert hand_of is not None
    perf = load_midi(path)
    st = plain_style()
    r, plan = renderer(perf, st, 2.0, hand_of=hand_of)
    hands = {(n.pitch, round(n.onset, 2)): h for n, h in zip(plan.notes, plan.hands)}  # type: ignore[attr-defined]
    assert hands[(45, 0.75)] == 1 and hands[(57, 0.75)] == 0 and hands[(72, 0.0)] == 1 and hands[(48, 0.0)] == 0
    img = r.frame(int(0.8 * 25), compress=False)  # 45 (right hand, crossed below) and 57 (left) are down
    for pitch, hand in ((45, 1), (57, 0)):
        y, x = key_probe(plan, pitch - 21)
        assert nearest_hand(img[y, x], st, False) == hand
    # a one-track file has no track hands (moving-boundary split instead)
    one = tmp_path / "one.mid"
    m = mido.MidiFile()
    m.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=80, time=0), mido.Message("note_off", note=60, time=100)]))
    m.save(str(one))
    assert track_hands(one) is None


def test_key_map_matches_geometry_and_strips() -> None:
    perf = random_perf(1.0)
    frames, corners, plan = render_synthesia_frames(perf, 0.0, 0.2, 3, size=SIZE, style=plain_style())
    lay = plan.layout
    for k in range(88):
        ys, xs = np.nonzero(plan.key_map == k)
        x0, x1, _ = lay.key_x(k)
        assert len(xs) > 0 and xs.min() + 0.5 >= x0 - 1e-6 and xs.max() + 0.5 <= x1 + 1e-6
        assert ys.min() >= lay.key_top and ys.max() < lay.key_front
    assert corners[0, 0] == pytest.approx(lay.kx0) and corners[2, 1] == lay.key_front
    cam = plan.camera  # the top-view plan's interface
    assert (cam.frame_w, cam.frame_h) == SIZE and np.array_equal(cam.corners, corners) and cam.cut == "none"
    zoomed = plan_synthesia(perf, 0.0, 0.2, 3, size=SIZE, style=plain_style(zoom=1.3, pan=0.0))[0]
    assert zoomed.camera.cut == "both" and (zoomed.key_map[zoomed.layout.key_top] >= 0).mean() > 0.8
    strips = to_strips(frames, corners)
    assert strips.shape == (5, 100, 900)
    # on the rectified strip, white-key gaps sit at the canonical boundaries (front row)
    row = strips[0, 90].astype(float)
    for i in (10, 26, 40):
        xg = i * 900 / 52
        lo = int(xg) - 3
        assert abs(lo + int(np.argmin(row[lo : lo + 7])) + 0.5 - xg) <= 1.5


def test_video_cli_path_writes_mp4_and_labels(tmp_path: Path) -> None:
    if not V.FFMPEG.exists():
        pytest.skip(f"no ffmpeg at {V.FFMPEG}")
    path = tmp_path / "two.mid"
    two_track_midi(path)
    out = tmp_path / "x.mp4"
    lab = render_synthesia_video(str(path), 0.4, 1, out, start=0.0, size=(320, 180))
    assert out.stat().st_size > 1000
    saved = json.loads(out.with_suffix(".labels.json").read_text())
    assert saved["frameSize"] == [320, 180] and saved["kind"] == "synthesia" and len(saved["corners"]) == 4
    assert {"fps", "frameSize", "corners", "notes", "source", "start", "style", "camera"} <= set(lab)
    assert [(n["pitch"], n["hand"]) for n in saved["notes"]] == [(48, "left"), (72, "right"), (52, "left"), (76, "right")]


def test_labels_json_fields() -> None:
    perf = frame_notes()
    frames, corners, plan = render_synthesia_frames(perf, 0.0, 0.2, 2, size=(320, 180))
    lab = labels_json(plan, corners, "x.mid", 0.0)
    assert len(lab["notes"]) == len(plan.notes) and lab["fps"] == 25.0  # type: ignore[arg-type]


@pytest.mark.skipif(not REAL_VIDEO.exists(), reason=f"reference video absent: {REAL_VIDEO}")
def test_clean_layout_matches_real_video() -> None:
    real = real_frame(40.0)
    assert real is not None
    h, w = real.shape[:2]
    g = real.astype(float).mean(2)
    # white keys: rows whose middle 80% is mostly bright
    bright = (g[:, int(0.1 * w) : int(0.6 * w)] > 180).mean(1) > 0.3
    rows = np.nonzero(bright)[0]
    real_top, real_front = rows.min(), rows.max() + 1
    st = sample_synth_style(np.random.default_rng(0), clean=True)
    _, _, plan = render_synthesia_frames(Performance([], [], 1.0), 0.0, 0.04, 0, size=(w, h), clean=True)
    lay = plan.layout
    # keyboard rows within 1% of the frame height
    assert abs(lay.key_top - real_top) < 0.01 * h and abs(lay.key_front - real_front) < 0.01 * h
    # white-key gaps on a row in front of the black keys: within 2 px of the rendered keyboard's boundaries
    row = g[int(lay.key_top + 0.85 * (lay.key_front - lay.key_top)), : int(0.6 * w)] < 200
    d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)  # dark runs [start, end)
    centres = np.array([(a + b) / 2 for a, b in zip(starts, ends)])
    assert len(centres) > 15
    pred = lay.kx0 + np.arange(53) * lay.white_px
    err = np.array([np.abs(pred - c).min() for c in centres])
    assert np.median(err) < 2.0, err
    bg = np.median(real[int(0.3 * h) : int(0.5 * h), : w // 4].reshape(-1, 3), 0)
    assert np.abs(bg - np.array(st.bg_rgb)).max() <= 8
