/**
 * Temporal windowing, pure: Video2Roll's 5-frame stacks (edge frames repeat) and Roll2Midi's overlapping
 * windows with blending. No ONNX here; the runners pass a `run` function.
 */
import type { Roll } from '../core/types';

/** Frame indices of the window centred on `t` (radius r), clamped to [0, last]. */
export function stackIndices(t: number, radius: number, last: number): number[] {
  const out: number[] = [];
  for (let d = -radius; d <= radius; d++) out.push(Math.min(last, Math.max(0, t + d)));
  return out;
}

/** Window starts covering `frames` with windows of `size` every `hop`; the last one ends at the clip's end. */
export function windowStarts(frames: number, size: number, hop: number): number[] {
  if (frames <= size) return [0];
  const starts: number[] = [];
  const step = Math.max(1, Math.min(hop, size));
  for (let s = 0; s + size < frames; s += step) starts.push(s);
  starts.push(frames - size);
  return starts;
}

/** Per-position blending weight inside a window (always > 0 so every covered frame gets a value). */
export function blendWeights(size: number, kind: 'none' | 'triangular' | 'hann'): Float32Array {
  const w = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const x = (i + 0.5) / size;
    w[i] = kind === 'none' ? 1 : kind === 'triangular' ? 1 - Math.abs(2 * x - 1) : Math.sin(Math.PI * x) ** 2;
    w[i] = Math.max(w[i] ?? 0, 1e-3);
  }
  return w;
}

export type WindowRun = (input: Float32Array, batch: number) => Promise<{ readonly main: Float32Array; readonly extra?: Float32Array }>;

/**
 * Runs `run` over windows of `size` frames of the roll (batch x size x keys, frame-major; the tail of a short clip
 * is zero-padded) and blends overlapping outputs. Returns the blended main output and, if `run` gave one, the extra.
 */
export async function runWindowed(
  roll: Roll,
  opts: { size: number; hop: number; blend: 'none' | 'triangular' | 'hann'; batch?: number },
  run: WindowRun,
): Promise<{ main: Float32Array; extra?: Float32Array }> {
  const { size, keys } = { size: opts.size, keys: roll.keys };
  const starts = windowStarts(roll.frames, size, opts.hop);
  const weights = blendWeights(size, opts.blend);
  const acc = new Float32Array(roll.frames * keys);
  let accExtra: Float32Array | undefined;
  const wsum = new Float32Array(roll.frames);
  const batch = Math.max(1, opts.batch ?? 8);
  for (let b0 = 0; b0 < starts.length; b0 += batch) {
    const group = starts.slice(b0, b0 + batch);
    const input = new Float32Array(group.length * size * keys);
    group.forEach((s, g) => {
      const n = Math.min(size, roll.frames - s);
      input.set(roll.data.subarray(s * keys, (s + n) * keys), g * size * keys);
    });
    const { main, extra } = await run(input, group.length);
    if (extra && !accExtra) accExtra = new Float32Array(roll.frames * keys);
    group.forEach((s, g) => {
      const n = Math.min(size, roll.frames - s);
      for (let i = 0; i < n; i++) {
        const w = weights[i] ?? 1;
        const t = s + i;
        wsum[t] = (wsum[t] ?? 0) + w;
        const src = (g * size + i) * keys;
        for (let k = 0; k < keys; k++) {
          acc[t * keys + k] = (acc[t * keys + k] ?? 0) + w * (main[src + k] ?? 0);
          if (extra && accExtra) accExtra[t * keys + k] = (accExtra[t * keys + k] ?? 0) + w * (extra[src + k] ?? 0);
        }
      }
    });
  }
  for (let t = 0; t < roll.frames; t++) {
    const w = wsum[t] || 1;
    for (let k = 0; k < keys; k++) {
      acc[t * keys + k] = (acc[t * keys + k] ?? 0) / w;
      if (accExtra) accExtra[t * keys + k] = (accExtra[t * keys + k] ?? 0) / w;
    }
  }
  return accExtra ? { main: acc, extra: accExtra } : { main: acc };
}

export function sigmoidInPlace(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = 1 / (1 + Math.exp(-(a[i] ?? 0)));
  return a;
}
