/**
 * TouchDesigner conventions (issue 17, what-to-build 3): /audeo/keys (the keyboard in one message per tick),
 * /audeo/state (at a set rate and on every change), time-tagged bundles sent ahead, and the options' errors.
 * Real UDP on 127.0.0.1; the scheduler runs on a fake clock so every time is exact.
 */
import fc from 'fast-check';
import { InternalClock } from '../../src/bridge/clocks/internal';
import { hostTimeOf, positionAt } from '../../src/bridge/clock';
import { parseStateHz, parseTimetagAheadMs, runPlay } from '../../src/bridge/play';
import { Scheduler } from '../../src/bridge/scheduler';
import { OscSink, type OscSinkOptions } from '../../src/bridge/sinks/osc';
import { NotesSource, TicksSource } from '../../src/bridge/sources';
import { FakeTimer } from '../../src/bridge/timer';
import { InputError } from '../../src/core/errors';
import { bundleTimeTag, decodeOsc, encodeBundle, ntpToUnixSec, unixSecToNtp, NTP_UNIX_OFFSET_SEC } from '../../src/osc/codec';
import { keysToOsc, stateToOsc } from '../../src/osc/schema';
import { listenUdp } from '../../src/osc/udp';
import { makeTake, note, tmpDir, writeTakeFile } from '../bridge/helpers';

interface Got {
  address: string;
  args: readonly unknown[];
  /** Unix seconds of the bundle's time tag; undefined for a plain message. */
  tag?: number;
}

async function receiver() {
  const got: Got[] = [];
  const rx = await listenUdp({
    port: 0,
    onDatagram: (buf) => {
      const d = decodeOsc(buf);
      const t = bundleTimeTag(buf);
      if (d.ok) for (const m of d.messages) got.push({ ...m, ...(t ? { tag: ntpToUnixSec(t) } : {}) });
    },
  });
  return { rx, got };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 60));

/** A rig on a fake clock with an OSC sink to a real UDP receiver. */
async function oscRig(opts: { notes: ReturnType<typeof note>[]; sink: (timer: FakeTimer, clock: InternalClock) => OscSinkOptions; tickHz?: number; leadSec?: number; schema?: ConstructorParameters<typeof OscSink>[1] }) {
  const { rx, got } = await receiver();
  const timer = new FakeTimer(1000);
  const clock = new InternalClock({ timer, endSec: 10 });
  const sink = new OscSink({ host: '127.0.0.1', port: rx.port }, opts.schema ?? {}, opts.sink(timer, clock));
  const sched = new Scheduler({ timer, clock, notes: new NotesSource(opts.notes), sources: opts.tickHz ? [new TicksSource(opts.tickHz)] : [], sinks: [sink], ...(opts.leadSec ? { leadSec: opts.leadSec } : {}) });
  await sched.start();
  return { rx, got, timer, clock, sched };
}

describe('OSC schema: /keys and /state', () => {
  it('/keys carries one float per key; /state playing, position, take, held count and pitches', () => {
    const v = new Float32Array(88);
    v[60 - 21] = 1;
    const k = keysToOsc(v);
    expect(k.address).toBe('/audeo/keys');
    expect(k.args).toHaveLength(88);
    expect(k.args.every((a) => a.type === 'f')).toBe(true);
    expect(k.args[39]).toEqual({ type: 'f', value: 1 });
    expect(stateToOsc({ playing: true, positionSec: 1.5, take: 'a.audeo.json', heldPitches: [64, 60] }, { prefix: '/x' })).toEqual({
      address: '/x/state',
      args: [
        { type: 'i', value: 1 },
        { type: 'f', value: 1.5 },
        { type: 's', value: 'a.audeo.json' },
        { type: 'i', value: 2 },
        { type: 'i', value: 60 },
        { type: 'i', value: 64 },
      ],
    });
  });
});

describe('OSC time tags', () => {
  it('Unix seconds <-> NTP round-trip to 1/2^32 s (fractional times, carries into the next second)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 4e9 - NTP_UNIX_OFFSET_SEC - 2, noNaN: true }), (s) => {
        const t = unixSecToNtp(s);
        expect(t.fraction).toBeGreaterThanOrEqual(0);
        expect(t.fraction).toBeLessThan(2 ** 32);
        expect(Math.abs(ntpToUnixSec(t) - s)).toBeLessThan(1e-6);
      }),
    );
    expect(unixSecToNtp(0)).toEqual({ seconds: NTP_UNIX_OFFSET_SEC, fraction: 0 });
    expect(unixSecToNtp(1.5)).toEqual({ seconds: NTP_UNIX_OFFSET_SEC + 1, fraction: 2 ** 31 });
    expect(unixSecToNtp(2 - 2 ** -40)).toEqual({ seconds: NTP_UNIX_OFFSET_SEC + 2, fraction: 0 });
  });

  it('a bundle decodes (osc-js) to its messages and its time tag', () => {
    const msgs = [stateToOsc({ playing: false, positionSec: 0, take: 't', heldPitches: [] }), keysToOsc([0, 0.5, 1])];
    const buf = encodeBundle(msgs, unixSecToNtp(1.7e9 + 0.25));
    const d = decodeOsc(buf);
    expect(d.ok && d.messages.map((m) => m.address)).toEqual(['/audeo/state', '/audeo/keys']);
    expect(d.ok && d.messages[1]!.args).toEqual([0, 0.5, 1]);
    expect(ntpToUnixSec(bundleTimeTag(buf)!)).toBeCloseTo(1.7e9 + 0.25, 6);
  });
});

