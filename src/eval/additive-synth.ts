/**
 * A tiny additive "piano-ish" synthesizer: six decaying harmonics per note, 5 ms attack, 80 ms release. Pure.
 * Used by tests (a clip with known notes) and by the identification test as a timbre unlike the recordings'.
 */
import type { NoteEvent } from '../core/types';

export function synthNotes(notes: readonly NoteEvent[], opts: { sampleRate?: number; tailSec?: number; durationSec?: number } = {}): Float32Array {
  const sr = opts.sampleRate ?? 22050;
  let end = 0;
  for (const n of notes) end = Math.max(end, n.offsetSec);
  const out = new Float32Array(Math.ceil((opts.durationSec ?? end + (opts.tailSec ?? 0.5)) * sr));
  for (const n of notes) {
    const f0 = 440 * 2 ** ((n.pitch - 69) / 12);
    const a = Math.round(n.onsetSec * sr);
    const len = Math.round((n.offsetSec - n.onsetSec) * sr);
    const release = Math.round(0.08 * sr);
    const gain = 0.25 * (n.velocity / 100);
    const nh = Math.max(1, Math.min(6, Math.floor(sr / 2 / f0)));
    // Harmonics by the sine recurrence s[n] = 2 cos(w) s[n-1] - s[n-2]; envelope by a running product.
    const c2 = new Float64Array(nh);
    const s1 = new Float64Array(nh);
    const s0 = new Float64Array(nh);
    const amp = new Float64Array(nh);
    for (let h = 0; h < nh; h++) {
      const w = (2 * Math.PI * f0 * (h + 1)) / sr;
      c2[h] = 2 * Math.cos(w);
      s0[h] = 0; // sin(0)
      s1[h] = -Math.sin(w); // sin(-w)
      amp[h] = 0.6 ** h / (h + 1);
    }
    const decay = Math.exp(-2.5 / sr);
    let env = 1;
    const total = len + release;
    for (let i = 0; i < total && a + i < out.length; i++) {
      let s = 0;
      for (let h = 0; h < nh; h++) {
        const v = c2[h]! * s0[h]! - s1[h]!;
        s1[h] = s0[h]!;
        s0[h] = v;
        s += amp[h]! * s1[h]!;
      }
      const attack = Math.min(1, i / (0.005 * sr));
      const rel = i < len ? 1 : 1 - (i - len) / release;
      if (a + i >= 0) out[a + i]! += gain * env * attack * rel * s;
      env *= decay;
    }
  }
  return out;
}

export function wavBytes(samples: Float32Array, sampleRate = 22050): Buffer {
  const buf = Buffer.alloc(44 + samples.length * 2);
  buf.write('RIFF', 0);
  buf.writeUInt32LE(36 + samples.length * 2, 4);
  buf.write('WAVE', 8);
  buf.write('fmt ', 12);
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36);
  buf.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i]!)) * 32767), 44 + i * 2);
  return buf;
}
