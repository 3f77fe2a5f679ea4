/**
 * MIDI Time Code codec (pure): quarter-frame (F1 xx) and full-frame (F0 7F dev 01 01 hh mm ss ff F7) messages.
 *
 * Eight quarter frames carry one timecode and span two frames. Piece k of a set is sent k/4 frame after the frame
 * the set describes, so when piece 7 arrives the master is already at that frame + 7/4: the decoder reports the
 * position compensated for this (the "two frames late" of MTC).
 */
import {
  assertValidTimecode,
  framesToTimecode,
  rateFromMtcCode,
  timecodeToSeconds,
  type Timecode,
  type TimecodeRate,
} from './timecode';

export const MTC_QUARTER_FRAME = 0xf1;

/** The data byte of quarter-frame piece 0..7 for `tc`. */
export function quarterFrameData(tc: Timecode, rate: TimecodeRate, piece: number): number {
  let nibble: number;
  switch (piece) {
    case 0: nibble = tc.frames & 0x0f; break;
    case 1: nibble = (tc.frames >> 4) & 0x01; break;
    case 2: nibble = tc.seconds & 0x0f; break;
    case 3: nibble = (tc.seconds >> 4) & 0x03; break;
    case 4: nibble = tc.minutes & 0x0f; break;
    case 5: nibble = (tc.minutes >> 4) & 0x03; break;
    case 6: nibble = tc.hours & 0x0f; break;
    case 7: nibble = ((tc.hours >> 4) & 0x01) | (rate.mtcCode << 1); break;
    default: throw new RangeError(`quarter-frame piece ${piece} is not one of 0..7`);
  }
  return (piece << 4) | nibble;
}

/** The two bytes of quarter-frame piece `piece` for `tc`. */
export function quarterFrameMessage(tc: Timecode, rate: TimecodeRate, piece: number): [number, number] {
  return [MTC_QUARTER_FRAME, quarterFrameData(tc, rate, piece)];
}

/** The eight quarter-frame messages describing `tc` (pieces 0..7). */
export function quarterFrameSet(tc: Timecode, rate: TimecodeRate): Array<[number, number]> {
  assertValidTimecode(tc, rate);
  return [0, 1, 2, 3, 4, 5, 6, 7].map((p) => quarterFrameMessage(tc, rate, p));
}

/** Full-frame SysEx (device 7F = all). */
export function fullFrameMessage(tc: Timecode, rate: TimecodeRate, deviceId = 0x7f): number[] {
  assertValidTimecode(tc, rate);
  return [0xf0, 0x7f, deviceId & 0x7f, 0x01, 0x01, (rate.mtcCode << 5) | tc.hours, tc.minutes, tc.seconds, tc.frames, 0xf7];
}

/**
 * Quarter-frame stream for a running master: quarter index q (0, 1, 2, ... counted from frame 0) is sent at
 * q / (4 * fps) seconds and is piece q mod 8 of the set describing frame 2 * floor(q / 8).
 */
export function quarterFrameAt(q: number, rate: TimecodeRate): { timeSec: number; bytes: [number, number]; piece: number } {
  const piece = ((q % 8) + 8) % 8;
  const setFrame = 2 * Math.floor(q / 8);
  const tc = framesToTimecode(setFrame, rate);
  return { timeSec: q / (4 * rate.fps), bytes: quarterFrameMessage(tc, rate, piece), piece };
}

export type MtcEvent =
  | {
      readonly kind: 'quarter';
      /** The timecode the completed set describes (the frame at its piece 0). */
      readonly tc: Timecode;
      readonly rate: TimecodeRate;
      /** Master position when piece 7 arrived: the set's frame + 7/4 frame, in timecode seconds. */
      readonly positionSec: number;
      readonly hostSec: number;
    }
  | { readonly kind: 'full'; readonly tc: Timecode; readonly rate: TimecodeRate; readonly positionSec: number; readonly hostSec: number };

