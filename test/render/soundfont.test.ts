/**
 * SoundFont rendering, checked by spectrum (not bytes): pitch, chord chroma, onsets where the notes say, velocity,
 * program changes, and bad input. The renderer runs in a child Node (native ESM import; see src/render/esm.ts).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toEvents, validateRenderInput } from '../../src/render/soundfont';
import { decodeWav, encodeWav } from '../../src/render/wav';
import { chroma, detectOnsets, note, peakHz, readWav, rms, runTs, tmpDir } from './helpers';

interface JobResult {
  error?: string;
  name?: string;
  sampleRate?: number;
  durationSec?: number;
}

const dir = tmpDir();
const jobs = [
  { notes: [note(69, 0.2, 1.4)], out: path.join(dir, 'a4.wav') },
  { notes: [note(60, 0.2, 1.6), note(64, 0.2, 1.6), note(67, 0.2, 1.6)], out: path.join(dir, 'cmaj.wav') },
  // an uneven rhythm over several octaves: onsets must land where the notes say
  { notes: [note(48, 0.3, 0.6), note(72, 0.75, 1.0), note(55, 1.32, 1.5), note(84, 1.71, 1.9), note(62, 2.2, 2.6), note(40, 2.85, 3.2)], out: path.join(dir, 'onsets.wav'), opts: { sampleRate: 16000 } },
  { notes: [note(69, 0.2, 1.0, 127)], out: path.join(dir, 'loud.wav') },
  { notes: [note(69, 0.2, 1.0, 30)], out: path.join(dir, 'soft.wav') },
  { notes: [note(69, 0.2, 1.4)], out: path.join(dir, 'violin.wav'), opts: { program: 40 } },
  { notes: [note(69, 0.2, 1.0)], out: path.join(dir, 'exact.wav'), opts: { durationSec: 0.5, sampleRate: 16000 } },
  // bad input: each a clear error, no file written
  { notes: [], out: path.join(dir, 'empty.wav') },
  { notes: [note(15, 0, 1)], out: path.join(dir, 'low.wav') },
  { notes: [note(69, 0, 1)], out: path.join(dir, 'prog.wav'), opts: { program: 128 } },
  { notes: [note(69, 0, 1)], out: path.join(dir, 'sf.wav'), opts: { soundfont: path.join(dir, 'no-such.sf3') } },
  { notes: [note(69, 0, 1)], out: path.join(dir, 'no-such-dir', 'x.wav') },
];
let results: JobResult[] = [];

beforeAll(async () => {
  const jobFile = path.join(dir, 'jobs.json');
  writeFileSync(jobFile, JSON.stringify(jobs));
  const r = await runTs(path.join(__dirname, 'render-child.ts'), [jobFile]);
  if (r.code !== 0) throw new Error(`render child failed (${r.code}): ${r.err}`);
  results = JSON.parse(r.out) as JobResult[];
}, 120000);

function wav(name: string): { samples: Float32Array; sampleRate: number } {
  return readWav(path.join(dir, name));
}

describe('SoundFont renderer (spectral checks)', () => {
  it('renders A4 with its spectral peak at 440 Hz +-2%', () => {
    const { samples, sampleRate } = wav('a4.wav');
    expect(sampleRate).toBe(44100);
    const f = peakHz(samples, sampleRate, 0.3, { loHz: 200, hiHz: 2000 });
    expect(Math.abs(f - 440) / 440).toBeLessThan(0.02);
    // release tail (default 1.5 s) after the last note-off
    expect(samples.length / sampleRate).toBeCloseTo(1.4 + 1.5, 2);
    expect(rms(samples, 0, 0.19, sampleRate)).toBeLessThan(1e-4); // silent before the onset
  });

  it('a C major chord has its chroma on C, E and G', () => {
    const { samples, sampleRate } = wav('cmaj.wav');
    const c = chroma(samples, sampleRate, 0.3);
    const triad = (c[0] ?? 0) + (c[4] ?? 0) + (c[7] ?? 0);
    const others = c.filter((_, i) => i !== 0 && i !== 4 && i !== 7);
    expect(Math.min(c[0] ?? 0, c[4] ?? 0, c[7] ?? 0)).toBeGreaterThan(0.2);
    for (const v of others) expect(v).toBeLessThan(0.5 * Math.min(c[0] ?? 0, c[4] ?? 0, c[7] ?? 0));
    expect(triad).toBeGreaterThan(1.2);
  });

  it('onsets detected on the output are where the notes say (+-20 ms), at 16 kHz', () => {
    const { samples, sampleRate } = wav('onsets.wav');
    expect(sampleRate).toBe(16000);
    const expected = jobs[2]?.notes.map((n) => n.onsetSec) ?? [];
    const found = detectOnsets(samples, sampleRate);
    expect(found.length).toBe(expected.length);
    expected.forEach((t, i) => expect(Math.abs((found[i] ?? -1) - t)).toBeLessThan(0.02));
  });

  it('velocity sets the loudness', () => {
    const loud = wav('loud.wav');
    const soft = wav('soft.wav');
    expect(rms(loud.samples, 0.2, 1.0, 44100)).toBeGreaterThan(2 * rms(soft.samples, 0.2, 1.0, 44100));
  });

  it('another General MIDI program changes the timbre but not the pitch', () => {
    const piano = wav('a4.wav');
    const violin = wav('violin.wav');
    expect(Math.abs(peakHz(violin.samples, 44100, 0.5, { loHz: 200, hiHz: 2000 }) - 440) / 440).toBeLessThan(0.02);
    const a = chroma(piano.samples, 44100, 0.3);
    const b = chroma(violin.samples, 44100, 0.3);
    expect(a.indexOf(Math.max(...a))).toBe(9);
    expect(b.indexOf(Math.max(...b))).toBe(9);
    expect(rms(violin.samples, 0.5, 1.0, 44100)).not.toBeCloseTo(rms(piano.samples, 0.5, 1.0, 44100), 3);
  });

  it('durationSec gives an exact length (pads or cuts)', () => {
    const { samples, sampleRate } = wav('exact.wav');
    expect(samples.length).toBe(0.5 * sampleRate);
  });
});

describe('SoundFont renderer: bad input is a clear error and leaves no file', () => {
  const expectError = (i: number, re: RegExp): void => {
    expect(results[i]?.error).toMatch(re);
    expect(existsSync(jobs[i]?.out ?? '')).toBe(false);
  };
  it('empty take', () => expectError(7, /no notes to render \(empty take\)/));
  it('note outside the piano range', () => expectError(8, /pitch 15, outside the piano range; expected MIDI 21\.\.108/));
  it('unknown program', () => expectError(9, /program 128 is not a General MIDI program; expected an integer 0\.\.127/));
  it('missing SoundFont', () => expectError(10, /cannot read SoundFont .*no-such\.sf3 \(ENOENT\)/));
  it('unwritable output', () => {
    expectError(11, /cannot write .*x\.wav.*expected a writable output path/);
    expect(results[11]?.name).toBe('SinkError');
  });
  it('no temp files are left in the output folder', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('pure parts', () => {
  it('validateRenderInput accepts the piano range and rejects its neighbours', () => {
    expect(() => validateRenderInput([note(21, 0, 1), note(108, 0, 1)])).not.toThrow();
    expect(() => validateRenderInput([note(20, 0, 1)])).toThrow(/21\.\.108/);
    expect(() => validateRenderInput([note(109, 0, 1)])).toThrow(/21\.\.108/);
    expect(() => validateRenderInput([note(60, 1, 0.5)])).toThrow(/onsetSec <= offsetSec/);
    expect(() => validateRenderInput([note(60, 0, 1)], { program: 1.5 })).toThrow(/0\.\.127/);
  });

  it('events: note-offs before note-ons at the same sample (a re-press restarts the note)', () => {
    const ev = toEvents([note(60, 0, 0.5), note(60, 0.5, 1)], 1000);
    expect(ev.map((e) => [e.sample, e.on])).toEqual([[0, true], [500, false], [500, true], [1000, false]]);
  });

  it('WAV round trip (16-bit PCM)', () => {
    const x = new Float32Array([0, 0.5, -0.5, 1, -1, 2]);
    const { samples, sampleRate } = decodeWav(encodeWav(x, 16000));
    expect(sampleRate).toBe(16000);
    expect(Array.from(samples).map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 0.5, -0.5, 1, -1, 1]);
  });
});
