/**
 * The PerfNet deep synthesizer (Audeo's "Midi2Audio"): notes -> roll with onset/offset encoding (62.5 frames/s)
 * -> PerfNet (ONNX) -> refinement U-Net (ONNX) -> log1p magnitude -> Griffin-Lim -> 16 kHz audio.
 * Chunked end to end: each chunk runs the nets with context frames on both sides and Griffin-Lim with overlapping
 * frames (GriffinLimStream), so memory depends on the chunk size, not on the piece's length.
 * STFT constants come from the model card ("audio": sampleRate, nFft, hop, bins) — the training code's constants.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { ModelError } from '../core/errors';
import { notesEndSec } from '../core/notes';
import type { NoteEvent } from '../core/types';
import type { LoadedModel } from '../extractor/models';
import { GriffinLimStream } from './griffin-lim';
import { validateRenderInput } from './soundfont';

export interface AudioConstants {
  readonly sampleRate: number;
  readonly nFft: number;
  readonly hop: number;
  readonly bins: number;
}

export interface PerfNetOptions {
  readonly model?: string;
  readonly refiner?: string; // 'none' skips the refiner
  readonly modelsRoot?: string;
  readonly tailSec?: number;
  readonly durationSec?: number;
  /** Frames of Griffin-Lim per chunk (default 512 = 8.2 s). */
  readonly chunkFrames?: number;
  readonly iterations?: number;
  readonly threads?: number;
  readonly log?: (line: string) => void;
}

const KEYS = 88;
const LOWEST = 21;
export const PERFNET_CHANNELS = 3 * KEYS;
const CONTEXT = 64;
const OVERLAP = 16;

/**
 * Network input for frames [start, start+frames): channel-major (264 x frames): sustain, onset, offset x 88 keys.
 * Same encoding as training/audeo_training/perfnet/features.py notes_to_input. Pure.
 */
export function notesToPerfInput(notes: readonly NoteEvent[], start: number, frames: number, fps: number): Float32Array {
  const x = new Float32Array(PERFNET_CHANNELS * frames);
  const set = (ch: number, t: number): void => {
    const i = t - start;
    if (i >= 0 && i < frames) x[ch * frames + i] = 1;
  };
  for (const n of notes) {
    const k = n.pitch - LOWEST;
    if (k < 0 || k >= KEYS) continue;
    const a = Math.ceil(n.onsetSec * fps);
    const b = Math.max(a + 1, Math.ceil(n.offsetSec * fps));
    if (b < start - 2 || a > start + frames + 2) continue;
    for (let t = Math.max(a, start); t < Math.min(b, start + frames); t++) set(k, t);
    const on = Math.round(n.onsetSec * fps);
    const off = Math.round(n.offsetSec * fps);
    set(KEYS + k, on);
    set(KEYS + k, on + 1);
    set(2 * KEYS + k, off);
    set(2 * KEYS + k, off + 1);
  }
  return x;
}

export function audioConstants(model: LoadedModel): AudioConstants {
  const a = (model.card as unknown as { audio?: Partial<AudioConstants> }).audio;
  if (!a || !a.sampleRate || !a.nFft || !a.hop || !a.bins) {
    throw new ModelError(`model ${model.card.name}@${model.card.version}: card has no "audio" {sampleRate, nFft, hop, bins}; expected a perfnet card`);
  }
  return { sampleRate: a.sampleRate, nFft: a.nFft, hop: a.hop, bins: a.bins };
}

