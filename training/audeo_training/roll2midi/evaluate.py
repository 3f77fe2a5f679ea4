"""Evaluate the shipped Roll2Midi models (ONNX, through the same windowing as the extractor) against sounding labels;
write docs/roll2midi.md, docs/img/roll2midi-*.png and <out>/results.json.

    python -m audeo_training.roll2midi.evaluate                       # every r2m-* model in models/index.json
    python -m audeo_training.roll2midi.evaluate --v2r v2r-strip@1.1.0 --real training/data/v2r-v3/test

Systems compared, on the same frames: Video2Roll (or its simulation) alone at the paper's threshold 0.4, then the
same input refined by each Roll2Midi model at its card's default threshold (tuned on validation).
Sets:
- simulated: data.eval_clips on the TEST split's MIDI performances (simulate_v2r inputs; targets = sounding labels).
- real-v2r: a video2roll ONNX model's probabilities on rendered test clips (npz: strips uint8 [T,100,900], keydown,
  sounding), 5-frame windows with edge frames repeated, input / 255; targets = the clips' sounding labels.
Metrics (audeo_training.metrics): frame P/R/F1 micro (mir_eval.multipitch) and sample-averaged (the paper's Table 1),
88 keys and the paper's 51 keys (MIDI 36-86); note-onset F1 (mir_eval.transcription, 50 ms, offsets ignored) of the
notes the extractor would write (key-down notes alone; with a refiner, onset-anchored decoding, `anchor_notes`, the
mirror of src/core/notes.ts anchorNotes) against the notes of the key-down labels (re-strikes kept).
Speed: time of the refiner for N frames vs the video2roll model for the same N frames (onnxruntime, 1 thread).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..cards import MODELS_ROOT, REPO_ROOT, git_commit, sha256_file
from ..metrics import FPS, all_metrics, note_metrics_pooled, roll_to_notes
from . import data as D

DOC = REPO_ROOT / "docs" / "roll2midi.md"
IMG_DIR = REPO_ROOT / "docs" / "img"
PAPER_THRESHOLD = 0.4
# key-down decoding of simulated Video2Roll inputs (no card): the paper's threshold, the TS decoder's defaults
SIM_KEYDOWN: dict[str, Any] = {"threshold": PAPER_THRESHOLD, "min_frames": 2, "repress_gap": 1}


# ---------------------------------------------------------------- models

class OnnxRefiner:
    """A roll2midi card + onnxruntime session; refine(roll [F, 88]) -> {"frame": [F, 88], optional "onset"}."""

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        self.card = json.loads((model_dir / "card.json").read_text())
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(str(model_dir / self.card["file"]), so, providers=["CPUExecutionProvider"])
        self.outputs = [o["name"] for o in self.card["outputs"]]
        w = self.card.get("window", {})
        self.size, self.hop, self.blend = int(w.get("frames", 100)), int(w.get("hopFrames", 50)), str(w.get("blend", "triangular"))
        self.threshold = float(self.card.get("thresholds", {}).get("default", PAPER_THRESHOLD))
        th = self.card.get("thresholds", {})
        # the extractor's onset-anchored decoder settings (src/extractor/pipeline.ts anchorOptionsFromCard)
        self.onset_threshold = float(th.get("onset", 0.5))
        self.min_frames = int(th.get("minFrames", 1))
        self.snap = int(th.get("snapFrames", 2))
        self.ref = f"{self.card['name']}@{self.card['version']}"

    def __call__(self, x: np.ndarray) -> dict[str, np.ndarray]:
        outs = self.sess.run(self.outputs, {self.card["inputs"][0]["name"]: x.astype(np.float32)})
        return dict(zip(self.outputs, outs))

    def refine(self, roll: np.ndarray) -> dict[str, np.ndarray]:
        return D.run_windowed(roll.astype(np.float32), self, size=self.size, hop=self.hop, blend=self.blend, batch=8)


class OnnxVideo2Roll:
    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        import onnxruntime as ort

        self.card = json.loads((model_dir / "card.json").read_text())
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        self.sess = ort.InferenceSession(str(model_dir / self.card["file"]), so, providers=["CPUExecutionProvider"])
        self.ref = f"{self.card['name']}@{self.card['version']}"
        self.sha = self.card["sha256"]
        pre = self.card.get("preprocessing", {})
        self.frames = int(pre.get("frames", 5))
        self.scale, self.mean, self.std = float(pre.get("scale", 1 / 255)), float(pre.get("mean", 0.0)), float(pre.get("std", 1.0))
        self.logits = self.card.get("outputKind") == "logits"
        th = self.card.get("thresholds", {})
        # the extractor's key-down decoder settings (src/extractor/pipeline.ts decodeOptionsFromCard)
        self.keydown: dict[str, Any] = {"threshold": float(th.get("default", PAPER_THRESHOLD)), "min_frames": int(th.get("minFrames", 2)),
                                        "repress_gap": int(th.get("repressGapFrames", 1))}

    def windows(self, strips: np.ndarray, idx: np.ndarray) -> np.ndarray:
        r = self.frames // 2
        last = len(strips) - 1
        sel = np.clip(idx[:, None] + np.arange(-r, r + 1)[None, :], 0, last)  # edge frames repeat
        return (strips[sel].astype(np.float32) * self.scale - self.mean) / self.std

    def probs(self, strips: np.ndarray, batch: int = 8) -> np.ndarray:
        out = []
        name_in, name_out = self.card["inputs"][0]["name"], self.card["outputs"][0]["name"]
        for b0 in range(0, len(strips), batch):
            idx = np.arange(b0, min(len(strips), b0 + batch))
            y = self.sess.run([name_out], {name_in: self.windows(strips, idx)})[0]
            out.append(1 / (1 + np.exp(-y)) if self.logits else y)
        return np.concatenate(out).astype(np.float32)


def index_models(models_root: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    index = json.loads((models_root / "index.json").read_text())
    return index.get("defaults", {}), index.get("models", [])


def resolve(models_root: Path, ref: str, type_: str) -> Path:
    name, _, version = ref.partition("@")
    _, models = index_models(models_root)
    cands = [m for m in models if m["name"] == name and m["type"] == type_ and (not version or m["version"] == version)]
    if not cands:
        raise SystemExit(f"{type_} model {ref} is not in {models_root}/index.json")
    best = max(cands, key=lambda m: tuple(int(p) for p in m["version"].split(".")))
    return models_root / best["path"]


# ---------------------------------------------------------------- decoding + metrics

def held_runs(down: np.ndarray, min_gap: int) -> list[tuple[int, int, int]]:
    """(key, start, end) runs of a binary roll with gaps shorter than min_gap bridged (notes.ts heldRuns)."""
    out: list[tuple[int, int, int]] = []
    for k, a, b in sorted(D.note_spans(down)):
        if out and out[-1][0] == k and a - out[-1][2] < min_gap:
            out[-1] = (k, out[-1][1], b)
        else:
            out.append((k, a, b))
    return out


def decode_notes(probs: np.ndarray, threshold: float, *, onsets: np.ndarray | None = None, onset_threshold: float = 0.5,
                 min_frames: int = 2, repress_gap: int = 1, fps: float = FPS) -> np.ndarray:
    """Mirror of src/core/notes.ts rollToNotes: [N, 3] (onsetSec, offsetSec, midi)."""
    down = probs >= threshold
    notes = []
    for k, a, b in held_runs(down, max(1, repress_gap)):
        cuts = [a]
        if onsets is not None:
            o = onsets[:, k]
            for t in range(a + 1, b):
                nxt = o[t + 1] if t + 1 < len(o) else 0.0
                if o[t] >= onset_threshold and o[t] > o[t - 1] and o[t] >= nxt:
                    cuts.append(t)
        cuts.append(b)
        for s, e in zip(cuts[:-1], cuts[1:]):
            if e - s >= min_frames:
                notes.append((s / fps, e / fps, 21 + k))
    arr = np.array(notes, np.float64).reshape(-1, 3)
    return arr[np.argsort(arr[:, 0], kind="stable")] if len(arr) else arr


def anchor_notes(keydown_notes: np.ndarray, sounding: np.ndarray, threshold: float, *, snap: int = 2, min_frames: int = 1,
                 onsets: np.ndarray | None = None, onset_threshold: float = 0.5, fps: float = FPS) -> np.ndarray:
    """Mirror of src/core/notes.ts anchorNotes (onset-anchored decoding): note starts from the key-down notes
    ([N, 3] onsetSec, offsetSec, midi), lengths from the sounding probabilities [F, 88]. Returns [M, 3] likewise."""
    frames = len(sounding)
    on = sounding >= threshold
    starts: list[set[int]] = [set() for _ in range(on.shape[1])]
    exact: dict[tuple[int, int], float] = {}  # (key, frame) -> the key-down note's own onset, kept as is
    for onset_sec, _, midi in keydown_notes:
        k, a = int(round(midi)) - 21, int(round(onset_sec * fps))
        if 0 <= k < on.shape[1] and 0 <= a < frames:
            starts[k].add(a)
            exact.setdefault((k, a), float(onset_sec))
    notes = []
    for k in range(on.shape[1]):
        col = on[:, k]

        def first_on(a: int, col: np.ndarray = col) -> int:
            for t in range(a - snap, a + snap + 1):
                if 0 <= t < frames and col[t]:
                    return t
            return -1

        confirmed = [a for a in sorted(starts[k]) if first_on(a) >= 0]
        if onsets is not None:
            o = onsets[:, k]
            rises = np.flatnonzero(col & ~np.concatenate([[False], col[:-1]]))
            for t in rises:
                lo, hi = max(0, t - snap), min(frames - 1, t + snap)
                if not any(abs(a - t) <= snap for a in confirmed) and o[lo : hi + 1].max() >= onset_threshold:
                    confirmed.append(int(t))
        confirmed.sort()
        for i, a in enumerate(confirmed):
            nxt = min(frames, confirmed[i + 1] if i + 1 < len(confirmed) else frames)
            e = max(a, first_on(a))
            while e < frames and col[e]:
                e += 1
            e = min(max(e, a + min_frames), nxt)
            onset = exact.get((k, a), a / fps)
            if e > a and e / fps > onset:
                notes.append((onset, e / fps, 21 + k))
    arr = np.array(notes, np.float64).reshape(-1, 3)
    return arr[np.lexsort((arr[:, 2], arr[:, 0]))] if len(arr) else arr


Decoder = Callable[[dict[str, np.ndarray]], np.ndarray]


def score(clips: list[dict[str, np.ndarray]], pred_key: str, threshold: float, decode: Decoder, how: str) -> dict[str, Any]:
    """Frame metrics on all frames of all clips concatenated (micro + sample-averaged, 88 and 51 keys) + onset F1 of
    decode(clip) against the notes of the key-down labels."""
    ref = np.concatenate([c["sounding"] for c in clips])
    est = np.concatenate([c[pred_key] >= threshold for c in clips])
    m = all_metrics(ref, est)
    notes = note_metrics_pooled([(roll_to_notes(c["keydown"]), decode(c)) for c in clips])
    r4 = lambda d: {k: round(float(v), 4) for k, v in d.items()}  # noqa: E731
    return {
        "threshold": threshold,
        "keys88": {"micro": r4(m["keys88"]["micro"]), "samples": r4(m["keys88"]["samples"])},
        "keys51": {"micro": r4(m["keys51"]["micro"]), "samples": r4(m["keys51"]["samples"])},
        "noteOnset": r4(notes),
        "decoder": how,
        "frames": int(len(ref)),
    }


def evaluate_set(clips: list[dict[str, np.ndarray]], refiners: list[OnnxRefiner], input_name: str,
                 keydown: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows: the input alone (frames at the paper's 0.4; notes = its key-down notes, decoded with `keydown` settings:
    threshold, min_frames, repress_gap), then per refiner: onset-anchored notes (the extractor's decoder) at its card
    threshold and at 0.4, and its roll decoded on its own (the paper's way) for comparison."""
    def kd_notes(c: dict[str, np.ndarray]) -> np.ndarray:
        return decode_notes(c["input"], keydown["threshold"], min_frames=keydown["min_frames"], repress_gap=keydown["repress_gap"])

    kd_how = f"key-down notes (threshold {keydown['threshold']}, min {keydown['min_frames']} frames)"
    rows = [{"system": f"{input_name} alone", **score(clips, "input", PAPER_THRESHOLD, kd_notes, kd_how)}]
    for c in clips:
        c["kdNotes"] = kd_notes(c)
    for r in refiners:
        for c in clips:
            out = r.refine(c["input"])
            c[r.ref] = out["frame"]
            if "onset" in out:
                c[r.ref + ":onset"] = out["onset"]
        ok = r.ref + ":onset"

        def anchored(th: float, r: OnnxRefiner = r, ok: str = ok) -> Decoder:
            return lambda c: anchor_notes(c["kdNotes"], c[r.ref], th, snap=r.snap, min_frames=r.min_frames,
                                          onsets=c.get(ok), onset_threshold=r.onset_threshold)

        rows.append({"system": f"+ {r.ref}", **score(clips, r.ref, r.threshold, anchored(r.threshold), "onset-anchored")})
        if abs(r.threshold - PAPER_THRESHOLD) > 1e-9:
            rows.append({"system": f"+ {r.ref} @0.4", **score(clips, r.ref, PAPER_THRESHOLD, anchored(PAPER_THRESHOLD), "onset-anchored")})
        alone = lambda c, r=r, ok=ok: decode_notes(c[r.ref], r.threshold, onsets=c.get(ok), onset_threshold=r.onset_threshold)  # noqa: E731
        rows.append({"system": f"+ {r.ref}, roll decoded alone", **score(clips, r.ref, r.threshold, alone, "refined roll alone (min 2 frames, onset splits)")})
    return rows


