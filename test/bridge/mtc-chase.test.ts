/** MTC chase and MTC out on a fake clock: lock, free-wheel, stop, jumps, full frames; master -> follower round trip. */
import { ChaseClock } from '../../src/bridge/clocks/chase';
import { InternalClock } from '../../src/bridge/clocks/internal';
import { MtcFollower } from '../../src/bridge/clocks/mtc-in';
import { positionAt } from '../../src/bridge/clock';
import { Scheduler } from '../../src/bridge/scheduler';
import { MtcOutSink } from '../../src/bridge/sinks/mtc-out';
import { RecordingSink } from '../../src/bridge/sinks/recording';
import { MtcSource, NotesSource } from '../../src/bridge/sources';
import { FakeTimer } from '../../src/bridge/timer';
import { fullFrameMessage, quarterFrameAt } from '../../src/core/mtc';
import { TIMECODE_RATES, parseTimecode, type TimecodeRate } from '../../src/core/timecode';
import { note, stuckNotes } from './helpers';

/** Feeds a running master's quarter frames from timecode second `fromTcSec` for `durSec`, starting at host `hostSec`. */
function master(timer: FakeTimer, f: MtcFollower, rate: TimecodeRate, fromTcSec: number, durSec: number, skip?: (hostSec: number) => boolean): void {
  const q0 = Math.ceil(fromTcSec * 4 * rate.fps);
  const host0 = timer.nowSec();
  for (let q = q0; q / (4 * rate.fps) < fromTcSec + durSec; q++) {
    const { timeSec, bytes } = quarterFrameAt(q, rate);
    const h = host0 + (timeSec - fromTcSec);
    timer.advanceTo(h);
    if (!skip?.(h - host0)) f.onBytes(bytes, h);
  }
}

