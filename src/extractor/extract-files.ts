/**
 * `audeo extract` as a job on files: video -> Take (checkpointed, resumable) + MIDI file + piano-roll PNG.
 * Default outputs sit beside the video: <basename>.audeo.json, <basename>.mid, and the PNG beside the MIDI file, with
 * the located keyboard drawn over a frame beside it (<png name>.keyboard.png).
 * Every output is written atomically; nothing is written before the input and the models have been checked.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, SinkError } from '../core/errors';
import { decodeRoll, type Take } from '../core/take';
import { writeMidiFile } from '../io/midi-file';
import { writePng, type Image } from '../io/png';
import { writeRollPng } from '../viz/roll-png';
import { sampleFrames } from './frames';
import type { GrayFrame } from './locator-types';
import { extractTake, type ExtractOptions } from './pipeline';
import { probeVideo } from './probe';

export interface ExtractFilesOptions extends Omit<ExtractOptions, 'takePath'> {
  /** MIDI file (default: <video dir>/<basename>.mid). */
  readonly midiPath?: string;
  /** Take (default: <video dir>/<basename>.audeo.json). */
  readonly takePath?: string;
  /** Piano-roll picture (default: the MIDI path with .png). */
  readonly pngPath?: string;
}

export interface ExtractSummary {
  readonly video: string;
  readonly take: string;
  readonly midi: string;
  readonly png: string;
  /** The located keyboard drawn over a frame (key outlines, note names): <roll picture>.keyboard.png. */
  readonly keyboardPng?: string;
  readonly notes: number;
  readonly frames: number;
  readonly fps: number;
  readonly durationSec: number;
  readonly wallSec: number;
  /** Seconds of video per second of wall time. */
  readonly xRealTime: number;
  readonly models: Take['models'];
  readonly keyboard?: Take['keyboard'];
  readonly threshold: number;
  readonly startTimecode?: string;
  readonly notices: readonly string[];
}

export function defaultOutputs(
  video: string,
  opts: { midiPath?: string; takePath?: string; pngPath?: string },
): { midi: string; take: string; png: string; keyboardPng: string } {
  const dir = path.dirname(video);
  const base = path.basename(video, path.extname(video));
  const midi = opts.midiPath ?? path.join(dir, `${base}.mid`);
  const take = opts.takePath ?? path.join(dir, `${base}.audeo.json`);
  const ext = path.extname(midi);
  const png = opts.pngPath ?? (ext ? midi.slice(0, -ext.length) : midi) + '.png';
  const pngExt = path.extname(png);
  const keyboardPng = (pngExt ? png.slice(0, -pngExt.length) : png) + '.keyboard.png';
  return { midi, take, png, keyboardPng };
}

type Overlay = (frame: GrayFrame, loc: { homography: number[]; lowestMidi: number; highestMidi: number; box: [number, number, number, number]; confidence?: number }) => Image;

/**
 * The located keyboard drawn over the video's middle frame, written to `file`; false (nothing written) when the Take
 * has no homography or the drawing is not in this build.
 */
async function writeKeyboardPicture(file: string, video: string, keyboard: Take['keyboard']): Promise<boolean> {
  if (!keyboard?.homography || keyboard.homography.length !== 9) return false;
  const modPath = './keyboard/overlay'; // resolved at run time, as the locator itself (src/extractor/pipeline.ts)
  let draw: Overlay | undefined;
  try {
    draw = ((await import(modPath)) as { drawLocationOverlay?: Overlay }).drawLocationOverlay;
  } catch {
    return false;
  }
  if (typeof draw !== 'function') return false;
  const [frame] = await sampleFrames(await probeVideo(video), 1);
  if (!frame) return false;
  const { homography, lowestMidi, highestMidi, box, confidence } = keyboard;
  const picture = draw(frame, { homography: [...homography], lowestMidi, highestMidi, box: [...box], ...(confidence !== undefined ? { confidence } : {}) });
  await writePng(file, picture);
  return true;
}

async function checkOutput(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new Error('not a folder');
    await fs.access(dir, fs.constants.W_OK);
  } catch {
    throw new SinkError(`cannot write ${file}: folder ${dir} is missing or not writable; expected a writable output path`);
  }
  const st = await fs.stat(file).catch(() => undefined);
  if (st?.isDirectory()) throw new SinkError(`cannot write ${file}: it is a folder; expected a file path`);
}

export async function extractToFiles(video: string, opts: ExtractFilesOptions = {}): Promise<{ take: Take; summary: ExtractSummary }> {
  const out = defaultOutputs(video, opts);
  if (path.resolve(out.midi) === path.resolve(video) || path.resolve(out.take) === path.resolve(video) || path.resolve(out.png) === path.resolve(video)) {
    throw new InputError(`an output path equals the input video ${video}; expected different output names`);
  }
  if (path.resolve(out.keyboardPng) === path.resolve(video)) throw new InputError(`an output path equals the input video ${video}; expected different output names`);
  for (const f of [out.midi, out.take, out.png, out.keyboardPng]) await checkOutput(f);
  const t0 = performance.now();
  const take = await extractTake(video, { ...opts, takePath: out.take });
  await writeMidiFile(out.midi, take.notes, {
    ...(take.source.startTimecode ? { startTimecode: take.source.startTimecode } : {}),
    videoFps: take.source.fps,
  });
  await writeRollPng(out.png, {
    ...(take.rolls.video2roll ? { video2roll: decodeRoll(take.rolls.video2roll) } : {}),
    ...(take.rolls.roll2midi ? { roll2midi: decodeRoll(take.rolls.roll2midi) } : {}),
    notes: take.notes,
  });
  const keyboardPng = (await writeKeyboardPicture(out.keyboardPng, video, take.keyboard)) ? out.keyboardPng : undefined;
  const wallSec = (performance.now() - t0) / 1000;
  const roll = take.rolls.video2roll;
  const frames = roll?.frames ?? 0;
  const fps = roll?.fps ?? 25;
  const durationSec = take.source.durationSec || frames / fps;
  return {
    take,
    summary: {
      video,
      take: out.take,
      midi: out.midi,
      png: out.png,
      ...(keyboardPng ? { keyboardPng } : {}),
      notes: take.notes.length,
      frames,
      fps,
      durationSec,
      wallSec,
      xRealTime: durationSec / Math.max(wallSec, 1e-9),
      models: take.models,
      ...(take.keyboard ? { keyboard: take.keyboard } : {}),
      threshold: take.threshold,
      ...(take.source.startTimecode ? { startTimecode: take.source.startTimecode } : {}),
      notices: take.notices ?? [],
    },
  };
}
