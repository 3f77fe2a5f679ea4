"""Renderer speed: strips/s (Video2Roll training data) and full frames/s (locator videos), one process.

    training/.venv/bin/python bench/render_bench.py [--clips 12] [--seconds 8] [--workers 1]

Target (issue 3.5): 100,000 strips with labels in <= 30 min on the 2-core dev machine = 55.6 strips/s in all.
Prints a table: strips/s, ratio to the target (per worker count used), x real time (25 fps video).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

import numpy as np  # noqa: E402

from audeo_training.midi_sources import performances  # noqa: E402
from audeo_training.render.clip import render_frames  # noqa: E402
from audeo_training.render.dataset import _load, pick_clip, render_strip_clip  # noqa: E402

TARGET = 100_000 / (30 * 60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clips", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--frame-clips", type=int, default=2)
    a = ap.parse_args()
    files = performances("train")
    rng = np.random.default_rng(0)
    picks = [pick_clip(files, rng, a.seconds) for _ in range(a.clips)]
    for f, _, _ in picks:
        _load(str(f))
    n = 0
    t0 = time.perf_counter()
    for i, (_, perf, start) in enumerate(picks):
        s, _, _ = render_strip_clip(perf, start, a.seconds, 1000 + i)
        n += len(s)
    strip_wall = time.perf_counter() - t0
    sps = n / strip_wall
    nf = 0
    t0 = time.perf_counter()
    for i, (_, perf, start) in enumerate(picks[: a.frame_clips]):
        fr, _, _ = render_frames(perf, start, a.seconds, 2000 + i, size=(854, 480))
        nf += len(fr)
    frame_wall = time.perf_counter() - t0
    fps = nf / frame_wall
    print("| what | items | wall s | items/s | x real time (25 fps) | ratio to target (55.6 strips/s) |")
    print("| --- | --- | --- | --- | --- | --- |")
    print(f"| strips 900x100 + labels, 1 process | {n} | {strip_wall:.1f} | {sps:.1f} | {sps / 25:.2f} | {sps / TARGET:.2f} (x2 workers: {2 * sps / TARGET:.2f}) |")
    print(f"| full RGB frames 854x480, 1 process | {nf} | {frame_wall:.1f} | {fps:.1f} | {fps / 25:.2f} | - |")
    print(f"100k strips would take {100_000 / sps / 60:.1f} min on 1 process, {100_000 / sps / 120:.1f} min on 2")


if __name__ == "__main__":
    main()
