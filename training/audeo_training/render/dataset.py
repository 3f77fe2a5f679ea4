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
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from ..cards import git_commit
from ..midi_sources import DATA_ROOT, Performance, load_midi, performances
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


@lru_cache(maxsize=64)
def _load(path: str) -> Performance:
    return load_midi(Path(path))


def pick_clip(files: list[Path], rng: np.random.Generator, seconds: float) -> tuple[Path, Performance, float]:
    for _ in range(1000):
        f = files[int(rng.integers(len(files)))]
        perf = _load(str(f))
        if perf.duration > seconds + 2 and len(perf.notes) > 10:
            first = perf.notes[0].onset
            start = float(rng.uniform(first, max(first, perf.duration - seconds - 1)))
            return f, perf, start
    raise ValueError(f"no performance longer than {seconds + 2} s with > 10 notes among {len(files)} files")


def _rel(f: Path) -> str:
    try:
        return str(f.resolve().relative_to(DATA_ROOT.resolve()))
    except ValueError:
        return str(f)


def _job(args: tuple[int, list[str], float, int, str]) -> dict[str, object]:
    i, files, seconds, seed, out = args
    cv2.setNumThreads(1)  # parallelism comes from the workers
    rng = np.random.default_rng([seed, i])
    f, perf, start = pick_clip([Path(x) for x in files], rng, seconds)
    style_seed = int(rng.integers(2**31))
    strips, keydown, sounding, plan = render_strip_clip_full(perf, start, seconds, style_seed)
    np.savez(Path(out) / f"clip-{i:05d}.npz", strips=strips, keydown=keydown, sounding=sounding)
    return {
        "clip": i, "midi": _rel(f), "start": round(start, 4), "styleSeed": style_seed, "keyLeadSec": round(plan.key_lead_sec, 4), "style": plan.style.to_json(),
        "camera": plan.camera.to_json(), "frames": int(len(strips)),
        "keydownFrames": int(keydown.sum()), "soundingFrames": int(sounding.sum()),
    }


def write_shards(split: str, clips: int, seconds: float, seed: int, out_root: Path, *, workers: int = 1,
                 files: list[Path] | None = None, log: bool = True) -> dict[str, object]:
    """Renders `clips` clips of `split` into out_root/split/clip-XXXXX.npz + manifest.json; returns the manifest.
    `files`: the performances to draw from (default: all of the split's pieces present under DATA_ROOT)."""
    out = out_root / split
    out.mkdir(parents=True, exist_ok=True)
    pool_files = [str(f) for f in (files if files is not None else performances(split))]
    if not pool_files:
        raise FileNotFoundError(f"no MIDI performances for split {split!r} under {DATA_ROOT}/midi")
    jobs = [(i, pool_files, seconds, seed, str(out)) for i in range(clips)]
    t0 = time.time()
    done: list[dict[str, object]] = []
    if workers > 1:
        with mp.Pool(workers) as pool:
            for c in pool.imap(_job, jobs):
                done.append(c)
                if log and len(done) % 10 == 0:
                    print(f"{len(done)}/{clips} clips, {time.time() - t0:.0f} s", flush=True)
    else:
        for j in jobs:
            done.append(_job(j))
            if log and len(done) % 10 == 0:
                print(f"{len(done)}/{clips} clips, {time.time() - t0:.0f} s", flush=True)
    wall = time.time() - t0
    frames = sum(int(c["frames"]) for c in done)  # type: ignore[call-overload]
    manifest: dict[str, object] = {
        "split": split, "seed": seed, "seconds": seconds, "fps": FPS, "workers": workers, "clips": done,
        "counts": {"clips": len(done), "frames": frames, "performancesInSplit": len(pool_files)},
        "pieces": sorted({str(c["midi"]) for c in done}),
        "commit": git_commit(), "wallSec": round(wall, 2), "stripsPerSec": round(frames / max(wall, 1e-9), 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["train", "val", "test"], required=True)
    ap.add_argument("--clips", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    m = write_shards(a.split, a.clips, a.seconds, a.seed, a.out, workers=a.workers)
    c = m["counts"]
    print(f"{c['frames']} strips in {m['wallSec']} s ({m['stripsPerSec']} strips/s) -> {a.out / a.split}")  # type: ignore[index]


if __name__ == "__main__":
    main()
