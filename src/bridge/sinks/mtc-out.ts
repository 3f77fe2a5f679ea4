/**
 * MTC out (`--mtc-out PORT`): the bridge as timecode master. Quarter frames come from an MtcSource in the scheduler;
 * this sink sends them, and a full-frame message on every locate and stop so followers jump at once.
 */
import { fullFrameMessage } from '../../core/mtc';
import { secondsToTimecode, type TimecodeRate } from '../../core/timecode';
import type { SinkEvent, SinkEventKind } from '../events';
import type { MidiOutput } from '../midi-module';
import type { Sink, SinkContext } from '../sink';
import { openMidiOutput, sendBytes, type MidiPortTarget } from './midi-port';

export interface MtcOutOptions extends MidiPortTarget {
  rate: TimecodeRate;
  /** Timecode seconds at video time 0. */
  offsetSec: number;
  /** Where bytes go instead of a port (tests); when set no port is opened. */
  write?: (bytes: number[]) => void;
}

export class MtcOutSink implements Sink {
  readonly accepts: ReadonlySet<SinkEventKind> = new Set<SinkEventKind>(['mtc', 'transport']);
  name: string;
  private out?: MidiOutput;

  constructor(private readonly opts: MtcOutOptions) {
    this.name = `mtc-out ${opts.virtual ?? opts.port ?? '(callback)'}`;
  }

  async open(_ctx: SinkContext): Promise<void> {
    if (this.opts.write) return;
    const { out, label } = await openMidiOutput(this.opts);
    this.out = out;
    this.name = `mtc-out ${label}`;
  }

  private write(bytes: number[]): void {
    if (this.opts.write) this.opts.write(bytes);
    else sendBytes(this.out, this.name, bytes);
  }

  send(ev: SinkEvent): void {
    if (ev.kind === 'mtc') this.write([...ev.bytes]);
    else if (ev.kind === 'transport' && ev.state !== 'play') {
      const tcSec = Math.max(0, ev.timeSec + this.opts.offsetSec);
      this.write(fullFrameMessage(secondsToTimecode(tcSec, this.opts.rate), this.opts.rate));
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