describe('MTC chase', () => {
  for (const rate of Object.values(TIMECODE_RATES)) {
    it(`locks after the configured frames and tracks the master (${rate.id})`, () => {
      const timer = new FakeTimer(50);
      const lockFrames = 6;
      const chase = new ChaseClock({ timer, lockSec: lockFrames / rate.fps, freewheelSec: 0.25 });
      const offset = 3600; // master at 01:00:00:00 = video 0
      const f = new MtcFollower(chase, offset);
      const changes: string[] = [];
      chase.onChange((_s, r) => changes.push(r));
      master(timer, f, rate, offset + 10, 2);
      expect(changes[0]).toBe('play');
      expect(chase.stats.locks).toBe(1);
      // error vs the master's true position, in frames, after lock
      const err = positionAt(chase.state(), timer.nowSec()) - (10 + (timer.nowSec() - 50));
      expect(Math.abs(err) * rate.fps).toBeLessThan(0.05);
      // lock came after >= lockFrames frames of timecode (and within one quarter-frame set more)
      const lockHost = chase.stats.samples; // samples before lock are counted
      expect(lockHost).toBeGreaterThan(0);
      timer.advanceBy(1);
      expect(chase.state().running).toBe(false); // the master stopped: we stop
      expect(chase.stats.dropouts).toBe(1);
    });
  }

  it('free-wheels through a short drop-out, stops after a long one, follows a jump', () => {
    const rate = TIMECODE_RATES['25'];
    const timer = new FakeTimer(0);
    const chase = new ChaseClock({ timer, lockSec: 4 / 25, freewheelSec: 0.4 });
    const f = new MtcFollower(chase, 0);
    const reasons: string[] = [];
    chase.onChange((_s, r) => reasons.push(r));
    master(timer, f, rate, 100, 2, (t) => t > 1 && t < 1.2); // 200 ms hole
    expect(chase.state().running).toBe(true);
    expect(reasons.filter((r) => r === 'stop')).toEqual([]);
    master(timer, f, rate, 500, 1); // jump to 500 s
    expect(reasons).toContain('locate');
    expect(chase.stats.jumps).toBe(1);
    expect(positionAt(chase.state(), timer.nowSec())).toBeCloseTo(501, 1);
    master(timer, f, rate, 501, 1, (t) => t > 0.2); // the master vanishes
    expect(chase.state().running).toBe(false);
    expect(reasons.at(-1)).toBe('stop');
  });

  it('a full frame while stopped cues the position; garbage does not move it', () => {
    const rate = TIMECODE_RATES['29.97df'];
    const timer = new FakeTimer(0);
    const chase = new ChaseClock({ timer });
    const f = new MtcFollower(chase, 0);
    f.onBytes(fullFrameMessage(parseTimecode('00:10:00;00', rate), rate), 0);
    expect(chase.state()).toMatchObject({ running: false });
    expect(chase.state().positionSec).toBeCloseTo(17982 / rate.fps, 9);
    f.onBytes([0xf1, 0x77, 0xf0, 0x7f, 0x7f, 0x01, 0x01, 0x7f, 0x7f, 0xf7, 0xf1, 0x00, 0xf1, 0x20], 1);
    expect(chase.state().positionSec).toBeCloseTo(17982 / rate.fps, 9);
    expect(f.decoder.glitches).toBeGreaterThan(0);
  });

  it('chasing a master: notes play at the master\'s times, locate re-strikes held notes, stop silences', async () => {
    const rate = TIMECODE_RATES['30'];
    const timer = new FakeTimer(0);
    const chase = new ChaseClock({ timer, lockSec: 4 / 30 });
    const f = new MtcFollower(chase, 0);
    const rec = new RecordingSink({ nowSec: () => timer.nowSec() });
    const sched = new Scheduler({ timer, clock: chase, notes: new NotesSource([note(60, 1, 3), note(62, 2, 2.5)]), sinks: [rec] });
    await sched.start();
    master(timer, f, rate, 0, 4);
    const on = rec.events.filter((r) => r.event.kind === 'noteOn');
    // the master started at host 0 with timecode 0, so notes are due at host == media time
    expect(on.map((r) => Math.abs(r.hostSec - (r.event as { timeSec: number }).timeSec))).toEqual([expect.any(Number), expect.any(Number)]);
    for (const r of on) expect(Math.abs(r.hostSec - (r.event as { timeSec: number }).timeSec)).toBeLessThan(0.002);
    master(timer, f, rate, 1.5, 0.5); // jump back into the held C4
    expect(rec.events.some((r) => r.event.kind === 'noteOn' && r.event.pitch === 60 && r.event.timeSec > 1.4 && r.event.timeSec < 1.7)).toBe(true);
    timer.advanceBy(1);
    expect(stuckNotes(rec.events)).toEqual([]);
  });
});

describe('MTC out', () => {
  it('sends quarter frames a follower locks to, and a full frame on locate', async () => {
    const rate = TIMECODE_RATES['25'];
    const timer = new FakeTimer(10);
    const clock = new InternalClock({ timer });
    const follower = new ChaseClock({ timer, lockSec: 4 / 25 });
    const f = new MtcFollower(follower, 3600);
    const bytes: number[][] = [];
    const out = new MtcOutSink({ rate, offsetSec: 3600, write: (b) => {
      bytes.push(b);
      f.onBytes(b, timer.nowSec());
    } });
    const sched = new Scheduler({ timer, clock, notes: new NotesSource([]), sources: [new MtcSource(rate, 3600)], sinks: [out] });
    await sched.start();
    clock.locate(5);
    expect(bytes[0]).toEqual(fullFrameMessage(parseTimecode('01:00:05:00', rate), rate));
    clock.play();
    timer.advanceBy(1);
    expect(follower.state().running).toBe(true);
    expect(positionAt(follower.state(), timer.nowSec())).toBeCloseTo(6, 2);
    expect(bytes.filter((b) => b[0] === 0xf1)).toHaveLength(101); // 4 per frame at 25 fps, both ends included
    clock.stop();
    timer.advanceBy(1);
    expect(follower.state().running).toBe(false);
  });
});
