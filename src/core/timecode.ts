/**
 * SMPTE timecode math (pure). Rates: 24, 25, 29.97 drop-frame and 30 fps — the four rates MIDI Time Code carries.
 *
 * A timecode label (HH:MM:SS:FF) maps to a frame count (frames since 00:00:00:00) and the frame count to seconds at
 * the rate's real frame rate (30000/1001 for 29.97 drop-frame, whose labels skip frames 00 and 01 at the start of
 * every minute except every tenth). Labels wrap at 24 hours.
 */

export type TimecodeRateId = '24' | '25' | '29.97df' | '30';

export interface TimecodeRate {
  readonly id: TimecodeRateId;
  /** Frames per labelled second: 24, 25 or 30. */
  readonly nominalFps: 24 | 25 | 30;
  readonly dropFrame: boolean;
  /** Real frames per second (29.97... for drop-frame). */
  readonly fps: number;
  /** MTC rate code (2 bits): 0 = 24, 1 = 25, 2 = 29.97 drop-frame, 3 = 30. */
  readonly mtcCode: 0 | 1 | 2 | 3;
}

export const TIMECODE_RATES: Readonly<Record<TimecodeRateId, TimecodeRate>> = {
  '24': { id: '24', nominalFps: 24, dropFrame: false, fps: 24, mtcCode: 0 },
  '25': { id: '25', nominalFps: 25, dropFrame: false, fps: 25, mtcCode: 1 },
  '29.97df': { id: '29.97df', nominalFps: 30, dropFrame: true, fps: 30000 / 1001, mtcCode: 2 },
  '30': { id: '30', nominalFps: 30, dropFrame: false, fps: 30, mtcCode: 3 },
};

const BY_MTC_CODE: readonly TimecodeRate[] = [TIMECODE_RATES['24'], TIMECODE_RATES['25'], TIMECODE_RATES['29.97df'], TIMECODE_RATES['30']];

export function rateFromMtcCode(code: number): TimecodeRate {
  const r = BY_MTC_CODE[code];
  if (r === undefined) throw new RangeError(`MTC rate code ${code} is not one of 0..3`);
  return r;
}

/** Accepts "24", "25", "29.97", "29.97df", "2997", "30df" (drop-frame) and "30". */
export function parseRate(text: string): TimecodeRate {
  const t = text.trim().toLowerCase();
  if (t === '24') return TIMECODE_RATES['24'];
  if (t === '25') return TIMECODE_RATES['25'];
  if (t === '29.97' || t === '29.97df' || t === '2997' || t === '30df' || t === 'df') return TIMECODE_RATES['29.97df'];
  if (t === '30') return TIMECODE_RATES['30'];
  throw new RangeError(`timecode rate "${text}" is not supported; expected one of 24, 25, 29.97 (drop-frame), 30`);
}

export interface Timecode {
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
  readonly frames: number;
}

/** Frames in 24 hours of labels at this rate. */
export function framesPerDay(rate: TimecodeRate): number {
  return rate.dropFrame ? 24 * 6 * 17982 : 24 * 3600 * rate.nominalFps;
}

function isInt(x: number): boolean {
  return Number.isInteger(x);
}

/** Throws RangeError when the label does not exist at this rate (e.g. frame 25 at 25 fps, ;00/;01 dropped minutes). */
export function assertValidTimecode(tc: Timecode, rate: TimecodeRate): void {
  const { hours, minutes, seconds, frames } = tc;
  const ok =
    isInt(hours) && isInt(minutes) && isInt(seconds) && isInt(frames) &&
    hours >= 0 && hours < 24 && minutes >= 0 && minutes < 60 && seconds >= 0 && seconds < 60 && frames >= 0 && frames < rate.nominalFps;
  if (!ok) throw new RangeError(`timecode ${formatTimecode(tc, rate)} is out of range; expected 00:00:00:00..23:59:59:${rate.nominalFps - 1}`);
  if (rate.dropFrame && seconds === 0 && frames < 2 && minutes % 10 !== 0) {
    throw new RangeError(`timecode ${formatTimecode(tc, rate)} does not exist in 29.97 drop-frame (frames 00 and 01 are dropped at minute ${minutes})`);
  }
}

