/** Velocities from context (src/core/velocity.ts): the features and the fitted model's direction. */
import { contextVelocities, velocityFeatures, VELOCITY_FEATURES, VELOCITY_MODEL } from '../../src/core/velocity';
import type { NoteEvent } from '../../src/core/types';

const n = (pitch: number, onsetSec: number, offsetSec: number): NoteEvent => ({ pitch, onsetSec, offsetSec, velocity: 100 });
const col = (name: (typeof VELOCITY_FEATURES)[number]): number => VELOCITY_FEATURES.indexOf(name);

describe('velocity from context', () => {
  it('features: chord size, top and bottom of a chord, duration, in the notes\' own order', () => {
    const notes = [n(67, 1.01, 1.5), n(60, 1.0, 2.0), n(64, 1.02, 1.5), n(72, 3, 3.1)];
    const f = velocityFeatures(notes);
    expect(f.map((r) => r[col('chordSize')])).toEqual([3, 3, 3, 1]);
    expect(f.map((r) => r[col('topOfChord')])).toEqual([1, 0, 0, 0]);
    expect(f.map((r) => r[col('bottomOfChord')])).toEqual([0, 1, 0, 0]);
    expect(f[1]![col('logDurationSec')]).toBeCloseTo(Math.log(1), 9);
    expect(f[3]![col('pitch')]).toBe(72);
  });

  it('the model has one weight per feature and gives 1..127; the melody on top of a chord is louder than its bass', () => {
    expect(VELOCITY_MODEL.weights).toHaveLength(VELOCITY_FEATURES.length);
    expect(VELOCITY_MODEL.mean).toHaveLength(VELOCITY_FEATURES.length);
    const chord = [n(48, 1, 1.4), n(60, 1, 1.4), n(76, 1, 1.4)];
    const v = contextVelocities(chord);
    expect(v[2]!).toBeGreaterThan(v[0]!);
    // dense passages are louder than a lone note (the strongest feature on ASAP)
    const dense = Array.from({ length: 24 }, (_, k) => n(60 + (k % 12), k * 0.08, k * 0.08 + 0.1));
    const lone = [n(60, 0, 0.1)];
    expect(contextVelocities(dense)[12]!).toBeGreaterThan(contextVelocities(lone)[0]!);
    const many = Array.from({ length: 500 }, (_, k) => n(21 + ((k * 37) % 88), (k * 0.013) % 5, ((k * 0.013) % 5) + 0.05 + (k % 7) * 0.3));
    for (const x of contextVelocities(many)) {
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(1);
      expect(x).toBeLessThanOrEqual(127);
    }
    expect(contextVelocities([])).toEqual([]);
  });
});
