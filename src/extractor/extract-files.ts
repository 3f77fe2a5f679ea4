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
import { checkWritable } from '../io/atomic';
import { lockOutputs } from '../io/lock';
import { writeMidiFile, type MidiFileOptions, type SmfInfo } from '../io/midi-file';
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
  /** How the MIDI file is written: `bpm` forces one tempo, `quantizeDivision` snaps to 1/N notes, `velocity` (default "context"). */
  readonly midiFile?: Pick<MidiFileOptions, 'bpm' | 'quantizeDivision' | 'velocity'>;
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
  /** The MIDI file's tempo map and velocities. */
  readonly midiFile?: SmfInfo;
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

/** What names a file: device and inode when it exists (symlinks, hard links, `./a` vs `a`), else its folder's real path + name. */
async function fileIdentity(file: string): Promise<string> {
  const abs = path.resolve(file);
  const st = await fs.stat(abs).catch(() => undefined);
  if (st) return `inode ${st.dev}:${st.ino}`;
  const dir = await fs.realpath(path.dirname(abs)).catch(() => path.dirname(abs));
  return `path ${path.join(dir, path.basename(abs))}`;
}

/** Refuses two of the files that are one file (a Take overwritten by the MIDI file, an output over the video). */
export async function requireDistinctFiles(files: ReadonlyArray<readonly [what: string, file: string]>): Promise<void> {
  const seen = new Map<string, readonly [string, string]>();
  for (const f of files) {
    const id = await fileIdentity(f[1]);
    const first = seen.get(id);
    if (first) throw new InputError(`${first[0]} ${first[1]} and ${f[0]} ${f[1]} are the same file; expected a different path for each`);
    seen.set(id, f);
  }
}

export async function extractToFiles(video: string, opts: ExtractFilesOptions = {}): Promise<{ take: Take; summary: ExtractSummary }> {
  const out = defaultOutputs(video, opts);
  await requireDistinctFiles([
    ['the input video', video],
    ['the Take (--take)', out.take],
    ['the MIDI file (-o)', out.midi],
    ['the picture (--png)', out.png],
    ['the keyboard picture', out.keyboardPng],
  ]);
  for (const f of [out.midi, out.take, out.png, out.keyboardPng]) await checkWritable(f);
  // one run per output: a second extract to the same Take/MIDI/PNG stops here, naming the lock
  const unlock = lockOutputs([out.take, out.midi, out.png, out.keyboardPng]);
  try {
    return await extractUnlocked(video, out, opts);
  } finally {
    unlock();
  }
}

async function extractUnlocked(video: string, out: ReturnType<typeof defaultOutputs>, opts: ExtractFilesOptions): Promise<{ take: Take; summary: ExtractSummary }> {
  const t0 = performance.now();
  const take = await extractTake(video, { ...opts, takePath: out.take });
  let keyboardPng: string | undefined;
  let midiFile: SmfInfo | undefined;
  try {
    midiFile = await writeMidiFile(out.midi, take.notes, {
      ...(take.source.startTimecode ? { startTimecode: take.source.startTimecode } : {}),
      videoFps: take.source.fps,
      velocity: 'context',
      ...opts.midiFile,
    });
    await writeRollPng(out.png, {
      ...(take.rolls.video2roll ? { video2roll: decodeRoll(take.rolls.video2roll) } : {}),
      ...(take.rolls.roll2midi ? { roll2midi: decodeRoll(take.rolls.roll2midi) } : {}),
      notes: take.notes,
    });
    keyboardPng = (await writeKeyboardPicture(out.keyboardPng, video, take.keyboard)) ? out.keyboardPng : undefined;
  } catch (e) {
    // the work is not lost: the complete Take holds the notes, and the next run writes the rest from it
    if (e instanceof SinkError) throw new SinkError(`${e.message} (the extraction is done and its notes are saved in the Take ${out.take}, which \`audeo play\` and \`audeo render\` read)`);
    throw e;
  }
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
      ...(midiFile ? { midiFile } : {}),
      notices: take.notices ?? [],
    },
  };
}
