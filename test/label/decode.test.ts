import { outputToNotesPoly } from '@spotify/basic-pitch/cjs/toMidi';
import type { Activations } from '../../src/label/basic-pitch';
import { activationsToNotes, cleanNotes, decodeNoteFrames, type DecodedNote } from '../../src/label/decode';

/** A deterministic pseudo-random posteriorgram with note-like blobs (so onsets, sustains and gaps all occur). */
function fakeActivations(nFrames: number, seed: number): { act: Activations; frames2d: number[][]; onsets2d: number[][] } {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const frames2d = Array.from({ length: nFrames }, () => Array.from({ length: 88 }, () => rnd() * 0.2));
  const onsets2d = Array.from({ length: nFrames }, () => Array.from({ length: 88 }, () => rnd() * 0.2));
  for (let i = 0; i < nFrames / 4; i++) {
    const k = Math.floor(rnd() * 88);
    const t0 = Math.floor(rnd() * nFrames);
    const len = 3 + Math.floor(rnd() * 40);
    const amp = 0.3 + rnd() * 0.7;
    if (rnd() < 0.7) onsets2d[t0]![k] = Math.max(onsets2d[t0]![k]!, amp * (0.6 + 0.4 * rnd()));
    for (let t = t0; t < Math.min(nFrames, t0 + len); t++) frames2d[t]![k] = Math.max(frames2d[t]![k]!, amp * (0.8 + 0.2 * rnd()));
  }
  const frames = Float32Array.from(frames2d.flat());
  const onsets = Float32Array.from(onsets2d.flat());
  // Compare on the float32 values both implementations see.
  const f32 = (a: Float32Array): number[][] => Array.from({ length: nFrames }, (_, t) => Array.from(a.subarray(t * 88, t * 88 + 88)));
  const times = Float64Array.from({ length: nFrames }, (_, t) => (t * 256) / 22050);
  return { act: { nFrames, keys: 88, lowestMidi: 21, frames, onsets, frameTimesSec: times }, frames2d: f32(frames), onsets2d: f32(onsets) };
}

const key = (n: { startFrame: number; durationFrames?: number; endFrame?: number; pitchMidi?: number; pitch?: number }): string =>
  `${n.pitchMidi ?? n.pitch}@${n.startFrame}+${n.durationFrames ?? (n.endFrame ?? 0) - n.startFrame}`;

describe('decodeNoteFrames matches basic-pitch outputToNotesPoly', () => {
  for (const [seed, inferOnsets, melodia] of [
    [1, true, true],
    [2, false, true],
    [3, true, false],
    [4, false, false],
  ] as const) {
    it(`seed ${seed}, inferOnsets ${inferOnsets}, melodia ${melodia}`, () => {
      const { act, frames2d, onsets2d } = fakeActivations(300, seed);
      const theirs = outputToNotesPoly(frames2d, onsets2d, 0.5, 0.3, 5, inferOnsets, null, null, melodia, 11);
      const ours = decodeNoteFrames(act, { onsetThreshold: 0.5, frameThreshold: 0.3, minNoteFrames: 5, inferOnsets, melodiaTrick: melodia, energyToleranceFrames: 11 });
      expect(ours.length).toBeGreaterThan(10);
      expect(ours.map(key).sort()).toEqual(theirs.map(key).sort());
      const amp = new Map(theirs.map((n) => [key(n), n.amplitude]));
      for (const n of ours) expect(n.amplitude).toBeCloseTo(amp.get(key(n))!, 5);
    });
  }
});

describe('clean-up', () => {
  const t = (f: number): number => f * 0.01;
  const note = (pitch: number, startFrame: number, amplitude: number): DecodedNote => ({ pitch, startFrame, endFrame: startFrame + 50, amplitude });
  it('drops quiet notes and harmonic ghosts, keeps loud octaves and unrelated notes', () => {
    const notes = [note(48, 100, 0.9), note(60, 101, 0.4), note(67, 102, 0.85), note(72, 300, 0.3), note(50, 100, 0.5)];
    const kept = cleanNotes(notes, t, { minAmplitude: 0.35, harmonicRatio: 0.6, harmonicOnsetToleranceSec: 0.06 }).map((n) => n.pitch);
    expect(kept).toEqual([48, 67, 50]); // 60: ghost of 48 (0.4 < 0.6*0.9); 72: too quiet; 67 (a twelfth) is loud enough
  });
  it('activationsToNotes gives seconds with the latency offset and duration scale', () => {
    const { act } = fakeActivations(300, 5);
    const a = activationsToNotes(act, { timeOffsetSec: 0 });
    const b = activationsToNotes(act, { timeOffsetSec: -0.02, durationScale: 0.5 });
    expect(b.length).toBe(a.length);
    const byKey = new Map(a.map((n) => [`${n.pitch}@${n.onsetSec.toFixed(6)}`, n]));
    for (const n of b) {
      const m = byKey.get(`${n.pitch}@${(n.onsetSec + 0.02).toFixed(6)}`);
      if (!m || m.onsetSec < 0.02) continue;
      expect(n.offsetSec - n.onsetSec).toBeCloseTo((m.offsetSec - m.onsetSec) / 2, 9);
    }
  });
});
