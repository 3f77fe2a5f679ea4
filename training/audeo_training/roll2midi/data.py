"""Roll2Midi data: (soft Video2Roll-like input, sounding target) windows of 100 frames x 88 keys at 25 fps.

Two sources of inputs:
- simulated: `simulate_v2r(keydown, rng)` corrupts the renderer's key-down labels as a visual model does (missed
  notes, short notes missed more often, onset/offset jitter, ghost notes on neighbouring keys, spurious blips,
  drop-outs inside notes, temporal blur, soft uncalibrated probabilities). Labels come straight from the MIDI
  performances (render/labels.py: key-down and sounding with pedal and decay), so any number of windows is free.
- real: Video2Roll's own probabilities on rendered clips (`v2r_probs_onnx`), against the clip's sounding labels.
Targets: `sounding` (frame) and its onsets (0->1 changes, one frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..midi_sources import load_midi, performances
from ..render.labels import KEY_LEAD_SEC
from ..render.labels import rolls as label_rolls

FPS = 25.0
T = 100
KEYS = 88


@dataclass
class SimConfig:
    p_miss: float = 0.08  # whole note missed
    p_miss_short: float = 0.35  # notes <= 3 frames
    onset_jitter: float = 0.35  # P(onset moves by +-1 frame)
    offset_jitter: int = 2  # offset moves by up to +-2 frames
    p_ghost: float = 0.10  # a note leaks onto a neighbouring key
    blips_per_100: float = 3.0  # spurious short activations per 100 frames
    p_dropout: float = 0.03  # frame drop-outs inside notes
    noise: float = 0.03  # background probability scale


def note_spans(roll: np.ndarray) -> list[tuple[int, int, int]]:
    """Binary [T, K] -> (key, start, end) runs, end exclusive."""
    r = roll.astype(np.int8)
    pad = np.zeros((1, r.shape[1]), np.int8)
    d = np.diff(np.concatenate([pad, r, pad]), axis=0)
    out: list[tuple[int, int, int]] = []
    for k in np.flatnonzero(np.abs(d).sum(axis=0)):
        on = np.flatnonzero(d[:, k] == 1)
        off = np.flatnonzero(d[:, k] == -1)
        out.extend((int(k), int(a), int(b)) for a, b in zip(on, off))
    return out


def simulate_v2r(keydown: np.ndarray, rng: np.random.Generator, cfg: SimConfig | None = None) -> np.ndarray:
    """keydown uint8 [T, K] -> float32 [T, K] soft 'Video2Roll' probabilities."""
    c = cfg or SimConfig()
    t_len, k_len = keydown.shape
    out = np.zeros((t_len, k_len), np.float32)
    for k, a, b in note_spans(keydown):
        if rng.random() < (c.p_miss_short if b - a <= 3 else c.p_miss):
            continue
        if rng.random() < c.onset_jitter:
            a = a + int(rng.choice([-1, 1]))
        b = b + int(rng.integers(-c.offset_jitter, c.offset_jitter + 1))
        a, b = max(a, 0), min(max(b, a + 1), t_len)
        conf = float(rng.uniform(0.5, 0.98))
        out[a:b, k] = np.maximum(out[a:b, k], conf + rng.normal(0, 0.08, b - a))
        if rng.random() < c.p_ghost:
            kk = k + int(rng.choice([-2, -1, 1, 2]))
            if 0 <= kk < k_len:
                ga = a + int(rng.integers(0, max(1, (b - a) // 2)))
                out[ga:b, kk] = np.maximum(out[ga:b, kk], float(rng.uniform(0.2, 0.8)))
    active = np.flatnonzero(keydown.any(axis=0))
    for _ in range(rng.poisson(c.blips_per_100 * t_len / 100)):
        k = int(rng.choice(active)) + int(rng.integers(-3, 4)) if len(active) and rng.random() < 0.7 else int(rng.integers(k_len))
        if 0 <= k < k_len:
            a = int(rng.integers(t_len))
            out[a : a + int(rng.integers(1, 7)), k] = float(rng.uniform(0.3, 0.9))
    drop = (rng.random((t_len, k_len)) < c.p_dropout) & (out > 0)
    out[drop] *= rng.uniform(0.0, 0.5, drop.sum()).astype(np.float32)
    blur = np.array([0.15, 0.7, 0.15], np.float32)
    padded = np.concatenate([out[:1], out, out[-1:]])
    out = blur[0] * padded[:-2] + blur[1] * padded[1:-1] + blur[2] * padded[2:]
    out += (rng.exponential(c.noise, out.shape)).astype(np.float32)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def onset_roll(sounding: np.ndarray) -> np.ndarray:
    """Onset frames (0->1 changes) of a binary roll [T, K]."""
    s = sounding.astype(np.int8)
    prev = np.concatenate([np.zeros((1, s.shape[1]), np.int8), s[:-1]])
    return ((s == 1) & (prev == 0)).astype(np.uint8)


@dataclass
class LabelRoll:
    name: str
    keydown: np.ndarray  # uint8 [T, 88]
    sounding: np.ndarray  # uint8 [T, 88]


CACHE_DIR = Path(__file__).resolve().parents[2] / "data" / "r2m"


def performance_rolls(split: str, n: int, seed: int, *, max_frames: int = 6000, cache: bool = True) -> list[LabelRoll]:
    """Label rolls of up to n performances of a split (whole pieces up to max_frames, from the first note).
    Cached in training/data/r2m/ (git-ignored) since parsing the MIDI files dominates start-up."""
    cache_file = CACHE_DIR / f"labels-{split}-n{n}-s{seed}-f{max_frames}-lead{round(1000 * KEY_LEAD_SEC)}.npz"
    if cache and cache_file.exists():
        with np.load(cache_file) as z:
            names = [str(x) for x in z["names"]]
            return [LabelRoll(nm, z[f"kd{i}"].copy(), z[f"snd{i}"].copy()) for i, nm in enumerate(names)]
    out = _performance_rolls(split, n, seed, max_frames)
    if cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        arrays = {f"kd{i}": r.keydown for i, r in enumerate(out)} | {f"snd{i}": r.sounding for i, r in enumerate(out)}
        tmp = cache_file.with_suffix(".tmp.npz")
        np.savez_compressed(tmp, names=np.array([r.name for r in out]), **arrays)
        tmp.replace(cache_file)
    return out


def _performance_rolls(split: str, n: int, seed: int, max_frames: int) -> list[LabelRoll]:
    files = performances(split)
    rng = np.random.default_rng(seed)
    pick = rng.permutation(len(files))[:n]
    out: list[LabelRoll] = []
    for i in pick:
        perf = load_midi(files[int(i)])
        if len(perf.notes) < 10:
            continue
        start = perf.notes[0].onset
        frames = int(min(max_frames, (perf.duration - start) * FPS))
        kd, snd = label_rolls(perf.notes, perf.pedal, start, frames, FPS, key_lead_sec=KEY_LEAD_SEC)
        out.append(LabelRoll(str(files[int(i)].name), kd, snd))
    return out


def eval_clips(split: str, n: int, seconds: float, seed: int) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Fixed evaluation set: n clips of `seconds` (name, simulated input [T,88], keydown, sounding), seeded."""
    rng = np.random.default_rng(seed)
    rolls = performance_rolls(split, n, seed)
    frames = int(seconds * FPS)
    out = []
    for r in rolls:
        if len(r.keydown) <= frames:
            continue
        s = int(rng.integers(0, len(r.keydown) - frames))
        kd, snd = r.keydown[s : s + frames], r.sounding[s : s + frames]
        out.append((f"{r.name}@{s}", simulate_v2r(kd, rng), kd, snd))
    return out


