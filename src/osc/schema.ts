/**
 * The OSC address schema (documented in docs/osc.md). Pure: bridge events -> OSC messages, and OSC control
 * messages -> commands. Addresses start with a configurable prefix (default "/audeo").
 */
import type { SinkEvent } from '../bridge/events';

export type OscArg =
  | { readonly type: 'i'; readonly value: number }
  | { readonly type: 'f'; readonly value: number }
  | { readonly type: 'd'; readonly value: number }
  | { readonly type: 's'; readonly value: string };

export interface OscMessage {
  readonly address: string;
  readonly args: readonly OscArg[];
}

export interface OscOutOptions {
  /** Default "/audeo". */
  prefix?: string;
  /** "single": /note [pitch, velocity, channel] (velocity 0 = off); "onoff": /note/on and /note/off; "both"; "none". */
  noteStyle?: 'single' | 'onoff' | 'both' | 'none';
  /** One address per key, /key/<midi> carrying 0..1 (TouchDesigner OSC In CHOP). Default true. */
  keys?: boolean;
  /** What /key/<midi> carries while down: velocity/127 ("velocity", default) or 1 ("gate"). */
  keyValue?: 'velocity' | 'gate';
  /** /time <seconds> (the playhead). Default true. */
  time?: boolean;
  /** /roll <p...> raw probabilities per frame. Default false. */
  roll?: boolean;
  /** /transport <"play"|"stop"|"locate"> <seconds>. Default true. */
  transport?: boolean;
}

export const DEFAULT_PREFIX = '/audeo';

const i = (value: number): OscArg => ({ type: 'i', value: Math.round(value) });
const f = (value: number): OscArg => ({ type: 'f', value });

/** OSC messages for one bridge event under these options (empty when the event is not streamed). */
export function eventToOsc(ev: SinkEvent, o: OscOutOptions = {}): OscMessage[] {
  const p = o.prefix ?? DEFAULT_PREFIX;
  const style = o.noteStyle ?? 'single';
  const out: OscMessage[] = [];
  switch (ev.kind) {
    case 'noteOn':
    case 'noteOff': {
      const on = ev.kind === 'noteOn';
      const vel = on ? ev.velocity : 0;
      if (style === 'single' || style === 'both') out.push({ address: `${p}/note`, args: [i(ev.pitch), i(vel), i(ev.channel)] });
      if (style === 'onoff' || style === 'both') {
        out.push(on ? { address: `${p}/note/on`, args: [i(ev.pitch), i(vel), i(ev.channel)] } : { address: `${p}/note/off`, args: [i(ev.pitch), i(ev.channel)] });
      }
      if (o.keys ?? true) out.push({ address: `${p}/key/${ev.pitch}`, args: [f(on ? ((o.keyValue ?? 'velocity') === 'gate' ? 1 : vel / 127) : 0)] });
      return out;
    }
    case 'time':
      if (o.time ?? true) out.push({ address: `${p}/time`, args: [f(ev.timeSec)] });
      return out;
    case 'roll':
      if (o.roll ?? false) out.push({ address: `${p}/roll`, args: Array.from(ev.values, (v) => f(v)) });
      return out;
    case 'transport':
      if (o.transport ?? true) out.push({ address: `${p}/transport`, args: [{ type: 's', value: ev.state }, f(ev.timeSec)] });
      return out;
    case 'mtc':
    case 'clock':
      return out;
  }
}

/** Messages for All Notes Off: /allnotesoff <channel> per channel, and every key that was lit back to 0. */
export function allNotesOffToOsc(channels: readonly number[], litKeys: Iterable<number>, o: OscOutOptions = {}): OscMessage[] {
  const p = o.prefix ?? DEFAULT_PREFIX;
  const out: OscMessage[] = channels.map((ch) => ({ address: `${p}/allnotesoff`, args: [i(ch)] }));
  if (o.keys ?? true) for (const k of litKeys) out.push({ address: `${p}/key/${k}`, args: [f(0)] });
  return out;
}

/**
 * Every key's address at 0, sent once when the output opens: a TouchDesigner OSC In CHOP then has its whole channel
 * set (one channel per key) from the start, instead of a channel appearing mid-show when a key first plays.
 */
