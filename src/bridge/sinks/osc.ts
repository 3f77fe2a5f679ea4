/** OSC out over UDP (`--osc HOST:PORT`), with the address schema of src/osc/schema.ts (docs/osc.md). */
import type { SinkEvent, SinkEventKind } from '../events';
import type { Sink, SinkContext } from '../sink';
import { encodeOsc } from '../../osc/codec';
import { allKeysToOsc, allNotesOffToOsc, eventToOsc, type OscMessage, type OscOutOptions } from '../../osc/schema';
import { UdpSender, type HostPort } from '../../osc/udp';

export class OscSink implements Sink {
  readonly name: string;
  readonly accepts: ReadonlySet<SinkEventKind>;
  private sender?: UdpSender;
  private readonly lit = new Set<number>();

  constructor(
    private readonly target: HostPort,
    private readonly schema: OscOutOptions = {},
    /** The keys announced at 0 on open (`/key/<midi>`): the mapping's key range, default the piano's 21..108. */
    private readonly keyRange: readonly number[] = [21, 108],
  ) {
    this.name = `osc ${target.host}:${target.port}`;
    const kinds: SinkEventKind[] = ['noteOn', 'noteOff', 'transport'];
    if (schema.time ?? true) kinds.push('time');
    if (schema.roll ?? false) kinds.push('roll');
    this.accepts = new Set(kinds);
  }

  async open(ctx: SinkContext): Promise<void> {
    this.sender = new UdpSender(this.target, (e) => ctx.onFailure(e));
    await this.sender.open();
    this.write(allKeysToOsc(this.keyRange, this.schema));
  }

  private write(msgs: readonly OscMessage[]): void {
    if (!this.sender) throw new Error(`${this.name} is not open`);
    for (const m of msgs) this.sender.send(encodeOsc(m));
  }

  send(ev: SinkEvent): void {
    if (ev.kind === 'noteOn') this.lit.add(ev.pitch);
    else if (ev.kind === 'noteOff') this.lit.delete(ev.pitch);
    this.write(eventToOsc(ev, this.schema));
  }

  allNotesOff(channels: readonly number[]): void {
    const lit = [...this.lit];
    this.lit.clear();
    this.write(allNotesOffToOsc(channels, lit, this.schema));
  }

  async close(): Promise<void> {
    const s = this.sender;
    this.sender = undefined;
    await s?.close();
  }
}
