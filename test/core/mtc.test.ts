import fc from 'fast-check';
import { MtcDecoder, fullFrameMessage, quarterFrameAt, quarterFrameSet, type MtcEvent } from '../../src/core/mtc';
import { TIMECODE_RATES, framesPerDay, framesToTimecode, timecodeToSeconds, type TimecodeRate } from '../../src/core/timecode';

const RATES: TimecodeRate[] = Object.values(TIMECODE_RATES);
const arbRate = fc.constantFrom(...RATES);

describe('MTC codec', () => {
  it('full-frame encodes the documented bytes', () => {
    const r = TIMECODE_RATES['29.97df'];
    expect(fullFrameMessage({ hours: 1, minutes: 2, seconds: 3, frames: 4 }, r)).toEqual([0xf0, 0x7f, 0x7f, 0x01, 0x01, 0x41, 2, 3, 4, 0xf7]);
    expect(quarterFrameSet({ hours: 17, minutes: 59, seconds: 58, frames: 23 }, TIMECODE_RATES['24']).map((m) => m[1])).toEqual([
      0x07, 0x11, 0x2a, 0x33, 0x4b, 0x53, 0x61, 0x71,
    ]);
  });

  it('quarter-frame set round-trips every label at every rate, compensated by 7/4 frame', () => {
    fc.assert(
      fc.property(arbRate, fc.integer({ min: 0, max: 2589407 }), (rate, f0) => {
        const f = f0 % framesPerDay(rate);
        const tc = framesToTimecode(f, rate);
        const d = new MtcDecoder();
        const evs: MtcEvent[] = [];
        for (const m of quarterFrameSet(tc, rate)) evs.push(...d.push(m, 1));
        expect(evs).toHaveLength(1);
        const e = evs[0]!;
        expect(e.kind).toBe('quarter');
        expect(e.tc).toEqual(tc);
        expect(e.rate).toBe(rate);
        expect(e.positionSec).toBeCloseTo(timecodeToSeconds(tc, rate) + 1.75 / rate.fps, 9);
      }),
      { numRuns: 1500 },
    );
  });

  it('full-frame round-trips, even when split into single bytes', () => {
    fc.assert(
      fc.property(arbRate, fc.integer({ min: 0, max: 2589407 }), (rate, f0) => {
        const tc = framesToTimecode(f0 % framesPerDay(rate), rate);
        const d = new MtcDecoder();
        const evs = fullFrameMessage(tc, rate).flatMap((b) => d.push([b], 0));
        expect(evs).toEqual([{ kind: 'full', tc, rate, positionSec: timecodeToSeconds(tc, rate), hostSec: 0 }]);
      }),
      { numRuns: 500 },
    );
  });

  it('a running stream decodes to positions that track real time (drop-frame included)', () => {
    for (const rate of RATES) {
      const d = new MtcDecoder();
      const start = 8 * Math.floor((rate.fps * 4 * 599.5) / 8); // crosses the 10-minute DF boundary
      let n = 0;
      for (let q = start; q < start + 8 * 200; q++) {
        const { timeSec, bytes } = quarterFrameAt(q, rate);
        for (const e of d.push(bytes, timeSec)) {
          expect(e.positionSec).toBeCloseTo(e.hostSec, 9);
          n++;
        }
      }
      expect(n).toBe(200);
    }
  });

  it('garbage never throws and a broken set is not decoded', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constant(0xf1), fc.constant(0xf0), fc.constant(0xf7)), { maxLength: 300 }), (bytes) => {
        const d = new MtcDecoder();
        for (const e of d.push(bytes, 0)) {
          expect(e.tc.frames).toBeLessThan(e.rate.nominalFps);
          expect(e.tc.hours).toBeLessThan(24);
        }
      }),
      { numRuns: 2000 },
    );
    const d = new MtcDecoder();
    const set = quarterFrameSet({ hours: 0, minutes: 0, seconds: 1, frames: 0 }, TIMECODE_RATES['25']);
    const broken = [...set.slice(0, 3), ...set.slice(4)];
    expect(broken.flatMap((m) => d.push(m, 0))).toEqual([]);
    expect(d.glitches).toBeGreaterThan(0);
    expect(d.push([1.5, -3, NaN, 999], 0)).toEqual([]);
  });
});
