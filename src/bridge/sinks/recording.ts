/** Records every event with its host time: for tests, offline export and `--dry-run` (which prints each line). */
import { midiToName as pitchName } from '../../core/keys';
import type { SinkEvent, SinkEventKind } from '../events';
import type { Sink, SinkContext } from '../sink';

export type Recorded =
  | { readonly hostSec: number; readonly event: SinkEvent }
  | { readonly hostSec: number; readonly event: { readonly kind: 'allNotesOff'; readonly channels: readonly number[] } };

export interface RecordingSinkOptions {
  /** Host time source for the timestamps (defaults to 0 for every event). */
  nowSec?: () => number;
  /** Called with a readable line per event (`--dry-run` prints these). */
  print?: (line: string) => void;
  accepts?: readonly SinkEventKind[];
  name?: string;
}

export function formatEvent(ev: Recorded['event']): string {
  switch (ev.kind) {
    case 'noteOn':
      return `${ev.timeSec.toFixed(3)}s note-on  ch${ev.channel} ${pitchName(ev.pitch)} (${ev.pitch}) vel ${ev.velocity}`;
    case 'noteOff':
      return `${ev.timeSec.toFixed(3)}s note-off ch${ev.channel} ${pitchName(ev.pitch)} (${ev.pitch})`;
    case 'allNotesOff':
      return `all-notes-off ch ${ev.channels.join(',')}`;
    case 'transport':
      return `${ev.timeSec.toFixed(3)}s ${ev.state}`;
    case 'time':
      return `${ev.timeSec.toFixed(3)}s time`;
    case 'roll':
      return `${ev.timeSec.toFixed(3)}s roll frame ${ev.frame}`;
    case 'clock':
      return `${ev.timeSec.toFixed(3)}s clock pulse ${ev.pulse}`;
    case 'mtc':
      return `${ev.timeSec.toFixed(3)}s mtc ${ev.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  }
}

export class RecordingSink implements Sink {
  readonly name: string;
  readonly accepts: ReadonlySet<SinkEventKind>;
  readonly events: Recorded[] = [];
  private readonly nowSec: () => number;
  private readonly print?: (line: string) => void;
  closed = false;

  constructor(opts: RecordingSinkOptions = {}) {
    this.name = opts.name ?? 'recording';
    this.accepts = new Set<SinkEventKind>(opts.accepts ?? ['noteOn', 'noteOff', 'transport']);
    this.nowSec = opts.nowSec ?? (() => 0);
    if (opts.print) this.print = opts.print;
  }

  open(_ctx: SinkContext): Promise<void> {
    return Promise.resolve();
  }

  send(ev: SinkEvent): void {
    this.push(ev);
  }

  allNotesOff(channels: readonly number[]): void {
    this.push({ kind: 'allNotesOff', channels: [...channels] });
  }

  private push(event: Recorded['event']): void {
    this.events.push({ hostSec: this.nowSec(), event } as Recorded);
    this.print?.(formatEvent(event));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
