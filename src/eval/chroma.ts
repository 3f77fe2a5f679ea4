/**
 * Chroma features for audio identification. Pure over samples.
 * STFT (Hann, fftSize, hop) -> power per pitch class over 65..3500 Hz -> log compression -> temporal smoothing
 * (mean over `smoothFrames`, every `downsample` frames) -> rows centred and L2-normalised (cosine in -1..1). Timbre-robust enough to match a
 * synthesised rendering of a piece against a recording of it.
 */
import FFT from 'fft.js';

export interface Chromagram {
  /** frames x 12, frame-major, each row unit length (or all zero for silence). */
  readonly data: Float32Array;
  readonly frames: number;
  /** Seconds between rows. */
  readonly hopSec: number;
}

export interface ChromaOptions {
  readonly fftSize?: number;
  readonly hop?: number;
  readonly smoothFrames?: number;
  readonly downsample?: number;
  readonly minHz?: number;
  readonly maxHz?: number;
}

export function chromagram(samples: Float32Array, sampleRate: number, opts: ChromaOptions = {}): Chromagram {
  const n = opts.fftSize ?? 2048;
  const hop = opts.hop ?? 1024;
  const smooth = opts.smoothFrames ?? 4;
  const down = opts.downsample ?? 2;
  const minHz = opts.minHz ?? 65;
  const maxHz = opts.maxHz ?? 3500;
  const fft = new FFT(n);
  const win = new Float32Array(n);
  for (let i = 0; i < n; i++) win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  const binClass = new Int8Array(n / 2).fill(-1);
  for (let k = 1; k < n / 2; k++) {
    const f = (k * sampleRate) / n;
    if (f < minHz || f > maxHz) continue;
    const p = Math.round(69 + 12 * Math.log2(f / 440));
    binClass[k] = ((p % 12) + 12) % 12;
  }
  const nFrames = samples.length >= n ? 1 + Math.floor((samples.length - n) / hop) : 0;
  const raw = new Float32Array(nFrames * 12);
  const input = new Array<number>(n).fill(0);
  const out = fft.createComplexArray() as number[];
  for (let t = 0; t < nFrames; t++) {
    const off = t * hop;
    for (let i = 0; i < n; i++) input[i] = samples[off + i]! * win[i]!;
    fft.realTransform(out, input);
    for (let k = 1; k < n / 2; k++) {
      const c = binClass[k]!;
      if (c < 0) continue;
      const re = out[2 * k]!;
      const im = out[2 * k + 1]!;
      raw[t * 12 + c]! += re * re + im * im;
    }
    for (let c = 0; c < 12; c++) raw[t * 12 + c] = Math.log1p(100 * Math.sqrt(raw[t * 12 + c]!));
  }
  const frames = nFrames >= smooth ? 1 + Math.floor((nFrames - smooth) / down) : 0;
  const data = new Float32Array(frames * 12);
  for (let t = 0; t < frames; t++) {
    let mean = 0;
    for (let c = 0; c < 12; c++) {
      let s = 0;
      for (let j = 0; j < smooth; j++) s += raw[(t * down + j) * 12 + c]!;
      data[t * 12 + c] = s;
      mean += s / 12;
    }
    // Centre each row (so the cosine compares which classes stand out, not overall loudness), then unit length.
    let norm = 0;
    for (let c = 0; c < 12; c++) {
      const v = data[t * 12 + c]! - mean;
      data[t * 12 + c] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm > 1e-9) for (let c = 0; c < 12; c++) data[t * 12 + c]! /= norm;
  }
  return { data, frames, hopSec: (hop * down) / sampleRate };
}
