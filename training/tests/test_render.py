"""Renderer: strip geometry, labels (key-down vs sounding, pedal, decay), determinism, shard writer round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import mido
import numpy as np
import pytest

from audeo_training.geometry import all_key_spans
from audeo_training.midi_sources import DATA_ROOT, Note, Performance
from audeo_training.render import labels as L
from audeo_training.render.camera import Camera, rectify
from audeo_training.render.clip import ClipPlan, plan_clip, render_frames, render_strips
from audeo_training.render.dataset import render_strip_clip, write_shards
from audeo_training.render.style import sample_style

SPANS = all_key_spans()


def tiny_perf(seconds: float = 4.0) -> Performance:
    rng = np.random.default_rng(0)
    notes = []
    t = 0.1
    while t < seconds:
        p = int(rng.integers(36, 90))
        d = float(rng.uniform(0.1, 0.8))
        notes.append(Note(p, t, t + d, int(rng.integers(30, 110))))
        t += float(rng.uniform(0.05, 0.3))
    notes.sort(key=lambda n: (n.onset, n.pitch))
    return Performance(notes, [(1.0, True), (2.5, False)], seconds + 1)


def axis_camera(w: int = 1000, h: int = 400) -> Camera:
    c = np.array([[50.0, 150.0], [950.0, 150.0], [950.0, 260.0], [50.0, 260.0]])
    return Camera(w, h, c, 0.0, "none")


def clean_plan(frames: int = 1) -> tuple[ClipPlan, np.random.Generator]:
    rng = np.random.default_rng(1)
    st = replace(sample_style(rng, clean=True), jpeg_quality=100, noise_sigma=0.0, blur_sigma=0.0, shadow_strength=0.0)
    z = np.zeros((frames, 88), np.uint8)
    return ClipPlan(st, axis_camera(), z, z.copy(), [], frames), rng


# ---------------------------------------------------------------------------------------------------------------
# geometry


def test_unpressed_strip_key_positions_within_1px() -> None:
    plan, rng = clean_plan()
    strip = render_strips(plan, rng, jitter=False, hands=False)[0].astype(np.float32)
    # white-key gaps: darkest column near each canonical boundary, on a row in front of the black keys
    row = strip[75]
    for i in range(1, 52):
        xg = i * 900 / 52
        lo = int(xg) - 4
        j = lo + int(np.argmin(row[lo : lo + 9]))
        assert abs(j + 0.5 - xg) <= 1.0, (i, j, xg)
        assert row[j] < np.median(row) - 10, "white key gap not visible"
    # black keys: dark runs on a row at the back; their centres at the canonical centres
    back = strip[30] < 100
    runs: list[float] = []
    j = 0
    while j < 900:
        if back[j]:
            k = j
            while k < 900 and back[k]:
                k += 1
            runs.append((j + k) / 2)
            j = k
        else:
            j += 1
    want = [s.xc * 900 for s in SPANS if s.black]
    assert len(runs) == len(want) == 36
    for got, w in zip(runs, want):
        assert abs(got - w) <= 1.0, (got, w)


def test_strip_is_black_outside_the_view() -> None:
    plan, rng = clean_plan()
    cam = plan.camera
    c = cam.corners.copy()
    c[:, 0] = (c[:, 0] - 50) * 2 - 900  # keyboard twice as wide, its left half outside the frame
    plan = replace(plan, camera=Camera(cam.frame_w, cam.frame_h, c, 0.0, "left"))
    strip = render_strips(plan, rng, jitter=False, hands=False)[0]
    assert strip[:, :448].max() == 0
    assert strip[:, 452:].mean() > 60


def test_rectify_is_the_inverse_of_the_corners() -> None:
    frame = np.zeros((300, 1200), np.uint8)
    frame[100:200, 100:1000] = 200  # a 900x100 block exactly at the corners
    corners = np.array([[100.0, 100.0], [1000.0, 100.0], [1000.0, 200.0], [100.0, 200.0]])
    s = rectify(frame, corners)
    assert s.shape == (100, 900)
    assert s.min() == 200


# ---------------------------------------------------------------------------------------------------------------
# labels


def test_keydown_lies_within_sounding() -> None:
    perf = tiny_perf(6)
    kd, so = L.rolls(perf.notes, perf.pedal, 0.0, 150)
    for n in perf.notes:
        a, b = L.frame_span(n.onset, n.offset, 25)
        k = n.pitch - 21
        stop = min(b, L.frame_span(n.onset, n.onset + L.decay_sec(n.pitch), 25)[1], 150)
        nxt = [m.onset for m in perf.notes if m.pitch == n.pitch and m.onset > n.onset]
        if nxt:
            stop = min(stop, L.frame_span(nxt[0], nxt[0], 25)[0])
        assert kd[a:stop, k].all()
        assert so[a:stop, k].all(), f"key-down frames of {n} not sounding"
    assert (so.sum() >= kd.sum() * 0.9)


def test_keys_are_seen_down_before_they_sound() -> None:
    """key_lead_sec: key-down starts that long before the note-on; sounding still starts at the note-on; a quick
    re-strike is not seen before the previous press ends."""
    n1, n2 = Note(60, 1.0, 1.4, 80), Note(60, 1.44, 1.8, 80)
    kd0, so0 = L.rolls([n1, n2], [], 0.0, 60)
    kd, so = L.rolls([n1, n2], [], 0.0, 60, key_lead_sec=0.04)
    k = 60 - 21
    assert (so == so0).all()
    assert np.flatnonzero(kd[:, k])[0] == 24 and np.flatnonzero(kd0[:, k])[0] == 25  # one frame earlier at 25 fps
    assert (kd[25:, k] == kd0[25:, k]).all()  # the re-strike (frame 36) stays where it was: frame 35 stays up
    assert not kd[35, k] and kd[36, k]
    plan, _ = plan_clip(tiny_perf(6), 0.0, 4.0, style_seed=3)
    lo, hi = L.KEY_LEAD_RANGE_SEC
    assert lo <= plan.key_lead_sec <= hi and lo <= L.KEY_LEAD_SEC <= hi


def test_pedal_keeps_released_notes_sounding_until_pedal_up() -> None:
    n = Note(60, 0.0, 0.4, 80)
    pedal = [(0.2, True), (2.0, False)]
    kd, so = L.rolls([n], pedal, 0.0, 100)
    k = 60 - 21
    assert kd[:, k].sum() == 10  # 0.4 s
    assert so[:50, k].all() and not so[50:, k].any()  # until the pedal is lifted at 2.0 s
    kd2, so2 = L.rolls([n], [], 0.0, 100)
    assert (so2[:, k] == kd2[:, k]).all()


def test_decay_is_pitch_dependent_and_cuts_long_notes() -> None:
    assert L.decay_sec(21) == pytest.approx(10.0)
    assert L.decay_sec(108) == pytest.approx(1.5)
    assert all(L.decay_sec(p) > L.decay_sec(p + 1) for p in range(21, 108))
    hi = Note(100, 0.0, 8.0, 80)
    kd, so = L.rolls([hi], [], 0.0, 250)
    k = 100 - 21
    assert kd[:, k].sum() == 200
    assert so[:, k].sum() == L.frame_span(0, L.decay_sec(100), 25)[1]
    # the pedal does not keep a note beyond its decay either
    short = Note(100, 0.0, 0.3, 80)
    _, so3 = L.rolls([short], [(0.1, True)], 0.0, 250)
    assert so3[:, k].sum() == so[:, k].sum()


def test_restrike_ends_the_previous_sound() -> None:
    a, b = Note(60, 0.0, 0.2, 80), Note(60, 1.0, 1.2, 80)
    _, so = L.rolls([a, b], [(0.0, True)], 0.0, 50)
    k = 60 - 21
    assert so[:25, k].all() and so[25:30, k].all()


# ---------------------------------------------------------------------------------------------------------------
# determinism, hands, frames


def test_same_seed_same_arrays() -> None:
    perf = tiny_perf(3)
    a = render_strip_clip(perf, 0.5, 1.0, 42)
    b = render_strip_clip(perf, 0.5, 1.0, 42)
    c = render_strip_clip(perf, 0.5, 1.0, 43)
    for x, y in zip(a, b):
        assert x.dtype == np.uint8 and np.array_equal(x, y)
    assert a[0].shape == (25, 100, 900) and a[1].shape == (25, 88) and a[2].shape == (25, 88)
    assert not np.array_equal(a[0], c[0])


def test_fingers_cover_pressed_keys() -> None:
    """A held key: the strip over its front part differs from the unpressed keyboard (a finger is on it)."""
    perf = Performance([Note(60, 0.0, 2.0, 80)], [], 3.0)
    plan, rng = plan_clip(perf, 0.0, 0.4, 5, clean=True)
    plan = replace(plan, camera=axis_camera(), style=replace(plan.style, noise_sigma=0.0, jpeg_quality=100, skin_rgb=(160, 100, 70)))
    with_hands = render_strips(plan, np.random.default_rng(2), jitter=False)[5].astype(int)
    no_hands = render_strips(plan, np.random.default_rng(2), jitter=False, hands=False)[5].astype(int)
    span = SPANS[60 - 21]
    x0, x1 = int(span.x0 * 900) + 3, int(span.x1 * 900) - 3
    assert np.abs(with_hands[75:90, x0:x1] - no_hands[75:90, x0:x1]).mean() > 20


def test_render_frames_shapes_and_corners() -> None:
    perf = tiny_perf(2)
    frames, corners, plan = render_frames(perf, 0.0, 0.4, 3, size=(320, 180))
    assert frames.shape == (10, 180, 320, 3) and frames.dtype == np.uint8
    assert corners.shape == (4, 2)
    # back edge above the front edge, left corners left of the right ones
    assert corners[0, 1] < corners[3, 1] and corners[1, 1] < corners[2, 1]
    assert corners[0, 0] < corners[1, 0] and corners[3, 0] < corners[2, 0]


# ---------------------------------------------------------------------------------------------------------------
# shard writer


def write_tiny_midi(path: Path) -> None:
    mid = mido.MidiFile(ticks_per_beat=480)
    tr = mido.MidiTrack()
    mid.tracks.append(tr)
    tr.append(mido.MetaMessage("set_tempo", tempo=500000))
    tr.append(mido.Message("control_change", control=64, value=127, time=0))
    for i in range(40):
        tr.append(mido.Message("note_on", note=48 + (i * 5) % 30, velocity=70, time=0 if i == 0 else 120))
        tr.append(mido.Message("note_off", note=48 + (i * 5) % 30, velocity=0, time=120))
    tr.append(mido.Message("control_change", control=64, value=0, time=0))
    mid.save(str(path))


def test_shard_writer_round_trip(tmp_path: Path) -> None:
    midi = tmp_path / "tiny.mid"
    write_tiny_midi(midi)
    m = write_shards("val", 2, 1.0, 9, tmp_path / "out", files=[midi], log=False)
    d = tmp_path / "out" / "val"
    man = json.loads((d / "manifest.json").read_text())
    assert man["counts"]["clips"] == 2 and man["counts"]["frames"] == 50 and man == json.loads(json.dumps(m))
    for i, c in enumerate(man["clips"]):
        z = np.load(d / f"clip-{i:05d}.npz")
        assert z["strips"].shape == (25, 100, 900) and z["strips"].dtype == np.uint8
        assert z["keydown"].shape == (25, 88) and z["sounding"].shape == (25, 88)
        s, kd, so = render_strip_clip(midi, float(c["start"]), 1.0, int(c["styleSeed"]))
        assert np.array_equal(kd, z["keydown"]) and np.array_equal(so, z["sounding"])
        assert np.abs(s.astype(int) - z["strips"].astype(int)).mean() < 1.0  # start is rounded in the manifest


def test_splits_have_no_shared_pieces() -> None:
    from audeo_training.midi_sources import load_splits

    s = load_splits()
    sets = [set(s[k]) for k in ("train", "val", "test")]
    assert not (sets[0] & sets[1]) and not (sets[0] & sets[2]) and not (sets[1] & sets[2])
    assert len(sets[0]) > 5 * len(sets[1])


@pytest.mark.skipif(not (DATA_ROOT / "midi").exists(), reason=f"{DATA_ROOT}/midi absent: skipping the real-MIDI render check")
def test_real_performance_renders() -> None:
    from audeo_training.midi_sources import performances

    files = performances("test")
    assert files
    s, kd, so = render_strip_clip(files[0], 5.0, 0.4, 1)
    assert s.shape == (10, 100, 900) and kd.shape == (10, 88)


def test_a_share_of_styles_have_hands_as_bright_as_the_keys() -> None:
    from audeo_training.render.style import BRIGHT_HANDS_RATIO, BRIGHT_HANDS_SHARE, _sample_style, luma

    ratios, changed = [], 0
    for seed in range(400):
        base = _sample_style(np.random.default_rng(seed))
        st = sample_style(np.random.default_rng(seed))
        assert replace(st, skin_rgb=base.skin_rgb) == base  # only the skin may change
        if st.skin_rgb != base.skin_rgb:
            changed += 1
            ratios.append(luma(st.skin_rgb) / luma(st.white_rgb))
    assert abs(changed / 400 - BRIGHT_HANDS_SHARE) < 0.06
    lo, hi = BRIGHT_HANDS_RATIO
    assert all(lo - 0.01 <= r <= hi + 0.01 for r in ratios)  # rounding to integers
    clean = sample_style(np.random.default_rng(0), clean=True)
    assert clean == _sample_style(np.random.default_rng(0), clean=True)
