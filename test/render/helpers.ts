/** Render-test helpers: run TS in a child Node (native import() works there, unlike in jest), WAV + spectrum analysis. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import FFT from 'fft.js';
import type { NoteEvent } from '../../src/core/types';
import { decodeWav } from '../../src/render/wav';

export const ROOT = path.join(__dirname, '..', '..');

export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'audeo-render-test-'));
}

let hook: string | undefined;
/** A require hook compiling .ts with TypeScript's transpileModule (CommonJS), so a child runs src/ without a build. */
function tsHook(): string {
  if (hook) return hook;
  hook = path.join(tmpDir(), 'ts-register.js');
  writeFileSync(
    hook,
    `const fs = require('node:fs'); const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = function (m, f) {
  const out = ts.transpileModule(fs.readFileSync(f, 'utf8'), { fileName: f, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  m._compile(out.outputText, f);
};\n`,
  );
  return hook;
}

export interface ChildResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** Runs a .ts file (or the CLI) in a child Node process. */
export function runTs(script: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', tsHook(), script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out\nstdout: ${out}\nstderr: ${err}`));
    }, opts.timeoutMs ?? 90000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

export function runCli(...args: string[]): Promise<ChildResult> {
  return runTs(path.join(ROOT, 'src', 'cli', 'main.ts'), args);
}

export function readWav(file: string): { samples: Float32Array; sampleRate: number } {
  return decodeWav(new Uint8Array(readFileSync(file)), file);
}

export function writeTakeFile(file: string, notes: readonly NoteEvent[], durationSec = 0): string {
  const take = {
    format: 'audeo.take',
    version: 1,
    createdAt: new Date(0).toISOString(),
    source: { path: 'test.mp4', sizeBytes: 1, headSha256: '0', durationSec, fps: 25 },
    models: {},
    threshold: 0.5,
    rolls: {},
    notes,
    progress: { framesDone: 1, framesTotal: 1, complete: true },
  };
  writeFileSync(file, JSON.stringify(take));
  return file;
}

export function note(pitch: number, onsetSec: number, offsetSec: number, velocity = 100): NoteEvent {
  return { pitch, onsetSec, offsetSec, velocity };
}

/** Magnitude spectrum (Hann window) of samples[start, start+size). */
export function magnitudeSpectrum(x: Float32Array, start: number, size: number): Float64Array {
  const fft = new FFT(size);
  const input = new Array<number>(size);
  for (let i = 0; i < size; i++) input[i] = (x[start + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
  const out = fft.createComplexArray() as number[];
  fft.realTransform(out, input);
  const mag = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) mag[k] = Math.hypot(out[2 * k] ?? 0, out[2 * k + 1] ?? 0);
  return mag;
}

/** Frequency of the strongest spectral peak (parabolic interpolation) in [loHz, hiHz]. */
export function peakHz(x: Float32Array, sampleRate: number, startSec: number, opts: { size?: number; loHz?: number; hiHz?: number } = {}): number {
  const size = opts.size ?? 16384;
  const mag = magnitudeSpectrum(x, Math.round(startSec * sampleRate), size);
  const lo = Math.max(1, Math.floor(((opts.loHz ?? 50) * size) / sampleRate));
  const hi = Math.min(mag.length - 2, Math.ceil(((opts.hiHz ?? 5000) * size) / sampleRate));
  let best = lo;
  for (let k = lo; k <= hi; k++) if ((mag[k] ?? 0) > (mag[best] ?? 0)) best = k;
  const a = Math.log((mag[best - 1] ?? 0) + 1e-12);
  const b = Math.log((mag[best] ?? 0) + 1e-12);
  const c = Math.log((mag[best + 1] ?? 0) + 1e-12);
  const delta = (0.5 * (a - c)) / (a - 2 * b + c || 1);
  return ((best + delta) * sampleRate) / size;
}

/** 12-bin chroma (unit length) of one segment: spectral energy folded to pitch classes (0 = C). */
export function chroma(x: Float32Array, sampleRate: number, startSec: number, size = 16384): number[] {
  const mag = magnitudeSpectrum(x, Math.round(startSec * sampleRate), size);
  const c = new Array<number>(12).fill(0);
  for (let k = 1; k < mag.length; k++) {
    const f = (k * sampleRate) / size;
    if (f < 60 || f > 2000) continue;
    const pc = ((Math.round(69 + 12 * Math.log2(f / 440)) % 12) + 12) % 12;
    c[pc] = (c[pc] ?? 0) + (mag[k] ?? 0) ** 2;
  }
  const norm = Math.hypot(...c) || 1;
  return c.map((v) => v / norm);
}

/** Onset times (s) by half-wave-rectified spectral flux with a median-based adaptive threshold and peak picking. */
export function detectOnsets(x: Float32Array, sampleRate: number, opts: { hop?: number; size?: number; minGapSec?: number } = {}): number[] {
  const size = opts.size ?? 512;
  const hop = opts.hop ?? 64;
  const frames = Math.max(0, Math.floor((x.length - size) / hop));
  const flux = new Float64Array(frames);
  let prev: Float64Array | undefined;
  for (let t = 0; t < frames; t++) {
    const mag = magnitudeSpectrum(x, t * hop, size).map((v) => Math.log1p(100 * v));
    if (prev) {
      let s = 0;
      for (let k = 0; k < mag.length; k++) s += Math.max(0, (mag[k] ?? 0) - (prev[k] ?? 0));
      flux[t] = s;
    }
    prev = mag;
  }
  const max = Math.max(...flux);
  const onsets: number[] = [];
  const gap = Math.round(((opts.minGapSec ?? 0.1) * sampleRate) / hop);
  let last = -Infinity;
  for (let t = 1; t < frames - 1; t++) {
    const v = flux[t] ?? 0;
    if (v < 0.3 * max || v < (flux[t - 1] ?? 0) || v < (flux[t + 1] ?? 0) || t - last < gap) continue;
    // a step entering a Hann window rises fastest when it reaches the window centre
    onsets.push((t * hop + size / 2) / sampleRate);
    last = t;
  }
  return onsets;
}

export function rms(x: Float32Array, startSec: number, endSec: number, sampleRate: number): number {
  const a = Math.round(startSec * sampleRate);
  const b = Math.min(x.length, Math.round(endSec * sampleRate));
  let s = 0;
  for (let i = a; i < b; i++) s += (x[i] ?? 0) ** 2;
  return Math.sqrt(s / Math.max(1, b - a));
}
