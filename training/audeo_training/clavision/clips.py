"""clavision clips as Video2Roll training/validation clips (video2roll.data.Clip): cached strips + key-down labels from
the calibrated MIDI, cut at the known faults (each good stretch is its own clip, so no window spans a fault).

The calibrated MIDI gives sound times; as in the renderer's labels (render/labels.py), a key is labelled down
KEY_LEAD_SEC before it sounds, so the model card's timing.soundDelaySec maps its key-down onsets back to sound."""

from __future__ import annotations

import numpy as np

from ..render.labels import KEY_LEAD_SEC
from ..video2roll.data import Clip
from .data import CACHE, Manifest, fault_mask, keydown_roll, load_strips, notes_standard


def real_clips(m: Manifest, split: str, *, min_frames: int = 25) -> tuple[list[Clip], list[str]]:
    """Clips of the split whose strips are cached, and the names of those used."""
    clips: list[Clip] = []
    used: list[str] = []
    for cal in m.split(split):
        if not (CACHE / f"{cal.clip}.u8").exists():
            continue
        strips, meta = load_strips(cal.clip)
        notes = notes_standard(cal, m.pitch_shift)
        notes[:, 0] -= KEY_LEAD_SEC
        roll = keydown_roll(notes, len(strips), meta["firstSec"])
        good = ~fault_mask(cal, len(strips), meta["firstSec"])
        edges = np.flatnonzero(np.diff(np.concatenate([[0], good.astype(np.int8), [0]])))
        for a, b in zip(edges[::2], edges[1::2]):
            if b - a >= min_frames:
                clips.append(Clip(strips=np.ascontiguousarray(strips[a:b]), keydown=roll[a:b]))
        used.append(cal.clip)
    return clips, used