/**
 * Stateful decoder: feed it MIDI bytes as they arrive (whole messages or any split), get timecode events.
 * Garbage is counted in `glitches` and never throws.
 */
export class MtcDecoder {
  private readonly nibbles = new Array<number>(8).fill(0);
  private nextPiece = -1;
  private status = -1;
  private sysex: number[] = [];
  glitches = 0;

  /** `hostSec` is the arrival time of these bytes on the receiver's clock. */
  push(bytes: ArrayLike<number>, hostSec: number): MtcEvent[] {
    const out: MtcEvent[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const raw = bytes[i];
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0 || raw > 255) {
        this.glitches++;
        continue;
      }
      this.byte(raw, hostSec, out);
    }
    return out;
  }

  /** Forget a partial set (e.g. after a drop-out). */
  reset(): void {
    this.nextPiece = -1;
    this.status = -1;
    this.sysex = [];
  }

  private byte(b: number, hostSec: number, out: MtcEvent[]): void {
    if (b >= 0xf8) return; // real-time bytes may interleave anything
    if (this.status === 0xf0) {
      if (b === 0xf7) {
        this.status = -1;
        this.fullFrame(this.sysex, hostSec, out);
        this.sysex = [];
        return;
      }
      if (b & 0x80) {
        this.glitches++;
        this.sysex = [];
        this.status = -1;
      } else {
        if (this.sysex.length < 32) this.sysex.push(b);
        else {
          this.glitches++;
          this.status = -1;
          this.sysex = [];
        }
        return;
      }
    }
    if (b & 0x80) {
      this.status = b;
      if (b === 0xf0) this.sysex = [];
      return;
    }
    if (this.status === MTC_QUARTER_FRAME) {
      this.status = -1; // one data byte per F1
      this.quarter(b, hostSec, out);
    }
    // data bytes of other messages are ignored
  }

  private quarter(data: number, hostSec: number, out: MtcEvent[]): void {
    const piece = data >> 4;
    const nibble = data & 0x0f;
    if (piece === 0) this.nextPiece = 0;
    if (piece !== this.nextPiece) {
      if (this.nextPiece !== -1) this.glitches++;
      this.nextPiece = -1;
      return;
    }
    this.nibbles[piece] = nibble;
    this.nextPiece = piece + 1;
    if (piece !== 7) return;
    this.nextPiece = -1;
    const n = this.nibbles;
    const code = ((n[7] ?? 0) >> 1) & 0x03;
    const rate = rateFromMtcCode(code);
    const tc: Timecode = {
      frames: (n[0] ?? 0) | (((n[1] ?? 0) & 1) << 4),
      seconds: (n[2] ?? 0) | (((n[3] ?? 0) & 3) << 4),
      minutes: (n[4] ?? 0) | (((n[5] ?? 0) & 3) << 4),
      hours: (n[6] ?? 0) | (((n[7] ?? 0) & 1) << 4),
    };
    const sec = this.seconds(tc, rate);
    if (sec === null) return;
    out.push({ kind: 'quarter', tc, rate, positionSec: sec + 7 / (4 * rate.fps), hostSec });
  }

  private fullFrame(body: number[], hostSec: number, out: MtcEvent[]): void {
    // body without F0/F7: 7F dev 01 01 hh mm ss ff
    if (body.length !== 8 || body[0] !== 0x7f || body[2] !== 0x01 || body[3] !== 0x01) return; // other SysEx: not ours
    const hh = body[4] ?? 0;
    const rate = rateFromMtcCode((hh >> 5) & 0x03);
    const tc: Timecode = { hours: hh & 0x1f, minutes: body[5] ?? 0, seconds: body[6] ?? 0, frames: body[7] ?? 0 };
    const sec = this.seconds(tc, rate);
    if (sec === null) return;
    out.push({ kind: 'full', tc, rate, positionSec: sec, hostSec });
  }

  private seconds(tc: Timecode, rate: TimecodeRate): number | null {
    try {
      return timecodeToSeconds(tc, rate);
    } catch {
      this.glitches++;
      return null;
    }
  }
}

