/**
 * MIDI Clock out (`--midi-clock PORT`): 24 Timing Clock pulses per quarter note of the tempo map (the Take's tracked
 * beats, or `--bpm`), with Song Position Pointer, Start/Continue and Stop, so a DAW that follows MIDI Clock (Ableton
 * Live, Reaper, hardware) runs its transport and bars with audeo. Pulses come from a ClockPulseSource in the
 * scheduler; this sink sends them and the transport messages (src/core/midi-clock.ts).
 */
import { CLOCK, CONTINUE, PULSES_PER_SIXTEENTH, resumePulseAt, songPositionBytes, START, STOP } from '../../core/midi-clock';
import type { SinkEvent, SinkEventKind } from '../events';
import type { MidiOutput } from '../midi-module';
import type { Sink, SinkContext } from '../sink';
import { openMidiOutput, sendBytes, type MidiPortTarget } from './midi-port';

export interface MidiClockOutOptions extends MidiPortTarget {
  /** The tempo map's beats (seconds, beat k = quarter note k), the same as the ClockPulseSource's. */
  beatsSec: readonly number[];
  /** Where bytes go instead of a port (tests); when set no port is opened. */
  write?: (bytes: number[]) => void;
}

export class MidiClockOutSink implements Sink {
  readonly accepts: ReadonlySet<SinkEventKind> = new Set<SinkEventKind>(['clock', 'transport']);
  name: string;
  private out?: MidiOutput;
  private playing = false;

  constructor(private readonly opts: MidiClockOutOptions) {
    this.name = `midi-clock ${opts.virtual ?? opts.port ?? '(callback)'}`;
  }

  async open(_ctx: SinkContext): Promise<void> {
    if (this.opts.write) return;
    const { out, label } = await openMidiOutput(this.opts);
    this.out = out;
    this.name = `midi-clock ${label}`;
  }

  private write(bytes: number[]): void {
    if (this.opts.write) this.opts.write(bytes);
    else sendBytes(this.out, this.name, bytes);
  }

  send(ev: SinkEvent): void {
    if (ev.kind === 'clock') {
      if (this.playing) this.write([CLOCK]);
      return;
    }
    if (ev.kind !== 'transport') return;
    const pulse = resumePulseAt(this.opts.beatsSec, ev.timeSec);
    const spp = songPositionBytes(pulse / PULSES_PER_SIXTEENTH);
    if (ev.state === 'stop') {
      this.playing = false;
      this.write([STOP]);
      this.write(spp); // the follower's song position where audeo stopped (the next sixteenth)
    } else if (ev.state === 'play') {
      this.playing = true;
      this.write(spp);
      this.write([pulse === 0 ? START : CONTINUE]);
    } else {
      // locate: a running follower stops, moves and continues on the next pulse; a stopped one only moves
      if (this.playing) this.write([STOP]);
      this.write(spp);
      if (this.playing) this.write([CONTINUE]);
    }
  }

  allNotesOff(): void {
    /* carries no notes */
  }

  close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    try {
      out?.closePort();
      out?.destroy();
    } catch {
      /* already gone */
    }
    return Promise.resolve();
  }
}