async function openSession(model: LoadedModel, threads: number): Promise<InferenceSession> {
  const ort = await import('onnxruntime-node');
  try {
    return await ort.InferenceSession.create(model.onnxPath, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  } catch (e) {
    throw new ModelError(`model ${model.card.name}@${model.card.version}: onnxruntime cannot load ${model.onnxPath} (${(e as Error).message.split('\n')[0]}); expected a valid ONNX file`);
  }
}

export interface PerfNetRenderer {
  readonly constants: AudioConstants;
  readonly models: { readonly perfnet: string; readonly refiner?: string };
  /** log1p magnitudes (bins x frames, bin-major) for frames [start, start+frames). */
  logMagnitude(notes: readonly NoteEvent[], start: number, frames: number): Promise<Float32Array>;
}

export async function loadPerfNet(opts: PerfNetOptions = {}): Promise<PerfNetRenderer> {
  const { loadModel } = await import('../extractor/models');
  const net = await loadModel('perfnet', opts.model, opts.modelsRoot).catch((e: unknown) => {
    if (e instanceof ModelError && /index\.json is missing/.test(e.message)) return undefined;
    throw e;
  });
  if (!net) throw new ModelError('no perfnet model installed; expected models/index.json to list a perfnet model (use --synth soundfont)');
  const refiner = opts.refiner === 'none' ? undefined : await loadModel('spec-refiner', opts.refiner, opts.modelsRoot);
  const constants = audioConstants(net);
  const threads = opts.threads ?? 2;
  const ort = await import('onnxruntime-node');
  const sNet = await openSession(net, threads);
  const sRef = refiner ? await openSession(refiner, threads) : undefined;
  const fps = constants.sampleRate / constants.hop;
  const { bins } = constants;
  return {
    constants,
    models: { perfnet: `${net.card.name}@${net.card.version}`, ...(refiner ? { refiner: `${refiner.card.name}@${refiner.card.version}` } : {}) },
    async logMagnitude(notes, start, frames) {
      // context on both sides, padded to a multiple of 8 (three stride-2 levels)
      const s = start - CONTEXT;
      const t = Math.ceil((frames + 2 * CONTEXT) / 8) * 8;
      const input = notesToPerfInput(notes, s, t, fps);
      const inName = net.card.inputs[0]?.name ?? 'roll';
      const outName = net.card.outputs[0]?.name ?? 'logmag';
      const r1 = await sNet.run({ [inName]: new ort.Tensor('float32', input, [1, PERFNET_CHANNELS, t]) });
      let y = r1[outName]?.data;
      if (!(y instanceof Float32Array) || y.length !== bins * t) throw new ModelError(`model ${net.card.name}: output ${outName} is not float32 [1, ${bins}, ${t}]`);
      if (sRef && refiner) {
        const rIn = refiner.card.inputs[0]?.name ?? 'logmag';
        const rOut = refiner.card.outputs[0]?.name ?? 'refined';
        const r2 = await sRef.run({ [rIn]: new ort.Tensor('float32', y, [1, 1, bins, t]) });
        y = r2[rOut]?.data;
        if (!(y instanceof Float32Array) || y.length !== bins * t) throw new ModelError(`model ${refiner.card.name}: output ${rOut} is not float32 [1, 1, ${bins}, ${t}]`);
      }
      const out = new Float32Array(bins * frames);
      for (let b = 0; b < bins; b++) out.set(y.subarray(b * t + CONTEXT, b * t + CONTEXT + frames), b * frames);
      return out;
    },
  };
}

/** Renders notes with PerfNet (+ refiner) and chunked Griffin-Lim; 16 kHz mono. */
export async function renderNotesPerfNet(notes: readonly NoteEvent[], opts: PerfNetOptions = {}): Promise<{ samples: Float32Array; sampleRate: number }> {
  validateRenderInput(notes, { sampleRate: 16000, ...(opts.tailSec !== undefined ? { tailSec: opts.tailSec } : {}), ...(opts.durationSec !== undefined ? { durationSec: opts.durationSec } : {}) });
  const r = await loadPerfNet(opts);
  const { sampleRate, nFft, hop, bins } = r.constants;
  const half = nFft / 2 + 1;
  const endSec = opts.durationSec ?? notesEndSec(notes, -Infinity) + (opts.tailSec ?? 1.0);
  const totalSamples = Math.round(endSec * sampleRate);
  const totalFrames = Math.floor(totalSamples / hop) + 1;
  const chunk = Math.max(OVERLAP * 2, opts.chunkFrames ?? 512);
  const gl = new GriffinLimStream({ nFft, hop }, OVERLAP, { iterations: opts.iterations ?? 32 });
  const out = new Float32Array(totalSamples);
  let written = 0;
  let start = 0;
  for (;;) {
    const frames = Math.min(chunk, totalFrames - start);
    const last = start + frames >= totalFrames;
    const logmag = await r.logMagnitude(notes, start, frames);
    // bin-major log1p magnitude -> frame-major linear magnitude over all nFft/2+1 bins (zero above `bins`)
    const mag = new Float32Array(frames * half);
    for (let b = 0; b < bins; b++) for (let t = 0; t < frames; t++) mag[t * half + b] = Math.max(0, Math.expm1(logmag[b * frames + t] ?? 0));
    const samples = gl.push(mag, frames, last);
    const n = Math.min(samples.length, totalSamples - written);
    if (n > 0) out.set(samples.subarray(0, n), written);
    written += Math.max(0, n);
    opts.log?.(`perfnet: ${Math.min(100, Math.round((100 * (start + frames)) / totalFrames))}%`);
    if (last) break;
    start += frames - OVERLAP;
  }
  return { samples: out, sampleRate };
}
