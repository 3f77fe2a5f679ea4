/** Preset mapping of notes to MIDI (pure): channel, transpose, key range, velocity curve. */
import type { NoteEvent } from '../core/types';
import type { MappedNote } from './events';

export interface VelocityCurve {
  readonly curve?: 'linear' | 'power' | 'fixed';
  readonly gamma?: number;
  readonly min?: number;
  readonly max?: number;
  readonly fixed?: number;
}

export interface MidiMapping {
  /** 1..16, default 1. */
  readonly channel?: number;
  readonly transpose?: number;
  /** [lowest, highest], default [21, 108]. */
  readonly keyRange?: readonly [number, number] | readonly number[];
  readonly outOfRange?: 'drop' | 'fold';
  readonly velocity?: VelocityCurve;
}

export function mapVelocity(v: number, c: VelocityCurve = {}): number {
  const curve = c.curve ?? 'linear';
  if (curve === 'fixed') return clampVel(c.fixed ?? 100);
  const lo = c.min ?? 1;
  const hi = c.max ?? 127;
  const x = Math.max(0, Math.min(1, v / 127));
  const y = curve === 'power' ? Math.pow(x, c.gamma ?? 1) : x;
  return clampVel(lo + (hi - lo) * y);
}

const clampVel = (v: number): number => Math.max(1, Math.min(127, Math.round(v)));

/** Transposes into range, folding by octaves or returning null (dropped). */
export function mapPitch(pitch: number, m: MidiMapping = {}): number | null {
  const [lo, hi] = [m.keyRange?.[0] ?? 21, m.keyRange?.[1] ?? 108];
  let p = pitch + (m.transpose ?? 0);
  if (p >= lo && p <= hi) return p;
  if ((m.outOfRange ?? 'drop') === 'drop' || hi - lo < 11) return null;
  while (p < lo) p += 12;
  while (p > hi) p -= 12;
  return p >= lo && p <= hi ? p : null;
}

export function mapNotes(notes: readonly NoteEvent[], m: MidiMapping = {}): MappedNote[] {
  const channel = m.channel ?? 1;
  if (!Number.isInteger(channel) || channel < 1 || channel > 16) throw new RangeError(`MIDI channel ${channel} is out of range; expected 1..16`);
  const out: MappedNote[] = [];
  for (const n of notes) {
    const pitch = mapPitch(n.pitch, m);
    if (pitch === null) continue;
    out.push({ pitch, onsetSec: n.onsetSec, offsetSec: n.offsetSec, velocity: mapVelocity(n.velocity, m.velocity), channel });
  }
  return out;
}
