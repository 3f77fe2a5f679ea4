"""Performance MIDI sources (ASAP, POP909) for the renderer: pieces, notes, sustain pedal, and the split.

A *piece* groups every performance of one composition (ASAP: its folder; POP909: its song), so the split is by piece:
no composition appears in two splits. The split is saved in training/splits.json and read back from there, so results
stay comparable across runs and machines.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import mido

DATA_ROOT = Path(os.environ.get("AUDEO_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
SPLITS_FILE = Path(__file__).resolve().parents[1] / "splits.json"


@dataclass(frozen=True)
class Note:
    pitch: int
    onset: float
    offset: float
    velocity: int = 100


@dataclass(frozen=True)
class Performance:
    notes: list[Note]
    pedal: list[tuple[float, bool]]  # (time in seconds, pedal down?) changes, sorted
    duration: float


def load_midi(path: Path, *, merge_tracks: bool = True, pitch_range: tuple[int, int] = (21, 108)) -> Performance:
    """Notes (all tracks merged) with pitches in `pitch_range` (inclusive) and CC64 sustain changes, in seconds."""
    mid = mido.MidiFile(str(path))
    t = 0.0
    active: dict[tuple[int, int], list[tuple[float, int]]] = {}
    notes: list[Note] = []
    pedal: list[tuple[float, bool]] = []
    for msg in mid:  # merged, times in seconds
        t += msg.time
        if msg.type == "note_on" and msg.velocity > 0:
            active.setdefault((msg.channel, msg.note), []).append((t, msg.velocity))
        elif msg.type in ("note_off", "note_on"):
            stack = active.get((msg.channel, msg.note))
            if stack:
                on, vel = stack.pop(0)
                if t > on and pitch_range[0] <= msg.note <= pitch_range[1]:
                    notes.append(Note(msg.note, on, t, vel))
        elif msg.type == "control_change" and msg.control == 64:
            down = msg.value >= 64
            if not pedal or pedal[-1][1] != down:
                pedal.append((t, down))
    notes.sort(key=lambda n: (n.onset, n.pitch))
    return Performance(notes, pedal, t)


def _asap_pieces() -> dict[str, list[Path]]:
    root = DATA_ROOT / "midi" / "asap"
    pieces: dict[str, list[Path]] = {}
    if not root.exists():
        return pieces
    for p in sorted(root.rglob("*.mid")):
        if p.name == "midi_score.mid":
            continue
        key = "asap/" + str(p.parent.relative_to(root))
        pieces.setdefault(key, []).append(p)
    return pieces


def _pop909_pieces() -> dict[str, list[Path]]:
    root = DATA_ROOT / "midi" / "pop909"
    if not root.exists():
        return {}
    return {f"pop909/{p.stem}": [p] for p in sorted(root.glob("*.mid"))}


def all_pieces() -> dict[str, list[Path]]:
    return {**_asap_pieces(), **_pop909_pieces()}


def _bucket(name: str) -> str:
    h = int(hashlib.sha1(name.encode()).hexdigest()[:8], 16) % 100
    return "train" if h < 80 else "val" if h < 90 else "test"


def make_splits() -> dict[str, list[str]]:
    """Deterministic 80/10/10 split by piece (hash of the piece name)."""
    out: dict[str, list[str]] = {"train": [], "val": [], "test": []}
    for name in sorted(all_pieces()):
        out[_bucket(name)].append(name)
    return out


def load_splits() -> dict[str, list[str]]:
    if SPLITS_FILE.exists():
        return json.loads(SPLITS_FILE.read_text())
    return make_splits()


def performances(split: str) -> list[Path]:
    """All performance files of the pieces in a split that exist on this machine."""
    pieces = all_pieces()
    return [p for name in load_splits()[split] for p in pieces.get(name, [])]


if __name__ == "__main__":
    s = make_splits()
    SPLITS_FILE.write_text(json.dumps(s, indent=1) + "\n")
    print({k: len(v) for k, v in s.items()})
