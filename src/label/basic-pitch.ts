/**
 * basic-pitch (Spotify, Apache-2.0) run from Node: the model ships in the npm package and is loaded from its directory
 * with a small tfjs IOHandler (no network, no tfjs-node); the WASM backend runs it ~10x faster than pure-JS tfjs.
 *
 * We run the windows ourselves (instead of BasicPitch.evaluateModel) so tensors are disposed, windows are batched,
 * and each output frame gets its exact time: unwrapped frame i of window w is audio sample w * HOP_SAMPLES + i * 256.
 * Heavy: import this module lazily.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ModelError } from '../core/errors';

export const BP_SAMPLE_RATE = 22050;
export const BP_FFT_HOP = 256;
/** Samples per model window (2 s minus one hop). */
export const BP_WINDOW_SAMPLES = BP_SAMPLE_RATE * 2 - BP_FFT_HOP;
const N_OVERLAP_FRAMES = 30;
const HALF_OVERLAP_FRAMES = N_OVERLAP_FRAMES / 2;
const OVERLAP_SAMPLES = N_OVERLAP_FRAMES * BP_FFT_HOP;
/** Hop between windows in samples. */
export const BP_HOP_SAMPLES = BP_WINDOW_SAMPLES - OVERLAP_SAMPLES;
const FRAMES_PER_WINDOW = 172;
const KEPT_FRAMES_PER_WINDOW = FRAMES_PER_WINDOW - N_OVERLAP_FRAMES;
export const BP_KEYS = 88;
export const BP_LOWEST_MIDI = 21;

/** Raw model outputs: `nFrames` rows of 88 keys (frame-major), and each frame's time in seconds. */
export interface Activations {
  readonly nFrames: number;
  readonly keys: number;
  readonly lowestMidi: number;
  /** note "frame" posteriorgram (sounding), frame-major nFrames x 88. */
  readonly frames: Float32Array;
  /** onset posteriorgram, frame-major nFrames x 88. */
  readonly onsets: Float32Array;
  /** time of each frame in seconds from the start of the audio. */
  readonly frameTimesSec: Float64Array;
}

export interface BasicPitchModelInfo {
  readonly name: 'basic-pitch';
  readonly version: string;
  readonly sha256: string;
}

type Tf = typeof import('@tensorflow/tfjs');
interface Loaded {
  tf: Tf;
  model: import('@tensorflow/tfjs').GraphModel;
  info: BasicPitchModelInfo;
}
const loaded = new Map<string, Promise<Loaded>>();

function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

async function load(opts: { backend?: 'wasm' | 'cpu' }): Promise<Loaded> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tf = require('@tensorflow/tfjs') as Tf;
  const backend = opts.backend ?? 'wasm';
  if (backend === 'wasm') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + path.sep);
  }
  const ok = await tf.setBackend(backend);
  if (!ok) throw new ModelError(`tfjs backend "${backend}" failed to initialise; expected @tensorflow/tfjs-backend-wasm 4.22 next to @tensorflow/tfjs 4.22`);
  await tf.ready();
  const dir = path.join(packageDir('@spotify/basic-pitch'), 'model');
  let modelJson: {
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string;
    signature?: object;
    userDefinedMetadata?: { [key: string]: object };
    weightsManifest: { paths: string[]; weights: import('@tensorflow/tfjs').io.WeightsManifestEntry[] }[];
  };
  const hash = createHash('sha256');
  try {
    const text = await fs.readFile(path.join(dir, 'model.json'), 'utf8');
    hash.update(text);
    modelJson = JSON.parse(text) as typeof modelJson;
  } catch (e) {
    throw new ModelError(`cannot read basic-pitch's model.json in ${dir}: ${(e as Error).message}`);
  }
  const weightSpecs: import('@tensorflow/tfjs').io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of modelJson.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) {
      const b = await fs.readFile(path.join(dir, p));
      hash.update(b);
      buffers.push(b);
    }
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  const handler: import('@tensorflow/tfjs').io.IOHandler = {
    load: () =>
      Promise.resolve({
        modelTopology: modelJson.modelTopology,
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
        signature: modelJson.signature,
        userDefinedMetadata: modelJson.userDefinedMetadata,
        weightSpecs,
        weightData,
      }),
  };
  const model = await tf.loadGraphModel(handler);
  const pkg = JSON.parse(await fs.readFile(path.join(packageDir('@spotify/basic-pitch'), 'package.json'), 'utf8')) as { version: string };
  return { tf, model, info: { name: 'basic-pitch', version: pkg.version, sha256: hash.digest('hex') } };
}

