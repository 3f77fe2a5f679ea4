import type { NoteEvent } from '../../src/core/types';
import type { Chromagram } from '../../src/eval/chroma';
import { sliceChroma } from '../../src/eval/identify';
import {
  applySustain,
  clipNotes,
  conditionTable,
  lowestVisibleWhiteKey,
  notesStartingIn,
  pickPieces,
  queryStartSec,
  randomNotes,
  rankOf,
  scoreQueries,
  seededRandom,
  whiteNoise,
  type VideoQuery,
} from '../../src/eval/identification-test';

const note = (pitch: number, onsetSec: number, offsetSec: number): NoteEvent => ({ pitch, onsetSec, offsetSec, velocity: 90 });

/** A chromagram of random unit rows (stands in for a piece; no audio needed). */
function randomChroma(seed: number, frames: number): Chromagram {
  const r = seededRandom(seed);
  const data = new Float32Array(frames * 12);
  for (let t = 0; t < frames; t++) {
    let norm = 0;
    for (let c = 0; c < 12; c++) {
      const v = r() - 0.5;
      data[t * 12 + c] = v;
      norm += v * v;
    }
    for (let c = 0; c < 12; c++) data[t * 12 + c]! /= Math.sqrt(norm);
  }
  return { data, frames, hopSec: 0.2 };
}

describe('video identification test: note helpers', () => {
  it('sustain lengthens a note released under the pedal until the pedal lifts, but not past a re-strike', () => {
    const pedal = [
      { timeSec: 0.5, down: true },
      { timeSec: 3, down: false },
    ];
    const out = applySustain([note(60, 0, 1), note(64, 0, 0.4), note(60, 2, 2.5), note(67, 3.5, 4)], pedal);
    expect(out.map((n) => [n.pitch, n.onsetSec, n.offsetSec])).toEqual([
      [60, 0, 2], // held to 3 s by the pedal, cut by the re-strike at 2 s
      [64, 0, 0.4], // released before the pedal went down
      [60, 2, 3], // held until the pedal lifts
      [67, 3.5, 4], // after the pedal
    ]);
    expect(out[0]!.velocity).toBe(90);
  });

  it('sustain without pedal changes nothing', () => {
    const notes = [note(60, 0, 1), note(62, 0.5, 0.7)];
    expect(applySustain(notes, [])).toEqual(notes);
  });

  it('clips and shifts a segment; onset selection keeps only notes starting inside', () => {
    const notes = [note(60, 0, 2), note(62, 1.5, 1.8), note(64, 2.9, 4), note(65, 4, 5)];
    expect(clipNotes(notes, 1, 2).map((n) => [n.pitch, n.onsetSec, n.offsetSec])).toEqual([
      [60, 0, 1],
      [62, 0.5, 0.8],
      [64, 1.9, 2],
    ]);
    expect(notesStartingIn(notes, 1, 2).map((n) => n.pitch)).toEqual([62, 64]);
  });

  it('random notes stay in the range and the length; noise is bounded', () => {
    const r = seededRandom(7);
    const notes = randomNotes(r, 50, 55, 5);
    expect(notes.length).toBeGreaterThan(10);
    for (const n of notes) {
      expect(n.pitch).toBeGreaterThanOrEqual(50);
      expect(n.pitch).toBeLessThanOrEqual(55);
      expect(n.onsetSec).toBeLessThan(5);
      expect(n.offsetSec).toBeLessThanOrEqual(5);
    }
    const x = whiteNoise(r, 1000);
    expect(Math.max(...x)).toBeLessThanOrEqual(0.1);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(-0.1);
  });

  it('reads the leftmost fully visible white key off the keyboard corners', () => {
    const whole: [number, number][] = [
      [10, 100],
      [590, 100],
      [590, 160],
      [10, 160],
    ];
    expect(lowestVisibleWhiteKey(whole, [600, 300])).toBe(21); // A0
    const cut: [number, number][] = [
      [-500, 100],
      [500, 100],
      [500, 160],
      [-500, 160],
    ];
    expect(lowestVisibleWhiteKey(cut, [600, 300])).toBe(65); // white key 26 of 52 = F4
    expect(lowestVisibleWhiteKey(cut, [10, 300])).toBeUndefined();
  });

  it('draws distinct pieces deterministically and starts that fit the library', () => {
    const all = ['a', 'b', 'c', 'd', 'e', 'f'];
    const p = pickPieces(all, 4, 3);
    expect(p).toEqual(pickPieces(all, 4, 3));
    expect(new Set(p).size).toBe(4);
    for (const x of p) expect(all).toContain(x);
    expect(pickPieces(all, 10, 3)).toHaveLength(6);
    const r = seededRandom(1);
    for (let i = 0; i < 20; i++) {
      const s = queryStartSec(r, { firstOnsetSec: 2, durationSec: 300, librarySec: 180, clipSec: 22 })!;
      expect(s).toBeGreaterThanOrEqual(2);
      expect(s + 22).toBeLessThanOrEqual(180);
    }
    expect(queryStartSec(r, { firstOnsetSec: 2, durationSec: 20, librarySec: 180, clipSec: 22 })).toBeUndefined();
  });
});

describe('video identification test: query/library scoring', () => {
  const library = [1, 2, 3, 4, 5, 6, 7].map((s) => ({ name: `piece${s}`, chroma: randomChroma(s, 150) }));

  it('a segment of a piece ranks it first; failed and unknown queries are handled', () => {
    expect(rankOf(sliceChroma(library[2]!.chroma, 6, 10), 'piece3', library)).toBe(0);
    const queries: VideoQuery[] = [
      ...library.slice(0, 4).map((l, i) => ({ piece: l.name, condition: 'truth', chroma: sliceChroma(l.chroma, 2 + i, 8), onsetF1: 1 })),
      { piece: 'piece1', condition: 'predicted', chroma: sliceChroma(library[0]!.chroma, 1, 8), onsetF1: 0.5 },
      { piece: 'piece2', condition: 'predicted', chroma: undefined, onsetF1: 0 },
      { piece: 'piece1', condition: 'noise', chroma: randomChroma(99, 40) },
    ];
    const rows = scoreQueries(queries, library, ['truth', 'predicted', 'absent', 'noise']);
    expect(rows.map((r) => r.condition)).toEqual(['truth', 'predicted', 'noise']);
    const [truth, predicted, noise] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(truth).toMatchObject({ queries: 4, failed: 0, top1: 1, top5: 1, meanRank: 1, meanOnsetF1: 1 });
    // one hit, one failed extraction ranked last
    expect(predicted).toMatchObject({ queries: 2, failed: 1, top1: 0.5, top5: 0.5, meanRank: (1 + library.length) / 2, meanOnsetF1: 0.25 });
    expect(noise.meanOnsetF1).toBeUndefined();
    expect(() => scoreQueries([{ piece: 'elsewhere', condition: 'truth', chroma: randomChroma(5, 10) }], library, ['truth'])).toThrow(/not in the library/);
    const md = conditionTable(rows, library.length);
    expect(md).toContain('| truth | 4 | 100.0% | 100.0% | 1.0 | 1.000 |');
    expect(md).toContain('| predicted | 2 (1 failed) | 50.0% | 50.0% | 4.0 | 0.250 |');
    expect(md).toContain(`| chance (7 references) | - | ${(100 / 7).toFixed(1)}% | ${(500 / 7).toFixed(1)}% | 4.0 | - |`);
  });
});
