/** Griffin-Lim (fft.js): reconstructs a known magnitude spectrogram; chunked reconstruction has no clicks at chunk edges. */
import FFT from 'fft.js';
import { griffinLim, GriffinLimStream } from '../../src/render/griffin-lim';
import { notesToPerfInput, PERFNET_CHANNELS } from '../../src/render/perfnet';
import { note, peakHz } from './helpers';

const SR = 16000;
const N_FFT = 512;
const HOP = 128;
const HALF = N_FFT / 2 + 1;

/** Frame-major |STFT| (center=True, periodic Hann), as torch.stft. */
function stftMag(x: Float32Array, frames: number): Float32Array {
  const fft = new FFT(N_FFT);
  const mag = new Float32Array(frames * HALF);
  const frame = new Float64Array(N_FFT);
  const out = new Float64Array(2 * N_FFT);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < N_FFT; i++) {
      const j = t * HOP + i - N_FFT / 2;
      const v = x[Math.abs(j) < x.length ? Math.abs(j) : 2 * (x.length - 1) - j] ?? 0; // reflect padding
      frame[i] = v * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT));
    }
    fft.realTransform(out, frame);
    for (let k = 0; k < HALF; k++) mag[t * HALF + k] = Math.hypot(out[2 * k] ?? 0, out[2 * k + 1] ?? 0);
  }
  return mag;
}

/** A test signal: two tones with an amplitude step (a note onset) at 0.5 s. */
function signal(seconds: number): Float32Array {
  const x = new Float32Array(seconds * SR);
  for (let i = 0; i < x.length; i++) {
    const t = i / SR;
    x[i] = 0.3 * Math.sin(2 * Math.PI * 440 * t) + (t > 0.5 ? 0.2 * Math.sin(2 * Math.PI * 660 * t) : 0);
  }
  return x;
}

function spectralConvergence(target: Float32Array, y: Float32Array, frames: number): number {
  const m = stftMag(y, frames);
  let num = 0;
  let den = 0;
  for (let i = 0; i < frames * HALF; i++) {
    num += ((m[i] ?? 0) - (target[i] ?? 0)) ** 2;
    den += (target[i] ?? 0) ** 2;
  }
  return Math.sqrt(num / den);
}

describe('Griffin-Lim', () => {
  const x = signal(2);
  const frames = Math.floor(x.length / HOP) + 1;
  const mag = stftMag(x, frames);

  it('reconstructs a signal whose spectrogram matches the target (spectral convergence < 0.15) with the right pitch', () => {
    const { signal: y } = griffinLim(mag, frames, { nFft: N_FFT, hop: HOP }, { iterations: 40 });
    const out = Float32Array.from(y.subarray(N_FFT / 2, N_FFT / 2 + x.length));
    expect(spectralConvergence(mag, out, frames)).toBeLessThan(0.15);
    expect(Math.abs(peakHz(out, SR, 0.1, { size: 4096 }) - 440)).toBeLessThan(5);
    // more iterations help: it is really iterating
    const { signal: y1 } = griffinLim(mag, frames, { nFft: N_FFT, hop: HOP }, { iterations: 1 });
    expect(spectralConvergence(mag, Float32Array.from(y1.subarray(N_FFT / 2, N_FFT / 2 + x.length)), frames)).toBeGreaterThan(spectralConvergence(mag, out, frames));
  });

  it('chunked reconstruction is as good as one piece and has no clicks at chunk edges', () => {
    const overlap = 16;
    const chunk = 64;
    const gl = new GriffinLimStream({ nFft: N_FFT, hop: HOP }, overlap, { iterations: 40 });
    const parts: Float32Array[] = [];
    const edges: number[] = [];
    let produced = 0;
    for (let start = 0; ; start += chunk - overlap) {
      const n = Math.min(chunk, frames - start);
      const last = start + n >= frames;
      const part = gl.push(mag.slice(start * HALF, (start + n) * HALF), n, last);
      parts.push(part);
      produced += part.length;
      edges.push(produced);
      if (last) break;
    }
    const y = new Float32Array(produced);
    let o = 0;
    for (const p of parts) {
      y.set(p, o);
      o += p.length;
    }
    expect(Math.abs(y.length - (frames - 1) * HOP - 1)).toBeLessThanOrEqual(1);
    const sc = spectralConvergence(mag, y.subarray(0, x.length), frames);
    expect(sc).toBeLessThan(0.2);
    // clicks: the largest jump between neighbouring samples near an edge is no larger than the signal's own largest step
    const step = (i: number): number => Math.abs((y[i] ?? 0) - (y[i - 1] ?? 0));
    let ownMax = 0;
    for (let i = 1; i < x.length; i++) ownMax = Math.max(ownMax, Math.abs((x[i] ?? 0) - (x[i - 1] ?? 0)));
    for (const e of edges.slice(0, -1)) {
      for (let i = e - 64; i < e + 64; i++) expect(step(i)).toBeLessThan(1.5 * ownMax);
    }
  });
});

describe('PerfNet input encoding', () => {
  it('sustain, onset and offset channels like training (features.py notes_to_input)', () => {
    const fps = 62.5;
    const frames = 100;
    const x = notesToPerfInput([note(21, 0.1, 0.5), note(108, 1.0, 1.2)], 0, frames, fps);
    expect(x.length).toBe(PERFNET_CHANNELS * frames);
    const at = (ch: number, t: number): number => x[ch * frames + t] ?? -1;
    // A0: sustain frames ceil(6.25)=7 .. ceil(31.25)=32 (exclusive)
    expect(at(0, 6)).toBe(0);
    expect(at(0, 7)).toBe(1);
    expect(at(0, 31)).toBe(1);
    expect(at(0, 32)).toBe(0);
    expect(at(88, 6)).toBe(1); // onset round(6.25)=6 and 7
    expect(at(88, 7)).toBe(1);
    expect(at(88, 8)).toBe(0);
    expect(at(176, 31)).toBe(1); // offset round(31.25)=31 and 32
    expect(at(176, 32)).toBe(1);
    expect(at(87, 63)).toBe(1); // C8 at 1.0 s = frame 62.5 -> ceil 63
    // a window starting later sees the same frames shifted
    const y = notesToPerfInput([note(21, 0.1, 0.5)], 10, 20, fps);
    expect(y[0 * 20 + 0]).toBe(1); // frame 10
    expect(y[88 * 20 + 0]).toBe(0);
  });
});