/** Loads (once per process) basic-pitch's model from its npm package. */
export function loadBasicPitch(opts: { backend?: 'wasm' | 'cpu' } = {}): Promise<Loaded> {
  const backend = opts.backend ?? 'wasm';
  let p = loaded.get(backend);
  if (!p) loaded.set(backend, (p = load({ backend })));
  return p;
}

/**
 * Runs basic-pitch over mono 22,050 Hz audio and returns its frame and onset posteriorgrams with exact frame times.
 * `onProgress(doneSec, totalSec)` is called after each batch of windows.
 */
export async function transcribeActivations(
  samples: Float32Array,
  opts: { batchWindows?: number; backend?: 'wasm' | 'cpu'; onProgress?: (doneSec: number, totalSec: number) => void } = {},
): Promise<{ activations: Activations; model: BasicPitchModelInfo }> {
  const { tf, model, info } = await loadBasicPitch(opts);
  const batch = Math.max(1, opts.batchWindows ?? 4);
  const n = samples.length;
  const padFront = OVERLAP_SAMPLES / 2;
  const nWindows = Math.max(1, Math.ceil((n + padFront) / BP_HOP_SAMPLES));
  // Frames kept: unwrapped frame i of window w is at sample w*HOP + i*256; keep those before the end of the audio.
  const times: number[] = [];
  const frameRows: Float32Array[] = [];
  const onsetRows: Float32Array[] = [];
  for (let w0 = 0; w0 < nWindows; w0 += batch) {
    const nb = Math.min(batch, nWindows - w0);
    const input = new Float32Array(nb * BP_WINDOW_SAMPLES);
    for (let b = 0; b < nb; b++) {
      const start = (w0 + b) * BP_HOP_SAMPLES - padFront; // in original-audio samples
      const lo = Math.max(0, start);
      const hi = Math.min(n, start + BP_WINDOW_SAMPLES);
      if (hi > lo) input.set(samples.subarray(lo, hi), b * BP_WINDOW_SAMPLES + (lo - start));
    }
    const [fr, on] = tf.tidy(() => {
      const x = tf.tensor3d(input, [nb, BP_WINDOW_SAMPLES, 1]);
      const out = model.execute(x, ['Identity_1', 'Identity_2']) as import('@tensorflow/tfjs').Tensor[];
      return [out[0]!.dataSync() as Float32Array, out[1]!.dataSync() as Float32Array];
    });
    for (let b = 0; b < nb; b++) {
      const w = w0 + b;
      for (let i = 0; i < KEPT_FRAMES_PER_WINDOW; i++) {
        const sample = w * BP_HOP_SAMPLES + i * BP_FFT_HOP;
        if (sample >= n) break;
        const off = (b * FRAMES_PER_WINDOW + HALF_OVERLAP_FRAMES + i) * BP_KEYS;
        frameRows.push(fr.slice(off, off + BP_KEYS));
        onsetRows.push(on.slice(off, off + BP_KEYS));
        times.push(sample / BP_SAMPLE_RATE);
      }
    }
    opts.onProgress?.(Math.min(n, (w0 + nb) * BP_HOP_SAMPLES) / BP_SAMPLE_RATE, n / BP_SAMPLE_RATE);
  }
  const nFrames = times.length;
  const frames = new Float32Array(nFrames * BP_KEYS);
  const onsets = new Float32Array(nFrames * BP_KEYS);
  for (let t = 0; t < nFrames; t++) {
    frames.set(frameRows[t]!, t * BP_KEYS);
    onsets.set(onsetRows[t]!, t * BP_KEYS);
  }
  return {
    activations: { nFrames, keys: BP_KEYS, lowestMidi: BP_LOWEST_MIDI, frames, onsets, frameTimesSec: Float64Array.from(times) },
    model: info,
  };
}
