/**
 * Standard MIDI File export (@tonejs/midi): one piano track, notes at their seconds on the video's timeline (time 0 =
 * video time 0), with
 * - a tempo map estimated from the notes (src/core/tempo.ts: one tempo per tracked beat, so the DAW's bars and grid
 *   follow the performance; `bpm` forces one tempo), a 4/4 time signature; the notes keep their seconds whatever the map;
 * - velocities from each note's context when asked (`velocity: "context"`, src/core/velocity.ts), else as given;
 * - optional quantizing of onsets and ends to a grid of the map's beats (`quantizeDivision`, e.g. 16 = sixteenths);
 * - a marker at tick 0 naming the video's start (its timecode when it has one) and, when the video carries a start
 *   timecode, an SMPTE Offset meta event (FF 54) at the start of the first track, so a DAW can place the file there.
 * No sustain pedal: a top view sees the keys, not the pedal under the keyboard (docs/midi-file.md).
 */
import { InputError } from '../core/errors';
import { estimateTempo, secondsToTicks, type TempoEstimate } from '../core/tempo';
import { contextVelocities } from '../core/velocity';
import { looksDropFrame, TIMECODE_RATES, type TimecodeRate } from '../core/timecode';
import type { NoteEvent } from '../core/types';
import { writeFileAtomic } from './atomic';

export interface MidiFileOptions {
  /** Start timecode of the video ("HH:MM:SS:FF", ";" before the frames for drop-frame). */
  readonly startTimecode?: string;
  /** The video's frame rate, to pick the SMPTE rate (24, 25, 29.97 drop-frame, 30). */
  readonly videoFps?: number;
  readonly trackName?: string;
  /** Force one tempo (BPM, 10..400; the phase is fitted to the onsets). Default: estimated from the notes. */
  readonly bpm?: number;
  /** "estimate" (default): the tempo map from the notes (or `bpm`); "none": 120 BPM from 0, no tracking. */
  readonly tempo?: 'estimate' | 'none';
  /** Snap onsets and ends to 1/N of a whole note on the tempo map's grid (16 = sixteenths). Default: off. */
  readonly quantizeDivision?: number;
  /** "keep" (default): the notes' own velocities; "context": from each note's context (src/core/velocity.ts); a number: that one velocity. */
  readonly velocity?: 'keep' | 'context' | number;
}

/** What notesToSmf decided, for the CLI to report. */
export interface SmfInfo {
  readonly tempo: Pick<TempoEstimate, 'bpm' | 'source'> & { readonly minBpm: number; readonly maxBpm: number; readonly beats: number };
  readonly velocity: { readonly min: number; readonly max: number; readonly mean: number };
}

export const PPQ = 480;

/** `--quantize 1/16` -> 16. Accepts 1/1 .. 1/64 (powers of two, and triplets 1/3, 1/6, 1/12, 1/24, 1/48). */
export function parseQuantize(text: string): number {
  const m = /^1\/(\d{1,2})$/.exec(text.trim());
  const d = m ? Number(m[1]) : NaN;
  if (![1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64].includes(d)) throw new InputError(`--quantize "${text}" is not a note value; expected 1/N with N in 1, 2, 4, 8, 16, 32, 64 (or triplets 3, 6, 12, 24, 48), e.g. --quantize 1/16`);
  return d;
}

/** `--bpm`: 10..400. */
export function parseBpm(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 10 || v > 400) throw new InputError(`--bpm "${text}" is not a tempo; expected beats per minute, 10..400, e.g. --bpm 96`);
  return v;
}

