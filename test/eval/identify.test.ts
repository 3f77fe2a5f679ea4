import type { NoteEvent } from '../../src/core/types';
import { synthNotes } from '../../src/eval/additive-synth';
import { chromagram } from '../../src/eval/chroma';
import { identify, sliceChroma, subsequenceDtw } from '../../src/eval/identify';

const SR = 11025;

function randomPiece(seed: number, durSec: number): NoteEvent[] {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const notes: NoteEvent[] = [];
  const scale = [0, 2, 4, 5, 7, 9, 11];
  const root = 48 + Math.floor(rnd() * 12);
  for (let t = 0; t < durSec; t += 0.25 + rnd() * 0.35) {
    const pitch = root + 12 * Math.floor(rnd() * 2) + scale[Math.floor(rnd() * 7)]!;
    notes.push({ pitch, onsetSec: t, offsetSec: t + 0.3 + rnd() * 0.4, velocity: 100 });
    if (rnd() < 0.3) notes.push({ pitch: pitch - 12, onsetSec: t, offsetSec: t + 0.6, velocity: 80 });
  }
  return notes;
}

describe('chroma + subsequence DTW identification', () => {
  const pieces = [1, 2, 3, 4, 5, 6].map((seed) => ({ name: `piece${seed}`, notes: randomPiece(seed, 30) }));
  const library = pieces.map((p) => ({ name: p.name, chroma: chromagram(synthNotes(p.notes, { sampleRate: SR }), SR) }));

  it('chroma of a single note peaks at its pitch class', () => {
    const c = chromagram(synthNotes([{ pitch: 64, onsetSec: 0, offsetSec: 2, velocity: 100 }], { sampleRate: SR }), SR);
    expect(c.frames).toBeGreaterThan(5);
    const row = Array.from(c.data.subarray(3 * 12, 4 * 12));
    expect(row.indexOf(Math.max(...row))).toBe(64 % 12);
  });

  it('finds where a segment sits inside its piece', () => {
    const ref = library[0]!.chroma;
    const q = sliceChroma(ref, 12, 8);
    const m = subsequenceDtw(q, ref);
    expect(m.cost).toBeLessThan(1e-6);
    expect(m.endFrame * ref.hopSec).toBeCloseTo(20, 0);
  });

  it('identifies segments of a re-played piece (other velocities, slightly late notes) and rejects an unknown one', () => {
    for (const p of pieces) {
      // A different performance: velocities and durations change, every note 30 ms late.
      const replay = p.notes.map((n, i) => ({ ...n, onsetSec: n.onsetSec + 0.03, offsetSec: n.offsetSec + 0.03 + (i % 3) * 0.1, velocity: 60 + (i % 5) * 10 }));
      const q = sliceChroma(chromagram(synthNotes(replay, { sampleRate: SR }), SR), 9, 10);
      const ranked = identify(q, library);
      expect(ranked[0]!.name).toBe(p.name);
    }
    const unknown = sliceChroma(chromagram(synthNotes(randomPiece(99, 30), { sampleRate: SR }), SR), 9, 10);
    const known = sliceChroma(library[2]!.chroma, 9, 10);
    expect(identify(unknown, library)[0]!.cost).toBeGreaterThan(identify(known, library)[0]!.cost + 0.2);
  });
});
