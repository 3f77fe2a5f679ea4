/**
 * `audeo label`: pseudo ground truth from a soundtrack, as the paper made its labels. Audio (ffmpeg, 22,050 Hz mono)
 * -> basic-pitch posteriorgrams (optionally cached) -> notes (decode.ts, thresholds tuned on OMAPS 001-025)
 * -> a 25 fps binary roll and a Take. Heavy: import lazily.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { encodeRoll, TAKE_FORMAT, TAKE_VERSION, type Take } from '../core/take';
import type { NoteEvent, Roll } from '../core/types';
import { fileKey, loadActivations, saveActivations } from './activation-cache';
import { decodeAudio, probeMedia } from './audio';
import { loadBasicPitch, transcribeActivations, type Activations, type BasicPitchModelInfo } from './basic-pitch';
import { activationsToNotes, LABEL_DECODE, type DecodeOptions } from './decode';
import { notesToBinaryRoll } from './roll';

export const LABEL_ROLL_FPS = 25;

export interface LabelOptions {
  /** Decoder settings; default LABEL_DECODE (tuned on OMAPS 001-025). */
  readonly decode?: DecodeOptions;
  /** Cache basic-pitch's outputs in this directory (re-labelling with other thresholds is then instant). */
  readonly cacheDir?: string;
  /** Frame rate of the output roll. Default 25 (the paper's). */
  readonly rollFps?: number;
  readonly onProgress?: (doneSec: number, totalSec: number) => void;
}

export interface LabelResult {
  readonly notes: NoteEvent[];
  readonly roll: Roll;
  readonly take: Take;
  readonly activations: Activations;
  readonly model: BasicPitchModelInfo;
  readonly audioDurationSec: number;
  /** Seconds spent in the model (0 when the activations came from the cache). */
  readonly transcribeSec: number;
  readonly cached: boolean;
}

async function headSha256(file: string): Promise<{ sizeBytes: number; sha: string }> {
  const h = await fs.open(file, 'r');
  try {
    const st = await h.stat();
    const head = Buffer.alloc(Math.min(st.size, 1 << 20));
    await h.read(head, 0, head.length, 0);
    return { sizeBytes: st.size, sha: createHash('sha256').update(head).digest('hex') };
  } finally {
    await h.close();
  }
}

export async function labelFile(file: string, opts: LabelOptions = {}): Promise<LabelResult> {
  const audio = await decodeAudio(file, { sampleRate: 22050 });
  const media = await probeMedia(file);
  const { info } = await loadBasicPitch();
  const key = opts.cacheDir ? await fileKey(file, info.sha256) : '';
  let activations = opts.cacheDir ? await loadActivations(opts.cacheDir, key) : undefined;
  const cached = activations !== undefined;
  let transcribeSec = 0;
  if (!activations) {
    const t0 = performance.now();
    const r = await transcribeActivations(audio.samples, opts.onProgress ? { onProgress: opts.onProgress } : {});
    transcribeSec = (performance.now() - t0) / 1000;
    activations = r.activations;
    if (opts.cacheDir) await saveActivations(opts.cacheDir, key, file, activations);
  }
  const notes = activationsToNotes(activations, opts.decode ?? LABEL_DECODE);
  const fps = opts.rollFps ?? LABEL_ROLL_FPS;
  const frames = Math.max(1, Math.ceil(audio.durationSec * fps));
  const roll = notesToBinaryRoll(notes, { fps, frames });
  const { sizeBytes, sha } = await headSha256(file);
  const take: Take = {
    format: TAKE_FORMAT,
    version: TAKE_VERSION,
    createdAt: new Date().toISOString(),
    source: { path: file, sizeBytes, headSha256: sha, durationSec: media.durationSec ?? audio.durationSec, fps: media.fps ?? fps },
    models: { transcriber: { name: info.name, version: info.version, sha256: info.sha256 } },
    threshold: 0.5,
    rolls: { transcriber: encodeRoll(roll) },
    notes,
    progress: { framesDone: frames, framesTotal: frames, complete: true },
  };
  return { notes, roll, take, activations, model: info, audioDurationSec: audio.durationSec, transcribeSec, cached };
}
