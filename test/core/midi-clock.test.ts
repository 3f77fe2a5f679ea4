/** MIDI Clock on a beat list (src/core/midi-clock.ts) and the clock sink on the fake-clock scheduler. */
import fc from 'fast-check';
import { MidiClockOutSink } from '../../src/bridge/sinks/midi-clock-out';
import { ClockPulseSource } from '../../src/bridge/sources';
import { pulseTimeSec, quartersAt, RESUME_TOLERANCE_SEC, resumePulseAt, secondsAtQuarters, songPositionBytes } from '../../src/core/midi-clock';
import { note, rig } from '../bridge/helpers';

const beatsFrom = (gaps: readonly number[]): number[] => {
  const b = [0];
  for (const g of gaps) b.push(b.at(-1)! + g);
  return b;
};

describe('MIDI clock arithmetic', () => {
  it('seconds <-> quarters are inverse; the resume pulse is the next sixteenth; SPP bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.2, max: 1.5, noNaN: true }), { minLength: 2, maxLength: 20 }), fc.double({ min: 0, max: 40, noNaN: true }), (gaps, sec) => {
        const beats = beatsFrom(gaps);
        const q = quartersAt(beats, sec);
        expect(secondsAtQuarters(beats, q)).toBeCloseTo(sec, 6);
        const k = resumePulseAt(beats, sec);
        expect(k % 6).toBe(0);
        // the next sixteenth, or one at most RESUME_TOLERANCE_SEC before (play at 0 s is read microseconds later)
        expect(pulseTimeSec(beats, k)).toBeGreaterThanOrEqual(sec - RESUME_TOLERANCE_SEC - 1e-6);
        expect(pulseTimeSec(beats, k - 6)).toBeLessThan(sec - RESUME_TOLERANCE_SEC + 1e-6);
      }),
    );
    expect(resumePulseAt([0, 0.5, 1], 0.00001)).toBe(0); // play at 0 s, read a moment later: sixteenth 0
    expect(resumePulseAt([0, 0.5, 1], 0.01)).toBe(6);
    expect(songPositionBytes(0)).toEqual([0xf2, 0, 0]);
    expect(songPositionBytes(200)).toEqual([0xf2, 200 & 0x7f, 1]);
    expect(songPositionBytes(1e9)).toEqual([0xf2, 0x7f, 0x7f]);
  });
});

describe('MidiClockOutSink on the fake clock', () => {
  it('Start and a pulse every 1/48 s at 120 BPM; a locate: Stop, Song Position (next sixteenth), Continue, the pulses from there; stop: Stop', async () => {
    const beats = Array.from({ length: 40 }, (_, k) => k * 0.5); // 120 BPM
    const got: Array<{ t: number; bytes: number[] }> = [];
    let now = (): number => 0;
    const sink = new MidiClockOutSink({ beatsSec: beats, write: (bytes) => got.push({ t: now() - 100, bytes }) });
    const { timer, clock, sched } = rig([note(60, 0.1, 0.3)], { sources: [new ClockPulseSource(beats)], sinks: [sink] });
    now = () => timer.nowSec();
    await sched.start();
    clock.play();
    timer.advanceTo(101);
    const pulses = got.filter((g) => g.bytes[0] === 0xf8);
    expect(got[0]).toEqual({ t: 0, bytes: [0xf2, 0, 0] });
    expect(got[1]).toEqual({ t: 0, bytes: [0xfa] });
    expect(pulses).toHaveLength(49); // 0 .. 1 s inclusive
    pulses.forEach((p, k) => expect(p.t).toBeCloseTo(k / 48, 9));
    got.length = 0;
    clock.locate(1.01); // 2.02 quarters = 8.08 sixteenths: resume on sixteenth 9 (1.125 s)
    timer.advanceBy(0.2);
    expect(got.slice(0, 3).map((g) => g.bytes)).toEqual([[0xfc], [0xf2, 9, 0], [0xfb]]);
    const after = got.filter((g) => g.bytes[0] === 0xf8);
    expect(after[0]!.t).toBeCloseTo(1 + (1.125 - 1.01), 9);
    got.length = 0;
    clock.stop();
    await sched.close();
    expect(got.map((g) => g.bytes)).toEqual([[0xfc], [0xf2, 10, 0]]);
  });
});