describe('OscSink: TouchDesigner conventions over UDP', () => {
  it('--osc-keys: /keys (88 floats) once at 0 on open, then at every tick with the keys held; per-key channels still sent at 0 first', async () => {
    const { rx, got, timer, clock, sched } = await oscRig({ notes: [note(60, 0.05, 0.25, 1, 127), note(64, 0.15, 0.3, 1, 127)], tickHz: 10, sink: () => ({ keysMessage: true }) });
    clock.play();
    timer.advanceTo(1000.5);
    await sched.close();
    await settle();
    await rx.close();
    expect(got.slice(0, 88).map((g) => g.address)).toEqual(Array.from({ length: 88 }, (_, k) => `/audeo/key/${21 + k}`));
    const keys = got.filter((g) => g.address === '/audeo/keys').map((g) => g.args as number[]);
    for (const k of keys) expect(k).toHaveLength(88);
    // open, then ticks at 0, 0.1, 0.2, 0.3, 0.4, 0.5 s, then the all-notes-off at the end
    expect(keys[0]!.every((v) => v === 0)).toBe(true);
    const at = (tick: number): number[] => keys[1 + tick]!.map((v, i) => (v > 0 ? 21 + i : -1)).filter((p) => p >= 0);
    expect([at(0), at(1), at(2), at(3)]).toEqual([[], [60], [60, 64], []]);
    expect(keys[2]![60 - 21]).toBeCloseTo(1, 6);
    expect(got.filter((g) => g.address === '/audeo/time')).toHaveLength(6);
  });

  it('/state: on open, on every change (a chord is one message) and at the set rate, stopped too', async () => {
    const { rx, got, timer, clock, sched } = await oscRig({
      notes: [note(60, 0.2, 0.6), note(64, 0.2, 0.6), note(67, 0.4, 0.6)],
      sink: (t, c) => ({
        state: {
          hz: 4,
          take: 'song.audeo.json',
          timer: t,
          transport: () => {
            const s = c.state();
            return { running: s.running, positionSec: positionAt(s, t.nowSec()) };
          },
        },
      }),
    });
    const steps = async (toSec: number): Promise<void> => {
      const from = timer.nowSec();
      const n = Math.round((toSec - from) / 0.05);
      for (let k = 1; k <= n; k++) {
        timer.advanceTo(k === n ? toSec : from + k * 0.05);
        await Promise.resolve(); // the change's microtask
      }
    };
    await steps(1000.5); // stopped: the rate still reports
    clock.play();
    await Promise.resolve();
    await steps(1001.3);
    await sched.close();
    await settle();
    await rx.close();
    const states = got.filter((g) => g.address === '/audeo/state').map((g) => g.args);
    for (const s of states) expect(s[2]).toBe('song.audeo.json');
    const summary = states.map((s) => `${s[0] as number}:${(s.slice(4) as number[]).join(',')}`);
    // open, 2 ticks stopped (4 Hz over 0.5 s), play, chord on, 67 on, all off, with ticks between
    expect(summary[0]).toBe('0:');
    expect(summary.slice(1, 3)).toEqual(['0:', '0:']);
    const changes = summary.filter((s, i) => i === 0 || s !== summary[i - 1]);
    expect(changes).toEqual(['0:', '1:', '1:60,64', '1:60,64,67', '1:', '0:']);
    const counts = states.map((s) => s[3]);
    expect(counts).toContain(3);
    // positions of the periodic ones grow while playing
    const playingPos = states.filter((s) => s[0] === 1).map((s) => s[1] as number);
    expect(playingPos).toEqual([...playingPos].sort((a, b) => a - b));
    expect(states.length).toBeGreaterThanOrEqual(2 + 5 + 4);
  });

  it('--osc-timetag-ahead: each event leaves the lead early, in a bundle stamped with its due time; the silence is never stamped before a note', async () => {
    const lead = 0.05;
    const unix = (h: number): number => h + 1.7e9;
    const sentAt: number[] = [];
    const { rx, got, timer, clock, sched } = await oscRig({
      notes: [note(60, 0.1, 0.3), note(62, 0.2, 5)],
      leadSec: lead,
      sink: (t, c) => ({
        timetag: {
          aheadSec: lead,
          nowHostSec: () => {
            sentAt.push(t.nowSec());
            return t.nowSec();
          },
          dueHostSec: (x) => {
            const s = c.state();
            return s.running ? hostTimeOf(s, x) : undefined;
          },
          hostToUnixSec: unix,
        },
      }),
    });
    clock.play();
    const t0 = clock.state().anchorHostSec;
    timer.advanceTo(t0 + 0.2 - lead - 0.001); // 62's note-on not yet due to leave
    await settle();
    const before = got.filter((g) => g.address === '/audeo/note').length;
    timer.advanceTo(t0 + 0.2 - lead); // now it leaves, 50 ms early
    await settle();
    const notesNow = got.filter((g) => g.address === '/audeo/note');
    expect(before).toBe(1);
    expect(notesNow).toHaveLength(2);
    timer.advanceTo(t0 + 0.4);
    clock.stop(); // 62 held: its note-off is stamped no earlier than the last bundle (0.3 s + ...)
    await sched.close();
    await settle();
    await rx.close();
    const noteMsgs = got.filter((g) => g.address === '/audeo/note');
    expect(noteMsgs.map((g) => g.args)).toEqual([
      [60, 100, 1],
      [62, 100, 1],
      [60, 0, 1],
      [62, 0, 1],
    ]);
    expect(noteMsgs.slice(0, 3).map((g) => g.tag! - unix(t0))).toEqual([expect.closeTo(0.1, 6), expect.closeTo(0.2, 6), expect.closeTo(0.3, 6)]);
    // the stop's note-off: now + lead (0.45 s), after every bundle sent before it
    expect(noteMsgs[3]!.tag! - unix(t0)).toBeCloseTo(0.45, 6);
    const tags = got.filter((g) => g.tag !== undefined).map((g) => g.tag!);
    expect(tags).toEqual([...tags].sort((a, b) => a - b));
    // the 88 keys at open are plain messages (immediately)
    expect(got.slice(0, 88).every((g) => g.tag === undefined)).toBe(true);
  });
});

