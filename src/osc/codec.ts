/** OSC packets with osc-js: encode messages, decode packets (bundles flattened). Decoding never throws. */
import OSC from 'osc-js';
import type { OscMessage } from './schema';

export function encodeOsc(m: OscMessage): Uint8Array {
  const tm = new OSC.TypedMessage(m.address, m.args.map((a) => ({ ...a })) as never);
  return tm.pack();
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
