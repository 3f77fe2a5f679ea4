/** A tiny additive "piano-ish" synth for tests: decaying harmonics, written as 16-bit mono WAV. */
import type { NoteEvent } from '../../src/core/types';

export function synthNotes(notes: readonly NoteEvent[], opts: { sampleRate?: number; tailSec?: number } = {}): Float32Array {
  const sr = opts.sampleRate ?? 22050;
  let end = 0;
  for (const n of notes) end = Math.max(end, n.offsetSec);
  const out = new Float32Array(Math.ceil((end + (opts.tailSec ?? 0.5)) * sr));
  for (const n of notes) {
    const f0 = 440 * 2 ** ((n.pitch - 69) / 12);
    const a = Math.round(n.onsetSec * sr);
    const len = Math.round((n.offsetSec - n.onsetSec) * sr);
    const release = Math.round(0.08 * sr);
    for (let i = 0; i < len + release && a + i < out.length; i++) {
      const t = i / sr;
      const attack = Math.min(1, i / (0.005 * sr));
      const rel = i < len ? 1 : 1 - (i - len) / release;
      const env = attack * rel * Math.exp(-2.5 * t);
      let s = 0;
      for (let h = 1; h <= 6; h++) s += (Math.sin(2 * Math.PI * f0 * h * t) * 0.6 ** (h - 1)) / h;
      out[a + i]! += 0.25 * env * s;
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
