/**
 * basic-pitch labelling speed and the OMAPS activation cache.
 *   node <build>/bench/label_bench.js speed [file ...]     x real time of `audeo label`'s transcription (wasm backend)
 *   node <build>/bench/label_bench.js cache <dir> [from to]  transcribe OMAPS NNN.mp3 into .cache/basic-pitch (skips cached)
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { loadOmapsPieces, omapsReportMarkdown, OMAPS_DIR } from '../src/label/omaps';
import { activationsToNotes, LABEL_DECODE, type DecodeOptions } from '../src/label/decode';
import { meanScores, scorePieces, tune, type Grid, type Piece } from '../src/label/tune';
import { decodeAudio } from '../src/label/audio';
import { DEFAULT_CACHE_DIR, fileKey, loadActivations, saveActivations } from '../src/label/activation-cache';
import { loadBasicPitch, transcribeActivations } from '../src/label/basic-pitch';

async function transcribeCached(file: string): Promise<{ audioSec: number; modelSec: number; cached: boolean }> {
  const { info } = await loadBasicPitch();
  const key = await fileKey(file, info.sha256);
  if (await loadActivations(DEFAULT_CACHE_DIR, key)) return { audioSec: 0, modelSec: 0, cached: true };
  const audio = await decodeAudio(file, { sampleRate: 22050 });
  const t0 = performance.now();
  const { activations } = await transcribeActivations(audio.samples);
  const modelSec = (performance.now() - t0) / 1000;
  await saveActivations(DEFAULT_CACHE_DIR, key, path.basename(file), activations);
  return { audioSec: audio.durationSec, modelSec, cached: false };
}

const DEFAULT_SPEED_FILES = [
  '/work/shared/data/video/right_hand_closeup.mp4',
  '/work/shared/data/video/scarborough_fair.mp4',
  '/work/shared/data/audio/omaps50/001.mp3',
];

function loadOmaps(dir: string, from: number, to: number): Promise<Piece[]> {
  return loadOmapsPieces(dir, from, to, { onSkip: (name) => process.stderr.write(`${name}: not cached yet, skipped (run: label_bench cache)\n`) });
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'cache') {
    const dir = rest[0] ?? '/work/shared/data/audio/omaps50';
    const from = Number(rest[1] ?? 1);
    const to = Number(rest[2] ?? 50);
    for (let i = from; i <= to; i++) {
      const f = path.join(dir, `${String(i).padStart(3, '0')}.mp3`);
      if (!existsSync(f)) continue;
      const r = await transcribeCached(f);
      process.stderr.write(
        r.cached ? `${path.basename(f)}: cached\n` : `${path.basename(f)}: ${r.audioSec.toFixed(1)} s audio in ${r.modelSec.toFixed(1)} s = ${(r.audioSec / r.modelSec).toFixed(2)}x real time\n`,
      );
    }
    return;
  }
  if (mode === 'speed-one') {
    // One file, one backend, in its own process (tfjs backends are process-global): prints JSON.
    const backend = rest[0] === 'cpu' ? 'cpu' : 'wasm';
    const file = rest[1] ?? '';
    const audio = await decodeAudio(file, { sampleRate: 22050 });
    const secs = Math.min(audio.durationSec, Number(rest[2] ?? 1e9));
    const samples = audio.samples.subarray(0, Math.round(secs * 22050));
    await loadBasicPitch({ backend });
    const t0 = performance.now();
    const { activations } = await transcribeActivations(samples, { backend });
    const modelSec = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const notes = activationsToNotes(activations, LABEL_DECODE);
    const decodeSec = (performance.now() - t1) / 1000;
    process.stdout.write(`${JSON.stringify({ backend, file: path.basename(file), audioSec: secs, modelSec, decodeSec, notes: notes.length })}\n`);
    return;
  }
  if (mode === 'speed') {
    const files = rest.length > 0 ? rest : DEFAULT_SPEED_FILES.filter((f) => existsSync(f));
    const { execFileSync } = await import('node:child_process');
    const rows: string[] = ['| clip | audio s | wasm: model s | x real time | pure-JS tfjs (first 10 s): x real time | wasm / pure JS |', '| --- | --- | --- | --- | --- | --- |'];
    for (const f of files) {
      const run = (backend: string, maxSec?: number): { audioSec: number; modelSec: number; decodeSec: number } =>
        JSON.parse(execFileSync(process.execPath, [__filename, 'speed-one', backend, f, ...(maxSec ? [String(maxSec)] : [])], { encoding: 'utf8' })) as {
          audioSec: number;
          modelSec: number;
          decodeSec: number;
        };
      const w = run('wasm');
      const c = run('cpu', 10);
      const wx = w.audioSec / (w.modelSec + w.decodeSec);
      const cx = c.audioSec / (c.modelSec + c.decodeSec);
      rows.push(`| ${path.basename(f)} | ${w.audioSec.toFixed(1)} | ${(w.modelSec + w.decodeSec).toFixed(2)} | ${wx.toFixed(1)}x | ${cx.toFixed(2)}x | ${(wx / cx).toFixed(1)} |`);
      process.stderr.write(`${rows[rows.length - 1]}\n`);
    }
    process.stdout.write(`${rows.join('\n')}\n`);
    const out = path.join(process.cwd(), 'bench', 'out'); // run from the repository root
    if (existsSync(path.join(out, '..', 'label_bench.ts'))) {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(out, { recursive: true });
      const load = (await import('node:os')).loadavg()[0] ?? 0;
      writeFileSync(path.join(out, 'label_speed.md'), `audeo label (basic-pitch) speed, ${new Date().toISOString().slice(0, 10)}, load average ${load.toFixed(1)}:\n\n${rows.join('\n')}\n`);
    }
    return;
  }
  if (mode === 'report') {
    // Markdown table for docs/pseudo-labels.md.
    process.stdout.write(await omapsReportMarkdown(rest[0] ?? OMAPS_DIR, { perPiece: true }));
    return;
  }
  if (mode === 'score') {
    const pieces = await loadOmaps(rest[0] ?? '/work/shared/data/audio/omaps50', Number(rest[1] ?? 1), Number(rest[2] ?? 25));
    const opts = rest[3] ? (JSON.parse(rest[3]) as DecodeOptions) : {};
    const t0 = performance.now();
    const s = scorePieces(pieces, opts);
    for (const x of s) process.stdout.write(`${x.name} onsetF1 ${x.onsetF1.toFixed(3)} frameF1 ${x.frameF1.toFixed(3)}\n`);
    process.stdout.write(`mean ${JSON.stringify(meanScores(s))} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return;
  }
  if (mode === 'tune') {
    const pieces = await loadOmaps(rest[0] ?? '/work/shared/data/audio/omaps50', Number(rest[1] ?? 1), Number(rest[2] ?? 25));
    process.stderr.write(`tuning on ${pieces.length} pieces: ${pieces.map((p) => p.name).join(' ')}\n`);
    const grid: Grid = {
      onsetThreshold: [0.3, 0.4, 0.5, 0.6, 0.7],
      frameThreshold: [0.2, 0.3, 0.4, 0.5, 0.6],
      minNoteFrames: [3, 5, 8, 11, 15],
      energyToleranceFrames: [3, 6, 11, 16],
      minAmplitude: [0, 0.3, 0.35, 0.4, 0.45, 0.5],
      harmonicRatio: [0, 0.5, 0.7, 0.8, 0.9, 1.0],
      timeOffsetSec: [-0.03, -0.025, -0.02, -0.015, -0.01, 0, 0.01, 0.02],
      durationScale: [0.6, 0.7, 0.8, 0.85, 0.9, 1.0],
      melodiaTrick: [true, false],
      inferOnsets: [true, false],
    };
    const start = rest[3] ? (JSON.parse(rest[3]) as DecodeOptions) : {};
    const r = tune(pieces, grid, { start, rounds: 3, log: (x) => process.stderr.write(`${x}\n`) });
    process.stdout.write(`${JSON.stringify({ best: r.best, objective: r.score, mean: meanScores(scorePieces(pieces, r.best)) })}\n`);
    return;
  }
  process.stderr.write('usage: label_bench speed [files] | cache <dir> [from to] | score <dir> from to [optsJson]\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