/** Label -> frame count since 00:00:00:00. */
export function timecodeToFrames(tc: Timecode, rate: TimecodeRate): number {
  assertValidTimecode(tc, rate);
  const n = rate.nominalFps;
  const labelled = ((tc.hours * 60 + tc.minutes) * 60 + tc.seconds) * n + tc.frames;
  if (!rate.dropFrame) return labelled;
  const totalMinutes = tc.hours * 60 + tc.minutes;
  return labelled - 2 * (totalMinutes - Math.floor(totalMinutes / 10));
}

/** Frame count -> label (wraps at 24 hours; negative counts wrap backwards). */
export function framesToTimecode(frameCount: number, rate: TimecodeRate): Timecode {
  if (!Number.isFinite(frameCount)) throw new RangeError(`frame count ${frameCount} is not finite`);
  const day = framesPerDay(rate);
  let f = ((Math.floor(frameCount) % day) + day) % day;
  const n = rate.nominalFps;
  if (rate.dropFrame) {
    const tenMin = Math.floor(f / 17982);
    const rem = f % 17982;
    f += 18 * tenMin + (rem < 2 ? 0 : 2 * Math.floor((rem - 2) / 1798));
  }
  return {
    frames: f % n,
    seconds: Math.floor(f / n) % 60,
    minutes: Math.floor(f / (n * 60)) % 60,
    hours: Math.floor(f / (n * 3600)) % 24,
  };
}

/** Seconds -> frame count (the frame showing at that instant); a tiny epsilon absorbs float error at boundaries. */
export function secondsToFrames(sec: number, rate: TimecodeRate): number {
  return Math.floor(sec * rate.fps + 1e-6);
}

/** Start of a frame in seconds. */
export function framesToSeconds(frameCount: number, rate: TimecodeRate): number {
  return frameCount / rate.fps;
}

export function secondsToTimecode(sec: number, rate: TimecodeRate): Timecode {
  return framesToTimecode(secondsToFrames(sec, rate), rate);
}

export function timecodeToSeconds(tc: Timecode, rate: TimecodeRate): number {
  return framesToSeconds(timecodeToFrames(tc, rate), rate);
}

const pad2 = (x: number): string => String(x).padStart(2, '0');

/** "HH:MM:SS:FF", or "HH:MM:SS;FF" for drop-frame. */
export function formatTimecode(tc: Timecode, rate: TimecodeRate): string {
  return `${pad2(tc.hours)}:${pad2(tc.minutes)}:${pad2(tc.seconds)}${rate.dropFrame ? ';' : ':'}${pad2(tc.frames)}`;
}

const TC_RE = /^(\d{1,2})[:.](\d{2})[:.](\d{2})([:;.,])(\d{2})$/;

/** Parses "HH:MM:SS:FF" (";" or "," before the frames marks drop-frame) and checks it exists at `rate`. */
export function parseTimecode(text: string, rate: TimecodeRate): Timecode {
  const m = TC_RE.exec(text.trim());
  if (!m) throw new RangeError(`timecode "${text}" is malformed; expected HH:MM:SS:FF (or HH:MM:SS;FF for drop-frame)`);
  const tc = { hours: Number(m[1]), minutes: Number(m[2]), seconds: Number(m[3]), frames: Number(m[5]) };
  assertValidTimecode(tc, rate);
  return tc;
}

/** True when the text looks like a drop-frame label ("01:00:00;00"). */
export function looksDropFrame(text: string): boolean {
  const m = TC_RE.exec(text.trim());
  return m !== null && (m[4] === ';' || m[4] === ',');
}

/**
 * A timecode offset given by the user: seconds ("3600", "-1.5") or a SMPTE label ("01:00:00:00") at `rate`.
 * Returns seconds of timecode that correspond to video time 0.
 */
export function parseOffset(text: string, rate: TimecodeRate): number {
  const t = text.trim();
  if (/^[-+]?\d+(\.\d+)?$/.test(t)) return Number(t);
  return timecodeToSeconds(parseTimecode(t, rate), rate);
}
