import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/core/errors';
import { ALL_KEYS, PAPER_KEYS, frameMetrics, maxBipartiteMatching, noteMetrics } from '../../src/core/metrics';
import { makeRoll, type NoteEvent, type Roll } from '../../src/core/types';

const FIX = path.join(__dirname, '..', 'fixtures', 'mir_eval');
const files = readdirSync(FIX).filter((f) => f.endsWith('.json'));

interface Expected {
  precision: number;
  recall: number;
  f1: number;
  accuracy?: number;
}
function expectClose(got: Expected, want: Expected): void {
  expect(got.precision).toBeCloseTo(want.precision, 6);
  expect(got.recall).toBeCloseTo(want.recall, 6);
  expect(got.f1).toBeCloseTo(want.f1, 6);
  if (want.accuracy !== undefined) expect(got.accuracy).toBeCloseTo(want.accuracy, 6);
}

function rollFrom(cells: number[][], frames: number, fps = 25): Roll {
  const r = makeRoll({ fps, frames });
  for (const [t, k] of cells) r.data[t! * 88 + k!] = 1;
  return r;
}

describe('metrics agree with mir_eval 0.8.2 (fixtures from training/audeo_training/mir_eval_fixtures.py)', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(8));
  for (const f of files.filter((x) => x.startsWith('notes_'))) {
    it(`notes: ${f}`, () => {
      const d = JSON.parse(readFileSync(path.join(FIX, f), 'utf8')) as {
        reference: NoteEvent[];
        estimate: NoteEvent[];
        expected: { onset: Expected; onsetOffset: Expected };
      };
      expectClose(noteMetrics(d.estimate, d.reference), d.expected.onset);
      expectClose(noteMetrics(d.estimate, d.reference, { withOffsets: true }), d.expected.onsetOffset);
    });
  }
  for (const f of files.filter((x) => x.startsWith('rolls_'))) {
    it(`rolls: ${f}`, () => {
      const d = JSON.parse(readFileSync(path.join(FIX, f), 'utf8')) as {
        frames: number;
        fps: number;
        reference: number[][];
        estimate: number[][];
        expected: Record<'allKeys' | 'paperKeys', { micro: Expected; samples: Expected }>;
      };
      const ref = rollFrom(d.reference, d.frames, d.fps);
      const est = rollFrom(d.estimate, d.frames, d.fps);
      const all = frameMetrics(est, ref, { keyRange: ALL_KEYS });
      const paper = frameMetrics(est, ref, { keyRange: PAPER_KEYS });
      expectClose(all.micro, d.expected.allKeys.micro);
      expectClose(all.samples, d.expected.allKeys.samples);
      expectClose(paper.micro, d.expected.paperKeys.micro);
      expectClose(paper.samples, d.expected.paperKeys.samples);
    });
  }
});

const n = (pitch: number, onsetSec: number, offsetSec: number): NoteEvent => ({ pitch, onsetSec, offsetSec, velocity: 100 });

