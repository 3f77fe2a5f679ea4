import { decodeRoll, encodeRoll, parseTake } from '../../src/core/take';
import { makeRoll } from '../../src/core/types';

describe('take', () => {
  it('round-trips a roll within quantisation', () => {
    const r = makeRoll({ fps: 25, frames: 10 });
    for (let i = 0; i < r.data.length; i++) r.data[i] = (i % 17) / 16;
    const back = decodeRoll(encodeRoll(r));
    expect(back.frames).toBe(10);
    for (let i = 0; i < r.data.length; i++) expect(Math.abs((back.data[i] ?? 0) - (r.data[i] ?? 0))).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });
  it('rejects what is not a take', () => {
    expect(() => parseTake([], 'x')).toThrow(/expected a JSON object/);
    expect(() => parseTake({ format: 'nope' }, 'x')).toThrow(/expected format "audeo.take"/);
  });
});
