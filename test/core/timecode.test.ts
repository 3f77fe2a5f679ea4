import fc from 'fast-check';
import {
  TIMECODE_RATES,
  formatTimecode,
  framesPerDay,
  framesToTimecode,
  parseOffset,
  parseRate,
  parseTimecode,
  secondsToTimecode,
  timecodeToFrames,
  timecodeToSeconds,
  type TimecodeRate,
} from '../../src/core/timecode';

const RATES: TimecodeRate[] = Object.values(TIMECODE_RATES);
const DF = TIMECODE_RATES['29.97df'];

describe('timecode', () => {
  it('drop-frame: known labels', () => {
    // 1 minute of DF = 1798 frames after the first one; 10 minutes = 17982 frames
    expect(formatTimecode(framesToTimecode(1799, DF), DF)).toBe('00:00:59;29');
    expect(formatTimecode(framesToTimecode(1800, DF), DF)).toBe('00:01:00;02');
    expect(formatTimecode(framesToTimecode(17982, DF), DF)).toBe('00:10:00;00');
    expect(formatTimecode(framesToTimecode(107892, DF), DF)).toBe('01:00:00;00');
    expect(timecodeToFrames(parseTimecode('01:00:00;00', DF), DF)).toBe(107892);
    // one hour of DF labels is 3600 s of real time minus 3.6 ms (the famous drift DF corrects)
    expect(timecodeToSeconds(parseTimecode('01:00:00;00', DF), DF) - 3600).toBeCloseTo(-0.0036, 9);
  });

  it('drop-frame: dropped labels do not exist', () => {
    expect(() => parseTimecode('00:01:00;00', DF)).toThrow(RangeError);
    expect(() => parseTimecode('00:01:00;01', DF)).toThrow(/dropped/);
    expect(() => parseTimecode('00:10:00;00', DF)).not.toThrow();
    expect(() => parseTimecode('00:00:00:25', TIMECODE_RATES['25'])).toThrow(RangeError);
    expect(() => parseTimecode('garbage', DF)).toThrow(/HH:MM:SS:FF/);
  });

  it.each(RATES.map((r) => [r.id, r] as const))('frames -> label -> frames is the identity over a day (%s)', (_id, rate) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: framesPerDay(rate) - 1 }), (f) => {
        const tc = framesToTimecode(f, rate);
        expect(timecodeToFrames(tc, rate)).toBe(f);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(RATES.map((r) => [r.id, r] as const))('labels are consecutive and never skip except DF drops (%s)', (_id, rate) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: framesPerDay(rate) - 2 }), (f) => {
        const a = framesToTimecode(f, rate);
        const b = framesToTimecode(f + 1, rate);
        const la = ((a.hours * 60 + a.minutes) * 60 + a.seconds) * rate.nominalFps + a.frames;
        const lb = ((b.hours * 60 + b.minutes) * 60 + b.seconds) * rate.nominalFps + b.frames;
        const dropped = rate.dropFrame && b.seconds === 0 && b.minutes % 10 !== 0 && b.frames === 2 && a.frames === rate.nominalFps - 1;
        expect(lb - la).toBe(dropped ? 3 : 1);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(RATES.map((r) => [r.id, r] as const))('fractional seconds land in the frame that shows them (%s)', (_id, rate) => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 86000, noNaN: true }), (sec) => {
        const tc = secondsToTimecode(sec, rate);
        const start = timecodeToSeconds(tc, rate);
        expect(start).toBeLessThanOrEqual(sec + 1e-6);
        expect(sec - start).toBeLessThan(1 / rate.fps + 1e-6);
      }),
      { numRuns: 1000 },
    );
  });

  it('wraps at 24 hours and parses rates and offsets', () => {
    const r = TIMECODE_RATES['25'];
    expect(formatTimecode(framesToTimecode(framesPerDay(r), r), r)).toBe('00:00:00:00');
    expect(formatTimecode(framesToTimecode(-1, r), r)).toBe('23:59:59:24');
    expect(parseRate('29.97')).toBe(DF);
    expect(() => parseRate('23.976')).toThrow(/expected one of/);
    expect(parseOffset('01:00:00:00', r)).toBe(3600);
    expect(parseOffset('-1.5', r)).toBe(-1.5);
  });
});
