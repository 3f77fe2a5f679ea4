/**
 * The look-ahead scheduler: one engine for real-time play (RealTimer) and offline export / tests (FakeTimer).
 *
 * It merges its sources by media time, converts media time to host time through the injected clock, and wakes at
 * each event's host time (the timer does the precise wait). On locate it silences held notes and re-strikes the
 * notes held at the new position (note chasing); on stop, panic and sink failure it sends note-offs for held notes
 * and All Notes Off on every channel it uses. A failed sink is reported and dropped; the others keep playing.
 */
import { SinkError } from '../core/errors';
import { hostTimeOf, positionAt, type Clock, type TransportReason, type TransportState } from './clock';
import { noteKey, type NoteOffEvent, type SinkEvent } from './events';
import type { Sink } from './sink';
import type { EventSource, NotesSource } from './sources';
import type { HostTimer, TimerHandle } from './timer';

export interface SchedulerOptions {
  timer: HostTimer;
  clock: Clock;
  notes: NotesSource;
  /** Other streams: playhead ticks, roll frames, MTC quarter frames. */
  sources?: EventSource[];
  sinks: Sink[];
  /** Called when a sink fails (after it was silenced and dropped). */
  onSinkFailure?: (sink: Sink, error: Error) => void;
  /** Events due within this of now are sent together (default 0.0002 s). */
  epsilonSec?: number;
  /** Keep at most this many lateness samples (default 100000). */
  maxLatenessSamples?: number;
  /**
   * Send each event this long before it is due (default 0): for sinks that stamp events with their due time (OSC
   * time-tagged bundles, `--osc-timetag-ahead`). Play and locate still start at the clock's position (nothing in
   * the window is skipped: it goes out at once); chasing and silence happen at the clock's position.
   */
  leadSec?: number;
}

interface Held {
  readonly channel: number;
  readonly pitch: number;
}

export class Scheduler {
  private readonly timer: HostTimer;
  private readonly clock: Clock;
  private readonly notes: NotesSource;
  private readonly sources: EventSource[];
  private live: Sink[];
  private readonly onSinkFailure?: (sink: Sink, error: Error) => void;
  private readonly epsilonSec: number;
  private readonly maxLateness: number;
  private readonly leadSec: number;
  private readonly held = new Map<number, Held>();
  private wake?: TimerHandle;
  private unsubscribe?: () => void;
  private started = false;
  /** After halt(): the clock is no longer followed. */
  private halted = false;
  /** The last transport state sent to the sinks. */
  private lastTransport?: 'play' | 'stop' | 'locate';
  /** True after a panic until the next note-on. */
  private silent = false;
  /** Host seconds late for every event sent by a timed wake-up (actual - scheduled). */
  readonly latenessSec: number[] = [];
  readonly stats = { sent: 0, panics: 0, chased: 0, failedSinks: [] as string[] };

  constructor(opts: SchedulerOptions) {
    this.timer = opts.timer;
    this.clock = opts.clock;
    this.notes = opts.notes;
    this.sources = [opts.notes, ...(opts.sources ?? [])];
    this.live = [...opts.sinks];
    if (opts.onSinkFailure) this.onSinkFailure = opts.onSinkFailure;
    this.epsilonSec = opts.epsilonSec ?? 0.0002;
    this.maxLateness = opts.maxLatenessSamples ?? 100000;
    this.leadSec = opts.leadSec ?? 0;
    if (!(this.leadSec >= 0 && this.leadSec <= 10)) throw new RangeError(`lead ${this.leadSec} s is out of range; expected 0..10 s`);
  }

  get sinks(): readonly Sink[] {
    return this.live;
  }

  /** Channels to silence: every channel the notes use, plus any still held. */
  get channels(): number[] {
    const set = new Set(this.notes.channels);
    for (const h of this.held.values()) set.add(h.channel);
    return [...set].sort((a, b) => a - b);
  }

  get heldNotes(): ReadonlyArray<Held> {
    return [...this.held.values()];
  }

  /** Opens every sink (a sink that fails to open is reported and dropped), then follows the clock. */
  async start(): Promise<void> {
    const opened: Sink[] = [];
    for (const sink of this.live) {
      try {
        await sink.open({ onFailure: (e) => this.fail(sink, e) });
        opened.push(sink);
      } catch (e) {
        this.report(sink, e);
      }
    }
    this.live = opened;
    this.started = true;
    this.unsubscribe = this.clock.onChange((s, r) => this.onTransport(s, r));
    const s = this.clock.state();
    if (s.running) this.onTransport(s, 'play');
  }

  /** Sends note-offs for held notes and All Notes Off on every used channel, synchronously, to every live sink. */
  panic(): void {
    this.timer.cancel(this.wake);
    this.wake = undefined;
    if (this.silent && this.held.size === 0) return; // nothing sounded since the last panic
    this.silent = true;
    this.stats.panics++;
    const channels = this.channels;
    const held = [...this.held.values()];
    this.held.clear();
    const pos = positionAt(this.clock.state(), this.timer.nowSec());
    for (const sink of [...this.live]) this.silence(sink, held, channels, pos);
  }

