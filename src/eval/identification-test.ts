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

// ---------------------------------------------------------------------------------------------------------------
// Identification of audio made FROM VIDEO (bench/identify_video.ts): the rows of the paper's Table 2 that need
// video. Pure helpers here; rendering videos, extraction and synthesis are the bench's I/O edge.
// ---------------------------------------------------------------------------------------------------------------

/** Sample rate of every signal of the video test (PerfNet's rate; the SoundFont renders at it too). */
export const VIDEO_TEST_SAMPLE_RATE = 16000;
/** Chroma options at 16 kHz giving the same 0.186 s row spacing as the OMAPS test at 11,025 Hz. */
export const VIDEO_TEST_CHROMA = { fftSize: 4096, hop: 1486 } as const;

/** Linear-congruential generator in [0, 1) (deterministic across platforms). */
export function seededRandom(seed: number): () => number {
  return rng(seed);
}

/** A sustain-pedal (CC64) change. */
export interface PedalChange {
  readonly timeSec: number;
  readonly down: boolean;
}

/**
 * Notes as they sound with the sustain pedal: a note released while the pedal is down lasts until the pedal comes
 * up, but never past the next strike of the same key. `pedal` sorted by time. Pure.
 */
export function applySustain(notes: readonly NoteEvent[], pedal: readonly PedalChange[]): NoteEvent[] {
  const downAt = (t: number): boolean => {
    let down = false;
    for (const p of pedal) {
      if (p.timeSec > t) break;
      down = p.down;
    }
    return down;
  };
  const nextUp = (t: number): number => pedal.find((p) => p.timeSec > t && !p.down)?.timeSec ?? Infinity;
  const sorted = [...notes].sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
  const endSec = sorted.reduce((m, n) => Math.max(m, n.offsetSec), 0);
  const nextStrike = new Map<number, number>();
  const out = new Array<NoteEvent>(sorted.length);
  for (let i = sorted.length - 1; i >= 0; i--) {
    const n = sorted[i]!;
    let off = n.offsetSec;
    if (downAt(off)) off = Math.max(off, Math.min(nextUp(off), endSec));
    off = Math.max(n.onsetSec, Math.min(off, nextStrike.get(n.pitch) ?? Infinity));
    out[i] = { ...n, offsetSec: off };
    nextStrike.set(n.pitch, n.onsetSec);
  }
  return out;
}

/** Notes sounding in [fromSec, fromSec + lenSec), cut to it and shifted to start at 0 (velocities kept). Pure. */
export function clipNotes(notes: readonly NoteEvent[], fromSec: number, lenSec: number): NoteEvent[] {
  return notes
    .filter((n) => n.offsetSec > fromSec && n.onsetSec < fromSec + lenSec)
    .map((n) => ({ ...n, onsetSec: Math.max(0, n.onsetSec - fromSec), offsetSec: Math.min(lenSec, n.offsetSec - fromSec) }));
}

/** Notes whose onset lies in [fromSec, fromSec + lenSec), shifted (for onset scores: no cut notes). Pure. */
export function notesStartingIn(notes: readonly NoteEvent[], fromSec: number, lenSec: number): NoteEvent[] {
  return notes.filter((n) => n.onsetSec >= fromSec && n.onsetSec < fromSec + lenSec).map((n) => ({ ...n, onsetSec: n.onsetSec - fromSec, offsetSec: n.offsetSec - fromSec }));
}

/** Random notes in lowMidi..highMidi over lenSec (the "random audio" row). Pure given `rand`. */
export function randomNotes(rand: () => number, lowMidi: number, highMidi: number, lenSec: number): NoteEvent[] {
  const out: NoteEvent[] = [];
  for (let t = 0; t < lenSec; t += 0.1 + rand() * 0.3) {
    out.push({ pitch: lowMidi + Math.floor(rand() * (highMidi - lowMidi + 1)), onsetSec: t, offsetSec: Math.min(lenSec, t + 0.2 + rand() * 0.5), velocity: 100 });
  }
  return out;
}

/** Uniform white noise, amplitude +-0.1. Pure given `rand`. */
export function whiteNoise(rand: () => number, samples: number): Float32Array {
  const x = new Float32Array(samples);
  for (let i = 0; i < x.length; i++) x[i] = (rand() - 0.5) * 0.2;
  return x;
}

/** `count` pieces drawn without replacement (seeded Fisher-Yates), in draw order. Pure. */
export function pickPieces(pieces: readonly string[], count: number, seed: number): string[] {
  const r = rng(seed);
  const a = [...pieces];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, Math.max(0, count));
}

/**
 * Start of a `clipSec` video clip: uniform between the first onset and the end of the part of the piece that the
 * library holds (`librarySec`), so the query's segment is inside its library entry. Undefined when it does not fit.
 */
export function queryStartSec(rand: () => number, o: { firstOnsetSec: number; durationSec: number; librarySec: number; clipSec: number }): number | undefined {
  const last = Math.min(o.durationSec, o.librarySec) - o.clipSec;
  if (last < o.firstOnsetSec) return undefined;
  return o.firstOnsetSec + rand() * (last - o.firstOnsetSec);
}