/** `--velocity`: context, keep, or 1..127. */
export function parseVelocity(text: string): 'keep' | 'context' | number {
  const t = text.trim();
  if (t === 'context' || t === 'keep') return t;
  const v = Number(t);
  if (!/^\d{1,3}$/.test(t) || v < 1 || v > 127) throw new InputError(`--velocity "${text}" is not a velocity; expected context, keep or a number 1..127, e.g. --velocity context`);
  return v;
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

/** Notes -> SMF bytes and what was decided. Pure (no I/O). */
export async function notesToSmfWithInfo(notes: readonly NoteEvent[], opts: MidiFileOptions = {}): Promise<{ bytes: Uint8Array; info: SmfInfo }> {
  const { Midi } = await import('@tonejs/midi');
  const midi = new Midi();
  const ppq = midi.header.ppq;
  const tempo = opts.tempo === 'none' ? estimateTempo([], { bpm: opts.bpm ?? 120, endSec: Math.max(0, ...notes.map((n) => n.offsetSec)) }) : estimateTempo(notes, opts.bpm !== undefined ? { bpm: opts.bpm } : {});
  const beats = tempo.beatsSec;
  midi.header.tempos = tempo.map.map((p, k) => ({ ticks: k * ppq, bpm: p.bpm }));
  midi.header.timeSignatures = [{ ticks: 0, timeSignature: [4, 4] }];
  const start = opts.startTimecode ? `video start ${opts.startTimecode}` : 'video start (0 s)';
  midi.header.meta = [
    { ticks: 0, type: 'marker', text: start },
    { ticks: 0, type: 'text', text: `audeo tempo: ${tempo.source}${tempo.source === 'default' ? ' (too few notes to track)' : ''}, ${tempo.bpm.toFixed(1)} BPM` },
  ];
  midi.header.update();
  midi.header.name = opts.trackName ?? 'audeo';
  const track = midi.addTrack();
  track.name = opts.trackName ?? 'piano';
  const vel = opts.velocity ?? 'keep';
  const velocities = vel === 'context' ? contextVelocities(notes) : notes.map((n) => (typeof vel === 'number' ? vel : n.velocity));
  const grid = opts.quantizeDivision ? (ppq * 4) / opts.quantizeDivision : 0;
  const snap = (ticks: number): number => (grid ? Math.round(ticks / grid) * grid : Math.round(ticks));
  notes.forEach((n, k) => {
    const onset = Math.max(0, n.onsetSec);
    const on = snap(secondsToTicks(beats, ppq, onset));
    const off = Math.max(on + (grid || 1), snap(secondsToTicks(beats, ppq, Math.max(onset + 0.001, n.offsetSec))));
    const v = Math.max(1, Math.min(127, Math.round(velocities[k]!)));
    // @tonejs/midi writes floor(velocity * 127): +0.5 keeps the integer velocity exact
    track.addNote({ midi: n.pitch, ticks: on, durationTicks: off - on, velocity: (v + 0.5) / 127 });
  });
  let bytes = midi.toArray();
  if (opts.startTimecode) {
    const rate = smpteRateFor(opts.startTimecode, opts.videoFps);
    bytes = insertIntoFirstTrack(bytes, [0x00, 0xff, 0x54, 0x05, ...smpteOffsetBytes(opts.startTimecode, rate)]);
  }
  const bpms = tempo.map.map((p) => p.bpm);
  const vs = velocities.length ? velocities : [0];
  return {
    bytes,
    info: {
      tempo: { bpm: tempo.bpm, source: tempo.source, minBpm: Math.min(...bpms), maxBpm: Math.max(...bpms), beats: tempo.map.length },
      velocity: { min: Math.min(...vs), max: Math.max(...vs), mean: vs.reduce((a, b) => a + b, 0) / vs.length },
    },
  };
}

/** Notes -> SMF bytes. Pure (no I/O). */
export async function notesToSmf(notes: readonly NoteEvent[], opts: MidiFileOptions = {}): Promise<Uint8Array> {
  return (await notesToSmfWithInfo(notes, opts)).bytes;
}

export async function writeMidiFile(file: string, notes: readonly NoteEvent[], opts: MidiFileOptions = {}): Promise<SmfInfo> {
  const { bytes, info } = await notesToSmfWithInfo(notes, opts);
  await writeFileAtomic(file, bytes);
  return info;
}
