import { decodeStages } from '../../src/core/notes';
import { decodeRoll, encodeRoll, parseTake, redecodeTake, type Take } from '../../src/core/take';
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
  it('re-decodes its rolls the way extraction did (saved decoder; older Takes: the final roll alone)', () => {
    const keyDown = makeRoll({ fps: 25, frames: 40 });
    const sounding = makeRoll({ fps: 25, frames: 40 });
    for (let t = 5; t < 10; t++) keyDown.data[t * 88 + 39] = 0.9; // C4 struck at frame 5, released at 10
    for (let t = 5; t < 30; t++) sounding.data[t * 88 + 39] = t < 20 ? 0.8 : 0.45; // sounds on under the pedal
    const decoder = { keyDown: { threshold: 0.5, minFrames: 1 }, sounding: { threshold: 0.6 } };
    const take = {
      decoder,
      rolls: { video2roll: encodeRoll(keyDown), roll2midi: encodeRoll(sounding) },
    } as unknown as Take;
    const at = (th: number): Array<[number, number]> => (redecodeTake(take, th) ?? []).map((n) => [n.onsetSec, n.offsetSec]);
    expect(at(0.6)).toEqual([[0.2, 0.8]]);
    expect(at(0.4)).toEqual([[0.2, 1.2]]);
    expect(redecodeTake(take, 0.4)).toEqual(decodeStages({ keyDown: decodeRoll(take.rolls.video2roll!), sounding: decodeRoll(take.rolls.roll2midi!) }, decoder, 0.4));
    const legacy = { rolls: take.rolls } as unknown as Take;
    expect((redecodeTake(legacy, 0.4) ?? []).map((n) => [n.onsetSec, n.offsetSec])).toEqual([[0.2, 1.2]]);
    expect(redecodeTake({ rolls: {} } as unknown as Take, 0.4)).toBeUndefined();
  });
});
