/**
 * basic-pitch labelling speed and the OMAPS activation cache.
 *   node <build>/bench/label_bench.js speed [file ...]     x real time of `audeo label`'s transcription (wasm backend)
 *   node <build>/bench/label_bench.js cache <dir> [from to]  transcribe OMAPS NNN.mp3 into .cache/basic-pitch (skips cached)
 */
import * as path from 'node:path';
import { existsSync, promises as fs } from 'node:fs';
import { parseNoteText } from '../src/core/reference';
import type { DecodeOptions } from '../src/label/decode';
import { meanScores, scorePieces, type Piece } from '../src/label/tune';
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

async function loadOmaps(dir: string, from: number, to: number): Promise<Piece[]> {
  const { info } = await loadBasicPitch();
  const pieces: Piece[] = [];
  for (let i = from; i <= to; i++) {
    const name = String(i).padStart(3, '0');
    const f = path.join(dir, `${name}.mp3`);
    if (!existsSync(f)) continue;
    const activations = await loadActivations(DEFAULT_CACHE_DIR, await fileKey(f, info.sha256));
    if (!activations) {
      process.stderr.write(`${name}: not cached yet, skipped (run: label_bench cache)\n`);
      continue;
    }
    pieces.push({ name, activations, reference: parseNoteText(await fs.readFile(path.join(dir, `${name}.txt`), 'utf8'), `${name}.txt`) });
  }
  return pieces;
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
  if (mode === 'score') {
    const pieces = await loadOmaps(rest[0] ?? '/work/shared/data/audio/omaps50', Number(rest[1] ?? 1), Number(rest[2] ?? 25));
    const opts = rest[3] ? (JSON.parse(rest[3]) as DecodeOptions) : {};
    const t0 = performance.now();
    const s = scorePieces(pieces, opts);
    for (const x of s) process.stdout.write(`${x.name} onsetF1 ${x.onsetF1.toFixed(3)} frameF1 ${x.frameF1.toFixed(3)}\n`);
    process.stdout.write(`mean ${JSON.stringify(meanScores(s))} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    return;
  }
  process.stderr.write('usage: label_bench speed [files] | cache <dir> [from to] | score <dir> from to [optsJson]\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
