/** Mapping source pixels to keys through a located keyboard. Pure. */
import { keyAt, keySpan } from '../../core/keyboard-geometry';
import { applyH, invertH } from './homography';

interface Located {
  homography: number[];
  lowestMidi: number;
  highestMidi: number;
}

/** Strip coordinates (u, v) of a source pixel position. */
export function sourceToStrip(loc: Located, x: number, y: number): [number, number] {
  return applyH(invertH(loc.homography), x, y);
}

/**
 * The white key whose front edge lies under source x (the point on the front edge line, v = 1, with that x).
 * undefined outside the 88 keys or outside the visible range.
 */
export function frontXToMidi(loc: Located, x: number): number | undefined {
  const h = loc.homography;
  // x = (h0 u + h1 + h2) / (h6 u + h7 + h8)  at v = 1, solved for u
  const [h0 = 0, h1 = 0, h2 = 0, , , , h6 = 0, h7 = 0, h8 = 1] = h;
  const den = x * h6 - h0;
  if (Math.abs(den) < 1e-12) return undefined;
  const u = (h1 + h2 - x * (h7 + h8)) / den;
  const m = keyAt(u, 0.999);
  return m !== undefined && m >= loc.lowestMidi && m <= loc.highestMidi ? m : undefined;
}

/** The key (black keys win where they are) under a source pixel position; undefined off the keys or out of view. */
export function pointToMidi(loc: Located, x: number, y: number): number | undefined {
  const [u, v] = sourceToStrip(loc, x, y);
  if (v < 0 || v >= 1) return undefined;
  const m = keyAt(u, v);
  return m !== undefined && m >= loc.lowestMidi && m <= loc.highestMidi ? m : undefined;
}

/** Source pixel x of a key's centre on the front edge of the white keys (v = 1; black keys: their own centre line). */
export function keyCentreAtFront(loc: Located, midi: number): [number, number] {
  return applyH(loc.homography, keySpan(midi).xc, 1);
}
