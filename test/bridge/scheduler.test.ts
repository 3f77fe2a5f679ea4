import fc from 'fast-check';
import type { SinkEvent, SinkEventKind } from '../../src/bridge/events';
import type { Sink } from '../../src/bridge/sink';
import { RecordingSink } from '../../src/bridge/sinks/recording';
import { NotesSource, TicksSource, resolveOverlaps } from '../../src/bridge/sources';
import { InternalClock } from '../../src/bridge/clocks/internal';
import { Scheduler } from '../../src/bridge/scheduler';
import { FakeTimer } from '../../src/bridge/timer';
import { note, rig, stuckNotes } from './helpers';

const notesOnly = (kinds: string[]) => (r: { event: { kind: string } }) => kinds.includes(r.event.kind);

describe('scheduler on a fake clock', () => {
  it('sends every note at its exact host time, releases before strikes at equal times', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0.5, 1.0), note(64, 1.0, 1.5), note(60, 1.0, 2.0, 2, 90)]);
    await sched.start();
    clock.play();
    timer.advanceBy(3);
    const got = rec.events.filter(notesOnly(['noteOn', 'noteOff'])).map((r) => [r.hostSec - 100, r.event.kind, (r.event as { pitch: number }).pitch]);
    expect(got).toEqual([
      [0.5, 'noteOn', 60],
      [1.0, 'noteOff', 60],
      [1.0, 'noteOn', 60],
      [1.0, 'noteOn', 64],
      [1.5, 'noteOff', 64],
      [2.0, 'noteOff', 60],
    ]);
    expect(sched.heldNotes).toEqual([]);
  });

  it('halt: note-offs, All Notes Off, then one transport stop; the clock is no longer followed', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0.5, 3), note(64, 2, 2.5)]);
    await sched.start();
    clock.play();
    timer.advanceBy(1);
    sched.halt();
    sched.halt();
    timer.advanceBy(3);
    clock.locate(0);
    const tail = rec.events.slice(-3).map((r) => r.event);
    expect(tail).toEqual([
      { kind: 'noteOff', timeSec: 1, pitch: 60, channel: 1 },
      { kind: 'allNotesOff', channels: [1] },
      { kind: 'transport', timeSec: 1, state: 'stop', final: true },
    ]);
    await sched.close();
    expect(rec.events.slice(-1)[0]!.event).toEqual({ kind: 'transport', timeSec: 1, state: 'stop', final: true });
  });

  it('rate 2 halves host times; start position skips earlier notes', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0.5, 1.0), note(62, 2, 3)]);
    await sched.start();
    clock.setRate(2);
    clock.locate(1.5);
    clock.play();
    timer.advanceBy(5);
    const ons = rec.events.filter(notesOnly(['noteOn']));
    expect(ons.map((r) => [r.hostSec - 100, (r.event as { pitch: number }).pitch])).toEqual([[0.25, 62]]);
  });

  it('locate: note-offs for held notes and All Notes Off, then re-strikes notes held at the new position', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0, 2), note(67, 4, 6, 3), note(72, 4.5, 5)]);
    await sched.start();
    clock.play();
    timer.advanceBy(1);
    const before = rec.events.length;
    clock.locate(5.5);
    const after = rec.events.slice(before).map((r) => r.event);
    expect(after[0]).toMatchObject({ kind: 'noteOff', pitch: 60, channel: 1 });
    expect(after[1]).toEqual({ kind: 'allNotesOff', channels: [1, 3] });
    expect(after[2]).toMatchObject({ kind: 'transport', state: 'locate', timeSec: 5.5 });
    expect(after[3]).toMatchObject({ kind: 'noteOn', pitch: 67, channel: 3, timeSec: 5.5 });
    expect(after).toHaveLength(4); // 72 ended at 5.0: not chased
    timer.advanceBy(1);
    expect(rec.events.at(-1)?.event).toMatchObject({ kind: 'noteOff', pitch: 67 });
    expect(rec.events.at(-1)!.hostSec - 101).toBeCloseTo(0.5, 9);
  });

  it('stop: note-offs and All Notes Off on every channel used, nothing after', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0, 2, 1), note(61, 0, 2, 5), note(62, 3, 4, 9)]);
    await sched.start();
    clock.play();
    timer.advanceBy(1);
    clock.stop();
    const n = rec.events.length;
    timer.advanceBy(10);
    expect(rec.events.length).toBe(n);
    expect(rec.events.map((r) => r.event).filter((e) => e.kind === 'allNotesOff')).toEqual([{ kind: 'allNotesOff', channels: [1, 5, 9] }]);
    expect(stuckNotes(rec.events)).toEqual([]);
  });

  it('a failing sink is silenced, dropped and reported; the others keep playing', async () => {
    let sent = 0;
    const silenced: number[][] = [];
    const bad: Sink = {
      name: 'bad',
      accepts: new Set<SinkEventKind>(['noteOn', 'noteOff']),
      open: () => Promise.resolve(),
      send: (_ev: SinkEvent) => {
        if (++sent >= 3) throw new Error('port vanished');
      },
      allNotesOff: (ch) => silenced.push([...ch]),
      close: () => Promise.resolve(),
    };
    const notes = [note(60, 0, 1), note(62, 0.5, 1.5), note(64, 1, 2), note(65, 2, 3)];
    const { timer, clock, rec, sched, failures } = rig(notes, { sinks: [bad] });
    await sched.start();
    clock.play();
    timer.advanceBy(4);
    expect(failures).toEqual(['bad: port vanished']);
    expect(silenced).toEqual([[1]]);
    expect(sched.sinks.map((s) => s.name)).toEqual(['recording']);
    expect(rec.events.filter(notesOnly(['noteOn']))).toHaveLength(4);
  });

  it('loops without stuck notes and plays each loop again', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0.2, 0.8), note(62, 0.9, 1.5)], { loop: { startSec: 0, endSec: 1 } });
    await sched.start();
    clock.play();
    timer.advanceBy(3.05);
    clock.stop();
    const ons = rec.events.filter(notesOnly(['noteOn'])).map((r) => (r.event as { pitch: number }).pitch);
    expect(ons).toEqual([60, 62, 60, 62, 60, 62]);
    expect(stuckNotes(rec.events)).toEqual([]);
  });

  it('ticks the playhead with the notes', async () => {
    const { timer, clock, rec, sched } = rig([note(60, 0.05, 0.1)], { sources: [new TicksSource(10)], endSec: 0.35 });
    await sched.start();
    clock.play();
    timer.advanceBy(1);
    expect(rec.events.filter(notesOnly(['time'])).map((r) => (r.event as { timeSec: number }).timeSec)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(clock.state().running).toBe(false);
  });

  it('property: any sequence of transport operations leaves no stuck note and never sends a note-off for a silent key', async () => {
    const arbNotes = fc.array(
      fc.record({ pitch: fc.integer({ min: 21, max: 108 }), on: fc.double({ min: 0, max: 5, noNaN: true }), len: fc.double({ min: 0.01, max: 2, noNaN: true }), ch: fc.integer({ min: 1, max: 3 }) }),
      { maxLength: 40 },
    );
    const arbOps = fc.array(
      fc.record({ dt: fc.double({ min: 0, max: 1.5, noNaN: true }), op: fc.constantFrom('play', 'stop', 'locate', 'rate', 'none'), x: fc.double({ min: 0, max: 7, noNaN: true }) }),
      { maxLength: 20 },
    );
    await fc.assert(
      fc.asyncProperty(arbNotes, arbOps, async (ns, ops) => {
        const { timer, clock, rec, sched } = rig(ns.map((n) => note(n.pitch, n.on, n.on + n.len, n.ch)));
        await sched.start();
        clock.play();
        for (const o of ops) {
          timer.advanceBy(o.dt);
          if (o.op === 'play') clock.play();
          else if (o.op === 'stop') clock.stop();
          else if (o.op === 'locate') clock.locate(o.x);
          else if (o.op === 'rate') clock.setRate(0.25 + o.x);
          const on = new Set<string>();
          for (const { event: e } of rec.events) {
            if (e.kind === 'noteOn') on.add(`${e.channel}:${e.pitch}`);
            else if (e.kind === 'noteOff') {
              expect(on.has(`${e.channel}:${e.pitch}`)).toBe(true);
              on.delete(`${e.channel}:${e.pitch}`);
            } else if (e.kind === 'allNotesOff') on.clear();
          }
        }
        timer.advanceBy(20); // play to the end
        clock.stop();
        expect(stuckNotes(rec.events)).toEqual([]);
        await sched.close();
      }),
      { numRuns: 150 },
    );
  });

  it('resolves overlapping presses of one key', () => {
    expect(resolveOverlaps([note(60, 0, 2), note(60, 1, 3), note(60, 1, 1.5)])).toEqual([note(60, 0, 1), note(60, 1, 3)]);
  });

  it('offline export: a full run on the fake clock records the whole take', async () => {
    const notes = Array.from({ length: 50 }, (_, i) => note(40 + (i % 30), i * 0.1, i * 0.1 + 0.25));
    const rec2 = new RecordingSink({ name: 'second' });
    const s2 = rig(notes, { sinks: [rec2], endSec: 10 });
    await s2.sched.start();
    s2.clock.play();
    s2.timer.runAll();
    expect(rec2.events.filter(notesOnly(['noteOn']))).toHaveLength(50);
    expect(s2.clock.state().running).toBe(false);
    expect(stuckNotes(rec2.events)).toEqual([]);
  });

  it('leadSec: every event leaves that long early; a locate sends the window at once (nothing skipped), chases at the clock', async () => {
    const timer = new FakeTimer(100);
    const clock = new InternalClock({ timer });
    const rec = new RecordingSink({ nowSec: () => timer.nowSec() });
    const sched = new Scheduler({ timer, clock, notes: new NotesSource([note(60, 0.5, 1.0), note(62, 2.0, 3.0), note(64, 2.04, 2.5)]), sinks: [rec], leadSec: 0.1 });
    await sched.start();
    clock.play();
    timer.advanceBy(1.2);
    clock.locate(1.99); // 62 and 64 (due at 2.0 and 2.04) are inside the 0.1-s window: both go out now
    timer.advanceBy(0.5);
    const got = rec.events.filter(notesOnly(['noteOn', 'noteOff'])).map((r) => [Math.round((r.hostSec - 100) * 1000) / 1000, r.event.kind, (r.event as { pitch: number }).pitch]);
    expect(got).toEqual([
      [0.4, 'noteOn', 60],
      [0.9, 'noteOff', 60],
      [1.2, 'noteOn', 62],
      [1.2, 'noteOn', 64],
      [1.61, 'noteOff', 64], // due at 1.2 + (2.5 - 1.99) = 1.71
    ]);
    expect(() => new Scheduler({ timer, clock, notes: new NotesSource([]), sinks: [], leadSec: -1 })).toThrow(RangeError);
  });
});
