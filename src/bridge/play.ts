/**
 * `audeo play`: wires input, preset, clock, sinks and the scheduler, and guarantees silence on the way out
 * (end, --duration, SIGINT/SIGTERM, uncaught error, closed stdout): note-offs and All Notes Off go out before
 * anything else, then a transport stop (Scheduler.halt).
 */
import * as path from 'node:path';
import { AudeoError, exitCodeFor, InputError, SinkError } from '../core/errors';
import { looksDropFrame, parseOffset, parseRate, parseTimecode, timecodeToSeconds, TIMECODE_RATES, type TimecodeRate } from '../core/timecode';
import type { Clock } from './clock';
import { ChaseClock } from './clocks/chase';
import { InternalClock } from './clocks/internal';
import { MtcFollower, openMtcInput } from './clocks/mtc-in';
import { loadPlayable, type Playable } from './input';
import { mapNotes, type MidiMapping } from './mapping';
import { loadPreset, type Preset } from './presets';
import { Scheduler } from './scheduler';
import type { Sink } from './sink';
import { MidiPortSink } from './sinks/midi-port';
import { MtcOutSink } from './sinks/mtc-out';
import { RecordingSink, type Recorded } from './sinks/recording';
import { ClockPulseSource, MtcSource, NotesSource, RollSource, TicksSource, type EventSource } from './sources';
import { FakeTimer, RealTimer, type HostTimer } from './timer';

export interface PlayOptions {
  input: string;
  /** --virtual [NAME]: true means the preset's port name (default "audeo"). */
  virtual?: string | boolean;
  midiOut?: string;
  /** --osc [HOST:PORT]: true means the preset's target. */
  osc?: string | boolean;
  /** --osc-keys: /audeo/keys, every key's value in one message at each playhead tick. */
  oscKeys?: boolean;
  /** --osc-state-hz: /audeo/state messages a second besides one on every change; 0 turns /state off (default 10). */
  oscStateHz?: string;
  /** --osc-timetag-ahead MS: send OSC this long ahead, in bundles time-tagged with when each is due. */
  oscTimetagAhead?: string;
  /** --osc-in [PORT]: true means the preset's control port. */
  oscIn?: string | boolean;
  /** --stay: at the end of the take stop and keep listening (for --osc-in) instead of exiting. */
  stay?: boolean;
  clock?: string;
  /** Input port for MTC; "virtual:NAME" creates a virtual input. */
  mtcIn?: string;
  /** Output port for MTC; "virtual:NAME" creates a virtual output. */
  mtcOut?: string;
  mtcRate?: string;
  /** --midi-clock PORT: MIDI Clock (24 PPQN) + Song Position Pointer out on this port ("virtual:NAME" creates one). */
  midiClock?: string;
  /** --bpm: the MIDI Clock's tempo (default: tracked from the notes, as in the MIDI file audeo extract writes). */
  bpm?: string;
  preset?: string;
  /** Video input: the Video2Roll model to extract it with. */
  model?: string;
  offset?: string;
  start?: string;
  loop?: string;
  rate?: string;
  channel?: string;
  transpose?: string;
  threshold?: string;
  roll?: boolean;
  lockFrames?: string;
  freewheel?: string;
  dryRun?: boolean;
  /** With --dry-run: run on a fake clock as fast as possible (offline export). */
  fast?: boolean;
  /** Stop after this many seconds of host time (for scripts and tests). */
  duration?: string;
  /** Pre-roll in ms after the outputs open, before the internal clock starts (default 1000 with a virtual port, else 0). */
  waitMs?: string;
}

export interface PlayIO {
  /** Event lines of --dry-run. */
  stdout: (line: string) => void;
  /** Warnings and errors. */
  stderr: (line: string) => void;
  /** What it is doing ("playing ...", "OSC control on ..."); default stderr; --quiet drops them. */
  info?: (line: string) => void;
  /** Ends the run when aborted (the CLI: stdout was closed): silence, transport stop, stoppedBy "closed". */
  stop?: AbortSignal;
  /** Install SIGINT/SIGTERM/uncaught-error handlers (the CLI does; tests of the library may not). */
  signals?: boolean;
}

