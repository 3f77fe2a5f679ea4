/**
 * Real MIDI ports: virtual ports looped through a user-space JACK server (jackd -d dummy), using the JACK-only
 * build of @julusian/midi that test/setup/jack.sh makes in .cache/midi-jack/. Skips with a message without them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ChaseClock } from '../../src/bridge/clocks/chase';
import { InternalClock } from '../../src/bridge/clocks/internal';
import { MtcFollower, openMtcInput } from '../../src/bridge/clocks/mtc-in';
import { positionAt } from '../../src/bridge/clock';
import type { MidiModule } from '../../src/bridge/midi-module';
import { Scheduler } from '../../src/bridge/scheduler';
import { MidiPortSink } from '../../src/bridge/sinks/midi-port';
import { MidiClockOutSink } from '../../src/bridge/sinks/midi-clock-out';
import { MtcOutSink } from '../../src/bridge/sinks/mtc-out';
import { ClockPulseSource, MtcSource, NotesSource } from '../../src/bridge/sources';
import { RealTimer } from '../../src/bridge/timer';
import { TIMECODE_RATES } from '../../src/core/timecode';
import { note } from './helpers';

const JACK_BUILD = path.resolve(__dirname, '..', '..', '.cache', 'midi-jack');
const haveBuild = existsSync(path.join(JACK_BUILD, 'build', 'Release', 'midi.node'));
const haveJackd = spawnSync('sh', ['-c', 'command -v jackd'], { encoding: 'utf8' }).status === 0;
const why = !haveBuild ? `no JACK build of @julusian/midi in ${JACK_BUILD} (run bash test/setup/jack.sh)` : !haveJackd ? 'jackd is not installed (apt-get install jackd2)' : '';
if (why) console.warn(`skipping real MIDI port tests: ${why}`);
const maybe = why ? describe.skip : describe;

maybe('real MIDI ports through JACK', () => {
  let jackd: ChildProcess | undefined;
  const loadJack = (): Promise<MidiModule> => Promise.resolve(require(JACK_BUILD) as MidiModule); // eslint-disable-line @typescript-eslint/no-require-imports

  beforeAll(() => {
    // jest hands tests a copy of process.env that native code never sees, so libjack talks to the "default"
    // server: reuse one that runs, else start ours (and wait from outside: a libjack client that failed to
    // connect once stays broken in this process)
    const up = () => spawnSync('jack_wait', ['-c'], { encoding: 'utf8' }).stdout.trim() === 'running';
    if (!up()) {
      jackd = spawn('jackd', ['--no-realtime', '-d', 'dummy', '-r', '48000', '-p', '256'], { stdio: 'ignore' });
      const waited = spawnSync('jack_wait', ['-w', '-t', '10'], { encoding: 'utf8' });
      if (waited.status !== 0) throw new Error(`jackd did not start: ${waited.stdout}${waited.stderr}`);
    }
  }, 15000);

  afterAll(() => {
    jackd?.kill('SIGTERM');
  });

  async function openInput(name: string) {
    const midi = await loadJack();
    const input = new midi.Input();
    input.ignoreTypes(false, false, true);
    const got: Array<{ hostSec: number; msg: number[] }> = [];
    input.on('message', (_d: number, msg: number[]) => got.push({ hostSec: Number(process.hrtime.bigint()) / 1e9, msg }));
    const names = Array.from({ length: input.getPortCount() }, (_, i) => input.getPortName(i));
    const idx = names.findIndex((n) => n.includes(name));
    expect(idx).toBeGreaterThanOrEqual(0);
    input.openPort(idx);
    return { input, got };
  }

  it('a virtual output port carries every note, then note-offs and All Notes Off on stop', async () => {
    const timer = new RealTimer();
    const clock = new InternalClock({ timer });
    const notes = Array.from({ length: 20 }, (_, i) => note(60 + (i % 12), 0.1 + i * 0.04, 0.1 + i * 0.04 + 0.3, 2, 40 + i));
    const sink = new MidiPortSink({ virtual: 'audeo-jack', loadMidi: loadJack });
    const sched = new Scheduler({ timer, clock, notes: new NotesSource(notes), sinks: [sink], onSinkFailure: (_s, e) => { throw e; } });
    await sched.start();
    const { input, got } = await openInput('audeo-jack');
    let t0: number;
    try {
      await new Promise((r) => setTimeout(r, 200)); // JACK connects on its next cycle
      clock.play();
      t0 = clock.state().anchorHostSec;
      await new Promise((r) => setTimeout(r, 600));
      clock.stop(); // 0.6 s in: some notes are held
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      input.closePort();
      input.destroy();
      await sched.close();
    }
    const ons = got.filter((g) => (g.msg[0]! & 0xf0) === 0x90);
    const sent = notes.filter((n) => n.onsetSec < 0.6);
    expect(ons.map((g) => g.msg)).toEqual(sent.map((n) => [0x91, n.pitch, n.velocity]));
    const errs = ons.map((g, i) => (g.hostSec - t0 - sent[i]!.onsetSec) * 1000);
    console.log(`JACK loopback (period 256 @ 48 kHz): note-on timing error ms ${errs.map((e) => e.toFixed(1)).join(' ')}`);
    const sorted = errs.map(Math.abs).sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(30);
    // silence: every struck key released, then CC 123 on channel 2
    const offs = new Set(got.filter((g) => (g.msg[0]! & 0xf0) === 0x80).map((g) => g.msg[1]));
    for (const g of ons) expect(offs.has(g.msg[1])).toBe(true);
    expect(got.at(-1)?.msg).toEqual([0xb1, 123, 0]);
  });

  it('MTC out on a virtual port: a chasing input locks to it and follows a locate', async () => {
    const rate = TIMECODE_RATES['25'];
    const timer = new RealTimer();
    const clock = new InternalClock({ timer, startSec: 10 });
    const sink = new MtcOutSink({ virtual: 'audeo-mtc', rate, offsetSec: 3600, loadMidi: loadJack });
    const sched = new Scheduler({ timer, clock, notes: new NotesSource([]), sources: [new MtcSource(rate, 3600)], sinks: [sink] });
    await sched.start();
    const chase = new ChaseClock({ timer, lockSec: 4 / 25 });
    const follower = new MtcFollower(chase, 3600);
    const midi = await loadJack();
    const probe = new midi.Input();
    const portName = Array.from({ length: probe.getPortCount() }, (_, i) => probe.getPortName(i)).find((n) => n.includes('audeo-mtc'));
    probe.destroy();
    expect(portName).toBeDefined();
    const inp = await openMtcInput(follower, { port: portName!, loadMidi: loadJack, nowSec: () => timer.nowSec() });
    try {
    await new Promise((r) => setTimeout(r, 200));
    clock.play();
    await new Promise((r) => setTimeout(r, 800));
    expect(chase.state().running).toBe(true);
    const err1 = positionAt(chase.state(), timer.nowSec()) - positionAt(clock.state(), timer.nowSec());
    clock.locate(100);
    await new Promise((r) => setTimeout(r, 600));
    const err2 = positionAt(chase.state(), timer.nowSec()) - positionAt(clock.state(), timer.nowSec());
    console.log(`MTC over JACK: follower error ${(err1 * 1000).toFixed(1)} ms, after a locate ${(err2 * 1000).toFixed(1)} ms`);
    expect(Math.abs(err1)).toBeLessThan(0.04);
    expect(Math.abs(err2)).toBeLessThan(0.04);
    clock.stop();
    await new Promise((r) => setTimeout(r, 700));
    expect(chase.state().running).toBe(false);
    } finally {
      inp.close();
      chase.close();
      await sched.close();
    }
  });

  it('MIDI Clock out on a virtual port: Song Position 0 and Start, 24 pulses a quarter note at 120 BPM, Stop with the position', async () => {
    const beats = Array.from({ length: 10 }, (_, k) => k * 0.5);
    const timer = new RealTimer();
    const clock = new InternalClock({ timer });
    const sink = new MidiClockOutSink({ virtual: 'audeo-clock', beatsSec: beats, loadMidi: loadJack });
    const sched = new Scheduler({ timer, clock, notes: new NotesSource([]), sources: [new ClockPulseSource(beats)], sinks: [sink] });
    await sched.start();
    const { input, got } = await openInput('audeo-clock');
    try {
      await new Promise((r) => setTimeout(r, 200));
      clock.play();
      await new Promise((r) => setTimeout(r, 1000));
      clock.stop();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      input.closePort();
      input.destroy();
      await sched.close();
    }
    expect(got.slice(0, 2).map((g) => g.msg)).toEqual([[0xf2, 0, 0], [0xfa]]);
    const pulses = got.filter((g) => g.msg[0] === 0xf8);
    // 1 s at 120 BPM is 48 pulses (+1 for the one at 0); a loaded machine may lose or delay one or two
    expect(pulses.length).toBeGreaterThanOrEqual(45);
    expect(pulses.length).toBeLessThanOrEqual(51);
    const stop = got.findIndex((g) => g.msg[0] === 0xfc);
    expect(stop).toBeGreaterThan(0);
    expect(got[stop + 1]?.msg[0]).toBe(0xf2);
    const iv = pulses.slice(1).map((p, k) => (p.hostSec - pulses[k]!.hostSec) * 1000);
    const sd = Math.sqrt(iv.reduce((a, x) => a + (x - 1000 / 48) ** 2, 0) / iv.length);
    console.log(`MIDI Clock over JACK: ${pulses.length} pulses in 1 s, interval sd ${sd.toFixed(2)} ms (bench/midi_clock_jitter.ts measures it properly)`);
  });
});
