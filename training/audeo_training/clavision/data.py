"""The clavision set (shared/data/video/clavision): real top-view piano video with the piano's own MIDI.

What is read from where:
- videos and MIDI: `DATA_ROOT/video/clavision/<clip>.mp4|.mid` (AUDEO_DATA, default ../shared/data; never copied);
- the calibration: `training/clavision.json` (versioned, committed): the dataset-wide pitch shift, each clip's time
  offset (video seconds = MIDI seconds + offset), the split by piece, and the seconds left out of scoring (known faults);
- rectified strips: `training/cache/clavision/<clip>.u8|.json` (git-ignored), written by `bench/dump_strips.ts`, i.e. by the
  extractor's own ffmpeg stream (the model's 25 fps), keyboard locator and rectification, so training sees what
  `audeo extract` feeds the network.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..geometry import LOWEST_MIDI, PIANO_KEYS
from ..midi_sources import load_midi

TRAINING_DIR = Path(__file__).resolve().parents[2]
DATA_ROOT = Path(os.environ.get("AUDEO_DATA", TRAINING_DIR.parent.parent / "shared" / "data"))
CLAVISION_DIR = DATA_ROOT / "video" / "clavision"
MANIFEST = TRAINING_DIR / "clavision.json"
CACHE = TRAINING_DIR / "cache" / "clavision"
FPS = 25.0


@dataclass(frozen=True)
class RawNote:
    pitch: int  # the piano's own numbering (10..94 in this set)
    onset: float  # MIDI seconds
    offset: float
    velocity: int


def read_raw_notes(path: Path) -> list[RawNote]:
    """Every note of a clavision MIDI file in its own numbering (no range filter: the set's numbers are not standard)."""
    perf = load_midi(path, pitch_range=(0, 127))
    return [RawNote(n.pitch, n.onset, n.offset, n.velocity) for n in perf.notes]


@dataclass
class ClipCalibration:
    clip: str
    piece: int
    camera: str  # "0", "p45", "m45"
    offset_sec: float | None  # video seconds = MIDI seconds + offset_sec; None: not calibrated yet
    method: str = ""
    score: float = 0.0
    faults: list[list[float]] = field(default_factory=list)  # [from, to] video seconds left out of scoring/training
    excluded: str = ""  # why the whole clip is left out ("" = used)


@dataclass
class Manifest:
    version: str
    pitch_shift: int  # standard MIDI = clavision MIDI + pitch_shift
    train_pieces: list[int]
    val_pieces: list[int]
    clips: dict[str, ClipCalibration]
    evidence: dict[str, Any]

    def split(self, name: str) -> list[ClipCalibration]:
        pieces = self.train_pieces if name == "train" else self.val_pieces
        return [c for c in self.clips.values() if c.piece in pieces and not c.excluded and c.offset_sec is not None]


def clip_info(clip: str) -> tuple[int, str]:
    """piece number and camera position from a clip name like piece05_p45_1.1."""
    parts = clip.split("_")
    return int(parts[0].removeprefix("piece")), parts[1]


def load_manifest(path: Path = MANIFEST) -> Manifest:
    m = json.loads(path.read_text())
    clips = {k: ClipCalibration(clip=k, **v) for k, v in m["clips"].items()}
    return Manifest(m["version"], m["pitchShift"], m["split"]["train"], m["split"]["val"], clips, m.get("evidence", {}))


def save_manifest(m: Manifest, path: Path = MANIFEST) -> None:
    clips = {}
    for k, c in sorted(m.clips.items()):
        d = {"piece": c.piece, "camera": c.camera, "offset_sec": None if c.offset_sec is None else round(c.offset_sec, 3),
             "method": c.method, "score": round(c.score, 4), "faults": c.faults, "excluded": c.excluded}
        clips[k] = d
    doc = {
        "version": m.version,
        "about": "clavision calibration (shared/data/video/clavision): standard MIDI = clip MIDI + pitchShift; "
                 "video seconds = MIDI seconds + offset_sec. Made by `python -m audeo_training.clavision.calibrate`; "
                 "evidence pictures in docs/img/clavision/.",
        "pitchShift": m.pitch_shift,
        "split": {"train": m.train_pieces, "val": m.val_pieces,
                  "rule": "by piece; val pieces are never trained on, and tuned on only for thresholds"},
        "evidence": m.evidence,
        "clips": clips,
    }
    path.write_text(json.dumps(doc, indent=1) + "\n")


def notes_standard(cal: ClipCalibration, shift: int) -> np.ndarray:
    """[N, 3] float64: onset, offset (video seconds), standard MIDI pitch; notes outside A0..C8 dropped."""
    raw = read_raw_notes(CLAVISION_DIR / f"{cal.clip}.mid")
    off = cal.offset_sec or 0.0
    rows = [(n.onset + off, n.offset + off, n.pitch + shift) for n in raw if LOWEST_MIDI <= n.pitch + shift < LOWEST_MIDI + PIANO_KEYS]
    return np.array(rows, np.float64).reshape(-1, 3)


def keydown_roll(notes: np.ndarray, frames: int, first_sec: float = 0.0, fps: float = FPS) -> np.ndarray:
    """uint8 [frames, 88]: key k down at frame t (time first_sec + t / fps) when onset <= t < offset (at least one frame)."""
    roll = np.zeros((frames, PIANO_KEYS), np.uint8)
    for on, off, p in notes:
        a = int(np.ceil((on - first_sec) * fps - 1e-9))
        b = max(a + 1, int(np.ceil((off - first_sec) * fps - 1e-9)))
        a, b = max(0, a), min(frames, b)
        if a < b:
            roll[a:b, int(p) - LOWEST_MIDI] = 1
    return roll


def fault_mask(cal: ClipCalibration, frames: int, first_sec: float = 0.0, fps: float = FPS) -> np.ndarray:
    """bool [frames]: True where the clip's known faults leave the frame out."""
    t = first_sec + np.arange(frames) / fps
    bad = np.zeros(frames, bool)
    for a, b in cal.faults:
        bad |= (t >= a) & (t < b)
    return bad


def load_strips(clip: str, cache: Path = CACHE) -> tuple[np.ndarray, dict[str, Any]]:
    """uint8 [T, 100, 900] memory-mapped strips and their metadata (bench/dump_strips.ts)."""
    meta = json.loads((cache / f"{clip}.json").read_text())
    arr = np.memmap(cache / f"{clip}.u8", np.uint8, "r", shape=(meta["frames"], meta["height"], meta["width"]))
    return arr, meta
