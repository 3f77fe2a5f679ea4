/**
 * OSC out over UDP (`--osc HOST:PORT`), with the address schema of src/osc/schema.ts (docs/osc.md).
 *
 * Beside the per-event messages: `/keys` (the whole keyboard in one message at every playhead tick, `--osc-keys`),
 * `/state` (playing, position, take, held notes; at a set rate and on every change, `--osc-state-hz`) and time-tagged
 * bundles (`--osc-timetag-ahead`: the scheduler hands this sink its events early and each leaves in a bundle stamped
 * with the wall-clock time it is due, so the receiver can play it without the network's and the scheduler's jitter).
 */
import type { SinkEvent, SinkEventKind } from '../events';
import type { Sink, SinkContext } from '../sink';
import type { HostTimer, TimerHandle } from '../timer';
import { encodeBundle, encodeOsc, unixSecToNtp } from '../../osc/codec';
import { allKeysToOsc, allNotesOffToOsc, eventToOsc, keysToOsc, stateToOsc, type OscMessage, type OscOutOptions } from '../../osc/schema';
import { UdpSender, type HostPort } from '../../osc/udp';

export interface OscStateOptions {
  /** `/state` messages a second (> 0), besides one on every change. */
  readonly hz: number;
  /** The take's name as `/state` reports it. */
  readonly take: string;
  /** The transport now (the clock the run follows). */
  readonly transport: () => { readonly running: boolean; readonly positionSec: number };
  /** Wakes the periodic `/state` (the run's host timer: real or fake). */
  readonly timer: HostTimer;
}

export interface OscTimetagOptions {
  /** How far ahead of its time the scheduler sends (the Scheduler's `leadSec`), seconds. */
  readonly aheadSec: number;
  /** Host time at which media time `timeSec` is due; undefined when the transport is stopped. */
  readonly dueHostSec: (timeSec: number) => number | undefined;
  /** Host seconds now. */
  readonly nowHostSec: () => number;
  /** Host seconds -> Unix seconds (the wall clock the receiver's time tags are read on). */
  readonly hostToUnixSec: (hostSec: number) => number;
}

export interface OscSinkOptions {
  /** The keys announced at 0 on open (`/key/<midi>`) and carried by `/keys`: the mapping's key range, default 21..108. */
  readonly keyRange?: readonly number[];
  /** `/keys` with one float per key at every playhead tick (`--osc-keys`). Default false. */
  readonly keysMessage?: boolean;
  /** `/state` feedback (`--osc-state-hz`); none without. */
  readonly state?: OscStateOptions;
  /** Time-tagged bundles (`--osc-timetag-ahead`); plain messages without. */
  readonly timetag?: OscTimetagOptions;
}

/** Host -> Unix seconds, from one reading of both clocks (the wall clock is read once: a later NTP step is not followed). */
export function hostToUnixFromNow(nowHostSec: number): (hostSec: number) => number {
  const offset = (performance.timeOrigin + performance.now()) / 1000 - nowHostSec;
  return (hostSec) => hostSec + offset;
}

export class OscSink implements Sink {
  readonly name: string;
  readonly accepts: ReadonlySet<SinkEventKind>;
  private sender?: UdpSender;
  private readonly lit = new Set<number>();
  private readonly lo: number;
  private readonly keyValues: Float32Array;
  private stateTick?: TimerHandle;
  private statePending = false;
  private lastStateKey = '';
  /** After the run's final stop: no more /state. */
  private stateEnded = false;
  /** The transport as this sink last heard it (play/locate: playing; stop, which every run ends with: stopped there). */
  private heard?: { playing: boolean; positionSec: number };
  /** The latest time tag sent (Unix seconds): nothing is stamped earlier, so a silence never overtakes a note. */
  private lastTagUnixSec = -Infinity;

  constructor(
    private readonly target: HostPort,
    private readonly schema: OscOutOptions = {},
    private readonly opts: OscSinkOptions = {},
  ) {
    this.name = `osc ${target.host}:${target.port}`;
    const kinds: SinkEventKind[] = ['noteOn', 'noteOff', 'transport'];
    if ((schema.time ?? true) || opts.keysMessage) kinds.push('time');
    if (schema.roll ?? false) kinds.push('roll');
    this.accepts = new Set(kinds);
    const range = opts.keyRange ?? [21, 108];
    this.lo = Math.max(0, range[0] ?? 21);
    const hi = Math.min(127, range[1] ?? 108);
    this.keyValues = new Float32Array(Math.max(0, hi - this.lo + 1));
  }