# ---------------------------------------------------------------- data sets

def simulated_clips(n_pieces: int, seconds: float, seed: int) -> list[dict[str, np.ndarray]]:
    return [{"name": name, "input": x, "keydown": kd, "sounding": snd}  # type: ignore[dict-item]
            for name, x, kd, snd in D.eval_clips("test", n_pieces, seconds, seed)]


def real_clips(v2r: OnnxVideo2Roll, split_dir: Path, cache_dir: Path, limit: int) -> tuple[list[dict[str, np.ndarray]], float, int]:
    """Video2Roll probabilities on rendered clips (cached per model sha). Returns clips, v2r seconds, frames timed."""
    cache = cache_dir / f"v2r-probs-{v2r.card['name']}-{v2r.sha[:12]}-{split_dir.parent.name}-{split_dir.name}.npz"
    files = sorted(split_dir.glob("clip-*.npz"))[:limit]
    cached: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            cached = {k: z[k] for k in z.files}
    clips, sec, frames = [], 0.0, 0
    for p in files:
        with np.load(p) as z:
            kd, snd = z["keydown"].copy(), z["sounding"].copy()
            if p.stem in cached:
                probs = cached[p.stem]
            else:
                strips = z["strips"]
                t0 = time.perf_counter()
                probs = v2r.probs(strips)
                sec += time.perf_counter() - t0
                frames += len(strips)
                cached[p.stem] = probs
        clips.append({"name": p.stem, "input": probs, "keydown": kd, "sounding": snd})  # type: ignore[dict-item]
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, **cached)
    return clips, sec, frames


