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
from ..midi_sources import Performance, load_midi, performances
from .clip import render_strip_clip_full

FPS = 25.0


def render_strip_clip(
    piece: Performance | str | Path, start_sec: float, seconds: float, style_seed: int, *, clean: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """strips uint8 [T,100,900], keydown uint8 [T,88], sounding uint8 [T,88] for `seconds` of a performance from
    `start_sec` (T = round(seconds * 25)). `piece`: a Performance, or a MIDI path. Same seed = same arrays."""
    perf = piece if isinstance(piece, Performance) else load_midi(Path(piece))
    strips, keydown, sounding, _ = render_strip_clip_full(perf, start_sec, seconds, style_seed, clean=clean)
    return strips, keydown, sounding


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
    strips, keydown, sounding, plan = render_strip_clip_full(perf, start, seconds, style_seed)
    np.savez(Path(out) / f"clip-{i:05d}.npz", strips=strips, keydown=keydown, sounding=sounding)
    return {
        "clip": i, "midi": str(f), "start": start, "styleSeed": style_seed, "style": plan.style.to_json(),
        "camera": plan.camera.to_json(), "frames": int(len(strips)),
    }


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