describe('audeo play: the OSC options', () => {
  it('bad values give one line naming the expected form', () => {
    for (const bad of ['abc', '-1', '0.01', '500', '']) expect(() => parseStateHz(bad)).toThrow(/^--osc-state-hz ".*" is not a rate; expected 0 \(off\) or 0\.1\.\.100 messages a second, e\.g\. --osc-state-hz 10$/);
    expect(parseStateHz('0')).toBe(0);
    expect(parseStateHz('12.5')).toBe(12.5);
    for (const bad of ['0', 'x', '6000', '-5']) expect(() => parseTimetagAheadMs(bad)).toThrow(/^--osc-timetag-ahead ".*" is not a time ahead; expected 1\.\.5000 milliseconds, e\.g\. --osc-timetag-ahead 50$/);
    expect(parseTimetagAheadMs('50')).toBe(50);
  });

  it.each([
    [{ oscKeys: true }, '--osc-keys'],
    [{ oscStateHz: '10' }, '--osc-state-hz 10'],
    [{ oscTimetagAhead: '50' }, '--osc-timetag-ahead 50'],
  ])('%j without --osc is an error naming --osc', async (o, example) => {
    const take = writeTakeFile(tmpDir(), makeTake([{ pitch: 60, onsetSec: 0.1, offsetSec: 0.2, velocity: 100 }]));
    const err = await runPlay({ input: take, dryRun: true, ...o }, { stdout: () => undefined, stderr: () => undefined }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(`${example.split(' ')[0]} is an OSC option; expected --osc [HOST:PORT] with it, e.g. --osc 127.0.0.1:7000 ${example}`);
  });

  it('runPlay --osc --osc-keys --osc-state-hz --osc-timetag-ahead: keys, state and bundles reach a receiver, the take ends', async () => {
    const take = writeTakeFile(tmpDir(), makeTake([{ pitch: 60, onsetSec: 0.05, offsetSec: 0.25, velocity: 100 }]));
    const { rx, got } = await receiver();
    const r = await runPlay({ input: take, osc: `127.0.0.1:${rx.port}`, oscKeys: true, oscStateHz: '20', oscTimetagAhead: '30' }, { stdout: () => undefined, stderr: () => undefined });
    await settle();
    await rx.close();
    expect(r.stoppedBy).toBe('end');
    expect(got.filter((g) => g.address === '/audeo/keys').length).toBeGreaterThan(5);
    const states = got.filter((g) => g.address === '/audeo/state');
    expect(states.some((s) => s.args[0] === 1 && s.args[4] === 60)).toBe(true);
    expect(states.every((s) => s.tag === undefined)).toBe(true);
    const notes = got.filter((g) => g.address === '/audeo/note');
    expect(notes.map((g) => g.args[1])).toEqual([100, 0]);
    expect(notes.every((g) => g.tag !== undefined)).toBe(true);
    // stamped on the wall clock: within a second of now
    expect(Math.abs(notes[0]!.tag! - Date.now() / 1000)).toBeLessThan(2);
    expect(got.filter((g) => g.address === '/audeo/transport').at(-1)?.args[0]).toBe('stop');
  });
});