class WindowSampler:
    """Random training windows [B, T, 88] from label rolls, with freshly simulated inputs each draw."""

    def __init__(self, rolls: list[LabelRoll], seed: int, cfg: SimConfig | None = None, window: int = T) -> None:
        self.rolls = [r for r in rolls if len(r.keydown) > window + 4]
        if not self.rolls:
            raise ValueError(f"no label roll longer than {window + 4} frames")
        self.rng = np.random.default_rng(seed)
        self.cfg = cfg or SimConfig()
        self.window = window
        self.weights = np.array([len(r.keydown) for r in self.rolls], np.float64)
        self.weights /= self.weights.sum()

    def batch(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, os_ = [], [], []
        w = self.window
        for _ in range(n):
            r = self.rolls[int(self.rng.choice(len(self.rolls), p=self.weights))]
            s = int(self.rng.integers(0, len(r.keydown) - w - 2))
            # simulate with 2 frames of margin so blur/jitter at the window edge behave as inside a clip
            lo, hi = max(0, s - 2), s + w + 2
            sim = simulate_v2r(r.keydown[lo:hi], self.rng, self.cfg)[s - lo : s - lo + w]
            snd = r.sounding[s : s + w]
            on = onset_roll(r.sounding[max(0, s - 1) : s + w])[-w:] if s > 0 else onset_roll(snd)
            xs.append(sim)
            ys.append(snd)
            os_.append(on)
        return np.stack(xs), np.stack(ys).astype(np.float32), np.stack(os_).astype(np.float32)


# ---- windowed inference, mirroring src/extractor/windows.ts (windowStarts, blendWeights, runWindowed) ----

def window_starts(frames: int, size: int, hop: int) -> list[int]:
    if frames <= size:
        return [0]
    step = max(1, min(hop, size))
    starts = list(range(0, frames - size, step))
    starts.append(frames - size)
    return starts


def blend_weights(size: int, kind: str) -> np.ndarray:
    x = (np.arange(size) + 0.5) / size
    if kind == "none":
        w = np.ones(size)
    elif kind == "triangular":
        w = 1 - np.abs(2 * x - 1)
    elif kind == "hann":
        w = np.sin(np.pi * x) ** 2
    else:
        raise ValueError(f"blend {kind!r}: expected none, triangular or hann")
    return np.maximum(w, 1e-3).astype(np.float32)


def run_windowed(roll: np.ndarray, fn, *, size: int = T, hop: int = 50, blend: str = "triangular", batch: int = 16) -> dict[str, np.ndarray]:  # noqa: ANN001
    """roll float32 [F, K]; fn(x [B, size, K]) -> {name: probs [B, size, K]}. Returns blended {name: [F, K]}."""
    f_len, k_len = roll.shape
    starts = window_starts(f_len, size, hop)
    w = blend_weights(size, blend)
    acc: dict[str, np.ndarray] = {}
    wsum = np.zeros(f_len, np.float32)
    for b0 in range(0, len(starts), batch):
        group = starts[b0 : b0 + batch]
        x = np.zeros((len(group), size, k_len), np.float32)
        for g, s in enumerate(group):
            n = min(size, f_len - s)
            x[g, :n] = roll[s : s + n]
        out = fn(x)
        for g, s in enumerate(group):
            n = min(size, f_len - s)
            wsum[s : s + n] += w[:n]
            for name, v in out.items():
                a = acc.setdefault(name, np.zeros((f_len, k_len), np.float32))
                a[s : s + n] += w[:n, None] * v[g, :n]
    return {name: a / np.maximum(wsum, 1e-12)[:, None] for name, a in acc.items()}


def load_shard_labels(split_dir: Path) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, keydown, sounding) of every rendered clip in a shard split (strips are not read)."""
    out = []
    for p in sorted(split_dir.glob("clip-*.npz")):
        with np.load(p) as z:
            out.append((p.stem, z["keydown"].copy(), z["sounding"].copy()))
    return out


class RealWindowSampler:
    """Random training windows of Video2Roll's own probabilities on rendered clips (inputs) with the clips' sounding
    labels (targets): what the refiner meets in the extractor, with the visual model's real error patterns."""

    def __init__(self, clips: list[tuple[np.ndarray, np.ndarray]], seed: int, window: int = T) -> None:
        self.clips = [(x.astype(np.float32), snd.astype(np.uint8)) for x, snd in clips if len(x) >= window]
        if not self.clips:
            raise ValueError(f"no clip of at least {window} frames")
        self.rng = np.random.default_rng(seed)
        self.window = window
        self.weights = np.array([len(x) - window + 1 for x, _ in self.clips], np.float64)
        self.weights /= self.weights.sum()

    def window_at(self, i: int, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x, snd = self.clips[i]
        w = self.window
        on = onset_roll(snd[max(0, s - 1) : s + w])[-w:]
        return x[s : s + w], snd[s : s + w].astype(np.float32), on.astype(np.float32)

    def batch(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        picks = []
        for _ in range(n):
            i = int(self.rng.choice(len(self.clips), p=self.weights))
            picks.append(self.window_at(i, int(self.rng.integers(0, len(self.clips[i][0]) - self.window + 1))))
        return tuple(np.stack(p) for p in zip(*picks))  # type: ignore[return-value]

    def fixed(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Deterministic validation windows: each clip tiled from frame 0 without overlap."""
        picks = [self.window_at(i, s) for i, (x, _) in enumerate(self.clips) for s in range(0, len(x) - self.window + 1, self.window)]
        return tuple(np.stack(p) for p in zip(*picks))  # type: ignore[return-value]
