/** MIDI out: a virtual port (`--virtual NAME`) or an existing output port by name or index (`--midi-out PORT`). */
import { SinkError } from '../../core/errors';
import type { SinkEvent, SinkEventKind } from '../events';
import { allNotesOffBytes, noteOffBytes, noteOnBytes } from '../midi-bytes';
import { createPort, findPort, loadMidi, portNames, type MidiModule, type MidiOutput } from '../midi-module';
import type { Sink, SinkContext } from '../sink';

export interface MidiPortTarget {
  /** Create a virtual output port with this name (macOS/Linux; on Windows use loopMIDI and `port`). */
  virtual?: string;
  /** An existing output port: index or name (substring). */
  port?: string;
  loadMidi?: () => Promise<MidiModule>;
}

/** Opens an RtMidi output for a target. */
export async function openMidiOutput(target: MidiPortTarget): Promise<{ out: MidiOutput; label: string }> {
  if (target.virtual !== undefined && process.platform === 'win32') {
    throw new SinkError(`Windows MIDI has no virtual ports (asked for "${target.virtual}"); create one with loopMIDI and pass --midi-out ${target.virtual}`);
  }
  const midi = await (target.loadMidi ?? loadMidi)();
  const out = createPort(() => new midi.Output());
  try {
    if (target.virtual !== undefined) {
      out.openVirtualPort(target.virtual);
      return { out, label: `virtual "${target.virtual}"` };
    }
    if (target.port !== undefined) {
      const names = portNames(out);
      const i = findPort(names, target.port);
      out.openPort(i);
      return { out, label: `port ${i} "${names[i]}"` };
    }
  } catch (e) {
    out.destroy();
    if (e instanceof SinkError) throw e;
    throw new SinkError(`cannot open MIDI output ${target.virtual ?? target.port}: ${(e as Error).message}`);
  }
  out.destroy();
  throw new SinkError('a MIDI sink needs a virtual port name or an output port');
}

export function sendBytes(out: MidiOutput | undefined, name: string, bytes: number[]): void {
  // (isPortOpen() is false for virtual ports in RtMidi, so we keep our own open state: `out` is unset on close)
  if (!out) throw new SinkError(`MIDI ${name} is closed`);
  try {
    out.sendMessage(bytes);
  } catch (e) {
    throw new SinkError(`MIDI ${name} failed: ${(e as Error).message}`);
  }
}

export class MidiPortSink implements Sink {
  readonly accepts: ReadonlySet<SinkEventKind> = new Set<SinkEventKind>(['noteOn', 'noteOff']);
  name: string;
  private out?: MidiOutput;

  constructor(private readonly target: MidiPortTarget) {
    this.name = `midi ${target.virtual !== undefined ? `virtual "${target.virtual}"` : `port "${target.port}"`}`;
  }

  async open(_ctx: SinkContext): Promise<void> {
    const { out, label } = await openMidiOutput(this.target);
    this.out = out;
    this.name = `midi ${label}`;
  }

  send(ev: SinkEvent): void {
    if (ev.kind === 'noteOn') sendBytes(this.out, this.name, noteOnBytes(ev.channel, ev.pitch, ev.velocity));
    else if (ev.kind === 'noteOff') sendBytes(this.out, this.name, noteOffBytes(ev.channel, ev.pitch));
  }

  allNotesOff(channels: readonly number[]): void {
    for (const ch of channels) sendBytes(this.out, this.name, allNotesOffBytes(ch));
  }

  close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (out) {
      try {
        out.closePort();
        out.destroy();
      } catch {
        /* already gone */
      }
    }
    return Promise.resolve();
  }
}