  /**
   * The end of the run, on every exit path (end, --duration, SIGINT/SIGTERM, error, closed stdout): silence first
   * (note-offs, All Notes Off), then a transport stop to the sinks (OSC /audeo/transport stop, an MTC full frame)
   * unless one was the last transport sent; from then on the clock is no longer followed. Idempotent.
   */
  halt(): void {
    this.panic();
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.halted) return;
    this.halted = true;
    if (this.started && this.lastTransport !== undefined && this.lastTransport !== 'stop') {
      this.dispatch({ kind: 'transport', timeSec: positionAt(this.clock.state(), this.timer.nowSec()), state: 'stop', final: true });
    }
  }

  /** Swaps the notes (threshold change): silence, swap, re-chase at the current position. */
  replaceNotes(apply: () => void): void {
    this.panic();
    apply();
    const s = this.clock.state();
    if (s.running) this.onTransport(s, 'locate');
  }

  /** Halts (silence, transport stop) and closes every sink. */
  async close(): Promise<void> {
    this.halt();
    const sinks = this.live;
    this.live = [];
    await Promise.all(
      sinks.map(async (s) => {
        try {
          await s.close();
        } catch (e) {
          this.report(s, e);
        }
      }),
    );
  }

  private onTransport(s: TransportState, reason: TransportReason): void {
    if (!this.started || this.halted) return;
    const now = this.timer.nowSec();
    const pos = positionAt(s, now);
    switch (reason) {
      case 'stop':
        this.panic();
        this.dispatch({ kind: 'transport', timeSec: pos, state: 'stop' });
        return;
      case 'play':
      case 'locate':
        if (reason === 'locate' || this.held.size > 0) this.panic();
        for (const src of this.sources) src.seek(pos);
        this.dispatch({ kind: 'transport', timeSec: pos, state: reason });
        if (s.running) this.chase(pos);
        this.pump();
        return;
      case 'rate':
      case 'sync':
        this.pump();
        return;
    }
  }

  /** Re-strikes the notes held at `pos`. */
  private chase(pos: number): void {
    for (const n of this.notes.heldAt(pos)) {
      this.stats.chased++;
      this.dispatch({ kind: 'noteOn', timeSec: pos, pitch: n.pitch, velocity: n.velocity, channel: n.channel });
    }
  }

  private nextSource(): EventSource | undefined {
    let best: EventSource | undefined;
    let bestT = Infinity;
    for (const src of this.sources) {
      const t = src.peekSec();
      if (t < bestT) {
        bestT = t;
        best = src;
      }
    }
    return best;
  }

  /** Sends everything due, then sleeps until the next event. */
  private pump(): void {
    this.timer.cancel(this.wake);
    this.wake = undefined;
    const s = this.clock.state();
    if (!s.running || !this.started || this.halted) return;
    const now = this.timer.nowSec();
    const pos = positionAt(s, now + this.leadSec);
    for (;;) {
      if (this.halted) return; // a sink's send may have ended the run (the CLI's closed stdout)
      const src = this.nextSource();
      if (!src) return;
      const t = src.peekSec();
      if (t > pos + this.epsilonSec) {
        this.wake = this.timer.at(hostTimeOf(s, t) - this.leadSec, () => this.pump());
        return;
      }
      const ev = src.take();
      if (this.latenessSec.length < this.maxLateness) this.latenessSec.push(now - (hostTimeOf(s, ev.timeSec) - this.leadSec));
      this.dispatch(ev);
    }
  }

  private dispatch(ev: SinkEvent): void {
    if (ev.kind === 'noteOn') {
      const k = noteKey(ev.channel, ev.pitch);
      if (this.held.has(k)) this.dispatch({ kind: 'noteOff', timeSec: ev.timeSec, pitch: ev.pitch, channel: ev.channel });
      this.held.set(k, { channel: ev.channel, pitch: ev.pitch });
      this.silent = false;
    } else if (ev.kind === 'noteOff') {
      const k = noteKey(ev.channel, ev.pitch);
      if (!this.held.has(k)) return; // already released by a panic or a chase
      this.held.delete(k);
    } else if (ev.kind === 'transport') {
      this.lastTransport = ev.state;
    }
    this.stats.sent++;
    for (const sink of [...this.live]) {
      if (!sink.accepts.has(ev.kind)) continue;
      try {
        sink.send(ev);
      } catch (e) {
        this.fail(sink, e);
      }
    }
  }

  private silence(sink: Sink, held: readonly Held[], channels: readonly number[], pos: number): void {
    try {
      if (sink.accepts.has('noteOff')) {
        for (const h of held) sink.send({ kind: 'noteOff', timeSec: pos, pitch: h.pitch, channel: h.channel } satisfies NoteOffEvent);
      }
      sink.allNotesOff(channels);
    } catch (e) {
      if (this.live.includes(sink)) this.fail(sink, e);
    }
  }

  /** A sink failed: silence it as far as it still listens, drop it, report it; the others keep playing. */
  private fail(sink: Sink, e: unknown): void {
    if (!this.live.includes(sink)) return;
    this.live = this.live.filter((s) => s !== sink);
    const pos = positionAt(this.clock.state(), this.timer.nowSec());
    for (const h of this.held.values()) {
      try {
        sink.send({ kind: 'noteOff', timeSec: pos, pitch: h.pitch, channel: h.channel });
      } catch {
        /* it may be gone */
      }
    }
    try {
      sink.allNotesOff(this.channels);
    } catch {
      /* it is gone */
    }
    this.stats.failedSinks.push(sink.name);
    this.report(sink, e);
    void sink.close().catch(() => undefined);
  }

  private report(sink: Sink, e: unknown): void {
    const err = e instanceof Error ? e : new SinkError(String(e));
    if (this.onSinkFailure) this.onSinkFailure(sink, err);
  }
}
