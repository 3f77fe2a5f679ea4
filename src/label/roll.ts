/**
 * Notes -> a binary roll at a given fps (frame t is on when round(onset*fps) <= t < max(start+1, round(offset*fps))).
 * TODO: switch to src/core/notes.ts `notesToRoll` once it lands, if its convention matches.
 */
import { makeRoll, type NoteEvent, type Roll } from '../core/types';

export function notesToBinaryRoll(notes: readonly NoteEvent[], opts: { fps?: number; frames?: number; lowestMidi?: number; keys?: number } = {}): Roll {
  const fps = opts.fps ?? 25;
  const lowestMidi = opts.lowestMidi ?? 21;
  const keys = opts.keys ?? 88;
  let end = 0;
  for (const n of notes) end = Math.max(end, n.offsetSec);
  const frames = opts.frames ?? Math.ceil(end * fps) + 1;
  const roll = makeRoll({ fps, frames, keys, lowestMidi });
  for (const n of notes) {
    const k = n.pitch - lowestMidi;
    if (k < 0 || k >= keys) continue;
    const a = Math.max(0, Math.round(n.onsetSec * fps));
    const b = Math.min(frames, Math.max(a + 1, Math.round(n.offsetSec * fps)));
    for (let t = a; t < b; t++) roll.data[t * keys + k] = 1;
  }
  return roll;
}
