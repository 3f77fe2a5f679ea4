"""Renderer speed: strips/s (Video2Roll training data) and full frames/s (locator videos), one process.

    training/.venv/bin/python bench/render_bench.py [--clips 12] [--seconds 8] [--workers 1]

Target (issue 3.5): 100,000 strips with labels in <= 30 min on the 2-core dev machine = 55.6 strips/s in all.
Prints a table: strips/s, ratio to the target (per worker count used), x real time (25 fps video).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "training"))

import cv2  # noqa: E402
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
    cv2.setNumThreads(1)  # one core per worker, as the shard writer's workers
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i, (_, perf, start) in enumerate(picks):
        s, _, _ = render_strip_clip(perf, start, a.seconds, 1000 + i)
        n += len(s)
    strip_wall, strip_cpu = time.perf_counter() - t0, time.process_time() - c0
    nf = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i, (_, perf, start) in enumerate(picks[: a.frame_clips]):
        fr, _, _ = render_frames(perf, start, a.seconds, 2000 + i, size=(854, 480))
        nf += len(fr)
    frame_wall, frame_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall figures suffer when the machine is shared)")
    print("| what | items | wall s | CPU s | items/s (wall) | items/s per CPU s | x real time (CPU, 1 core) | ratio to target, 2 cores (CPU) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    sw, sc = n / strip_wall, n / strip_cpu
    fw, fc = nf / frame_wall, nf / frame_cpu
    print(f"| strips 900x100 + labels | {n} | {strip_wall:.1f} | {strip_cpu:.1f} | {sw:.1f} | {sc:.1f} | {sc / 25:.2f} | {2 * sc / TARGET:.2f} |")
    print(f"| full RGB frames 854x480 | {nf} | {frame_wall:.1f} | {frame_cpu:.1f} | {fw:.1f} | {fc:.1f} | {fc / 25:.2f} | - |")
    print(f"100k strips: {100_000 / sc / 60:.1f} CPU-min on 1 core, {100_000 / sc / 120:.1f} min on 2 idle cores (wall here: {100_000 / sw / 60:.1f} min on 1 process)")


if __name__ == "__main__":
    main()
