/**
 * MIDI Clock (24 pulses per quarter note) and Song Position Pointer on a beat list (src/core/tempo.ts: beat k at
 * beatsSec[k], the same beats the MIDI file's tempo map has). Pure.
 *
 * A follower (Ableton Live with "Sync" on the input) reads: Song Position Pointer (F2 lsb msb, in sixteenth notes =
 * 6 pulses), then Continue (FB) or Start (FA), then Timing Clock (F8) 24 times a quarter note; Stop (FC). After
 * Continue it starts at the pointer's position on the next pulse, so audeo sends pulses only from a sixteenth
 * boundary on: after play or locate at any position, the pointer names the next sixteenth and the first pulse is its.
 */

export const PULSES_PER_QUARTER = 24;
export const PULSES_PER_SIXTEENTH = 6;
export const CLOCK = 0xf8;
export const START = 0xfa;
export const CONTINUE = 0xfb;
export const STOP = 0xfc;
/** The largest Song Position Pointer: 14 bits of sixteenths. */
export const MAX_SPP = 0x3fff;

/** Fractional quarter notes at `sec` on the beat list (extrapolated on the first / last beat's period outside it). */
export function quartersAt(beatsSec: readonly number[], sec: number): number {
  const n = beatsSec.length;
  if (n < 2) return sec / 0.5;
  if (sec <= beatsSec[0]!) return (sec - beatsSec[0]!) / (beatsSec[1]! - beatsSec[0]!);
  if (sec >= beatsSec[n - 1]!) return n - 1 + (sec - beatsSec[n - 1]!) / (beatsSec[n - 1]! - beatsSec[n - 2]!);
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (beatsSec[mid]! <= sec) lo = mid;
    else hi = mid;
  }
  return lo + (sec - beatsSec[lo]!) / (beatsSec[lo + 1]! - beatsSec[lo]!);
}

/** Seconds at fractional quarter note `q` (the inverse of quartersAt). */
export function secondsAtQuarters(beatsSec: readonly number[], q: number): number {
  const n = beatsSec.length;
  if (n < 2) return q * 0.5;
  if (q <= 0) return beatsSec[0]! + q * (beatsSec[1]! - beatsSec[0]!);
  if (q >= n - 1) return beatsSec[n - 1]! + (q - (n - 1)) * (beatsSec[n - 1]! - beatsSec[n - 2]!);
  const k = Math.floor(q);
  return beatsSec[k]! + (q - k) * (beatsSec[k + 1]! - beatsSec[k]!);
}

/**
 * A position this close after a sixteenth counts as on it: play at 0 s is read a few microseconds later, and a
 * follower should start on that sixteenth (its pulse goes out at once, that little late), not on the next one.
 */
export const RESUME_TOLERANCE_SEC = 0.002;

/** The first pulse at or after `sec` (less RESUME_TOLERANCE_SEC) that starts a sixteenth: where a follower resumes after play/locate. */
export function resumePulseAt(beatsSec: readonly number[], sec: number): number {
  const pulses = quartersAt(beatsSec, sec - RESUME_TOLERANCE_SEC) * PULSES_PER_QUARTER;
  return Math.max(0, Math.ceil(pulses / PULSES_PER_SIXTEENTH - 1e-6)) * PULSES_PER_SIXTEENTH;
}

/** Seconds of pulse `k` (k may be any integer >= 0). */
export function pulseTimeSec(beatsSec: readonly number[], k: number): number {
  return secondsAtQuarters(beatsSec, k / PULSES_PER_QUARTER);
}

/** Song Position Pointer bytes for a position in sixteenths (clamped to 0..16383). */
export function songPositionBytes(sixteenths: number): number[] {
  const v = Math.max(0, Math.min(MAX_SPP, Math.floor(sixteenths)));
  return [0xf2, v & 0x7f, (v >> 7) & 0x7f];
}
