/**
 * Event sources for the scheduler: each is a cursor over events sorted by media time.
 * Notes (with note chasing), the playhead ticks, raw roll frames and MTC quarter frames.
 */
import { pulseTimeSec, resumePulseAt } from '../core/midi-clock';
import { quarterFrameAt } from '../core/mtc';
import type { TimecodeRate } from '../core/timecode';
import type { Roll } from '../core/types';
import { noteKey, type MappedNote, type NoteOffEvent, type NoteOnEvent, type SinkEvent } from './events';

export interface EventSource {
  readonly name: string;
  /** Makes the next event the first one with timeSec >= positionSec. */
  seek(positionSec: number): void;
  /** Time of the next event; Infinity when there is none. */
  peekSec(): number;
  /** Returns the next event and advances. Only call when peekSec() is finite. */
  take(): SinkEvent;
}

/** First index with key(i) >= x in a sorted array. */
function lowerBound(n: number, key: (i: number) => number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Same key overlapping itself (a re-press before the release) is resolved by ending the earlier note at the later
 * onset, so every note-on has exactly one note-off and a key is never left on.
 */
export function resolveOverlaps(notes: readonly MappedNote[]): MappedNote[] {
  const sorted = [...notes].filter((n) => n.offsetSec > n.onsetSec).sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
  const open = new Map<number, number>();
  const out: MappedNote[] = [];
  for (const n of sorted) {
    const k = noteKey(n.channel, n.pitch);
    const i = open.get(k);
    const prev = i === undefined ? undefined : out[i];
    if (prev && prev.offsetSec > n.onsetSec) {
      if (prev.onsetSec === n.onsetSec) {
        // the same key struck twice at once: keep one, the longer
        out[i!] = { ...prev, offsetSec: Math.max(prev.offsetSec, n.offsetSec), velocity: Math.max(prev.velocity, n.velocity) };
        continue;
      }
      out[i!] = { ...prev, offsetSec: n.onsetSec };
    }
    open.set(k, out.length);
    out.push(n);
  }
  return out;
}

export class NotesSource implements EventSource {
  readonly name = 'notes';
  private events: Array<NoteOnEvent | NoteOffEvent> = [];
  private notes: MappedNote[] = [];
  private cursor = 0;
  /** Channels (1..16) of every note this source can play. */
  channels: number[] = [];

  constructor(notes: readonly MappedNote[]) {
    this.replace(notes);
  }

  /** Swaps the notes (e.g. after a threshold change); call seek afterwards. */
  replace(notes: readonly MappedNote[]): void {
    this.notes = resolveOverlaps(notes);
    const evs: Array<NoteOnEvent | NoteOffEvent> = [];
    for (const n of this.notes) {
      evs.push({ kind: 'noteOn', timeSec: n.onsetSec, pitch: n.pitch, velocity: n.velocity, channel: n.channel });
      evs.push({ kind: 'noteOff', timeSec: n.offsetSec, pitch: n.pitch, channel: n.channel });
    }
    // at equal times, releases go first so a re-press at the same instant sounds
    evs.sort((a, b) => a.timeSec - b.timeSec || (a.kind === b.kind ? a.pitch - b.pitch : a.kind === 'noteOff' ? -1 : 1));
    this.events = evs;
    this.channels = [...new Set(this.notes.map((n) => n.channel))].sort((a, b) => a - b);
    this.cursor = 0;
  }

  get all(): readonly MappedNote[] {
    return this.notes;
  }

  get endSec(): number {
    return this.events.length > 0 ? this.events[this.events.length - 1]!.timeSec : 0;
  }

  seek(positionSec: number): void {
    this.cursor = lowerBound(this.events.length, (i) => this.events[i]!.timeSec, positionSec);
  }

  peekSec(): number {
    return this.events[this.cursor]?.timeSec ?? Infinity;
  }

  take(): SinkEvent {
    const ev = this.events[this.cursor++];
    if (!ev) throw new RangeError('NotesSource.take() past the end');
    return ev;
  }

  /** Notes sounding at `positionSec` that started before it (note chasing re-strikes these). */
  heldAt(positionSec: number): MappedNote[] {
    return this.notes.filter((n) => n.onsetSec < positionSec && n.offsetSec > positionSec);
  }
}

/** The playhead at `rateHz` (OSC /audeo/time). */
export class TicksSource implements EventSource {
  readonly name = 'time';
  private k = 0;
  constructor(private readonly rateHz: number) {
    if (!(rateHz > 0 && rateHz <= 1000)) throw new RangeError(`time rate ${rateHz} Hz is out of range; expected 0 < rate <= 1000`);
  }
  seek(positionSec: number): void {
    this.k = Math.ceil(positionSec * this.rateHz - 1e-9) || 0;
  }
  peekSec(): number {
    return this.k / this.rateHz;
  }
  take(): SinkEvent {
    return { kind: 'time', timeSec: this.k++ / this.rateHz };
  }
}

/** Raw probability frames of a roll (OSC /audeo/roll). */
export class RollSource implements EventSource {
  readonly name = 'roll';
  private t = 0;
  constructor(private readonly roll: Roll) {}
  private timeOf(t: number): number {
    return this.roll.startSec + t / this.roll.fps;
  }
  seek(positionSec: number): void {
    this.t = Math.max(0, Math.ceil((positionSec - this.roll.startSec) * this.roll.fps - 1e-9));
  }
  peekSec(): number {
    return this.t < this.roll.frames ? this.timeOf(this.t) : Infinity;
  }
  take(): SinkEvent {
    const t = this.t++;
    const k = this.roll.keys;
    return { kind: 'roll', timeSec: this.timeOf(t), frame: t, lowestMidi: this.roll.lowestMidi, values: this.roll.data.subarray(t * k, (t + 1) * k) };
  }
}

/** MIDI Timing Clock pulses on a beat list (`--midi-clock`): from the next sixteenth after each seek (src/core/midi-clock.ts). */
export class ClockPulseSource implements EventSource {
  readonly name = 'clock';
  private k = 0;
  constructor(private readonly beatsSec: readonly number[]) {}
  seek(positionSec: number): void {
    this.k = resumePulseAt(this.beatsSec, positionSec);
  }
  peekSec(): number {
    return pulseTimeSec(this.beatsSec, this.k);
  }
  take(): SinkEvent {
    const timeSec = this.peekSec();
    return { kind: 'clock', timeSec, pulse: this.k++ };
  }
}

/**
 * MTC quarter frames for the bridge as timecode master. `offsetSec` is the timecode (in seconds) at video time 0.
 */
export class MtcSource implements EventSource {
  readonly name = 'mtc';
  private q = 0;
  constructor(
    private readonly rate: TimecodeRate,
    private readonly offsetSec: number,
  ) {}
  seek(positionSec: number): void {
    this.q = Math.max(0, Math.ceil((positionSec + this.offsetSec) * 4 * this.rate.fps - 1e-6));
  }
  peekSec(): number {
    return this.q / (4 * this.rate.fps) - this.offsetSec;
  }
  take(): SinkEvent {
    const { bytes } = quarterFrameAt(this.q, this.rate);
    const timeSec = this.peekSec();
    this.q++;
    return { kind: 'mtc', timeSec, bytes };
  }
}
