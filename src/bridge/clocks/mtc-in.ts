/**
 * MTC chase (`--clock mtc --mtc-in PORT`): MIDI bytes -> MtcDecoder -> ChaseClock. MtcFollower is pure (testable
 * with a fake timer); openMtcInput wires it to an RtMidi input port.
 */
import { MtcDecoder } from '../../core/mtc';
import { SinkError } from '../../core/errors';
import { createPort, findPort, loadMidi, portNames, type MidiInput, type MidiModule } from '../midi-module';
import type { ChaseClock } from './chase';

export class MtcFollower {
  readonly decoder = new MtcDecoder();
  /** Rate of the last decoded timecode. */
  rateId?: string;

  /** `offsetSec`: timecode seconds at video time 0 (subtracted from the master's timecode). */
  constructor(
    private readonly chase: ChaseClock,
    private readonly offsetSec: number,
  ) {}

  onBytes(bytes: ArrayLike<number>, hostSec: number): void {
    for (const ev of this.decoder.push(bytes, hostSec)) {
      this.rateId = ev.rate.id;
      const media = ev.positionSec - this.offsetSec;
      if (ev.kind === 'quarter') this.chase.feed(media, ev.hostSec);
      else this.chase.cue(media);
    }
  }
}

export interface MtcInputOptions {
  /** Existing input port (index or name) or, with `virtual`, the name of a virtual input to create. */
  port: string;
  virtual?: boolean;
  loadMidi?: () => Promise<MidiModule>;
  nowSec: () => number;
}

export async function openMtcInput(follower: MtcFollower, opts: MtcInputOptions): Promise<{ close(): void; label: string }> {
  const midi = await (opts.loadMidi ?? loadMidi)();
  const input: MidiInput = createPort(() => new midi.Input());
  input.ignoreTypes(false, false, true); // keep SysEx (full frames) and timing (quarter frames)
  input.on('message', (_delta: number, msg: number[]) => follower.onBytes(msg, opts.nowSec()));
  let label: string;
  try {
    if (opts.virtual) {
      input.openVirtualPort(opts.port);
      label = `virtual input "${opts.port}"`;
    } else {
      const names = portNames(input);
      const i = findPort(names, opts.port);
      input.openPort(i);
      label = `input ${i} "${names[i]}"`;
    }
  } catch (e) {
    input.destroy();
    if (e instanceof SinkError) throw e;
    throw new SinkError(`cannot open MTC input ${opts.port}: ${(e as Error).message}`);
  }
  return {
    label,
    close: () => {
      try {
        input.closePort();
        input.destroy();
      } catch {
        /* gone */
      }
    },
  };
}
