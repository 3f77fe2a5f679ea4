/**
 * Standard MIDI File export (@tonejs/midi): one piano track, tempo 120, notes at their seconds on the video's
 * timeline, and — when the video carries a start timecode — an SMPTE Offset meta event (FF 54) at the start of
 * the first track, so a DAW can place the file at the video's timecode.
 */
import { InputError } from '../core/errors';
import { looksDropFrame, TIMECODE_RATES, type TimecodeRate } from '../core/timecode';
import type { NoteEvent } from '../core/types';
import { writeFileAtomic } from './atomic';

export interface MidiFileOptions {
  /** Start timecode of the video ("HH:MM:SS:FF", ";" before the frames for drop-frame). */
  readonly startTimecode?: string;
  /** The video's frame rate, to pick the SMPTE rate (24, 25, 29.97 drop-frame, 30). */
  readonly videoFps?: number;
  readonly trackName?: string;
  /** Beats per minute written in the tempo map (notes keep their seconds whatever it is). Default 120. */
  readonly bpm?: number;
}

/** The SMPTE rate for a video: drop-frame when the label says so, else the nearest of 24, 25, 30 (50/60 halve). */
export function smpteRateFor(timecode: string, videoFps?: number): TimecodeRate {
  if (looksDropFrame(timecode)) return TIMECODE_RATES['29.97df'];
  const f = videoFps && videoFps > 0 ? (videoFps > 40 ? videoFps / 2 : videoFps) : 30;
  if (f < 24.5) return TIMECODE_RATES['24'];
  if (f < 27.5) return TIMECODE_RATES['25'];
  return TIMECODE_RATES['30'];
}

/** The 5 data bytes of an SMPTE Offset meta event: hr (with rate bits), mn, se, fr, ff. */
export function smpteOffsetBytes(timecode: string, rate: TimecodeRate): number[] {
  const m = /^(\d{1,2})[:;.](\d\d)[:;.](\d\d)[:;.](\d\d)$/.exec(timecode.trim());
  if (!m) throw new InputError(`start timecode "${timecode}" is not HH:MM:SS:FF`);
  const [h, mi, s, f] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h > 23 || mi > 59 || s > 59 || f >= rate.nominalFps) throw new InputError(`start timecode "${timecode}" is out of range for ${rate.id} fps`);
  return [(rate.mtcCode << 5) | h, mi, s, f, 0];
}

/** Inserts `event` (delta-time 0) at the start of the first MTrk chunk of an SMF. */
function insertIntoFirstTrack(smf: Uint8Array, event: number[]): Uint8Array {
  let p = 0;
  while (p + 8 <= smf.length) {
    const id = String.fromCharCode(smf[p]!, smf[p + 1]!, smf[p + 2]!, smf[p + 3]!);
    const len = ((smf[p + 4]! << 24) | (smf[p + 5]! << 16) | (smf[p + 6]! << 8) | smf[p + 7]!) >>> 0;
    if (id === 'MTrk') {
      const out = new Uint8Array(smf.length + event.length);
      out.set(smf.subarray(0, p + 8), 0);
      out.set(event, p + 8);
      out.set(smf.subarray(p + 8), p + 8 + event.length);
      const n = len + event.length;
      out[p + 4] = (n >>> 24) & 255;
      out[p + 5] = (n >>> 16) & 255;
      out[p + 6] = (n >>> 8) & 255;
      out[p + 7] = n & 255;
      return out;
    }
    p += 8 + len;
  }
  throw new Error('SMF has no MTrk chunk');
}

/** Notes -> SMF bytes. Pure (no I/O). */
export async function notesToSmf(notes: readonly NoteEvent[], opts: MidiFileOptions = {}): Promise<Uint8Array> {
  const { Midi } = await import('@tonejs/midi');
  const midi = new Midi();
  midi.header.setTempo(opts.bpm ?? 120);
  midi.header.name = opts.trackName ?? 'audeo';
  const track = midi.addTrack();
  track.name = opts.trackName ?? 'piano';
  for (const n of notes) {
    const onset = Math.max(0, n.onsetSec);
    const v = Math.max(1, Math.min(127, Math.round(n.velocity)));
    // @tonejs/midi writes floor(velocity * 127): +0.5 keeps the integer velocity exact
    track.addNote({ midi: n.pitch, time: onset, duration: Math.max(0.001, n.offsetSec - onset), velocity: (v + 0.5) / 127 });
  }
  const bytes = midi.toArray();
  if (!opts.startTimecode) return bytes;
  const rate = smpteRateFor(opts.startTimecode, opts.videoFps);
  return insertIntoFirstTrack(bytes, [0x00, 0xff, 0x54, 0x05, ...smpteOffsetBytes(opts.startTimecode, rate)]);
}

export async function writeMidiFile(file: string, notes: readonly NoteEvent[], opts: MidiFileOptions = {}): Promise<void> {
  await writeFileAtomic(file, await notesToSmf(notes, opts));
}
