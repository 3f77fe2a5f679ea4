/**
 * A disk cache of basic-pitch's raw outputs (frame and onset posteriorgrams, frame times) per audio file, so that
 * re-labelling or tuning thresholds never re-runs the model. Keyed by the file's size + sha256 of its first MiB
 * + the model's sha256. Layout: <dir>/<key>.json (meta) + <key>.f32 (frames, onsets, times as float32/float64).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import type { Activations } from './basic-pitch';

export const DEFAULT_CACHE_DIR = path.join('.cache', 'basic-pitch');

export async function fileKey(file: string, modelSha256: string): Promise<string> {
  const h = await fs.open(file, 'r');
  try {
    const st = await h.stat();
    const head = Buffer.alloc(Math.min(st.size, 1 << 20));
    await h.read(head, 0, head.length, 0);
    return createHash('sha256').update(`${st.size}:`).update(head).update(modelSha256).digest('hex').slice(0, 24);
  } finally {
    await h.close();
  }
}

interface Meta {
  readonly source: string;
  readonly nFrames: number;
  readonly keys: number;
  readonly lowestMidi: number;
}

export async function saveActivations(dir: string, key: string, source: string, a: Activations): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const meta: Meta = { source, nFrames: a.nFrames, keys: a.keys, lowestMidi: a.lowestMidi };
  const body = Buffer.concat([
    Buffer.from(a.frames.buffer, a.frames.byteOffset, a.frames.byteLength),
    Buffer.from(a.onsets.buffer, a.onsets.byteOffset, a.onsets.byteLength),
    Buffer.from(a.frameTimesSec.buffer, a.frameTimesSec.byteOffset, a.frameTimesSec.byteLength),
  ]);
  await writeFileAtomic(path.join(dir, `${key}.bin`), body);
  await writeFileAtomic(path.join(dir, `${key}.json`), JSON.stringify(meta));
}

export async function loadActivations(dir: string, key: string): Promise<Activations | undefined> {
  let meta: Meta;
  let body: Buffer;
  try {
    meta = JSON.parse(await fs.readFile(path.join(dir, `${key}.json`), 'utf8')) as Meta;
    body = await fs.readFile(path.join(dir, `${key}.bin`));
  } catch {
    return undefined;
  }
  const cells = meta.nFrames * meta.keys;
  if (body.length !== cells * 8 + meta.nFrames * 8) return undefined;
  const ab = body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength);
  return {
    nFrames: meta.nFrames,
    keys: meta.keys,
    lowestMidi: meta.lowestMidi,
    frames: new Float32Array(ab, 0, cells),
    onsets: new Float32Array(ab, cells * 4, cells),
    frameTimesSec: new Float64Array(ab, cells * 8, meta.nFrames),
  };
}
