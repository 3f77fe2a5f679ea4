"""Canonical keyboard geometry; mirrors src/core/keyboard-geometry.ts (a test checks they agree).

The rectified strip represents the whole 88-key keyboard (A0..C8): x in [0, 1) spans the 52 white keys edge to
edge (white width W = 1/52); y in [0, 1) runs from the back of the keys (y=0) to the white keys' front edge (y=1).
Black keys use the "equal head" layout: in each octave C..B (7W wide) the 12 semitone heads take 7W/12 each, so a
black key's centre is (semitone + 0.5) * 7W/12 from its C's left edge; it is 7W/12 wide and BLACK_LENGTH long.
"""

from __future__ import annotations

from dataclasses import dataclass

PIANO_KEYS = 88
LOWEST_MIDI = 21
WHITE_KEYS = 52
WHITE_WIDTH = 1.0 / WHITE_KEYS
BLACK_WIDTH = 7.0 * WHITE_WIDTH / 12.0
BLACK_LENGTH = 0.63
_BLACK_PCS = {1, 3, 6, 8, 10}
_WHITE_PCS = [0, 2, 4, 5, 7, 9, 11]


def is_black(midi: int) -> bool:
    return midi % 12 in _BLACK_PCS


def white_index(midi: int) -> int:
    """White keys strictly left of `midi` on the 88-key keyboard."""
    return sum(1 for m in range(LOWEST_MIDI, midi) if not is_black(m))


@dataclass(frozen=True)
class KeySpan:
    midi: int
    black: bool
    x0: float
    x1: float
    xc: float


def key_span(midi: int) -> KeySpan:
    if not is_black(midi):
        x0 = white_index(midi) * WHITE_WIDTH
        return KeySpan(midi, False, x0, x0 + WHITE_WIDTH, x0 + WHITE_WIDTH / 2)
    pc = midi % 12
    c_left = (white_index(midi - 1) - _WHITE_PCS.index(pc - 1)) * WHITE_WIDTH
    xc = c_left + (pc + 0.5) * 7.0 * WHITE_WIDTH / 12.0
    return KeySpan(midi, True, xc - BLACK_WIDTH / 2, xc + BLACK_WIDTH / 2, xc)


def all_key_spans() -> list[KeySpan]:
    return [key_span(LOWEST_MIDI + k) for k in range(PIANO_KEYS)]
