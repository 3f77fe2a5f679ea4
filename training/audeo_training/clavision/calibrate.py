"""Calibrate the clavision set from the video itself: one pitch shift for the set, one time offset per clip.

    python -m audeo_training.clavision.calibrate coarse            # hand activity vs MIDI: shift + offsets (+-8 s)
    python -m audeo_training.clavision.calibrate fine --onnx M     # a Video2Roll model's roll vs MIDI: offsets (+-0.4 s)
    python -m audeo_training.clavision.calibrate overlays          # docs/img/clavision/<clip>.jpg: notes on the keys

Coarse: the per-key activity of a clip is the mean absolute difference between each strip's front half and the clip's
median strip (hands over keys); standardised per key, it is sampled at every MIDI note's (frame, key) for each
candidate (shift, offset), and the mean is the score. The dataset-wide shift is the one most clips' best scores pick.
Fine: the same search, in 10-ms steps around the coarse offset, on a Video2Roll model's key-down probabilities (a model
trained on the *training* pieces only), which see presses rather than hands. Both write training/clavision.json.
Offsets are recorded for the *sound* (the MIDI event): a model's key-down onsets come KEY_LEAD_SEC (the renderer's
label lead, measured on other real footage) before it, so the fitted visual offset + KEY_LEAD_SEC is stored.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import cv2
import numpy as np

from ..render.labels import KEY_LEAD_SEC
from ..geometry import LOWEST_MIDI, PIANO_KEYS, all_key_spans
from .data import (CACHE, CLAVISION_DIR, FPS, MANIFEST, ClipCalibration, Manifest, clip_info, keydown_roll, load_manifest,
                   load_strips, notes_standard, read_raw_notes, save_manifest)

# Known faults (shared/data/README.md, the dataset authors' notes): video seconds left out of scoring and training.
# "within 3 s" = [0, 3]; "x:y" read as seconds:frames at 30 fps; "hands blocking after 33 s" = [33, end].
FAULTS: dict[str, list[list[float]]] = {
    "piece02_0_3": [[0.0, 24.0], [3.4, 5.3]],
    "piece03_0_1": [[0.0, 3.0], [43.0, 44.0]],
    "piece03_0_2": [[0.0, 3.0], [39.0, 41.0]],
    "piece03_0_4": [[0.0, 3.0], [38.5, 40.5]],
    "piece04_0_4": [[58.0, 59.0]],
    "piece08_0_2": [[57.5, 58.5]],
    "piece08_m45_2": [[51.3, 52.1]],
    "piece05_p45_1": [[33.0, 1e9]],
    "piece06_p45_1.1": [[47.0, 55.0]],
    "piece06_p45_1.2": [[47.0, 55.0]],
    "piece07_0_1": [[38.0, 45.0]],
}
EXCLUDED = {"piece08_p45_2": "a faulty key at an unstated time (README)"}


def activity(strips: np.ndarray) -> np.ndarray:
    """float32 [T, 88]: per key, the front half's mean |strip - median strip|, standardised per key."""
    bg = np.median(np.asarray(strips[:: max(1, len(strips) // 200)]), axis=0).astype(np.float32)
    act = np.zeros((len(strips), PIANO_KEYS), np.float32)
    h = strips.shape[1]
    for k, sp in enumerate(all_key_spans()):
        a = int(sp.x0 * strips.shape[2])
        b = max(a + 1, int(sp.x1 * strips.shape[2]))
        seg = np.asarray(strips[:, h // 2 :, a:b], np.float32)
        act[:, k] = np.abs(seg - bg[None, h // 2 :, a:b]).mean(axis=(1, 2))
    return (act - act.mean(0)) / (act.std(0) + 1e-3)


def search(signal: np.ndarray, raw: np.ndarray, shifts: range, offsets: np.ndarray, first_sec: float = 0.0, *, lag_frames: float = 0.0) -> np.ndarray:
    """scores [len(shifts), len(offsets)]: mean of `signal` [T, 88] at each note's onset (linearly interpolated between
    frames; frame t is at first_sec + t / FPS, plus `lag_frames`) and key. Notes outside the picture or the keys do not
    count; a candidate that loses over 30 % of the notes scores -inf."""
    t_len = len(signal)
    out = np.full((len(shifts), len(offsets)), -np.inf)
    for i, s in enumerate(shifts):
        k = raw[:, 0].astype(int) + s - LOWEST_MIDI
        for j, o in enumerate(offsets):
            f = (raw[:, 1] + o - first_sec) * FPS + lag_frames
            f0 = np.floor(f).astype(int)
            ok = (f0 >= 0) & (f0 + 1 < t_len) & (k >= 0) & (k < PIANO_KEYS)
            if ok.sum() >= 0.7 * len(raw):
                a = f[ok] - f0[ok]
                out[i, j] = float(((1 - a) * signal[f0[ok], k[ok]] + a * signal[f0[ok] + 1, k[ok]]).mean())
    return out


def raw_array(clip: str) -> np.ndarray:
    return np.array([(n.pitch, n.onset, n.offset) for n in read_raw_notes(CLAVISION_DIR / f"{clip}.mid")], np.float64)


def fresh_manifest() -> Manifest:
    clips: dict[str, ClipCalibration] = {}
    with (CLAVISION_DIR / "manifest.csv").open() as f:
        for row in csv.DictReader(f):
            piece, camera = clip_info(row["clip"])
            clips[row["clip"]] = ClipCalibration(row["clip"], piece, camera, None, faults=FAULTS.get(row["clip"], []),
                                                 excluded=EXCLUDED.get(row["clip"], ""))
    return Manifest("1.0.0", 12, list(range(1, 10)), [10, 11], clips, {})


def coarse(m: Manifest, redo: bool = False) -> None:
    shifts = range(6, 20)
    offsets = np.arange(-8.0, 8.0001, 0.04)
    votes: dict[int, int] = {}
    per_clip: dict[str, np.ndarray] = {}
    for name, cal in sorted(m.clips.items()):
        if cal.offset_sec is not None and not redo:
            continue  # calibrated before (a time offset does not depend on the keyboard locator)
        if not (CACHE / f"{name}.u8").exists():
            print(f"{name}: no strips in {CACHE} (bench/dump_strips.ts could not locate its keyboard); skipped")
            continue
        strips, meta = load_strips(name)
        sc = search(activity(strips), raw_array(name), shifts, offsets, meta["firstSec"])
        per_clip[name] = sc
        best_shift = shifts[int(np.unravel_index(np.argmax(sc), sc.shape)[0])]
        votes[best_shift] = votes.get(best_shift, 0) + 1
    shift = max(votes, key=lambda s: votes[s]) if redo or not m.evidence.get("coarseShiftVotes") else m.pitch_shift
    si = list(shifts).index(shift)
    for name, sc in per_clip.items():
        j = int(np.argmax(sc[si]))
        cal = m.clips[name]
        cal.offset_sec, cal.score, cal.method = float(offsets[j]), float(sc[si, j]), "coarse: hand activity"
        row = np.max(sc, axis=1)
        print(f"{name}: offset {offsets[j]:+.2f} s score {sc[si, j]:.2f}; best per shift " +
              ", ".join(f"{s}:{v:.2f}" for s, v in zip(shifts, row) if np.isfinite(v) and v > row.max() - 0.5))
    m.pitch_shift = shift
    if redo or not m.evidence.get("coarseShiftVotes"):
        m.evidence["coarseShiftVotes"] = {str(k): v for k, v in sorted(votes.items())}
    print(f"pitch shift {shift:+d} (votes {votes})")


def fine(m: Manifest, onnx_path: Path, threads: int = 2, redo: bool = False) -> None:
    import onnxruntime as ort

    from ..video2roll.data import clip_windows

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
    name_in = sess.get_inputs()[0].name
    shifts = range(m.pitch_shift - 2, m.pitch_shift + 3)
    shift_votes: dict[int, int] = {}
    for name, cal in sorted(m.clips.items()):
        if cal.offset_sec is None or not (CACHE / f"{name}.u8").exists() or (cal.method.startswith("fine") and not redo):
            continue
        strips, meta = load_strips(name)
        probs = []
        for i in range(0, len(strips), 64):
            idx = np.clip(np.arange(i, min(i + 64, len(strips)))[:, None] + np.arange(-2, 3)[None, :], 0, len(strips) - 1)
            x = np.asarray(strips)[idx].astype(np.float32) / 255.0
            probs.append(1 / (1 + np.exp(-sess.run(None, {name_in: x})[0])))
        p = np.concatenate(probs)
        rise = np.clip(np.diff(p, axis=0, prepend=p[:1]), 0, None)  # a key going down between frames t-1 and t
        z = (rise - rise.mean(0)) / (rise.std(0) + 1e-3)
        offsets = cal.offset_sec - KEY_LEAD_SEC + np.arange(-0.4, 0.4001, 0.01)  # visual key-down offsets
        sc = search(z, raw_array(name), shifts, offsets, meta["firstSec"], lag_frames=0.5)
        i, j = np.unravel_index(np.argmax(sc), sc.shape)
        shift_votes[shifts[int(i)]] = shift_votes.get(shifts[int(i)], 0) + 1
        si = list(shifts).index(m.pitch_shift)
        j = int(np.argmax(sc[si]))
        print(f"{name}: offset {cal.offset_sec:+.2f} -> {offsets[j] + KEY_LEAD_SEC:+.3f} s (score {sc[si, j]:.2f}); best shift here {shifts[int(i)]:+d} "
              f"(per shift: {', '.join(f'{s}:{v:.2f}' for s, v in zip(shifts, sc.max(axis=1)))})")
        cal.offset_sec, cal.score, cal.method = float(offsets[j]) + KEY_LEAD_SEC, float(sc[si, j]), f"fine: {onnx_path}"
    for k, v in m.evidence.get("fineShiftVotes", {}).items():
        if not redo:
            shift_votes[int(k)] = shift_votes.get(int(k), 0) + int(v)
    m.evidence["fineShiftVotes"] = {str(k): v for k, v in sorted(shift_votes.items())}
    m.evidence["fineModel"] = str(onnx_path)
    print(f"fine: clips' best shift votes {shift_votes}")


def overlays(m: Manifest, out: Path, count: int = 3) -> None:
    """Per clip: the busiest frame of each of `count` parts of the clip; the strip with each key labelled down outlined in
    red with its note name."""
    out.mkdir(parents=True, exist_ok=True)
    spans = all_key_spans()
    for name, cal in sorted(m.clips.items()):
        if cal.offset_sec is None or not (CACHE / f"{name}.u8").exists():
            continue
        strips, meta = load_strips(name)
        notes = notes_standard(cal, m.pitch_shift)
        roll = keydown_roll(notes, len(strips), meta["firstSec"])
        thirds = np.array_split(np.arange(len(strips)), count)
        pick = [int(th[np.argmax(roll[th].sum(1))]) for th in thirds if len(th)]  # the busiest frame of each part
        rows = []
        for t in pick:
            t = min(int(t), len(strips) - 1)
            img = cv2.cvtColor(np.asarray(strips[t]), cv2.COLOR_GRAY2BGR)
            for k in np.flatnonzero(roll[t]):
                sp = spans[k]
                x0, x1 = int(sp.x0 * img.shape[1]), int(sp.x1 * img.shape[1])
                y1 = int((0.63 if sp.black else 1.0) * img.shape[0]) - 1
                cv2.rectangle(img, (x0, 0), (x1 - 1, y1), (0, 0, 255), 1)
                cv2.putText(img, midi_name(LOWEST_MIDI + int(k)), (x0, 12 if sp.black else 90), cv2.FONT_HERSHEY_PLAIN, 0.7, (0, 0, 255), 1)
            cv2.putText(img, f"{name} t={meta['firstSec'] + t / FPS:.2f}s", (4, 98), cv2.FONT_HERSHEY_PLAIN, 0.7, (0, 160, 0), 1)
            rows.append(img)
        if rows:
            cv2.imwrite(str(out / f"{name}.jpg"), np.concatenate(rows, 0), [cv2.IMWRITE_JPEG_QUALITY, 80])


_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def midi_name(m: int) -> str:
    return f"{_NAMES[m % 12]}{m // 12 - 1}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["coarse", "fine", "overlays"])
    ap.add_argument("--onnx", type=Path, help="fine: a Video2Roll model trained on the training pieces only")
    ap.add_argument("--redo", action="store_true", help="recalibrate every clip (default: only clips not calibrated at this step yet)")
    ap.add_argument("--out", type=Path, default=MANIFEST.parent.parent / "docs" / "img" / "clavision")
    a = ap.parse_args()
    if a.step == "coarse":
        m = load_manifest() if MANIFEST.exists() else fresh_manifest()
        coarse(m, a.redo)
        save_manifest(m)
    elif a.step == "fine":
        if a.onnx is None:
            ap.error("fine needs --onnx MODEL")
        m = load_manifest()
        fine(m, a.onnx, redo=a.redo)
        save_manifest(m)
    else:
        overlays(load_manifest(), a.out)


if __name__ == "__main__":
    main()