  async open(ctx: SinkContext): Promise<void> {
    this.sender = new UdpSender(this.target, (e) => ctx.onFailure(e));
    await this.sender.open();
    this.write(allKeysToOsc([this.lo, this.lo + this.keyValues.length - 1], this.schema));
    if (this.opts.keysMessage) this.write([keysToOsc(this.keyValues, this.schema)]);
    if (this.opts.state) {
      this.sendState();
      this.armStateTick();
    }
  }

  private write(msgs: readonly OscMessage[], tagUnixSec?: number): void {
    if (!this.sender) throw new Error(`${this.name} is not open`);
    if (msgs.length === 0) return;
    if (tagUnixSec === undefined) {
      for (const m of msgs) this.sender.send(encodeOsc(m));
      return;
    }
    this.lastTagUnixSec = Math.max(this.lastTagUnixSec, tagUnixSec);
    this.sender.send(encodeBundle(msgs, unixSecToNtp(this.lastTagUnixSec)));
  }

  /** The time tag for an event of media time `timeSec` (undefined: send plainly): when it is due, else after the window sent. */
  private tagFor(timeSec: number | undefined): number | undefined {
    const t = this.opts.timetag;
    if (!t) return undefined;
    const due = timeSec === undefined ? undefined : t.dueHostSec(timeSec);
    return t.hostToUnixSec(due ?? t.nowHostSec() + t.aheadSec);
  }

  private setKey(pitch: number, value: number): void {
    const k = pitch - this.lo;
    if (k >= 0 && k < this.keyValues.length) this.keyValues[k] = value;
  }

  send(ev: SinkEvent): void {
    if (ev.kind === 'transport') {
      // /state before the transport message: a run's last message stays its /transport stop
      this.heard = { playing: ev.state !== 'stop', positionSec: ev.timeSec };
      this.sendState(true);
      if (ev.final) this.stopStateTick();
    }
    const msgs = eventToOsc(ev, this.schema);
    if (ev.kind === 'noteOn') {
      this.lit.add(ev.pitch);
      this.setKey(ev.pitch, (this.schema.keyValue ?? 'velocity') === 'gate' ? 1 : ev.velocity / 127);
    } else if (ev.kind === 'noteOff') {
      this.lit.delete(ev.pitch);
      this.setKey(ev.pitch, 0);
    } else if (ev.kind === 'time' && this.opts.keysMessage) {
      msgs.push(keysToOsc(this.keyValues, this.schema));
    }
    this.write(msgs, this.tagFor(ev.timeSec));
    if (ev.kind === 'noteOn' || ev.kind === 'noteOff') this.stateChanged();
  }

  allNotesOff(channels: readonly number[]): void {
    const lit = [...this.lit];
    this.lit.clear();
    this.keyValues.fill(0);
    const msgs = allNotesOffToOsc(channels, lit, this.schema);
    if (this.opts.keysMessage) msgs.push(keysToOsc(this.keyValues, this.schema));
    this.write(msgs, this.tagFor(undefined));
    this.stateChanged();
  }

  /** A change (transport, held notes): one `/state` after the events of this instant (a chord is one message). */
  private stateChanged(): void {
    if (!this.opts.state || this.statePending) return;
    this.statePending = true;
    queueMicrotask(() => {
      if (!this.statePending) return;
      this.statePending = false;
      this.sendState(true);
    });
  }

  /** Sends `/state`; with `onlyIfChanged`, only when playing, take or held notes differ from the last one sent. */
  private sendState(onlyIfChanged = false): void {
    const st = this.opts.state;
    if (!st || !this.sender || this.stateEnded) return;
    const clock = st.transport();
    const tr = this.heard && !this.heard.playing ? { running: false, positionSec: this.heard.positionSec } : clock;
    const heldPitches = [...this.lit].sort((a, b) => a - b);
    const key = `${tr.running}|${st.take}|${heldPitches.join(',')}`;
    if (onlyIfChanged && key === this.lastStateKey) return;
    this.lastStateKey = key;
    try {
      this.write([stateToOsc({ playing: tr.running, positionSec: tr.positionSec, take: st.take, heldPitches }, this.schema)]);
    } catch {
      /* a failed socket is reported through onFailure */
    }
  }

  private armStateTick(): void {
    const st = this.opts.state;
    if (!st) return;
    const period = 1 / st.hz;
    const at = st.timer.nowSec() + period;
    this.stateTick = st.timer.at(at, () => {
      if (!this.sender || this.stateEnded) return;
      this.sendState();
      this.armStateTick();
    });
  }

  private stopStateTick(): void {
    this.opts.state?.timer.cancel(this.stateTick);
    this.stateTick = undefined;
    this.stateEnded = true;
  }

  async close(): Promise<void> {
    this.stopStateTick();
    this.statePending = false;
    const s = this.sender;
    this.sender = undefined;
    await s?.close();
  }
}
