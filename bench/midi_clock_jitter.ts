/**
 * MIDI Clock jitter through JACK (docs/bridge.md): the real scheduler, RealTimer and MidiClockOutSink on a virtual
 * JACK output (the JACK-only build of @julusian/midi made by `bash test/setup/jack.sh`), looped into a JACK input in
 * the same process; a user-space jackd (dummy driver) with the given period. At 120 BPM a pulse is due every
 * 20.833 ms; for every pulse received we compare its arrival (process.hrtime, when the input callback runs) with its
 * scheduled host time, and each interval between arrivals with the nominal one. Also the scheduler's own lateness
 * when it sends.
 *
 * Reproduce: bash test/setup/jack.sh && npx tsc -p tsconfig.json --outDir .cache/build &&
 *            node .cache/build/bench/midi_clock_jitter.js [seconds=10] [period=256] [bpm=120]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { hostTimeOf } from '../src/bridge/clock';
import { InternalClock } from '../src/bridge/clocks/internal';
import type { MidiModule } from '../src/bridge/midi-module';
import { Scheduler } from '../src/bridge/scheduler';
import { MidiClockOutSink } from '../src/bridge/sinks/midi-clock-out';
import { ClockPulseSource, NotesSource } from '../src/bridge/sources';
import { RealTimer } from '../src/bridge/timer';
import { pulseTimeSec, resumePulseAt } from '../src/core/midi-clock';
import { estimateTempo } from '../src/core/tempo';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const JACK_BUILD = path.join(process.env.AUDEO_ROOT ?? ROOT, '.cache', 'midi-jack');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 10);
  const period = Number(process.argv[3] ?? 256);
  const bpm = Number(process.argv[4] ?? 120);
  if (!existsSync(path.join(JACK_BUILD, 'build', 'Release', 'midi.node'))) throw new Error(`no JACK build in ${JACK_BUILD}: run bash test/setup/jack.sh`);
  let jackd: ChildProcess | undefined;
  const up = (): boolean => spawnSync('jack_wait', ['-c'], { encoding: 'utf8' }).stdout.trim() === 'running';
  if (!up()) {
    jackd = spawn('jackd', ['--no-realtime', '-d', 'dummy', '-r', '48000', '-p', String(period)], { stdio: 'ignore' });
    if (spawnSync('jack_wait', ['-w', '-t', '10']).status !== 0) throw new Error('jackd did not start');
  } else console.log('(a jackd was already running: its period applies)');
  const midi = require(JACK_BUILD) as MidiModule; // eslint-disable-line @typescript-eslint/no-require-imports
  const timer = new RealTimer();
  const clock = new InternalClock({ timer, endSec: seconds });
  const tempo = estimateTempo([], { bpm, endSec: seconds + 1 });
  const beats = tempo.beatsSec;
  const sink = new MidiClockOutSink({ virtual: 'audeo-clock-bench', beatsSec: beats, loadMidi: () => Promise.resolve(midi) });
  const sched = new Scheduler({ timer, clock, notes: new NotesSource([]), sources: [new ClockPulseSource(beats)], sinks: [sink] });
  await sched.start();
  const input = new midi.Input();
  input.ignoreTypes(false, false, true);
  const got: Array<{ hostSec: number; msg: number[] }> = [];
  input.on('message', (_d: number, msg: number[]) => got.push({ hostSec: Number(process.hrtime.bigint()) / 1e9, msg }));
  const names = Array.from({ length: input.getPortCount() }, (_, i) => input.getPortName(i));
  const idx = names.findIndex((n) => n.includes('audeo-clock-bench'));
  if (idx < 0) throw new Error(`no input sees the port: ${names.join(', ')}`);
  input.openPort(idx);
  await new Promise((r) => setTimeout(r, 300));
  clock.play();
  const state = clock.state();
  await new Promise<void>((r) => clock.onChange((s) => !s.running && r()));
  await new Promise((r) => setTimeout(r, 100));
  await sched.close();
  input.closePort();
  input.destroy();
  jackd?.kill('SIGTERM');

  const pulses = got.filter((g) => g.msg[0] === 0xf8);
  const expected = sched.stats.sent - 2; // every pulse the sink sent (the dispatches less the play and the stop)
  const first = resumePulseAt(beats, 0); // play at 0 s: pulse 0 (a missed pulse would show as a count below the expected)
  const late = pulses.map((p, k) => (p.hostSec - hostTimeOf(state, pulseTimeSec(beats, first + k))) * 1000);
  const nominal = 60000 / bpm / 24;
  const dev = pulses.slice(1).map((p, k) => (p.hostSec - pulses[k]!.hostSec) * 1000 - nominal);
  const absDev = dev.map(Math.abs);
  const sd = Math.sqrt(dev.reduce((a, d) => a + d * d, 0) / Math.max(1, dev.length));
  const sched99 = pct(sched.latenessSec.map((s) => s * 1000), 0.99);
  const f = (x: number): string => x.toFixed(2);
  console.log(`MIDI Clock over JACK (dummy driver, ${period} frames at 48 kHz = ${f((period / 48000) * 1000)} ms), ${bpm} BPM, ${seconds} s: sent ${expected} pulses, received ${pulses.length}; first messages ${got.slice(0, 2).map((g) => g.msg.map((b) => b.toString(16)).join(' ')).join(' | ')}; last ${got.at(-1)?.msg.map((b) => b.toString(16)).join(' ')}`);
  // pulses carry no number: arrivals are matched to their schedule by order, which holds only while none is lost
  if (pulses.length === expected) console.log(`  arrival - scheduled (ms): p50 ${f(pct(late, 0.5))}, p99 ${f(pct(late, 0.99))}, max ${f(Math.max(...late))}, min ${f(Math.min(...late))}`);
  else console.log(`  arrival - scheduled: not shown (${expected - pulses.length} pulses lost: matching by order would be wrong)`);
  console.log(`  interval - ${f(nominal)} ms (jitter): sd ${f(sd)}, |p50| ${f(pct(absDev, 0.5))}, |p99| ${f(pct(absDev, 0.99))}, |max| ${f(Math.max(...absDev))}`);
  console.log(`  scheduler-side lateness (ms): p50 ${f(pct(sched.latenessSec.map((x) => x * 1000), 0.5))}, p99 ${f(sched99)}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