export function allKeysToOsc(keyRange: readonly number[] = [21, 108], o: OscOutOptions = {}): OscMessage[] {
  if (!(o.keys ?? true)) return [];
  const p = o.prefix ?? DEFAULT_PREFIX;
  const lo = Math.max(0, keyRange[0] ?? 21);
  const hi = Math.min(127, keyRange[1] ?? 108);
  const out: OscMessage[] = [];
  for (let k = lo; k <= hi; k++) out.push({ address: `${p}/key/${k}`, args: [f(0)] });
  return out;
}

/**
 * `/keys f v[0] ... f v[n-1]`: the whole keyboard in one message (`--osc-keys`), lowest key first, each 0..1 as on
 * `/key/<midi>` (velocity/127 while down, or 1 with keyValue "gate"; 0 when up). One message per frame of the playhead
 * rate instead of one address per key: a TouchDesigner OSC In DAT row or a Script CHOP reads it as one sample of 88.
 */
export function keysToOsc(values: ArrayLike<number>, o: OscOutOptions = {}): OscMessage {
  const p = o.prefix ?? DEFAULT_PREFIX;
  return { address: `${p}/keys`, args: Array.from(values, (v) => f(v)) };
}

/** What `/state` reports. */
export interface BridgeState {
  readonly playing: boolean;
  /** The playhead, video seconds. */
  readonly positionSec: number;
  /** The input's file name (the Take, .mid or video). */
  readonly take: string;
  /** MIDI notes of the keys held down now (as sent), lowest first. */
  readonly heldPitches: readonly number[];
}

/** `/state i playing, f positionSec, s take, i heldCount, i pitch...` (the held pitches, lowest first). */
export function stateToOsc(s: BridgeState, o: OscOutOptions = {}): OscMessage {
  const p = o.prefix ?? DEFAULT_PREFIX;
  const held = [...s.heldPitches].sort((a, b) => a - b);
  return { address: `${p}/state`, args: [i(s.playing ? 1 : 0), f(s.positionSec), { type: 's', value: s.take }, i(held.length), ...held.map((k) => i(k))] };
}

/** Control commands OSC In accepts. */
export type ControlCommand =
  | { readonly kind: 'play' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'locate'; readonly positionSec: number }
  | { readonly kind: 'rate'; readonly rate: number }
  | { readonly kind: 'threshold'; readonly threshold: number }
  | { readonly kind: 'time'; readonly positionSec: number };

export type ControlParse = { readonly ok: true; readonly command: ControlCommand } | { readonly ok: false; readonly reason: string };

function num(args: readonly unknown[], name: string): number | string {
  const v = args[0];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'bigint') return Number(v);
  return `${name} expects one number argument, got ${args.length ? JSON.stringify(String(v)).slice(0, 40) : 'none'}`;
}

/**
 * Parses a decoded control message. Accepted (prefix "/audeo"): /transport/play, /transport/stop,
 * /transport/locate <sec>, /transport/rate <x>, /threshold <0..1>, /transport/time <sec> (time feed for --clock osc).
 */
export function parseControl(address: string, args: readonly unknown[], prefix = DEFAULT_PREFIX): ControlParse {
  if (!address.startsWith(`${prefix}/`)) return { ok: false, reason: `address ${address.slice(0, 60)} is not under ${prefix}/` };
  const rest = address.slice(prefix.length);
  const bad = (reason: string): ControlParse => ({ ok: false, reason });
  switch (rest) {
    case '/transport/play':
      return { ok: true, command: { kind: 'play' } };
    case '/transport/stop':
      return { ok: true, command: { kind: 'stop' } };
    case '/transport/locate':
    case '/transport/time': {
      const v = num(args, rest);
      if (typeof v === 'string') return bad(v);
      if (v < 0 || v > 86400) return bad(`${rest} ${v}: expected 0..86400 seconds`);
      return { ok: true, command: rest === '/transport/locate' ? { kind: 'locate', positionSec: v } : { kind: 'time', positionSec: v } };
    }
    case '/transport/rate': {
      const v = num(args, rest);
      if (typeof v === 'string') return bad(v);
      if (!(v > 0 && v <= 16)) return bad(`${rest} ${v}: expected 0 < rate <= 16`);
      return { ok: true, command: { kind: 'rate', rate: v } };
    }
    case '/threshold': {
      const v = num(args, rest);
      if (typeof v === 'string') return bad(v);
      if (!(v > 0 && v < 1)) return bad(`${rest} ${v}: expected 0 < threshold < 1`);
      return { ok: true, command: { kind: 'threshold', threshold: v } };
    }
    default:
      return bad(`unknown address ${address.slice(0, 60)}`);
  }
}
