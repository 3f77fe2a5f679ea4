/** OSC packets with osc-js: encode messages, decode packets (bundles flattened). Decoding never throws. */
import OSC from 'osc-js';
import type { OscMessage } from './schema';

export function encodeOsc(m: OscMessage): Uint8Array {
  const tm = new OSC.TypedMessage(m.address, m.args.map((a) => ({ ...a })) as never);
  return tm.pack();
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SEC = 2208988800;

/** An OSC time tag: NTP seconds since 1900 and a 32-bit binary fraction of a second. */
export interface NtpTime {
  readonly seconds: number;
  readonly fraction: number;
}

/** Unix seconds (fractional) -> NTP time tag, to 1/2^32 s (osc-js keeps whole milliseconds only). */
export function unixSecToNtp(unixSec: number): NtpTime {
  if (!Number.isFinite(unixSec) || unixSec < -NTP_UNIX_OFFSET_SEC) throw new RangeError(`time ${unixSec} s is not a time an OSC time tag can hold`);
  const whole = Math.floor(unixSec);
  let fraction = Math.round((unixSec - whole) * 2 ** 32);
  let seconds = whole + NTP_UNIX_OFFSET_SEC;
  if (fraction >= 2 ** 32) {
    fraction -= 2 ** 32;
    seconds += 1;
  }
  return { seconds: seconds >>> 0, fraction };
}

export function ntpToUnixSec(t: NtpTime): number {
  return t.seconds - NTP_UNIX_OFFSET_SEC + t.fraction / 2 ** 32;
}

/** The time tag that means "immediately" (OSC 1.0: 63 zero bits and a 1). */
export const NTP_IMMEDIATELY: NtpTime = { seconds: 0, fraction: 1 };

/** An OSC bundle: "#bundle", the time tag, then each message with its size. */
export function encodeBundle(messages: readonly OscMessage[], at: NtpTime): Uint8Array {
  const parts = messages.map(encodeOsc);
  const out = new Uint8Array(16 + parts.reduce((n, b) => n + 4 + b.byteLength, 0));
  const dv = new DataView(out.buffer);
  out.set(Buffer.from('#bundle\0', 'latin1'), 0);
  dv.setUint32(8, at.seconds >>> 0);
  dv.setUint32(12, at.fraction >>> 0);
  let p = 16;
  for (const b of parts) {
    dv.setInt32(p, b.byteLength);
    out.set(b, p + 4);
    p += 4 + b.byteLength;
  }
  return out;
}

/** The time tag of a bundle, or undefined for a message or a malformed packet. */
export function bundleTimeTag(buf: Uint8Array): NtpTime | undefined {
  if (buf.byteLength < 16 || Buffer.from(buf.subarray(0, 8)).toString('latin1') !== '#bundle\0') return undefined;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { seconds: dv.getUint32(8), fraction: dv.getUint32(12) };
}

export interface DecodedMessage {
  readonly address: string;
  readonly args: readonly unknown[];
}

export type DecodeResult = { readonly ok: true; readonly messages: DecodedMessage[] } | { readonly ok: false; readonly error: string };

interface MaybeMessage {
  address?: unknown;
  args?: unknown;
  bundleElements?: unknown;
}

function flatten(v: unknown, out: DecodedMessage[], depth: number): void {
  if (depth > 8 || typeof v !== 'object' || v === null) return;
  const m = v as MaybeMessage;
  if (Array.isArray(m.bundleElements)) {
    for (const e of m.bundleElements) flatten(e, out, depth + 1);
    return;
  }
  if (typeof m.address === 'string' && Array.isArray(m.args)) out.push({ address: m.address, args: m.args as unknown[] });
}

/** Decodes one UDP datagram. Malformed input gives { ok: false } with the reason; it never throws. */
export function decodeOsc(buf: Uint8Array): DecodeResult {
  if (buf.byteLength === 0 || buf.byteLength % 4 !== 0) return { ok: false, error: `OSC packet of ${buf.byteLength} bytes; expected a positive multiple of 4` };
  if (buf[0] !== 0x2f && buf[0] !== 0x23) return { ok: false, error: 'OSC packet must start with "/" (message) or "#bundle"' };
  try {
    const p = new OSC.Packet();
    p.unpack(new DataView(buf.buffer, buf.byteOffset, buf.byteLength));
    const messages: DecodedMessage[] = [];
    flatten(p.value, messages, 0);
    return { ok: true, messages };
  } catch (e) {
    return { ok: false, error: `malformed OSC packet: ${e instanceof Error ? e.message : String(e)}`.slice(0, 200) };
  }
}
