/**
 * Live threshold changes (OSC /audeo/threshold): notes from a probability roll at a new threshold. A plain
 * frame threshold (a key is down while p >= threshold; notes shorter than `minFrames` dropped), kept small on
 * purpose so a change lands at once; the Take's own notes come from the extractor's decoder.
 */
import type { NoteEvent, Roll } from '../core/types';

export function notesAtThreshold(roll: Roll, threshold: number, opts: { minFrames?: number; velocity?: number } = {}): NoteEvent[] {
  const minFrames = opts.minFrames ?? 2;
  const notes: NoteEvent[] = [];
  for (let k = 0; k < roll.keys; k++) {
    let start = -1;
    for (let t = 0; t <= roll.frames; t++) {
      const down = t < roll.frames && (roll.data[t * roll.keys + k] ?? 0) >= threshold;
      if (down && start < 0) start = t;
      else if (!down && start >= 0) {
        if (t - start >= minFrames) {
          notes.push({ pitch: roll.lowestMidi + k, onsetSec: roll.startSec + start / roll.fps, offsetSec: roll.startSec + t / roll.fps, velocity: opts.velocity ?? 100 });
        }
        start = -1;
      }
    }
  }
  return notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}
