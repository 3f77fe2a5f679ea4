/**
 * Griffin-Lim phase reconstruction (fast variant, momentum 0.99; Perraudin et al. 2013) with fft.js. Pure.
 * STFT convention as torch.stft(center=True): frame t is centred at sample t * hop, Hann window of nFft.
 * `griffinLim` reconstructs one span of frames; `GriffinLimStream` runs it chunk by chunk with overlapping frames
 * whose phases are carried over from the previous chunk, and crossfades the overlap, so memory stays bounded and
 * chunk edges do not click.
 */
import FFT from 'fft.js';
import { mulberry32 } from '../core/random';

export interface StftShape {
  readonly nFft: number;
  readonly hop: number;
}

export interface GriffinLimOptions {
  readonly iterations?: number;
  readonly momentum?: number;
  /** Seed of the initial random phases (deterministic output). */
  readonly seed?: number;
}

function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n); // periodic, as torch.hann_window
  return w;
}

/**
 * Reconstructs samples for `frames` frames of magnitude (frame-major, `half` = nFft/2+1 values a frame).
 * Returns the signal for samples [-nFft/2, (frames-1)*hop + nFft/2) relative to frame 0's centre, and the final
 * complex spectrum (frame-major re/im pairs) so a next chunk can start from its phases.
 * `initPhase` (frame-major re/im of unit or any magnitude) sets the starting phase of the first `initFrames` frames.
 */
export function griffinLim(
  mag: Float32Array,
  frames: number,
  shape: StftShape,
  opts: GriffinLimOptions & { initPhase?: Float64Array; initFrames?: number } = {},
): { signal: Float64Array; spectrum: Float64Array } {
  const { nFft, hop } = shape;
  const half = nFft / 2 + 1;
  const iterations = opts.iterations ?? 32;
  const alpha = opts.momentum ?? 0.99;
  const fft = new FFT(nFft);
  const win = hann(nFft);
  const len = (frames - 1) * hop + nFft;
  // sum of squared windows for the least-squares ISTFT
  const wss = new Float64Array(len);
  for (let t = 0; t < frames; t++) for (let i = 0; i < nFft; i++) wss[t * hop + i] = (wss[t * hop + i] ?? 0) + (win[i] ?? 0) ** 2;

  // current complex estimate C (re, im per bin per frame), and the previous projection for momentum
  const spec = new Float64Array(frames * half * 2);
  const rnd = mulberry32(opts.seed ?? 1);
  const initFrames = Math.min(frames, opts.initFrames ?? 0);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < half; k++) {
      const m = mag[t * half + k] ?? 0;
      let re: number;
      let im: number;
      if (t < initFrames && opts.initPhase) {
        const pr = opts.initPhase[(t * half + k) * 2] ?? 1;
        const pi = opts.initPhase[(t * half + k) * 2 + 1] ?? 0;
        const n = Math.hypot(pr, pi) || 1;
        re = pr / n;
        im = pi / n;
      } else {
        const ph = 2 * Math.PI * rnd();
        re = Math.cos(ph);
        im = Math.sin(ph);
      }
      spec[(t * half + k) * 2] = m * re;
      spec[(t * half + k) * 2 + 1] = m * im;
    }
  }
  const prevProj = new Float64Array(spec.length);
  const signal = new Float64Array(len);
  const full = new Float64Array(nFft * 2);
  const timeBuf = new Float64Array(nFft * 2);
  const frame = new Float64Array(nFft);
  const out = new Float64Array(nFft * 2);

  const istft = (): void => {
    signal.fill(0);
    for (let t = 0; t < frames; t++) {
      for (let k = 0; k < half; k++) {
        full[2 * k] = spec[(t * half + k) * 2] ?? 0;
        full[2 * k + 1] = spec[(t * half + k) * 2 + 1] ?? 0;
      }
      for (let k = half; k < nFft; k++) {
        full[2 * k] = full[2 * (nFft - k)] ?? 0;
        full[2 * k + 1] = -(full[2 * (nFft - k) + 1] ?? 0);
      }
      fft.inverseTransform(timeBuf, full);
      const o = t * hop;
      for (let i = 0; i < nFft; i++) signal[o + i] = (signal[o + i] ?? 0) + (timeBuf[2 * i] ?? 0) * (win[i] ?? 0);
    }
    for (let i = 0; i < len; i++) {
      const w = wss[i] ?? 0;
      signal[i] = w > 1e-8 ? (signal[i] ?? 0) / w : 0;
    }
  };

  for (let it = 0; it < iterations; it++) {
    istft();
    // projection: STFT of the signal, then the known magnitude with the new phase (fast GL momentum on the projection)
    for (let t = 0; t < frames; t++) {
      const o = t * hop;
      for (let i = 0; i < nFft; i++) frame[i] = (signal[o + i] ?? 0) * (win[i] ?? 0);
      fft.realTransform(out, frame);
      for (let k = 0; k < half; k++) {
        const j = (t * half + k) * 2;
        const re = out[2 * k] ?? 0;
        const im = out[2 * k + 1] ?? 0;
        const pr = prevProj[j] ?? 0;
        const pi = prevProj[j + 1] ?? 0;
        prevProj[j] = re;
        prevProj[j + 1] = im;
        const ar = re + (it > 0 ? alpha * (re - pr) : 0);
        const ai = im + (it > 0 ? alpha * (im - pi) : 0);
        const n = Math.hypot(ar, ai);
        const m = mag[t * half + k] ?? 0;
        spec[j] = n > 1e-12 ? (m * ar) / n : m;
        spec[j + 1] = n > 1e-12 ? (m * ai) / n : 0;
      }
    }
  }
  istft();
  return { signal, spectrum: spec };
}