# ---------------------------------------------------------------- speed

def speed(refiners: list[OnnxRefiner], v2r: OnnxVideo2Roll | None, strips: np.ndarray | None, frames: int, reps: int = 3) -> dict[str, Any]:
    """Seconds per frame of each refiner (whole-roll windowed refine) and of video2roll on the same number of frames;
    interleaved, best of `reps` (the machine is shared)."""
    rng = np.random.default_rng(0)
    roll = rng.random((frames, D.KEYS)).astype(np.float32) * 0.1
    best: dict[str, float] = {}

    def timed(key: str, fn: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        fn()
        best[key] = min(best.get(key, float("inf")), time.perf_counter() - t0)

    for _ in range(reps):
        for r in refiners:
            timed(r.ref, lambda r=r: r.refine(roll))
        if v2r is not None and strips is not None:
            timed(v2r.ref, lambda: v2r.probs(strips[:frames]))
    out: dict[str, Any] = {"frames": frames, "threads": 1, "secPerFrame": {k: v / frames for k, v in best.items()}}
    if v2r is not None and v2r.ref in best:
        out["ratioToVideo2Roll"] = {r.ref: best[r.ref] / best[v2r.ref] for r in refiners}
        out["video2roll"] = v2r.ref
    return out


# ---------------------------------------------------------------- figure

def _panel(rgb: np.ndarray, label: str, scale: int) -> np.ndarray:
    import cv2

    img = np.repeat(np.repeat(rgb, scale, axis=0), scale, axis=1)
    head = np.full((18, img.shape[1], 3), 255, np.uint8)
    cv2.putText(head, label, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return np.concatenate([head, img], axis=0)


def figure(clip: dict[str, np.ndarray], ref: str, threshold: float, path: Path, *, start: int, frames: int = 250, scale: int = 3) -> dict[str, int]:
    """Figure-5 style: input probabilities, input @0.4 vs target, refined vs target, target. Keys top = high, time ->.
    Colours (RGB): true positive black; false positive red; false negative blue; in the refined panel, input false
    positives it removed are light red (pink), input false negatives it filled are green."""
    import cv2

    sl = slice(start, start + frames)
    x, y, t = clip["input"][sl], clip[ref][sl], clip["sounding"][sl].astype(bool)
    active = np.flatnonzero(t.any(axis=0) | (x >= PAPER_THRESHOLD).any(axis=0) | (y >= threshold).any(axis=0))
    lo, hi = (max(0, int(active.min()) - 2), min(87, int(active.max()) + 2)) if len(active) else (20, 70)
    keys = slice(lo, hi + 1)
    xi, yi, ti = x[:, keys] >= PAPER_THRESHOLD, y[:, keys] >= threshold, t[:, keys]

    def colour(est: np.ndarray, base: np.ndarray | None = None) -> np.ndarray:
        img = np.full(est.shape + (3,), 255, np.uint8)
        img[est & ti] = (0, 0, 0)
        img[est & ~ti] = (220, 30, 30)
        img[~est & ti] = (60, 90, 230)
        if base is not None:
            img[base & ~ti & ~est] = (250, 180, 190)  # removed false positive
            img[~base & ti & est] = (30, 170, 60)  # filled false negative
        return img

    grey = (255 - np.clip(x[:, keys], 0, 1) * 255).astype(np.uint8)
    panels = [
        (np.stack([grey] * 3, -1), "Video2Roll probabilities (input)"),
        (colour(xi), "input @0.4 vs sounding target: black TP, red FP, blue FN"),
        (colour(yi, xi), f"refined ({ref}) @{threshold}: pink = FP removed, green = FN filled"),
        (colour(ti), "target: sounding roll"),
    ]
    # rolls are [time, key]: draw time to the right, high keys at the top
    rows = [_panel(np.ascontiguousarray(p.transpose(1, 0, 2)[::-1]), lab, scale) for p, lab in panels]
    sep = np.full((6, rows[0].shape[1], 3), 255, np.uint8)
    img = np.concatenate(sum(([r, sep] for r in rows), [])[:-1], axis=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), img[:, :, ::-1])
    return {"removedFP": int((xi & ~ti & ~yi).sum()), "filledFN": int((~xi & ti & yi).sum()),
            "newFP": int((~xi & ~ti & yi).sum()), "newFN": int((xi & ti & ~yi).sum())}


def busiest_start(clip: dict[str, np.ndarray], ref: str, threshold: float, frames: int) -> int:
    """Window where the refiner changes the most input errors (removed FP + filled FN)."""
    t = clip["sounding"].astype(bool)
    xi, yi = clip["input"] >= PAPER_THRESHOLD, clip[ref] >= threshold
    fixed = ((xi & ~t & ~yi) | (~xi & t & yi)).sum(axis=1).astype(np.float64)
    if len(fixed) <= frames:
        return 0
    c = np.convolve(fixed, np.ones(frames), mode="valid")
    return int(np.argmax(c))


# ---------------------------------------------------------------- report

def table(rows: list[dict[str, Any]]) -> str:
    head = ("| system | thr | micro P | micro R | micro F1 | samples P | samples R | samples F1 | samples Acc | micro F1 (51) "
            "| samples F1 (51) | note-onset P | R | F1 |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    out = []
    for r in rows:
        a, b, n = r["keys88"], r["keys51"], r["noteOnset"]
        pct = lambda v: f"{100 * v:.1f}"  # noqa: E731
        out.append(f"| {r['system']} | {r['threshold']:.2f} | {pct(a['micro']['precision'])} | {pct(a['micro']['recall'])} | "
                   f"**{pct(a['micro']['f1'])}** | {pct(a['samples']['precision'])} | {pct(a['samples']['recall'])} | "
                   f"{pct(a['samples']['f1'])} | {pct(a['samples']['accuracy'])} | {pct(b['micro']['f1'])} | {pct(b['samples']['f1'])} | "
                   f"{pct(n['precision'])} | {pct(n['recall'])} | {pct(n['f1'])} |")
    return head + "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--refiner", action="append", default=None, help="NAME[@VERSION] (repeatable); default: every r2m-* model")
    ap.add_argument("--v2r", default=None, help="video2roll NAME[@VERSION]; default: the index's default, if any")
    ap.add_argument("--real", type=Path, default=REPO_ROOT / "training" / "data" / "v2r-v3" / "test")
    ap.add_argument("--real-clips", type=int, default=25)
    ap.add_argument("--pieces", type=int, default=30, help="simulated set: test-split performances")
    ap.add_argument("--seconds", type=float, default=20.0, help="simulated set: seconds per clip")
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--speed-frames", type=int, default=200)
    ap.add_argument("--models-root", type=Path, default=MODELS_ROOT)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "training" / "runs" / "r2m-eval")
    ap.add_argument("--doc", type=Path, default=DOC)
    ap.add_argument("--no-doc", action="store_true")
    a = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    defaults, models = index_models(a.models_root)
    refs = a.refiner or [f"{m['name']}@{m['version']}" for m in models if m["type"] == "roll2midi" and m["name"].startswith("r2m-")]
    if not refs:
        raise SystemExit(f"no roll2midi model to evaluate in {a.models_root}/index.json; export one first")
    refiners = [OnnxRefiner(resolve(a.models_root, r, "roll2midi")) for r in refs]
    v2r_ref = a.v2r or defaults.get("video2roll")
    v2r = OnnxVideo2Roll(resolve(a.models_root, v2r_ref, "video2roll")) if v2r_ref else None
    results: dict[str, Any] = {"commit": git_commit(), "refiners": {r.ref: {"sha256": r.card["sha256"], "threshold": r.threshold} for r in refiners},
                               "defaultRefiner": defaults.get("roll2midi")}

    t0 = time.time()
    sim = simulated_clips(a.pieces, a.seconds, a.seed)
    results["simulated"] = {"clips": len(sim), "seconds": a.seconds, "rows": evaluate_set(sim, refiners, "simulated Video2Roll", SIM_KEYDOWN)}
    print(table(results["simulated"]["rows"]), f"[{time.time() - t0:.0f} s]", flush=True)

    real: list[dict[str, np.ndarray]] = []
    strips_for_speed = None
    if v2r is not None and a.real.exists():
        real, v2r_sec, v2r_frames = real_clips(v2r, a.real, REPO_ROOT / "training" / "data" / "r2m", a.real_clips)
        results["real"] = {"video2roll": v2r.ref, "data": str(a.real.relative_to(REPO_ROOT)) if a.real.is_relative_to(REPO_ROOT) else str(a.real),
                           "clips": len(real), "rows": evaluate_set(real, refiners, f"Video2Roll {v2r.ref}", v2r.keydown)}
        print(table(results["real"]["rows"]), flush=True)
        with np.load(sorted(a.real.glob("clip-*.npz"))[0]) as z:
            strips_for_speed = z["strips"][: a.speed_frames].copy()
    elif v2r is None:
        print("no video2roll model in the index: real-output evaluation skipped", flush=True)
    results["speed"] = speed(refiners, v2r, strips_for_speed, min(a.speed_frames, len(strips_for_speed)) if strips_for_speed is not None else a.speed_frames)
    print(json.dumps(results["speed"]), flush=True)

    figs = []
    fig_ref = next((r for r in refiners if r.ref.startswith("r2m-light")), refiners[0])
    for set_name, clips in (("simulated", sim), ("real", real)):
        if not clips:
            continue
        best = max(clips, key=lambda c: float(((c["input"] >= PAPER_THRESHOLD) != c["sounding"].astype(bool)).sum()))
        start = busiest_start(best, fig_ref.ref, fig_ref.threshold, 250)
        path = IMG_DIR / f"roll2midi-{set_name}.png"
        counts = figure(best, fig_ref.ref, fig_ref.threshold, path, start=start)
        figs.append({"set": set_name, "clip": str(best["name"]), "startFrame": start, "png": str(path.relative_to(REPO_ROOT)), "refiner": fig_ref.ref, **counts})
    results["figures"] = figs
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(results, indent=2))
    if not a.no_doc:
        a.doc.write_text(render_doc(results, refiners, a))
        print(f"wrote {a.doc}", flush=True)