export interface PlayResult {
  input: string;
  kind: Playable['kind'];
  notes: number;
  sinks: string[];
  failedSinks: string[];
  clock: string;
  timecode: { rate: string; offsetSec: number };
  sent: number;
  chased: number;
  latenessMs: { p50: number; p99: number; max: number; n: number };
  stoppedBy: 'end' | 'signal' | 'duration' | 'error' | 'closed';
  /** With --midi-clock: the tempo it follows. */
  midiClock?: { bpm: number; source: 'tracked' | 'forced' | 'default'; minBpm: number; maxBpm: number };
  /** With --dry-run: every event sent to the dry-run output, in order (media seconds). */
  events?: Array<Recorded['event']>;
}

function num(text: string | undefined, what: string, lo: number, hi: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < lo || v > hi) throw new InputError(`${what} "${text}" is out of range; expected a number in ${lo}..${hi}`);
  return v;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function latencySummary(latenessSec: readonly number[]): PlayResult['latenessMs'] {
  const ms = latenessSec.map((s) => s * 1000).sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 1000) / 1000;
  return { p50: r(percentile(ms, 0.5)), p99: r(percentile(ms, 0.99)), max: r(ms.at(-1) ?? 0), n: ms.length };
}

/** `--osc-state-hz`: 0 (off) or 0.1..100 messages a second. */
export function parseStateHz(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || (v > 0 && v < 0.1) || v > 100) throw new InputError(`--osc-state-hz "${text}" is not a rate; expected 0 (off) or 0.1..100 messages a second, e.g. --osc-state-hz 10`);
  return v;
}

/** `--osc-timetag-ahead`: 1..5000 ms. */
export function parseTimetagAheadMs(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 1 || v > 5000) throw new InputError(`--osc-timetag-ahead "${text}" is not a time ahead; expected 1..5000 milliseconds, e.g. --osc-timetag-ahead 50`);
  return v;
}

function portTarget(spec: string): { virtual?: string; port?: string } {
  return spec.startsWith('virtual:') ? { virtual: spec.slice('virtual:'.length) || 'audeo' } : { port: spec };
}

/** Timecode at video time 0: --offset, else the preset's offset, else the video's start timecode, else 0. */
export function resolveOffset(opts: { offset?: string; presetOffset?: string; startTimecode?: string; rate: TimecodeRate }): number {
  const text = opts.offset ?? opts.presetOffset;
  if (text !== undefined) return parseOffset(text, opts.rate);
  if (opts.startTimecode) {
    const rate = looksDropFrame(opts.startTimecode) ? TIMECODE_RATES['29.97df'] : opts.rate;
    return timecodeToSeconds(parseTimecode(opts.startTimecode, rate), rate);
  }
  return 0;
}

