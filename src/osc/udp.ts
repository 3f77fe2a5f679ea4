/** UDP for OSC: a sender that tracks pending datagrams (so close() flushes) and a loopback-by-default receiver. */
import * as dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { InputError, SinkError } from '../core/errors';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** "HOST:PORT", ":PORT" or "PORT" (host defaults to 127.0.0.1). */
export function parseHostPort(text: string, defaultHost = '127.0.0.1'): HostPort {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !(port > 0 && port < 65536)) throw new InputError(`"${text}" is not HOST:PORT; expected e.g. 127.0.0.1:9000 or 9000`);
  return { host: m[1] ? m[1] : defaultHost, port };
}

/**
 * Looks the host up once, before anything plays (and so every datagram does not): a name that does not resolve is
 * one error line, not a run that plays to nothing. Returns the address to send to.
 */
export async function resolveHostPort(target: HostPort, what = 'OSC target'): Promise<HostPort> {
  if (isIP(target.host)) return target;
  try {
    const { address } = await lookup(target.host);
    return { host: address, port: target.port };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    const msg = `${what} ${target.host}:${target.port}: cannot resolve host "${target.host}" (${code || (e as Error).message})`;
    if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_NODATA') throw new InputError(`${msg}; expected a host name that resolves or an IP address, e.g. 127.0.0.1:${target.port}`);
    throw new SinkError(`${msg}; the name service did not answer`);
  }
}

export class UdpSender {
  private socket?: dgram.Socket;
  private pending = 0;
  private drained: Array<() => void> = [];
  private failed?: Error;

  constructor(
    private readonly target: HostPort,
    private readonly onError: (e: Error) => void,
  ) {}

  async open(): Promise<void> {
    const type = this.target.host.includes(':') ? 'udp6' : 'udp4';
    const s = dgram.createSocket(type);
    s.on('error', (e) => {
      this.failed = e;
      this.onError(new SinkError(`OSC socket to ${this.target.host}:${this.target.port} failed: ${e.message}`));
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, () => {
        s.off('error', reject);
        resolve();
      });
    });
    this.socket = s;
  }

  send(bytes: Uint8Array): void {
    const s = this.socket;
    if (!s || this.failed) throw new SinkError(`OSC socket to ${this.target.host}:${this.target.port} is closed${this.failed ? `: ${this.failed.message}` : ''}`);
    this.pending++;
    s.send(bytes, this.target.port, this.target.host, (err) => {
      this.pending--;
      if (err && !this.failed) {
        this.failed = err;
        this.onError(new SinkError(`OSC send to ${this.target.host}:${this.target.port} failed: ${err.message}`));
      }
      if (this.pending === 0) for (const d of this.drained.splice(0)) d();
    });
  }

  /** Waits for every datagram handed to the OS, then closes. */
  async close(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    if (this.pending > 0) await new Promise<void>((r) => this.drained.push(r));
    this.socket = undefined;
    await new Promise<void>((r) => s.close(() => r()));
  }
}

export interface UdpReceiver {
  readonly port: number;
  close(): Promise<void>;
}

/** Binds a UDP socket (127.0.0.1 unless told otherwise) and hands every datagram with its arrival host time. */
export async function listenUdp(opts: { port: number; host?: string; onDatagram: (buf: Buffer, hostSec: number) => void }): Promise<UdpReceiver> {
  const host = opts.host ?? '127.0.0.1';
  const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  s.on('message', (buf) => opts.onDatagram(buf, Number(process.hrtime.bigint()) / 1e9));
  await new Promise<void>((resolve, reject) => {
    s.once('error', (e) => reject(new SinkError(`cannot listen on UDP ${host}:${opts.port}: ${e.message}`)));
    s.bind(opts.port, host, () => resolve());
  });
  s.on('error', () => undefined);
  return {
    port: s.address().port,
    close: () => new Promise<void>((r) => s.close(() => r())),
  };
}
