/** MIDI-to-video alignment: the offset and pitch numbering are found from the key-down rises; a foreign MIDI is refused. */
import { alignMidi, MIN_CONTRAST } from '../../src/adapt/align';
import { mulberry32 } from '../../src/core/random';
import type { NoteEvent, Roll } from '../../src/core/types';

const FPS = 25;

function randomNotes(n: number, seed: number, durationSec: number): NoteEvent[] {
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const onsetSec = rnd() * durationSec;
    return { pitch: 40 + Math.floor(rnd() * 40), onsetSec, offsetSec: onsetSec + 0.2 + rnd() * 0.5, velocity: 80 };
  });
}

/** A key-down probability roll of `notes` as a model would see them: lead seconds early, blurred, noisy. */
function seenRoll(notes: readonly NoteEvent[], frames: number, leadSec: number, seed: number): Roll {
  const rnd = mulberry32(seed);
  const data = new Float32Array(frames * 88).map(() => 0.1 * rnd());
  for (const n of notes) {
    const k = n.pitch - 21;
    const a = Math.round((n.onsetSec - leadSec) * FPS);
    const b = Math.round((n.offsetSec - leadSec) * FPS);
    for (let t = Math.max(0, a); t < Math.min(frames, b); t++) data[t * 88 + k] = 0.6 + 0.3 * rnd();
  }
  return { fps: FPS, startSec: 0, lowestMidi: 21, keys: 88, frames, data };
}

describe('alignMidi', () => {
  const video = randomNotes(150, 1, 55);
  const roll = seenRoll(video, 60 * FPS, 0.04, 2);

  it.each([
    [3.52, 0],
    [-7.3, 12],
    [0.0, -12],
  ])('finds offset %p s and pitch shift %p', (offset, shift) => {
    // the MIDI file: the video's notes earlier by `offset` and numbered `shift` off
    const midi = video.map((n) => ({ ...n, pitch: n.pitch - shift, onsetSec: n.onsetSec - offset, offsetSec: n.offsetSec - offset }));
    const a = alignMidi(midi, roll, { keyLeadSec: 0.04 });
    expect(a.ok).toBe(true);
    expect(a.pitchShift).toBe(shift);
    expect(Math.abs(a.offsetSec - offset)).toBeLessThan(0.03);
    expect(a.contrast).toBeGreaterThan(3 * MIN_CONTRAST);
  });

  it('refuses the MIDI of another take', () => {
    const a = alignMidi(randomNotes(150, 99, 55), roll, { keyLeadSec: 0.04 });
    expect(a.ok).toBe(false);
    expect(a.contrast).toBeLessThan(MIN_CONTRAST);
  });
});
