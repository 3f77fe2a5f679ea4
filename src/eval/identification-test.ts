/**
 * Offline identification test (issue 8.2; the paper's Table 2 without a commercial service).
 * Library: the recorded audio of the OMAPS pieces (+ the real clips in ../shared/data/video). Queries: 20-second
 * segments (2 per piece, seeded offsets), each identified by chroma + subsequence DTW against the whole library:
 *   original audio            the recording itself (sanity: must come out on top)
 *   reference MIDI, synth     the piano's own MIDI rendered with a plain additive synth (timbre change only)
 *   pseudo-labels, synth      audeo label's notes (basic-pitch, cached) rendered the same way (transcription errors)
 *   random notes, synth       random notes in the piece's range (must be near chance)
 *   white noise               (must be near chance)
 * TODO: add our SoundFont / deep-synth / ResNet-baseline renders of video-derived MIDI as conditions once those exist.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseNoteText } from '../core/reference';
import type { NoteEvent } from '../core/types';
import { DEFAULT_CACHE_DIR, fileKey, loadActivations } from '../label/activation-cache';
import { decodeAudio } from '../label/audio';
import { loadBasicPitch } from '../label/basic-pitch';
import { activationsToNotes, LABEL_DECODE } from '../label/decode';
import { synthNotes } from './additive-synth';
import { chromagram, type Chromagram } from './chroma';
import { identify, sliceChroma } from './identify';

const SR = 11025;
const QUERY_SEC = 20;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function shiftNotes(notes: readonly NoteEvent[], fromSec: number, lenSec: number): NoteEvent[] {
  return notes
    .filter((n) => n.offsetSec > fromSec && n.onsetSec < fromSec + lenSec)
    .map((n) => ({ ...n, onsetSec: Math.max(0, n.onsetSec - fromSec), offsetSec: Math.min(lenSec, n.offsetSec - fromSec), velocity: 100 }));
}

export interface IdentificationResult {
  readonly librarySize: number;
  readonly seconds: number;
  readonly rows: readonly { readonly condition: string; readonly queries: number; readonly top1: number; readonly top5: number; readonly meanRank: number }[];
  readonly markdown: string;
}

/** Runs the identification test over OMAPS pieces 1..maxPieces (+ the real clips); progress via `log`. */
export async function runIdentificationTest(dir: string, opts: { maxPieces?: number; log?: (s: string) => void } = {}): Promise<IdentificationResult> {
  const maxPieces = opts.maxPieces ?? 50;
  const log = opts.log ?? ((): void => undefined);
  const t0 = performance.now();
  const { info } = await loadBasicPitch();
  const library: { name: string; chroma: Chromagram }[] = [];
  const pieces: { name: string; durationSec: number; reference: NoteEvent[]; labels?: NoteEvent[] }[] = [];
  for (let i = 1; i <= maxPieces; i++) {
    const name = String(i).padStart(3, '0');
    const mp3 = path.join(dir, `${name}.mp3`);
    if (!existsSync(mp3)) continue;
    const audio = await decodeAudio(mp3, { sampleRate: SR });
    library.push({ name, chroma: chromagram(audio.samples, SR) });
    const reference = parseNoteText(await fs.readFile(path.join(dir, `${name}.txt`), 'utf8'), `${name}.txt`);
    const act = await loadActivations(DEFAULT_CACHE_DIR, await fileKey(mp3, info.sha256));
    pieces.push({ name, durationSec: audio.durationSec, reference, ...(act ? { labels: activationsToNotes(act, LABEL_DECODE) } : {}) });
    log(`library: ${name}`);
  }
  for (const clip of ['scarborough_fair', 'right_hand_closeup']) {
    const f = path.join(dir, '..', '..', 'video', `${clip}.mp4`);
    if (existsSync(f)) library.push({ name: clip, chroma: chromagram((await decodeAudio(f, { sampleRate: SR })).samples, SR) });
  }
  log(`library: ${library.length} recordings (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  const conditions = ['original audio', 'reference MIDI, additive synth', 'pseudo-labels (audeo label), additive synth', 'random notes, additive synth', 'white noise'] as const;
  const hits = new Map<string, { top1: number; top5: number; n: number; rankSum: number }>(conditions.map((c) => [c, { top1: 0, top5: 0, n: 0, rankSum: 0 }]));
  const r = rng(2020);
  for (const p of pieces) {
    const lib = library.find((l) => l.name === p.name)!;
    for (let q = 0; q < 2; q++) {
      const from = Math.max(0, r() * (p.durationSec - QUERY_SEC));
      const len = Math.min(QUERY_SEC, p.durationSec);
      const queries: [string, Chromagram | undefined][] = [
        [conditions[0], sliceChroma(lib.chroma, from, len)],
        [conditions[1], chromagram(synthNotes(shiftNotes(p.reference, from, len), { sampleRate: SR, durationSec: len }), SR)],
        [conditions[2], p.labels ? chromagram(synthNotes(shiftNotes(p.labels, from, len), { sampleRate: SR, durationSec: len }), SR) : undefined],
      ];
      const pitches = p.reference.map((n) => n.pitch);
      const lo = Math.min(...pitches);
      const hi = Math.max(...pitches);
      const random: NoteEvent[] = [];
      for (let t = 0; t < len; t += 0.1 + r() * 0.3) random.push({ pitch: lo + Math.floor(r() * (hi - lo + 1)), onsetSec: t, offsetSec: t + 0.2 + r() * 0.5, velocity: 100 });
      queries.push([conditions[3], chromagram(synthNotes(random, { sampleRate: SR, durationSec: len }), SR)]);
      const noise = new Float32Array(Math.round(len * SR));
      for (let i = 0; i < noise.length; i++) noise[i] = (r() - 0.5) * 0.2;
      queries.push([conditions[4], chromagram(noise, SR)]);
      for (const [cond, qc] of queries) {
        if (!qc) continue;
        const ranked = identify(qc, library);
        const rank = ranked.findIndex((x) => x.name === p.name);
        const h = hits.get(cond)!;
        h.n++;
        if (rank === 0) h.top1++;
        if (rank < 5) h.top5++;
        h.rankSum += rank + 1;
      }
    }
    log(`queries: ${p.name}`);
  }
  const chance1 = 100 / library.length;
  const rows = [
    `| query (20 s) | queries | identified (top 1) | in top 5 | mean rank | chance top 1 / top 5 |`,
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of conditions) {
    const h = hits.get(c)!;
    if (h.n === 0) continue;
    rows.push(
      `| ${c} | ${h.n} | ${((100 * h.top1) / h.n).toFixed(1)}% | ${((100 * h.top5) / h.n).toFixed(1)}% | ${(h.rankSum / h.n).toFixed(1)} | ${chance1.toFixed(1)}% / ${(5 * chance1).toFixed(1)}% |`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const out = conditions
    .map((c) => ({ condition: c, h: hits.get(c)! }))
    .filter((x) => x.h.n > 0)
    .map((x) => ({ condition: x.condition, queries: x.h.n, top1: x.h.top1 / x.h.n, top5: x.h.top5 / x.h.n, meanRank: x.h.rankSum / x.h.n }));
  return { librarySize: library.length, seconds, rows: out, markdown: `Library: ${library.length} recordings; chance ${chance1.toFixed(1)}% (top 1).\n\n${rows.join('\n')}\n` };
}
