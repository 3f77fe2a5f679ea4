"""Rendered training clips: strips + labels, written as npz shards with a manifest.

    python -m audeo_training.render.dataset --split train --clips 400 --seconds 10 --seed 1 --out training/data/strips-v1

Each <out>/<split>/clip-XXXXX.npz holds `strips` uint8 [T,100,900], `keydown` uint8 [T,88], `sounding` uint8 [T,88]
(25 fps); <out>/<split>/manifest.json records the seed, the performance and start time of every clip and its style.
`render_strip_clip` is the same thing in memory, for rendering on the fly inside a data loader.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np

from ..cards import git_commit
from ..midi_sources import Note, Performance, load_midi, performances
from . import labels as L
from .scene import Canvas, base_keyboard, draw_hands, hand_poses, press_keys
from .strip import light_field, strip_affine, to_strip
from .style import Style, sample_style

FPS = 25.0


def hands_of_notes(notes: list[Note]) -> list[int]:
    """0 = left hand, 1 = right: split at the middle of what sounds around each note (one hand spans <~ an octave+)."""
    out = []
    onsets = np.array([n.onset for n in notes])
    pitches = np.array([n.pitch for n in notes])
    for n in notes:
        near = (np.abs(onsets - n.onset) < 1.5)
        lo, hi = pitches[near].min(), pitches[near].max()
        if hi - lo < 10:
            out.append(1 if n.pitch >= 55 else 0)
        else:
            out.append(1 if n.pitch >= (lo + hi) / 2 else 0)
    return out


def hand_roll(notes: list[Note], hands: list[int], frames: int) -> np.ndarray:
    roll = np.full((frames, 88), -1, np.int8)
    for n, h in zip(notes, hands):
        a, b = L.frame_span(n.onset, n.offset, FPS)
        roll[max(a, 0) : min(b, frames), n.pitch - 21] = h
    return roll


def render_canvas_frames(
    notes: list[Note], frames: int, st: Style, cv: Canvas, rng: np.random.Generator, keydown: np.ndarray
) -> "list[np.ndarray]":
    """RGB canvases, one per frame (notes relative to the clip start)."""
    base = base_keyboard(cv, st)
    hands = hands_of_notes(notes) if notes else []
    hroll = hand_roll(notes, hands, frames)
    poses = hand_poses(cv, st, keydown.astype(bool), hroll, rng)
    out = []
    for t in range(frames):
        img = base.copy()
        press_keys(img, cv, st, keydown[t].astype(bool))
        draw_hands(img, cv, st, poses[t])
        out.append(img)
    return out


def render_strip_clip(
    perf: Performance, start: float, seconds: float, style_seed: int, *, clean: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Style]:
    """strips uint8 [T,100,900], keydown uint8 [T,88], sounding uint8 [T,88], and the style used."""
    rng = np.random.default_rng(style_seed)
    st = sample_style(rng, clean=clean)
    frames = int(round(seconds * FPS))
    keydown, sounding = L.rolls(perf.notes, perf.pedal, start, frames, FPS)
    notes = L.clip_notes(perf.notes, start, seconds)
    cv = Canvas.at_scale(float(rng.uniform(0.7, 1.3)))
    affine = strip_affine(cv, st)
    light = light_field(st)
    strips = np.empty((frames, 100, 900), np.uint8)
    for t, img in enumerate(render_canvas_frames(notes, frames, st, cv, rng, keydown)):
        strips[t] = to_strip(img, cv, st, affine, light, rng)
    return strips, keydown, sounding, st


def pick_clip(files: list[Path], rng: np.random.Generator, seconds: float) -> tuple[Path, Performance, float]:
    while True:
        f = files[int(rng.integers(len(files)))]
        perf = load_midi(f)
        if perf.duration > seconds + 2 and len(perf.notes) > 10:
            first = perf.notes[0].onset
            start = float(rng.uniform(first, max(first, perf.duration - seconds - 1)))
            return f, perf, start


def _job(args: tuple[int, str, float, int, str]) -> dict[str, object]:
    i, split, seconds, seed, out = args
    rng = np.random.default_rng([seed, i])
    files = performances(split)
    f, perf, start = pick_clip(files, rng, seconds)
    style_seed = int(rng.integers(2**31))
    strips, keydown, sounding, st = render_strip_clip(perf, start, seconds, style_seed)
    np.savez(Path(out) / f"clip-{i:05d}.npz", strips=strips, keydown=keydown, sounding=sounding)
    return {"clip": i, "midi": str(f), "start": start, "styleSeed": style_seed, "style": st.to_json(), "frames": int(len(strips))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["train", "val", "test"], required=True)
    ap.add_argument("--clips", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    out = a.out / a.split
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(i, a.split, a.seconds, a.seed, str(out)) for i in range(a.clips)]
    t0 = time.time()
    if a.workers > 1:
        with mp.Pool(a.workers) as pool:
            clips = list(pool.imap(_job, jobs))
    else:
        clips = []
        for j in jobs:
            clips.append(_job(j))
            if len(clips) % 10 == 0:
                print(f"{len(clips)}/{a.clips} clips, {time.time() - t0:.0f} s", flush=True)
    wall = time.time() - t0
    frames = sum(int(c["frames"]) for c in clips)  # type: ignore[call-overload]
    manifest = {
        "split": a.split, "seed": a.seed, "seconds": a.seconds, "fps": FPS, "clips": clips, "frames": frames,
        "commit": git_commit(), "wallSec": wall, "stripsPerSec": frames / wall,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    print(f"{frames} strips in {wall:.0f} s ({frames / wall:.1f} strips/s)")


if __name__ == "__main__":
    main()
