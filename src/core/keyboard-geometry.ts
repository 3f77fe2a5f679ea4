/**
 * Canonical keyboard geometry, shared with training/audeo_training/geometry.py (a jest test checks the two agree).
 *
 * The rectified strip the models see always represents the whole 88-key keyboard (A0..C8), whatever part the
 * camera shows: x in [0, 1) spans the 52 white keys edge to edge (white key width W = 1/52), y in [0, 1) runs from
 * the back of the keys (fallboard, y=0) to the front edge of the white keys (y=1). Parts outside the view are black.
 *
 * Black keys follow the "equal head" layout: within each octave C..B (7 white keys, width 7W) the 12 semitone
 * heads each take 7W/12, so black key centres sit at (semitone + 0.5) * 7W/12 from C's left edge, and a black key
 * is 7W/12 wide and BLACK_LENGTH of the white length.
 */
import { isBlackKey, LOWEST_PIANO_MIDI, PIANO_KEYS } from './keys';

export const WHITE_KEYS = 52 as const;
export const WHITE_WIDTH = 1 / WHITE_KEYS;
export const BLACK_WIDTH = (7 * WHITE_WIDTH) / 12;
export const BLACK_LENGTH = 0.63;

/** Number of white keys strictly left of `midi` on an 88-key keyboard starting at A0. */
export function whiteIndex(midi: number): number {
  let n = 0;
  for (let m = LOWEST_PIANO_MIDI; m < midi; m++) if (!isBlackKey(m)) n++;
  return n;
}

export interface KeySpan {
  readonly midi: number;
  readonly black: boolean;
  /** Left and right edges in [0,1] strip coordinates. */
  readonly x0: number;
  readonly x1: number;
  /** Centre in [0,1]. */
  readonly xc: number;
}

/** x-extent of one key in normalised strip coordinates. */
export function keySpan(midi: number): KeySpan {
  if (!isBlackKey(midi)) {
    const x0 = whiteIndex(midi) * WHITE_WIDTH;
    return { midi, black: false, x0, x1: x0 + WHITE_WIDTH, xc: x0 + WHITE_WIDTH / 2 };
  }
  const pc = ((midi % 12) + 12) % 12;
  // Left edge of this octave's C (below A0, i.e. negative, for the partial octave A0..B0).
  const cLeft = (whiteIndex(midi - 1) - whiteOffsetFromC(pc - 1)) * WHITE_WIDTH;
  const xc = cLeft + ((pc + 0.5) * 7 * WHITE_WIDTH) / 12;
  return { midi, black: true, x0: xc - BLACK_WIDTH / 2, x1: xc + BLACK_WIDTH / 2, xc };
}

/** White keys from C up to and including pitch class `pc` (a white pitch class), minus one: C->0, D->1, E->2, ... */
function whiteOffsetFromC(pc: number): number {
  const whites = [0, 2, 4, 5, 7, 9, 11];
  return whites.indexOf(pc);
}

/** All 88 keys, index k = MIDI 21 + k. */
export function allKeySpans(): KeySpan[] {
  return Array.from({ length: PIANO_KEYS }, (_, k) => keySpan(LOWEST_PIANO_MIDI + k));
}

/** The key under a strip position (x in [0,1), y in [0,1)): black keys win where they are (y < BLACK_LENGTH). */
export function keyAt(x: number, y: number): number | undefined {
  if (x < 0 || x >= 1) return undefined;
  if (y < BLACK_LENGTH) {
    for (const s of allKeySpans()) if (s.black && x >= s.x0 && x < s.x1) return s.midi;
  }
  const wi = Math.floor(x / WHITE_WIDTH);
  let n = 0;
  for (let m = LOWEST_PIANO_MIDI; m < LOWEST_PIANO_MIDI + PIANO_KEYS; m++) {
    if (isBlackKey(m)) continue;
    if (n === wi) return m;
    n++;
  }
  return undefined;
}
