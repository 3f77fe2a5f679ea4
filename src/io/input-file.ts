/**
 * Shared edges of the commands that accept "a take, a MIDI file or a video" (`audeo play`, `audeo render`):
 * the file check, the video extensions, and a lazy loader for the extractor (so those commands start without
 * loading onnxruntime/ffmpeg, and a build without the extractor says what to do instead).
 */
import { promises as fs } from 'node:fs';
import { InputError } from '../core/errors';
import type { Take } from '../core/take';

export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set(['.mp4', '.mov', '.mkv', '.avi', '.webm', '.m4v', '.mpg', '.mpeg']);

/** Throws an InputError naming `expected` unless `file` exists and is a regular file. */
export async function requireFile(file: string, expected: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new InputError(`${file} does not exist; ${expected}`);
  }
  if (!stat.isFile()) throw new InputError(`${file} is not a file; ${expected}`);
}

export type ExtractFn = (videoPath: string, opts: Record<string, unknown>) => Promise<Take>;

/** The extractor's `extractTake`, loaded on first use; undefined when this build has no extractor. */
export async function loadExtractor(): Promise<ExtractFn | undefined> {
  try {
    const modPath = '../extractor';
    const mod = (await import(modPath)) as { extractTake?: unknown };
    return typeof mod.extractTake === 'function' ? (mod.extractTake as ExtractFn) : undefined;
  } catch {
    return undefined;
  }
}
