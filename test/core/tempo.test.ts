/** The tempo map from note onsets (src/core/tempo.ts): steady, drifting, forced and sparse input; seconds <-> ticks. */
import fc from 'fast-check';
import { estimateTempo, secondsToTicks } from '../../src/core/tempo';
import type { NoteEvent } from '../../src/core/types';

/** A pseudo-random generator (deterministic tests). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Notes on the given beat times: a bass note on every beat, a chord on every other, eighths in between, jittered. */
function played(beats: readonly number[], jitterSec = 0.008, seed = 1): NoteEvent[] {
  const r = rng(seed);
  const j = (): number => (r() * 2 - 1) * jitterSec;
  const notes: NoteEvent[] = [];
  beats.forEach((b, k) => {
    const next = beats[k + 1] ?? b + 0.5;
    notes.push({ pitch: 48 + (k % 5), onsetSec: b + j(), offsetSec: next, velocity: 100 });
    if (k % 2 === 0) for (const p of [60, 64, 67]) notes.push({ pitch: p, onsetSec: b + j(), offsetSec: b + 0.3, velocity: 100 });
    if (k % 4 === 1) notes.push({ pitch: 72, onsetSec: (b + next) / 2 + j(), offsetSec: next, velocity: 100 });
  });
  return notes;
}

const near = (x: number, y: number, tol: number): boolean => Math.abs(x - y) <= tol;

describe('estimateTempo', () => {
  it('a steady 100 BPM performance starting at 1.3 s: 100 BPM, beats on the notes, tick 0 = 0 s', () => {
    const beats = Array.from({ length: 40 }, (_, k) => 1.3 + k * 0.6);
    const est = estimateTempo(played(beats));
    expect(est.source).toBe('tracked');
    expect(est.bpm).toBeGreaterThan(97);
    expect(est.bpm).toBeLessThan(103);
    expect(est.beatsSec[0]).toBe(0);
    // every played beat has a map beat within 25 ms
    const miss = beats.filter((b) => !est.beatsSec.some((m) => near(m, b, 0.025)));
    expect(miss).toEqual([]);
    // the map: increasing beats, one tempo per beat, covers the last note
    for (let k = 1; k < est.beatsSec.length; k++) expect(est.beatsSec[k]!).toBeGreaterThan(est.beatsSec[k - 1]!);
    expect(est.map).toHaveLength(est.beatsSec.length - 1);
    expect(est.beatsSec.at(-1)!).toBeGreaterThanOrEqual(beats.at(-1)!);
    // past the pickup, the tempo stays within 3 % of 100
    for (const p of est.map.slice(2)) expect(Math.abs(p.bpm / 100 - 1)).toBeLessThan(0.03);
  });

  it('an accelerando (80 -> 120 BPM): the map follows it', () => {
    const beats: number[] = [0.5];
    for (let k = 1; k < 60; k++) beats.push(beats[k - 1]! + 60 / (80 + (40 * k) / 59));
    const est = estimateTempo(played(beats, 0.005, 7));
    const early = est.map.filter((p) => p.timeSec > 2 && p.timeSec < 6).map((p) => p.bpm);
    const late = est.map.filter((p) => p.timeSec > beats.at(-1)! - 4 && p.timeSec < beats.at(-1)!).map((p) => p.bpm);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(early)).toBeGreaterThan(78);
    expect(mean(early)).toBeLessThan(92);
    expect(mean(late)).toBeGreaterThan(108);
    expect(mean(late)).toBeLessThan(124);
    const miss = beats.filter((b) => !est.beatsSec.some((m) => near(m, b, 0.03)));
    expect(miss.length).toBeLessThanOrEqual(2);
  });

  it('--bpm forces one tempo with the phase of the notes; too few notes give 120 BPM from 0', () => {
    const beats = Array.from({ length: 20 }, (_, k) => 0.9 + k * 0.625); // 96 BPM from 0.9 s
    const est = estimateTempo(played(beats, 0), { bpm: 96 });
    expect(est.source).toBe('forced');
    expect(est.bpm).toBe(96);
    expect(est.map.slice(1).every((p) => near(p.bpm, 96, 1e-9))).toBe(true);
    expect(est.beatsSec.some((b) => near(b, 0.9, 0.011))).toBe(true);
    const sparse = estimateTempo([{ pitch: 60, onsetSec: 1, offsetSec: 2, velocity: 90 }]);
    expect(sparse.source).toBe('default');
    expect(sparse.map.every((p) => p.bpm === 120)).toBe(true);
    expect(() => estimateTempo([], { bpm: 5 })).toThrow(RangeError);
  });

  it('secondsToTicks: beat k is tick k * ppq, increasing in between (fractional times)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.2, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), (gaps, u) => {
        const beats = [0];
        for (const g of gaps) beats.push(beats.at(-1)! + g);
        beats.forEach((b, k) => expect(secondsToTicks(beats, 480, b)).toBeCloseTo(k * 480, 6));
        const t = u * beats.at(-1)!;
        const a = secondsToTicks(beats, 480, t);
        const b = secondsToTicks(beats, 480, t + 0.01);
        expect(b).toBeGreaterThan(a);
      }),
    );
  });
});
