/**
 * OSC In: the control surface (`--osc-in PORT`, 127.0.0.1 unless a host is given). Malformed packets and unknown
 * addresses are counted and reported (rate-limited); they never stop the bridge.
 */
import { decodeOsc } from './codec';
import { DEFAULT_PREFIX, parseControl, type ControlCommand } from './schema';
import { listenUdp, type UdpReceiver } from './udp';

export interface ControlServerOptions {
  port: number;
  host?: string;
  prefix?: string;
  onCommand: (cmd: ControlCommand, hostSec: number) => void;
  /** Problems (malformed packets, bad arguments); at most one report per second, saying how many were held back. */
  onWarning?: (message: string) => void;
}

export class ControlServer {
  readonly stats = { packets: 0, commands: 0, rejected: 0 };
  private rx?: UdpReceiver;
  private lastWarnSec = -Infinity;
  /** Rejections not reported since the last report. */
  private suppressed = 0;

  constructor(private readonly opts: ControlServerOptions) {}

  get port(): number {
    return this.rx?.port ?? this.opts.port;
  }

  async open(): Promise<void> {
    this.rx = await listenUdp({ port: this.opts.port, ...(this.opts.host ? { host: this.opts.host } : {}), onDatagram: (b, t) => this.handle(b, t) });
  }

  /** Handles one datagram (exposed for fuzz tests). Never throws. */
  handle(buf: Uint8Array, hostSec: number): void {
    this.stats.packets++;
    const dec = decodeOsc(buf);
    if (!dec.ok) return this.reject(dec.error, hostSec);
    for (const m of dec.messages) {
      const r = parseControl(m.address, m.args, this.opts.prefix ?? DEFAULT_PREFIX);
      if (!r.ok) {
        this.reject(r.reason, hostSec);
        continue;
      }
      this.stats.commands++;
      try {
        this.opts.onCommand(r.command, hostSec);
      } catch (e) {
        this.reject(`${r.command.kind}: ${e instanceof Error ? e.message : String(e)}`, hostSec);
      }
    }
  }

  private reject(reason: string, hostSec: number): void {
    this.stats.rejected++;
    if (hostSec - this.lastWarnSec >= 1) {
      this.lastWarnSec = hostSec;
      const held = this.suppressed;
      this.suppressed = 0;
      this.opts.onWarning?.(`osc-in: ignored: ${reason}${held ? ` (${held} more suppressed since the last report)` : ''}`);
    } else this.suppressed++;
  }

  /** Stops listening; rejections not yet reported get their count. */
  async close(): Promise<void> {
    if (this.suppressed > 0) this.opts.onWarning?.(`osc-in: ${this.suppressed} more ignored messages suppressed`);
    this.suppressed = 0;
    await this.rx?.close();
    this.rx = undefined;
  }
}
