import { allKeySpans, keyAt, keySpan, WHITE_WIDTH } from '../../src/core/keyboard-geometry';

describe('canonical keyboard geometry', () => {
  it('spans the 52 white keys edge to edge', () => {
    expect(keySpan(21).x0).toBeCloseTo(0, 12);
    expect(keySpan(108).x1).toBeCloseTo(1, 12);
  });
  it('places black keys between their white neighbours', () => {
    for (const s of allKeySpans().filter((k) => k.black)) {
      const lo = keySpan(s.midi - 1);
      const hi = keySpan(s.midi + 1);
      expect(s.xc).toBeGreaterThan(lo.xc);
      expect(s.xc).toBeLessThan(hi.xc);
      expect(Math.abs(s.xc - lo.x1)).toBeLessThan(WHITE_WIDTH / 2);
    }
  });
  it('uses the equal-head layout: black centres at (semitone + 0.5) * 7/12 white widths from C', () => {
    const c4 = keySpan(60);
    expect((keySpan(61).xc - c4.x0) / WHITE_WIDTH).toBeCloseTo((1.5 * 7) / 12, 10);
    expect((keySpan(70).xc - c4.x0) / WHITE_WIDTH).toBeCloseTo((10.5 * 7) / 12, 10);
    expect((keySpan(22).xc - keySpan(21).x0) / WHITE_WIDTH).toBeCloseTo((10.5 * 7) / 12 - 5, 10); // A#0: its C would sit 5 white keys left of A0;
  });
  it('finds the key under a point', () => {
    for (const s of allKeySpans()) expect(keyAt(s.xc, s.black ? 0.3 : 0.9)).toBe(s.midi);
  });
});

describe('agreement with training/audeo_training/geometry.py', () => {
  it('matches the fixture the Python side is tested against', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const want = require('../fixtures/keyboard-geometry.json') as [number, number, number][];
    const got = allKeySpans();
    expect(want).toHaveLength(88);
    want.forEach(([midi, x0, x1], k) => {
      expect(got[k]?.midi).toBe(midi);
      expect(got[k]?.x0).toBeCloseTo(x0, 12);
      expect(got[k]?.x1).toBeCloseTo(x1, 12);
    });
  });
});