def summary(res: dict[str, Any]) -> list[str]:
    """One line per (set, refiner): the change against the input alone, in the three conventions."""
    out = []
    for key, label in (("simulated", "simulated Video2Roll inputs (test split)"), ("real", "real Video2Roll outputs")):
        if key not in res:
            continue
        rows = res[key]["rows"]
        base = rows[0]
        for r in rows[1:]:
            if "@0.4" in r["system"] or "decoded alone" in r["system"]:
                continue

            def d(f: Callable[[dict[str, Any]], float], r: dict[str, Any] = r) -> str:
                return f"{100 * f(base):.1f} -> {100 * f(r):.1f} ({100 * (f(r) - f(base)):+.1f})"

            out.append(
                f"- {label}, `{r['system'][2:]}` vs input alone: micro frame F1 (88 keys) {d(lambda x: x['keys88']['micro']['f1'])}; "
                f"sample-averaged F1, 51 keys (the paper's Table 1 convention) {d(lambda x: x['keys51']['samples']['f1'])} "
                f"(the paper: 56.4 -> 61.5, +5.1); note-onset F1 {d(lambda x: x['noteOnset']['f1'])}."
            )
    return out


def render_doc(res: dict[str, Any], refiners: list[OnnxRefiner], a: argparse.Namespace) -> str:
    lines = [
        "# Roll2Midi: refining the Video2Roll roll into the sounding roll",
        "",
        "Generated by `python -m audeo_training.roll2midi.evaluate` (training/audeo_training/roll2midi/evaluate.py) at commit "
        f"`{res['commit'][:10]}`; raw numbers in `training/runs/r2m-eval/results.json`. Do not edit the tables by hand.",
        "",
        "Video2Roll sees which keys are *down*; what an audio transcriber hears (the pseudo ground truth the paper trains "
        "against) is which notes *sound*: the sustain pedal and decays keep notes on after the key rises. Roll2Midi takes "
        "Video2Roll's soft per-frame probabilities in windows of 100 frames (4 s at 25 fps) x 88 keys and outputs the "
        "sounding roll.",
        "",
        "## Models",
        "",
        "| model | arch | parameters / file | threshold (val-tuned) | onset head | training |",
        "|---|---|---|---|---|---|",
    ]
    for r in refiners:
        tr = r.card.get("training", {})
        cfg = tr.get("config", {})
        lines.append(f"| `{r.ref}`{' (default)' if res.get('defaultRefiner') == r.ref else ''} | {cfg.get('arch')} {cfg.get('kwargs')} "
                     f"{'crop ' + str(cfg.get('crop')) if cfg.get('crop') else ''} | {cfg.get('params')} / {r.card['sizeBytes'] / 1e6:.2f} MB | "
                     f"{r.threshold} | {'yes' if 'onset' in r.outputs else 'no'} | {tr.get('steps')} steps x batch {cfg.get('batch')}, "
                     f"{(tr.get('wallSec') or 0) / 60:.1f} min CPU (1 thread, niced, shared machine)"
                     f"{', continued from ' + Path(str(cfg['init'])).name if cfg.get('init') else ''} |")
    lines += [
        "",
        "- **r2m-paper** is the paper's generator (stride-1 'U-Net': 6 conv blocks, 5 transposed-conv blocks with skips, "
        "BatchNorm eps 0.8, LeakyReLU 0.2, dropout 0.5, sigmoid) trained as the paper does: least-squares GAN with the "
        "PatchGAN discriminator, G = 0.001 adv + 0.999 MSE, D = 0.5 (real + fake), Adam 5e-4 (betas 0.5, 0.999). "
        "Deviation forced by the CPU budget: channel width 4 instead of 64 (the paper's width costs 221 GMAC per window "
        "and 150 MB of weights, over the 30 MB model limit) and training on random 32x32 crops (the net is fully "
        "convolutional and stride 1, so inference runs on whole 100x88 windows).",
        "- **r2m-light** (ours) is a small down-sampling U-Net over time x keys (100x88 -> 50x44 -> 25x22) with dilated "
        "temporal residual convs at the bottom, a residual connection on the input logit (it starts as the identity), "
        "and two heads: frame (sounding) and onset. BCE on frames + BCE on onsets (pos_weight 5), Adam 1e-3.",
        "- **Notes** (the extractor's decoder, `anchorNotes` in src/core/notes.ts, mirrored by `anchor_notes` here): "
        "onset-anchored decoding. Note starts come from Video2Roll's key-down notes (the camera sees a key struck, to "
        "the frame); the refined roll decides how long each sounds: a key-down onset the refined roll confirms (on "
        "within 2 frames) lasts to the end of the sounding run there, cut at the key's next onset; unconfirmed ones are "
        "dropped; a sounding run no key-down onset explains becomes a note only where the onset head (r2m-light) peaks "
        ">= 0.5. The rows '..., roll decoded alone' decode the refined roll on its own (the paper's way: threshold, "
        "minimum 2 frames, onset-peak splits) to show why.",
        "- Both are trained on Video2Roll's own soft outputs: 75% of every batch are windows of `v2r-strip@1.1.0`'s "
        "probabilities on the rendered train clips of data/v2r-v3 (`train --real`), 25% Video2Roll-like probabilities "
        "simulated from the key-down labels of the *train* split's MIDI performances (`data.simulate_v2r`: missed notes, "
        "onset/offset jitter, ghost notes, blips, drop-outs, blur, uncalibrated confidence); targets = the sounding roll "
        "(pedal + decay, render/labels.py). Model selection and thresholds on `v2r-strip@1.1.0`'s outputs on the val clips.",
        "- Inference (extractor and this evaluation alike): windows of 100 frames every 50 frames, triangular blending "
        "(src/extractor/windows.ts, mirrored by `data.run_windowed`). The paper used non-overlapping windows.",
        "",
        "## Summary",
        "",
        *summary(res),
        "",
        "## Results",
        "",
        "Every row scores the same frames against the **sounding** labels. `thr` = the decision threshold: the input "
        "alone uses the paper's 0.4; each refiner its card default (tuned on validation) and the paper's 0.4. "
        "micro = mir_eval.multipitch convention (TP/FP/FN summed over all frames); samples = the paper's Table 1 "
        "(per-frame P/R/F1 averaged over frames, silent frames predicted silent score 1); (51) = the paper's keys MIDI "
        "36-86; note-onset = mir_eval.transcription onset-only P/R/F1 (50 ms) of the decoded notes (input alone: its "
        "key-down notes, with the Video2Roll card's note threshold and minimum length for real outputs, 0.4 and 2 frames "
        "for simulated ones; refiners: onset-anchored unless the row says otherwise) against the notes of the key-down "
        "labels (re-strikes kept). Percent.",
        "",
        f"### (a) Simulated Video2Roll inputs, test-split performances ({res['simulated']['clips']} clips x {res['simulated']['seconds']:.0f} s, "
        f"{res['simulated']['rows'][0]['frames']} frames)",
        "",
        table(res["simulated"]["rows"]),
    ]
    if "real" in res:
        rr = res["real"]
        lines += [
            f"### (b) Real Video2Roll outputs: `{rr['video2roll']}` on rendered test clips ({rr['clips']} clips of `{rr['data']}`, "
            f"{rr['rows'][0]['frames']} frames)",
            "",
            "Video2Roll run with onnxruntime on 5-frame windows (edge frames repeated, input / 255); targets = the clips' "
            "sounding labels; unseen pieces and style seeds (the refiners trained on this model's outputs on the train split).",
            "",
            table(rr["rows"]),
        ]
    else:
        lines += ["### (b) Real Video2Roll outputs", "",
                  "Not measured: no video2roll model was in models/index.json when this was generated. Re-run the command "
                  "once one is exported (it reads the index's default video2roll model).", ""]
    sp = res["speed"]
    lines += ["## Speed", ""]
    if "ratioToVideo2Roll" in sp:
        lines.append(f"onnxruntime (Python), 1 thread, {sp['frames']} frames, best of 3 interleaved runs on the shared 2-core machine. "
                     "Roll2Midi time for the whole roll (windows of 100 every 50 frames, blending included) over the "
                     f"Video2Roll time for the same frames (`{sp['video2roll']}`, batch 8):")
        lines += ["", "| refiner | ms / frame | Video2Roll ms / frame | ratio (share of extraction added) |", "|---|---|---|---|"]
        v = sp["secPerFrame"][sp["video2roll"]]
        for ref, ratio in sp["ratioToVideo2Roll"].items():
            lines.append(f"| `{ref}` | {1000 * sp['secPerFrame'][ref]:.3f} | {1000 * v:.3f} | {100 * ratio:.1f}% |")
    else:
        lines.append(f"ms per frame, onnxruntime 1 thread, {sp['frames']} frames (no Video2Roll model installed to compare with):")
        lines += ["", "| refiner | ms / frame |", "|---|---|"] + [f"| `{k}` | {1000 * v:.3f} |" for k, v in sp["secPerFrame"].items()]
    lines += ["", "## Pictures (the paper's Figure 5)", ""]
    for f in res.get("figures", []):
        lines += [f"![{f['set']}](img/{Path(f['png']).name})", "",
                  f"{f['set']}: clip `{f['clip']}` from frame {f['startFrame']} (10 s), refiner `{f['refiner']}`. Rows: input probabilities; "
                  "input @0.4 vs target (black TP, red FP, blue FN); refined vs target (pink = input false positive removed, "
                  "green = input false negative filled, red/blue = remaining errors); target. "
                  f"In this window: {f['removedFP']} false-positive frames removed, {f['filledFN']} false-negative frames filled, "
                  f"{f['newFP']} new false positives, {f['newFN']} new misses.", ""]
    lines += [
        "## Reproduce",
        "",
        "```",
        "cd training",
        "# data/v2r-v3 and v2r-strip@1.1.0 as in training/README.md (the default Video2Roll model, start to finish)",
        ".venv/bin/python -m audeo_training.roll2midi.train --arch light --real data/v2r-v3 --v2r v2r-strip@1.1.0 --minutes 20 --val-every-min 5 --threads 1 --out runs/r2m-light-v3",
        ".venv/bin/python -m audeo_training.roll2midi.train --arch paper --width 4 --crop 32 --batch 8 --real data/v2r-v3 --v2r v2r-strip@1.1.0 --minutes 20 --val-every-min 5 --threads 1 --out runs/r2m-paper-v3",
        ".venv/bin/python -m audeo_training.roll2midi.export --run runs/r2m-light-v3 --name r2m-light --version 1.1.0 --default",
        ".venv/bin/python -m audeo_training.roll2midi.export --run runs/r2m-paper-v3 --name r2m-paper --version 1.1.0",
        "nice -n 15 .venv/bin/python -m audeo_training.roll2midi.evaluate",
        "```",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
