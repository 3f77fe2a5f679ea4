/** Notes -> a binary roll (src/core/notes.ts notesToRoll), sized to the notes when no frame count is given. */
import { notesToRoll } from '../core/notes';
import type { NoteEvent, Roll } from '../core/types';

export function notesToBinaryRoll(
  notes: readonly NoteEvent[],
  opts: { fps?: number; frames?: number; lowestMidi?: number; keys?: number; startSec?: number } = {},
): Roll {
  const fps = opts.fps ?? 25;
  const startSec = opts.startSec ?? 0;
  let end = startSec;
  for (const n of notes) end = Math.max(end, n.offsetSec);
  const frames = opts.frames ?? Math.ceil((end - startSec) * fps) + 1;
  return notesToRoll(notes, { fps, frames, startSec, lowestMidi: opts.lowestMidi ?? 21, keys: opts.keys ?? 88, value: 1 });
}
