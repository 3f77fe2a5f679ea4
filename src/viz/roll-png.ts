/**
 * The piano-roll picture of a Take: time on x, keys on y (high notes at the top). Video2Roll probabilities are
 * gray (darker = more likely down), Roll2Midi's are an orange tint, decoded notes are red outlines, C keys get a
 * faint guide line. Long clips are squeezed to at most `maxWidth` columns (max over the frames in a column).
 * The drawing is pure (Image); writeRollPng writes it atomically.
 */
import { notesEndSec } from '../core/notes';
import type { NoteEvent, Roll } from '../core/types';
import { Image, writePng, type Rgb } from '../io/png';
import { withRollAxes } from './axes';

export interface RollPictureOptions {
  /** Pixels per key row (default 4). */
  readonly keyHeight?: number;
  /** Largest picture width in pixels (default 3000). */
  readonly maxWidth?: number;
  /** Pixels per frame when the clip is short (default 2). */
  readonly frameWidth?: number;
}

const NOTE: Rgb = [220, 20, 20];
const GUIDE: Rgb = [205, 225, 245];

export interface RollPictureInput {
  readonly video2roll?: Roll;
  readonly roll2midi?: Roll;
  readonly notes: readonly NoteEvent[];
}

/** What the picture spans: seconds, frames and keys. */
function span(input: RollPictureInput): { fps: number; startSec: number; endSec: number; frames: number; lowestMidi: number; keys: number } {
  const base = input.video2roll ?? input.roll2midi;
  const fps = base?.fps ?? 25;
  const startSec = base?.startSec ?? 0;
  const endSec = notesEndSec(input.notes, Math.max(base ? startSec + base.frames / fps : 0, startSec + 1 / fps));
  return { fps, startSec, endSec, frames: Math.max(1, Math.round((endSec - startSec) * fps)), lowestMidi: base?.lowestMidi ?? 21, keys: base?.keys ?? 88 };
}

/** The bare plot (no axes): one column per frame or per group of frames, `keyHeight` rows per key. */
export function drawRoll(input: RollPictureInput, opts: RollPictureOptions = {}): Image {
  const { fps, startSec, frames, lowestMidi, keys } = span(input);
  const kh = Math.max(1, opts.keyHeight ?? 4);
  const width = Math.max(1, Math.min(opts.maxWidth ?? 3000, frames * Math.max(1, opts.frameWidth ?? 2)));
  const height = keys * kh;
  const img = new Image(width, height);
  const colOf = (sec: number): number => ((sec - startSec) * fps * width) / frames;
  const rowOf = (pitch: number): number => (keys - 1 - (pitch - lowestMidi)) * kh;

  // guides on C
  for (let k = 0; k < keys; k++) if ((lowestMidi + k) % 12 === 0) img.fillRect(0, rowOf(lowestMidi + k) + kh - 1, width, 1, GUIDE);

  // probabilities: per column, the max over the frames it covers
  const colMax = (roll: Roll | undefined, x: number, k: number): number => {
    if (!roll || k >= roll.keys) return 0;
    const f0 = Math.floor((x * frames) / width);
    const f1 = Math.max(f0 + 1, Math.floor(((x + 1) * frames) / width));
    let m = 0;
    for (let t = f0; t < Math.min(f1, roll.frames); t++) m = Math.max(m, roll.data[t * roll.keys + k] ?? 0);
    return m;
  };
  for (let x = 0; x < width; x++) {
    for (let k = 0; k < keys; k++) {
      const p1 = colMax(input.video2roll, x, k);
      const p2 = colMax(input.roll2midi, x, k);
      if (p1 < 0.02 && p2 < 0.02) continue;
      const g = 255 * (1 - 0.85 * p1);
      img.fillRect(x, rowOf(lowestMidi + k), 1, kh - (kh > 2 ? 1 : 0), [Math.round(g), Math.round(g * (1 - 0.5 * p2)), Math.round(g * (1 - 0.9 * p2))]);
    }
  }
  // notes as outlines
  for (const n of input.notes) {
    if (n.pitch < lowestMidi || n.pitch >= lowestMidi + keys) continue;
    const x0 = Math.floor(colOf(n.onsetSec));
    const x1 = Math.max(x0 + 1, Math.ceil(colOf(n.offsetSec)));
    const y0 = rowOf(n.pitch);
    img.fillRect(x0, y0, x1 - x0, 1, NOTE);
    img.fillRect(x0, y0 + kh - 1, x1 - x0, 1, NOTE);
    img.fillRect(x0, y0, 1, kh, NOTE);
    img.fillRect(x1 - 1, y0, 1, kh, NOTE);
  }
  return img;
}

/** The plot framed with note names, a time axis and a legend of what each colour means. */
export function drawRollPicture(input: RollPictureInput, opts: RollPictureOptions = {}): Image {
  const s = span(input);
  const legend: Array<readonly [string, Rgb]> = [];
  if (input.video2roll) legend.push(['VIDEO2ROLL P(KEY DOWN)', [90, 90, 90]]);
  if (input.roll2midi) legend.push(['ROLL2MIDI (SOUNDING)', [255, 140, 40]]);
  legend.push(['NOTES', NOTE]);
  return withRollAxes(drawRoll(input, opts), {
    startSec: s.startSec,
    endSec: s.startSec + s.frames / s.fps,
    lowMidi: s.lowestMidi,
    highMidi: s.lowestMidi + s.keys - 1,
    pxPerKey: Math.max(1, opts.keyHeight ?? 4),
    legend,
  });
}

export async function writeRollPng(file: string, input: RollPictureInput, opts: RollPictureOptions = {}): Promise<void> {
  await writePng(file, drawRollPicture(input, opts));
}