/**
 * Chunked Griffin-Lim: push magnitude frames chunk by chunk (each chunk must repeat the previous chunk's last
 * `overlap` frames first); samples come out in order. The overlap's phases start from the previous chunk's result
 * and the overlap is crossfaded (raised cosine) in the time domain.
 */
export class GriffinLimStream {
  private tailSignal: Float64Array | undefined;
  private tailSpectrum: Float64Array | undefined;
  private seed: number;
  /** Frames consumed so far (the next chunk starts at this frame minus the overlap). */
  framesDone = 0;

  constructor(
    private readonly shape: StftShape,
    private readonly overlap: number,
    private readonly opts: GriffinLimOptions = {},
  ) {
    this.seed = opts.seed ?? 1;
  }

  /**
   * `mag`: frame-major magnitudes of `frames` frames, the first `overlap` of which (after the first chunk) repeat the
   * last frames of the previous chunk. Returns the finished samples (frame 0 of the stream centred at sample 0).
   */
  push(mag: Float32Array, frames: number, last: boolean): Float32Array {
    const { nFft, hop } = this.shape;
    const half = nFft / 2 + 1;
    const first = this.tailSignal === undefined;
    const ov = first ? 0 : this.overlap;
    const { signal, spectrum } = griffinLim(mag, frames, this.shape, {
      ...this.opts,
      seed: this.seed++,
      ...(this.tailSpectrum ? { initPhase: this.tailSpectrum, initFrames: ov } : {}),
    });
    // signal[i] is sample (chunkStartFrame * hop - nFft/2 + i); chunkStartFrame = framesDone - ov
    const pad = nFft / 2;
    // samples this chunk finalises: from where the previous chunk stopped to the middle of the next overlap
    const keepFrames = last ? frames : frames - Math.floor(this.overlap / 2);
    const startSample = first ? 0 : Math.floor(ov / 2) * hop; // relative to this chunk's frame 0
    const endSample = last ? (frames - 1) * hop + 1 : keepFrames * hop;
    const outLen = Math.max(0, endSample - startSample);
    const out = new Float32Array(outLen);
    for (let i = 0; i < outLen; i++) out[i] = signal[pad + startSample + i] ?? 0;
    if (!first && this.tailSignal) {
      // crossfade the previous chunk's continuation into this one over the first `fade` samples
      const fade = Math.min(outLen, this.tailSignal.length);
      for (let i = 0; i < fade; i++) {
        const w = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / fade);
        out[i] = (1 - w) * (this.tailSignal[i] ?? 0) + w * (out[i] ?? 0);
      }
    }
    if (!last) {
      // keep what this chunk says about the next chunk's overlap: frames [frames - overlap, frames)
      const fromFrame = frames - this.overlap;
      this.tailSpectrum = spectrum.slice(fromFrame * half * 2, frames * half * 2);
      const fadeStart = keepFrames * hop; // == where the next chunk's output starts
      const fadeLen = Math.floor(this.overlap / 2) * hop;
      this.tailSignal = signal.slice(pad + fadeStart, pad + fadeStart + fadeLen);
      this.framesDone += frames - ov;
    }
    return out;
  }
}