export async function runPlay(opts: PlayOptions, io: PlayIO): Promise<PlayResult> {
  const info = io.info ?? io.stderr;
  const preset: Preset = opts.preset ? await loadPreset(opts.preset) : { name: 'default', description: 'built-in defaults' };
  const playable = await loadPlayable(opts.input, { log: info, ...(opts.model ? { model: opts.model } : {}) });
  const clockKind = opts.clock ?? preset.clock?.source ?? 'internal';
  if (clockKind !== 'internal' && clockKind !== 'mtc' && clockKind !== 'osc') throw new InputError(`--clock ${clockKind}: expected internal, mtc or osc`);
  if (clockKind === 'mtc' && !opts.mtcIn) throw new InputError('--clock mtc needs --mtc-in PORT (or virtual:NAME)');
  if (opts.fast && !opts.dryRun) throw new InputError('--fast only works with --dry-run (offline, no real outputs)');

  // notes
  const threshold = num(opts.threshold, '--threshold', 0.001, 0.999) ?? preset.threshold;
  let notes = playable.notes;
  if (threshold !== undefined && threshold !== playable.threshold) {
    if (playable.redecode) notes = playable.redecode(threshold);
    else io.stderr(`warning: ${playable.path} has no roll; --threshold ${threshold} ignored`);
  }
  const mapping: MidiMapping = {
    ...preset.midi,
    ...(opts.channel !== undefined ? { channel: num(opts.channel, '--channel', 1, 16)! } : {}),
    ...(opts.transpose !== undefined ? { transpose: num(opts.transpose, '--transpose', -48, 48)! } : {}),
  };
  const notesSrc = new NotesSource(mapNotes(notes, mapping));

  // timecode
  const rate = parseRate(opts.mtcRate ?? preset.clock?.mtcRate ?? (playable.startTimecode && looksDropFrame(playable.startTimecode) ? '29.97df' : '25'));
  const offsetSec = resolveOffset({ ...(opts.offset ? { offset: opts.offset } : {}), ...(preset.clock?.offset ? { presetOffset: preset.clock.offset } : {}), ...(playable.startTimecode ? { startTimecode: playable.startTimecode } : {}), rate });

  // host time and clock
  const timer: HostTimer = opts.fast ? new FakeTimer(0) : new RealTimer();
  const startSec = num(opts.start, '--start', 0, 86400) ?? 0;
  const playRate = num(opts.rate, '--rate', 0.01, 16) ?? 1;
  let loop: { startSec: number; endSec: number } | undefined;
  if (opts.loop) {
    const m = /^([\d.]+):([\d.]+)$/.exec(opts.loop);
    if (!m || !(Number(m[2]) > Number(m[1]))) throw new InputError(`--loop "${opts.loop}": expected START:END in seconds, END > START`);
    loop = { startSec: Number(m[1]), endSec: Number(m[2]) };
  }
  const controlled = opts.oscIn !== undefined && opts.oscIn !== false;
  const endSec = playable.durationSec + 0.25;
  let clock: Clock;
  let internal: InternalClock | undefined;
  let chase: ChaseClock | undefined;
  if (clockKind === 'internal') {
    internal = new InternalClock({ timer, startSec, rate: playRate, ...(loop ? { loop } : {}), endSec });
    clock = internal;
  } else {
    const lockFrames = num(opts.lockFrames, '--lock-frames', 1, 100) ?? preset.clock?.lockFrames ?? 4;
    chase = new ChaseClock({ timer, name: clockKind, lockSec: lockFrames / rate.fps, freewheelSec: num(opts.freewheel, '--freewheel', 0, 5) ?? preset.clock?.freewheelSec ?? 0.4 });
    clock = chase;
  }

  // sinks and streams (OSC with time tags goes through a second scheduler that runs ahead: leadSinks)
  const sinks: Sink[] = [];
  const sources: EventSource[] = [];
  const leadSinks: Sink[] = [];
  const leadSources: EventSource[] = [];
  const wantsOsc = opts.osc !== undefined && opts.osc !== false;
  const stateHz = opts.oscStateHz !== undefined ? parseStateHz(opts.oscStateHz) : (preset.osc?.stateHz ?? 10);
  const aheadMs = opts.oscTimetagAhead !== undefined ? parseTimetagAheadMs(opts.oscTimetagAhead) : preset.osc?.timetagAheadMs;
  const keysMessage = opts.oscKeys ?? preset.osc?.keysMessage ?? false;
  if (!wantsOsc) {
    const given = opts.oscKeys ? '--osc-keys' : opts.oscStateHz !== undefined ? '--osc-state-hz 10' : opts.oscTimetagAhead !== undefined ? '--osc-timetag-ahead 50' : undefined;
    if (given) throw new InputError(`${given.split(' ')[0]} is an OSC option; expected --osc [HOST:PORT] with it, e.g. --osc 127.0.0.1:7000 ${given}`);
  }
  const oscPreset = preset.osc ?? {};
  const dryRun = opts.dryRun ? new RecordingSink({ name: 'dry-run', print: io.stdout, nowSec: () => timer.nowSec() }) : undefined;
  if (dryRun) sinks.push(dryRun);
  const wantsMidi = (opts.virtual !== undefined && opts.virtual !== false) || opts.midiOut !== undefined || opts.mtcOut !== undefined || opts.midiClock !== undefined;
  const virtualOut = !opts.dryRun && ((opts.virtual !== undefined && opts.virtual !== false) || (opts.mtcOut?.startsWith('virtual:') ?? false) || (opts.midiClock?.startsWith('virtual:') ?? false));
  if (opts.bpm !== undefined && opts.midiClock === undefined) throw new InputError(`--bpm sets the MIDI Clock's tempo; expected --midi-clock PORT with it, e.g. --midi-clock virtual:audeo-clock --bpm ${opts.bpm}`);
  let midiClock: PlayResult['midiClock'];
  const waitMs = num(opts.waitMs, '--wait-ms', 0, 60000) ?? (virtualOut ? 1000 : 0);
  if (opts.dryRun && wantsMidi) info('dry run: MIDI outputs are not opened');
  if (!opts.dryRun) {
    if (opts.virtual !== undefined && opts.virtual !== false) sinks.push(new MidiPortSink({ virtual: typeof opts.virtual === 'string' ? opts.virtual : (preset.midi?.virtualPortName ?? 'audeo') }));
    if (opts.midiOut !== undefined) sinks.push(new MidiPortSink({ port: opts.midiOut }));
    if (opts.mtcOut !== undefined) {
      sinks.push(new MtcOutSink({ ...portTarget(opts.mtcOut), rate, offsetSec }));
      sources.push(new MtcSource(rate, offsetSec));
    }
    if (opts.midiClock !== undefined) {
      const { parseBpm } = await import('../io/midi-file');
      const { estimateTempo } = await import('../core/tempo');
      const { MidiClockOutSink } = await import('./sinks/midi-clock-out');
      const bpm = opts.bpm !== undefined ? parseBpm(opts.bpm) : undefined;
      const tempo = estimateTempo(notesSrc.all, { endSec: endSec + 60, ...(bpm !== undefined ? { bpm } : {}) });
      const bpms = tempo.map.map((p) => p.bpm);
      midiClock = { bpm: tempo.bpm, source: tempo.source, minBpm: Math.min(...bpms), maxBpm: Math.max(...bpms) };
      sinks.push(new MidiClockOutSink({ ...portTarget(opts.midiClock), beatsSec: tempo.beatsSec }));
      sources.push(new ClockPulseSource(tempo.beatsSec));
    }
  }
  if (wantsOsc && !opts.fast) {
    const { parseHostPort, resolveHostPort } = await import('../osc/udp');
    const { OscSink } = await import('./sinks/osc');
    const target = await resolveHostPort(parseHostPort(typeof opts.osc === 'string' ? opts.osc : (oscPreset.target ?? '127.0.0.1:9000')), '--osc');
    const roll = (opts.roll ?? oscPreset.roll ?? false) && playable.roll !== undefined;
    if ((opts.roll ?? false) && !playable.roll) io.stderr(`warning: ${playable.path} has no roll; --roll ignored`);
    const { hostToUnixFromNow } = await import('./sinks/osc');
    const { hostTimeOf, positionAt } = await import('./clock');
    const oscSink = new OscSink(target, { ...oscPreset, roll }, {
      keyRange: mapping.keyRange ?? [21, 108],
      keysMessage,
      ...(stateHz > 0
        ? {
            state: {
              hz: stateHz,
              take: path.basename(playable.path),
              timer,
              transport: () => {
                const s = clock.state();
                return { running: s.running, positionSec: positionAt(s, timer.nowSec()) };
              },
            },
          }
        : {}),
      ...(aheadMs !== undefined
        ? {
            timetag: {
              aheadSec: aheadMs / 1000,
              nowHostSec: () => timer.nowSec(),
              dueHostSec: (t: number) => {
                const s = clock.state();
                return s.running ? hostTimeOf(s, t) : undefined;
              },
              hostToUnixSec: hostToUnixFromNow(timer.nowSec()),
            },
          }
        : {}),
    });
    (aheadMs !== undefined ? leadSinks : sinks).push(oscSink);
    const oscSources = aheadMs !== undefined ? leadSources : sources;
    if ((oscPreset.time ?? true) || keysMessage) oscSources.push(new TicksSource(oscPreset.timeRateHz ?? 30));
    if (roll && playable.roll) oscSources.push(new RollSource(playable.roll));
  }
  if (sinks.length + leadSinks.length === 0) throw new InputError('nothing to play to; expected --virtual [NAME], --midi-out PORT, --osc [HOST:PORT], --mtc-out PORT or --dry-run');

  // outputs that fail to open: warnings when others play, else the one error of the run
  let opening = true;
  const openFailures: Array<{ sink: Sink; error: Error }> = [];
  const liveSinks = (): Sink[] => all.flatMap((x) => [...x.sinks]);
  const warnFailure = (s: Sink, e: Error): void => io.stderr(`warning: ${s.name} failed and was silenced: ${e.message.replace(/\.$/, '')}${liveSinks().length ? '; the others keep playing' : ''}`);
  const onSinkFailure = (s: Sink, e: Error): void => void (opening ? openFailures.push({ sink: s, error: e }) : warnFailure(s, e));
  const scheduler = new Scheduler({ timer, clock, notes: notesSrc, sources, sinks, onSinkFailure });
  // OSC with time tags: the same notes on a scheduler that sends `aheadMs` early (its sink stamps each bundle with the due time)
  const leadNotes = leadSinks.length ? new NotesSource(notesSrc.all) : undefined;
  const lead = leadNotes ? new Scheduler({ timer, clock, notes: leadNotes, sources: leadSources, sinks: leadSinks, onSinkFailure, leadSec: (aheadMs ?? 0) / 1000 }) : undefined;
  const all = lead ? [scheduler, lead] : [scheduler];
  /** Silence and transport stop on every scheduler (Scheduler.halt); the exits call this first. */
  const haltAll = (): void => {
    for (const x of all) x.halt();
  };

  // exits
  let finish!: (why: PlayResult['stoppedBy']) => void;
  let finished = false;
  const done = new Promise<PlayResult['stoppedBy']>((r) => (finish = r)).finally(() => (finished = true));
  const cleanups: Array<() => void | Promise<void>> = [];
  const onSignal = (sig: NodeJS.Signals): void => {
    haltAll(); // silence first, before anything else; then the transport stop
    io.stderr(`${sig}: all notes off`);
    process.exitCode = exitCodeFor(sig === 'SIGINT' ? 'sigint' : 'sigterm');
    finish('signal');
  };
  const onFatal = (e: unknown): void => {
    haltAll();
    io.stderr(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exitCode = exitCodeFor('bug');
    finish('error');
  };
  const onStop = (): void => {
    haltAll(); // silence the real outputs; the closed one hears nothing more
    finish('closed');
  };
  if (io.stop) {
    const sig = io.stop;
    if (sig.aborted) finish('closed');
    sig.addEventListener('abort', onStop);
    cleanups.push(() => sig.removeEventListener('abort', onStop));
  }
  if (io.signals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('uncaughtException', onFatal);
    process.on('unhandledRejection', onFatal);
    cleanups.push(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('uncaughtException', onFatal);
      process.off('unhandledRejection', onFatal);
    });
  }

  try {
    for (const x of all) await x.start();
    opening = false;
    if (liveSinks().length === 0) {
      const only = openFailures.length === 1 ? openFailures[0]!.error : undefined;
      if (only instanceof AudeoError) throw only;
      throw new SinkError(`every output failed to open: ${openFailures.map((f) => `${f.sink.name}: ${f.error.message}`).join('; ')}`);
    }
    for (const f of openFailures) warnFailure(f.sink, f.error);
    if (midiClock) info(`MIDI clock: ${midiClock.source === 'tracked' ? `tempo tracked from the notes, ${midiClock.bpm.toFixed(1)} BPM (${midiClock.minBpm.toFixed(0)}..${midiClock.maxBpm.toFixed(0)})` : `${midiClock.bpm} BPM (${midiClock.source})`}`);
    info(`playing ${playable.path}: ${notesSrc.all.length} notes to ${liveSinks().map((s) => s.name).join(', ')}; clock ${clock.name}`);

    if (chase && clockKind === 'mtc' && opts.mtcIn) {
      const follower = new MtcFollower(chase, offsetSec);
      const t = portTarget(opts.mtcIn);
      const input = await openMtcInput(follower, { port: t.virtual ?? t.port ?? '', virtual: t.virtual !== undefined, nowSec: () => timer.nowSec() });
      info(`chasing MTC on ${input.label} (offset ${offsetSec} s)`);
      cleanups.push(() => input.close());
    }
    if (controlled) {
      const { ControlServer } = await import('../osc/control');
      const port = typeof opts.oscIn === 'string' ? Number(opts.oscIn) : (oscPreset.controlPort ?? 9001);
      if (!(port > 0 && port < 65536)) throw new InputError(`--osc-in "${String(opts.oscIn)}": expected a UDP port 1..65535`);
      const ctl = new ControlServer({
        port,
        ...(oscPreset.prefix ? { prefix: oscPreset.prefix } : {}),
        onWarning: io.stderr,
        onCommand: (c, hostSec) => {
          switch (c.kind) {
            case 'play':
              return clock.play();
            case 'stop':
              return clock.stop();
            case 'locate':
              return clock.locate(c.positionSec);
            case 'rate':
              return clock.setRate(c.rate);
            case 'time':
              if (chase && clockKind === 'osc') chase.feed(c.positionSec, hostSec);
              return;
            case 'threshold':
              if (!playable.redecode) return io.stderr('osc-in: threshold ignored: the input has no roll');
              {
                const mapped = mapNotes(playable.redecode(c.threshold), mapping);
                scheduler.replaceNotes(() => notesSrc.replace(mapped));
                lead?.replaceNotes(() => leadNotes?.replace(mapped));
              }
              info(`threshold ${c.threshold}: ${notesSrc.all.length} notes`);
          }
        },
      });
      await ctl.open();
      info(`OSC control on 127.0.0.1:${ctl.port}`);
      cleanups.push(() => ctl.close());
    }

    if (internal && waitMs > 0 && !(timer instanceof FakeTimer)) {
      // a DAW sees a new virtual port only now: give it time to connect, or it misses the first note-ons
      info(`waiting ${waitMs} ms before playing, for the DAW to connect to the virtual port (--wait-ms)`);
      let h: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (h = setTimeout(r, waitMs))), done]);
      clearTimeout(h);
    }
    if (internal && !finished) {
      // the end of the take ends the run (OSC control too), unless --stay keeps it listening
      const clk = internal;
      if (!opts.stay) clk.onChange((s, r) => r === 'stop' && !s.running && clk.ended && finish('end'));
      clk.play();
    }
    const crashAfter = process.env.AUDEO_TEST_THROW_AFTER_SEC; // tests of the uncaught-error path
    if (crashAfter && io.signals) {
      const h = setTimeout(() => {
        throw new Error('AUDEO_TEST_THROW_AFTER_SEC: simulated crash');
      }, Number(crashAfter) * 1000);
      cleanups.push(() => clearTimeout(h));
    }
    const durationSec = num(opts.duration, '--duration', 0, 1e6);
    if (durationSec !== undefined && !(timer instanceof FakeTimer)) {
      const h = setTimeout(() => finish('duration'), durationSec * 1000);
      cleanups.push(() => clearTimeout(h));
    }
    if (timer instanceof FakeTimer) {
      if (durationSec !== undefined) timer.advanceTo(durationSec);
      else timer.runAll(endSec + 1);
      finish(durationSec !== undefined && clock.state().running ? 'duration' : 'end');
    }
    const stoppedBy = await done;
    haltAll();
    return {
      input: playable.path,
      kind: playable.kind,
      notes: notesSrc.all.length,
      sinks: sinks.map((s) => s.name),
      failedSinks: all.flatMap((x) => x.stats.failedSinks),
      clock: clock.name,
      timecode: { rate: rate.id, offsetSec },
      sent: all.reduce((n, x) => n + x.stats.sent, 0),
      chased: all.reduce((n, x) => n + x.stats.chased, 0),
      latenessMs: latencySummary(all.flatMap((x) => x.latenessSec)),
      stoppedBy,
      ...(midiClock ? { midiClock } : {}),
      ...(dryRun ? { events: dryRun.events.map((r) => r.event) } : {}),
    };
  } finally {
    haltAll();
    clock.close();
    for (const c of cleanups.reverse()) await c();
    for (const x of all) await x.close();
  }
}
