"""Per-frame labels from notes: key-down (what the camera sees) and sounding (what an audio transcriber hears).

Frame t covers [t/fps, (t+1)/fps). A note occupies frames round(onset*fps) .. max(start+1, round(offset*fps)) - 1.
Sounding differs from key-down in two ways (the mismatch Roll2Midi learns, paper section 3):
- the sustain pedal (CC64 >= 64) keeps a released note sounding until the pedal is lifted;
- a held or pedalled note fades out after a pitch-dependent time: decay_sec(A0) = 10 s down to decay_sec(C8) = 1.5 s,
  geometric in between; a re-strike of the same key ends the previous sound.
and in a third, with `key_lead_sec`: a key is seen going down before it sounds (the key travels, then the hammer
strikes; MIDI note-on is the strike). Measured on real footage: a person marking key presses on
shared/data/video/oblique_player_view.mp4 precedes basic-pitch's onsets of its soundtrack by a median 42 ms (n = 6);
Video2Roll's key-down onsets on the two real clips are 40-80 ms early against their soundtrack labels. The top-view
renderer draws each clip with a lead drawn from KEY_LEAD_RANGE_SEC; the extractor adds the model card's
`timing.soundDelaySec` (KEY_LEAD_SEC, the range's middle) to the visual onsets.
"""

from __future__ import annotations

import bisect

import numpy as np

from ..midi_sources import Note

KEYS = 88
LOWEST = 21
KEY_LEAD_RANGE_SEC = (0.02, 0.06)
KEY_LEAD_SEC = 0.04


def decay_sec(pitch: int) -> float:
    return float(10.0 * (1.5 / 10.0) ** ((pitch - LOWEST) / 87.0))


def frame_span(onset: float, offset: float, fps: float) -> tuple[int, int]:
    start = int(round(onset * fps))
    end = max(start + 1, int(round(offset * fps)))
    return start, end


def pedal_up_after(pedal: list[tuple[float, bool]], t: float) -> float | None:
    """If the pedal is down at time t, the time it next goes up (inf if never); None if it is up at t."""
    times = [p[0] for p in pedal]
    i = bisect.bisect_right(times, t) - 1
    if i < 0 or not pedal[i][1]:
        return None
    for tt, down in pedal[i + 1 :]:
        if not down:
            return tt
    return float("inf")


def sounding_end(note: Note, pedal: list[tuple[float, bool]], next_onset_same_key: float | None) -> float:
    end = note.offset
    up = pedal_up_after(pedal, note.offset)
    if up is not None:
        end = up
    end = min(end, note.onset + decay_sec(note.pitch))
    end = max(end, min(note.offset, note.onset + decay_sec(note.pitch)))
    if next_onset_same_key is not None:
        end = min(end, next_onset_same_key)
    return max(end, note.onset + 1e-3)


def rolls(notes: list[Note], pedal: list[tuple[float, bool]], start: float, frames: int, fps: float = 25.0,
          key_lead_sec: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """keydown, sounding: uint8 [frames, 88] for the clip [start, start + frames/fps). Key-down starts key_lead_sec
    before the note-on (what the camera sees first); sounding starts at the note-on."""
    keydown = np.zeros((frames, KEYS), np.uint8)
    sounding = np.zeros((frames, KEYS), np.uint8)
    by_key: dict[int, list[Note]] = {}
    for n in notes:
        by_key.setdefault(n.pitch, []).append(n)
    for pitch, ns in by_key.items():
        ns.sort(key=lambda n: n.onset)
        k = pitch - LOWEST
        for i, n in enumerate(ns):
            nxt = ns[i + 1].onset if i + 1 < len(ns) else None
            a, b = frame_span(n.onset - key_lead_sec - start, n.offset - start, fps)
            if i > 0 and key_lead_sec > 0:
                # a quick re-strike: the key cannot be seen going down before it came up; keep the frame where it
                # is up (when the lead-free labels had one) so the re-press stays visible
                a0 = frame_span(n.onset - start, n.offset - start, fps)[0]
                prev_end = frame_span(ns[i - 1].onset - start, ns[i - 1].offset - start, fps)[1]
                a = max(a, min(prev_end + 1, a0))
            if b > 0 and a < frames:
                keydown[max(a, 0) : min(b, frames), k] = 1
            sa, sb = frame_span(n.onset - start, sounding_end(n, pedal, nxt) - start, fps)
            if sb > 0 and sa < frames:
                sounding[max(sa, 0) : min(sb, frames), k] = 1
    # A key struck again right after release: keep one empty frame in key-down so the re-press stays visible.
    return keydown, sounding


def clip_notes(notes: list[Note], start: float, seconds: float) -> list[Note]:
    """Notes overlapping the clip, times relative to the clip start (clipped at its edges)."""
    out = []
    for n in notes:
        if n.offset > start and n.onset < start + seconds:
            out.append(Note(n.pitch, max(n.onset, start) - start, min(n.offset, start + seconds) - start, n.velocity))
    return out