describe('note metrics', () => {
  const ref = [n(60, 0, 1), n(64, 0.5, 1), n(67, 2, 3)];
  it('perfect prediction scores 1, empty prediction 0', () => {
    expect(noteMetrics(ref, ref).f1).toBe(1);
    expect(noteMetrics(ref, ref, { withOffsets: true }).f1).toBe(1);
    expect(noteMetrics([], ref)).toMatchObject({ precision: 0, recall: 0, f1: 0 });
    expect(noteMetrics(ref, [])).toMatchObject({ precision: 0, recall: 0, f1: 0 });
  });
  it('onset tolerance is inclusive at 50 ms, pitch must match', () => {
    expect(noteMetrics([n(60, 0.05, 1)], [n(60, 0, 1)]).f1).toBe(1);
    expect(noteMetrics([n(60, 0.0501, 1)], [n(60, 0, 1)]).f1).toBe(0);
    expect(noteMetrics([n(61, 0, 1)], [n(60, 0, 1)]).f1).toBe(0);
  });
  it('offset tolerance is max(20% of the reference duration, 50 ms)', () => {
    expect(noteMetrics([n(60, 0, 1.2)], [n(60, 0, 1)], { withOffsets: true }).f1).toBe(1);
    expect(noteMetrics([n(60, 0, 1.21)], [n(60, 0, 1)], { withOffsets: true }).f1).toBe(0);
    expect(noteMetrics([n(60, 0, 0.15)], [n(60, 0, 0.1)], { withOffsets: true }).f1).toBe(1);
  });
  it('uses a maximum matching, not a greedy one', () => {
    // est A (t=0.04) can match ref 0 (t=0) or ref 1 (t=0.08); est B (t=0.12) only ref 1. Greedy nearest-first gives 1.
    const r = [n(60, 0, 0.5), n(60, 0.08, 0.5)];
    const e = [n(60, 0.04, 0.5), n(60, 0.12, 0.5)];
    expect(noteMetrics(e, r).matched).toBe(2);
  });
  it('rejects malformed notes', () => {
    expect(() => noteMetrics([n(60, 1, 0.5)], ref)).toThrow(InputError);
    expect(() => noteMetrics([n(60, NaN, 0.5)], ref)).toThrow(/non-finite/);
  });
  it('maxBipartiteMatching finds augmenting paths', () => {
    expect(maxBipartiteMatching(3, 3, [[0, 1], [0], [1, 2]])).toBe(3);
    expect(maxBipartiteMatching(3, 2, [[0], [0], [0, 1]])).toBe(2);
    expect(maxBipartiteMatching(0, 0, [])).toBe(0);
  });
});

describe('frame metrics', () => {
  const ref = rollFrom([[0, 39], [1, 39], [3, 43]], 5);
  it('perfect prediction scores 1; empty prediction 0 (micro); silent frames count 1 in the sample average', () => {
    const p = frameMetrics(ref, ref);
    expect(p.micro).toEqual({ precision: 1, recall: 1, accuracy: 1, f1: 1 });
    expect(p.samples).toEqual({ precision: 1, recall: 1, accuracy: 1, f1: 1 });
    const e = frameMetrics(makeRoll({ fps: 25, frames: 5 }), ref);
    expect(e.micro).toEqual({ precision: 0, recall: 0, accuracy: 0, f1: 0 });
    // 3 of 5 frames have notes and score 0; the 2 silent frames score 1.
    expect(e.samples.f1).toBeCloseTo(2 / 5, 12);
  });
  it('keys outside the paper range do not count in the 51-key figures', () => {
    const est = rollFrom([[0, 39], [1, 39], [3, 43], [2, 0]], 5); // MIDI 21 false alarm
    expect(frameMetrics(est, ref).micro.precision).toBeCloseTo(3 / 4, 12);
    expect(frameMetrics(est, ref, { keyRange: PAPER_KEYS }).micro.precision).toBe(1);
  });
  it('rejects mismatched rolls with clear errors', () => {
    expect(() => frameMetrics(makeRoll({ fps: 30, frames: 5 }), ref)).toThrow(/30 fps but the reference at 25 fps/);
    expect(() => frameMetrics(makeRoll({ fps: 25, frames: 7 }), ref)).toThrow(/7 frames but the reference 5/);
    expect(frameMetrics(makeRoll({ fps: 25, frames: 7 }), ref, { lengthPolicy: 'pad' }).frames).toBe(7);
    const bad = { ...ref, data: new Float32Array(3) };
    expect(() => frameMetrics(bad, ref)).toThrow(InputError);
  });
  it('binarises at the threshold', () => {
    const soft = rollFrom([[0, 39], [1, 39], [3, 43]], 5);
    soft.data[0 * 88 + 39] = 0.45;
    expect(frameMetrics(soft, ref, { threshold: 0.4, referenceThreshold: 0.5 }).micro.f1).toBe(1);
    expect(frameMetrics(soft, ref, { threshold: 0.5 }).micro.recall).toBeCloseTo(2 / 3, 12);
  });
});
