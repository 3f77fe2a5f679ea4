/**
 * An output of the bridge. One file per sink (src/bridge/sinks/*); a new output is one new file.
 *
 * Contract: `send` and `allNotesOff` are synchronous and throw (a SinkError) when the output has failed; failures
 * found later (a socket error) are reported through `ctx.onFailure`. `close` flushes what was sent.
 * The scheduler reports a failed sink, tries to silence it, drops it, and keeps the others playing.
 */
import type { SinkEvent, SinkEventKind } from './events';

export interface SinkContext {
  /** Asynchronous failure (port vanished, socket error). */
  onFailure(error: Error): void;
}

export interface Sink {
  readonly name: string;
  /** The event kinds this sink wants; the scheduler sends it nothing else. */
  readonly accepts: ReadonlySet<SinkEventKind>;
  open(ctx: SinkContext): Promise<void>;
  send(ev: SinkEvent): void;
  /** All Notes Off (CC 123) on these channels (1..16); the scheduler has already sent note-offs for held notes. */
  allNotesOff(channels: readonly number[]): void;
  close(): Promise<void>;
}

export const NOTE_KINDS: ReadonlySet<SinkEventKind> = new Set<SinkEventKind>(['noteOn', 'noteOff', 'transport']);