export interface LibraryEntry {
  readonly name: string;
  readonly chroma: Chromagram;
}

/** One query: a 20-s signal of one piece under one condition; chroma undefined = it could not be made (counts as a miss). */
export interface VideoQuery {
  readonly piece: string;
  readonly condition: string;
  readonly chroma: Chromagram | undefined;
  /** Onset F1 (50 ms) of the notes the audio was made from vs the true segment's key-down notes. */
  readonly onsetF1?: number;
}

export interface ConditionRow {
  readonly condition: string;
  readonly queries: number;
  /** Queries that could not be made (e.g. extraction failed): counted as misses ranked last. */
  readonly failed: number;
  readonly top1: number;
  readonly top5: number;
  readonly meanRank: number;
  readonly meanOnsetF1?: number;
}

/** Rank of `piece` (0 = best) when `query` is matched against `library`; library.length when absent. Pure. */
export function rankOf(query: Chromagram, piece: string, library: readonly LibraryEntry[]): number {
  const r = identify(query, library).findIndex((x) => x.name === piece);
  return r < 0 ? library.length : r;
}

/**
 * Identifies every query against the library and aggregates per condition, in `conditions` order (conditions with
 * no query are left out). Throws when a query's piece is not in the library (the test would be meaningless). Pure.
 */
export function scoreQueries(queries: readonly VideoQuery[], library: readonly LibraryEntry[], conditions: readonly string[]): ConditionRow[] {
  const names = new Set(library.map((l) => l.name));
  for (const q of queries) if (!names.has(q.piece)) throw new Error(`query piece ${q.piece} is not in the library; expected every queried piece among the references`);
  const rows: ConditionRow[] = [];
  for (const c of conditions) {
    const qs = queries.filter((q) => q.condition === c);
    if (qs.length === 0) continue;
    let top1 = 0;
    let top5 = 0;
    let rankSum = 0;
    let failed = 0;
    for (const q of qs) {
      const rank = q.chroma ? rankOf(q.chroma, q.piece, library) : library.length;
      if (!q.chroma) failed++;
      if (rank === 0) top1++;
      if (rank < 5) top5++;
      rankSum += Math.min(rank, library.length - 1) + 1;
    }
    const f1s = qs.map((q) => q.onsetF1).filter((x): x is number => x !== undefined);
    rows.push({
      condition: c,
      queries: qs.length,
      failed,
      top1: top1 / qs.length,
      top5: top5 / qs.length,
      meanRank: rankSum / qs.length,
      ...(f1s.length > 0 ? { meanOnsetF1: f1s.reduce((a, b) => a + b, 0) / f1s.length } : {}),
    });
  }
  return rows;
}

/** The table (markdown) of `scoreQueries` rows with the chance figures for a library of `librarySize`. Pure. */
export function conditionTable(rows: readonly ConditionRow[], librarySize: number): string {
  const chance1 = 100 / librarySize;
  const chance5 = Math.min(100, 5 * chance1);
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const lines = [
    '| query (20 s) | queries | identified (top 1) | in top 5 | mean rank | onset F1 of its notes |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const failed = r.failed > 0 ? ` (${r.failed} failed)` : '';
    lines.push(`| ${r.condition} | ${r.queries}${failed} | ${pct(r.top1)} | ${pct(r.top5)} | ${r.meanRank.toFixed(1)} | ${r.meanOnsetF1 !== undefined ? r.meanOnsetF1.toFixed(3) : '-'} |`);
  }
  lines.push(`| chance (${librarySize} references) | - | ${chance1.toFixed(1)}% | ${chance5.toFixed(1)}% | ${((librarySize + 1) / 2).toFixed(1)} | - |`);
  return `${lines.join('\n')}\n`;
}

/**
 * The MIDI note of the leftmost white key whose whole width is in the frame, from the renderer's labels: the
 * corners of the WHOLE 88-key keyboard (back-left, back-right, front-right, front-left; continuous pixels) and the
 * frame size. What a user reads off a cut-keyboard video for `--lowest-key`; linear along the edges (perspective
 * moves it by a key or so, well within the octave the locator needs). Undefined when no white key is in view. Pure.
 */
export function lowestVisibleWhiteKey(corners: readonly (readonly [number, number])[], frameSize: readonly [number, number]): number | undefined {
  const [bl, br, fr, fl] = corners as [readonly [number, number], readonly [number, number], readonly [number, number], readonly [number, number]];
  const [w, h] = frameSize;
  const inside = (u: number): boolean =>
    [
      [bl, br],
      [fl, fr],
    ].every(([a, b]) => {
      const x = a![0] + u * (b![0] - a![0]);
      const y = a![1] + u * (b![1] - a![1]);
      return x >= 0 && x <= w && y >= 0 && y <= h;
    });
  const whites: number[] = [];
  for (let m = 21; m <= 108; m++) if (![1, 3, 6, 8, 10].includes(m % 12)) whites.push(m);
  for (let i = 0; i < whites.length; i++) if (inside(i / whites.length) && inside((i + 1) / whites.length)) return whites[i];
  return undefined;
}
