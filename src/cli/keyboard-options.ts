/**
 * Manual keyboard overrides shared by the commands that locate a keyboard (`audeo extract`; play/studio may reuse
 * them): --rotate, --flip, --corners, --highest-key. Parsing is pure; bad values throw InputError (exit 2) naming the
 * expected form.
 */
import type { Command } from 'commander';
import { InputError } from '../core/errors';
import { isBlackKey, parseNoteName } from '../core/keys';

export type QuarterTurn = 0 | 90 | 180 | 270;
export type Corners = [[number, number], [number, number], [number, number], [number, number]];

export interface KeyboardOverrideText {
  readonly rotate?: string;
  readonly flip?: boolean;
  readonly corners?: string;
  readonly highestKey?: string;
}

export interface KeyboardOverrides {
  rotate?: QuarterTurn;
  flip?: boolean;
  corners?: Corners;
  highestKey?: number;
}

export function parseRotate(text: string): QuarterTurn {
  const t = text.trim();
  if (!/^(0|90|180|270)$/.test(t)) throw new InputError(`--rotate "${text}" is not a quarter turn; expected 0, 90, 180 or 270 (degrees clockwise), e.g. --rotate 90`);
  return Number(t) as QuarterTurn;
}

export function parseCorners(text: string): Corners {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map((s) => (s === '' ? NaN : Number(s)));
  if (parts.length !== 8 || nums.some((n) => !Number.isFinite(n) || n < 0))
    throw new InputError(
      `--corners "${text}" is not x1,y1,x2,y2,x3,y3,x4,y4; expected eight numbers in source pixels: the keys' back-left, back-right, front-right and front-left corners as the player sees them, e.g. --corners 40,300,915,296,925,420,30,426`,
    );
  const p = (i: number): [number, number] => [nums[2 * i]!, nums[2 * i + 1]!];
  return [p(0), p(1), p(2), p(3)];
}

/** A white key of the piano for --lowest-key / --highest-key with --corners. */
export function parseWhiteKey(flag: string, text: string): number {
  let midi: number;
  try {
    midi = parseNoteName(text);
  } catch (e) {
    throw new InputError(`${flag} "${text}": ${(e as Error).message}; expected a white key of the piano (A0..C8), e.g. C8`);
  }
  if (midi < 21 || midi > 108 || isBlackKey(midi)) throw new InputError(`${flag} "${text}" is not a white key of the piano; expected a white key from A0 to C8, e.g. C8`);
  return midi;
}

/** The overrides of a command's options; --highest-key only with --corners. */
export function parseKeyboardOverrides(o: KeyboardOverrideText): KeyboardOverrides {
  const out: KeyboardOverrides = {};
  if (o.rotate !== undefined) out.rotate = parseRotate(o.rotate);
  if (o.flip) out.flip = true;
  if (o.corners !== undefined) out.corners = parseCorners(o.corners);
  if (o.highestKey !== undefined) {
    if (o.corners === undefined) throw new InputError(`--highest-key ${o.highestKey} is used with --corners only; expected --corners x1,y1,x2,y2,x3,y3,x4,y4 beside it`);
    out.highestKey = parseWhiteKey('--highest-key', o.highestKey);
  }
  return out;
}

/** Adds --rotate, --flip, --corners and --highest-key to a command. */
export function addKeyboardOverrideOptions(cmd: Command): Command {
  return cmd
    .option('--rotate <0|90|180|270>', 'turn the picture clockwise before locating the keys; after the turn the player sits at the bottom (default: tried automatically)')
    .option('--flip', 'mirror the picture left-right (before --rotate) before locating the keys (mirrored webcam; low notes must end up on the left)')
    .option('--corners <x1,y1,x2,y2,x3,y3,x4,y4>', "the visible keys' corners in source pixels: back-left, back-right, front-right, front-left as the player sees them (left = low notes)")
    .option('--highest-key <NOTE>', 'with --corners: the rightmost visible white key (default C8; --lowest-key defaults to A0)');
}
