/**
 * Offline identification test on audio made FROM VIDEO (issue 8.2; the paper's Table 2 rows that need video).
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/identify_video.js \
 *     [--pieces 10] [--seed 2020] [--models DIR] [--perfnet-models DIR] [--library test|queried] [--out bench/out/identify_video.md]
 *
 * Library (16 kHz, chroma of src/eval/chroma.ts): the SoundFont render of the first 3 minutes of each test-split
 * piece's performance MIDI (training/splits.json "test"; the piece's first performance, as the renderer resolves it;
 * sustain pedal applied), plus the 50 OMAPS recordings as distractors.
 * Queries: per piece (seeded draw from the test split), one 22-s top-view video rendered by the project's renderer
 * (training/.venv python -m audeo_training.render.video, random style, 854x480) from a seeded start inside the first
 * 3 minutes; the 20-s segment [1 s, 21 s) of that clip becomes:
 *   (a) the true MIDI segment rendered with the SoundFont            (ground truth: must come out on top)
 *   (b) the notes our extractor predicts from the video, SoundFont   (audeo extract + audeo render)
 *   (c) the same predicted notes, PerfNet deep synth                 (audeo render --synth perfnet; skipped without a model)
 *   (d) random notes in the piece's range, SoundFont                 (must be near chance)
 *   (e) white noise                                                  (must be near chance)
 *   (b') (b) without the Roll2Midi stage (when the extractor used one), to show what it adds
 *   (f) the notes of the ResNet-18 baseline (--baseline NAME[@VERSION], default v2r-resnet18 when installed) with the
 *       default Roll2Midi, SoundFont: the paper's [27] row of Table 2
 * and each is identified against the whole library (chroma + subsequence DTW, src/eval/identify.ts). Onset F1
 * (50 ms) of the notes behind each row vs the clip's key-down notes (the renderer's labels) is reported beside it.
 * Videos, predicted notes and library chroma are cached under .cache/identify-video/ (git-ignored).
 * Writes the table to --out (bench/results.ts picks bench/out/*.md up into docs/RESULTS.md) and to stdout.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { noteMetrics } from '../src/core/metrics';
import type { NoteEvent } from '../src/core/types';
import { chromagram, type Chromagram } from '../src/eval/chroma';
import {
  applySustain,
  clipNotes,
  lowestVisibleWhiteKey,
  conditionTable,
  notesStartingIn,
  pickPieces,
  queryStartSec,
  randomNotes,
  scoreQueries,
  seededRandom,
  VIDEO_TEST_CHROMA,
  VIDEO_TEST_SAMPLE_RATE,
  whiteNoise,
  type LibraryEntry,
  type PedalChange,
  type VideoQuery,
} from '../src/eval/identification-test';

const SR = VIDEO_TEST_SAMPLE_RATE;
const CLIP_SEC = 22;
const QUERY_FROM_SEC = 1;
const QUERY_SEC = 20;
const LIBRARY_SEC = 180;
const CACHE_VERSION = 'v1';
const C = {
  truth: '(a) true MIDI segment, SoundFont',
  predicted: '(b) notes extracted from the video, SoundFont',
  v2rOnly: "(b') same, Video2Roll alone (Roll2Midi off), SoundFont",
  perfnet: '(c) notes extracted from the video, PerfNet deep synth',
  random: "(d) random notes in the piece's range, SoundFont",
  noise: '(e) white noise',
  baseline: '(f) notes of the ResNet-18 baseline (Video2Roll), SoundFont',
} as const;
const CONDITIONS = [C.truth, C.predicted, C.v2rOnly, C.perfnet, C.baseline, C.random, C.noise];

function findRoot(from: string): string {
  let d = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'training', 'splits.json'))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}
const ROOT = findRoot(__dirname);
const DATA = path.resolve(ROOT, '..', 'shared', 'data');
const CACHE = path.join(ROOT, '.cache', 'identify-video');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const log = (s: string): void => {
  process.stderr.write(`${s}\n`);
};

/** CPU seconds of this process and of its waited-for children (the Python renderer, ffmpeg). */
function cpuSec(): { self: number; children: number } {
  const u = process.cpuUsage();
  let children = 0;
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    children = (Number(f[13]) + Number(f[14])) / 100; // cutime + cstime (fields 16, 17), clock ticks
  } catch {
    /* not Linux */
  }
  return { self: (u.user + u.system) / 1e6, children };
}

const slug = (piece: string): string => piece.replace(/[^A-Za-z0-9]+/g, '_');

/** The piece's first performance, as training/audeo_training/midi_sources.py resolves it. */
function pieceMidi(piece: string): string | undefined {
  if (piece.startsWith('pop909/')) {
    const f = path.join(DATA, 'midi', `${piece}.mid`);
    return existsSync(f) ? f : undefined;
  }
  if (!piece.startsWith('asap/')) return undefined;
  const dir = path.join(DATA, 'midi', piece);
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mid') && f !== 'midi_score.mid')
    .sort();
  return files[0] ? path.join(dir, files[0]) : undefined;
}

interface Performance {
  readonly file: string;
  /** Key-down notes (all tracks merged, piano range). */
  readonly notes: NoteEvent[];
  readonly pedal: PedalChange[];
  readonly durationSec: number;
}

async function loadPerformance(file: string): Promise<Performance> {
  const { Midi } = await import('@tonejs/midi');
  const midi = new Midi(await fs.readFile(file));
  const notes: NoteEvent[] = [];
  const cc: { timeSec: number; down: boolean }[] = [];
  for (const t of midi.tracks) {
    for (const n of t.notes) {
      if (n.midi < 21 || n.midi > 108 || !(n.duration > 0)) continue;
      notes.push({ pitch: n.midi, onsetSec: n.time, offsetSec: n.time + n.duration, velocity: Math.max(1, Math.min(127, Math.round(n.velocity * 127))) });
    }
    for (const c of t.controlChanges[64] ?? []) cc.push({ timeSec: c.time, down: c.value >= 64 / 127 - 1e-6 });
  }
  cc.sort((a, b) => a.timeSec - b.timeSec);
  const pedal: PedalChange[] = [];
  for (const c of cc) if (pedal.length === 0 ? c.down : pedal[pedal.length - 1]!.down !== c.down) pedal.push(c);
  notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
  return { file, notes, pedal, durationSec: midi.duration };
}

// ---- chroma cache ----

async function cachedChroma(name: string, make: () => Promise<Float32Array>): Promise<Chromagram> {
  const file = path.join(CACHE, `lib-${CACHE_VERSION}`, `${slug(name)}.json`);
  if (existsSync(file)) {
    const j = JSON.parse(await fs.readFile(file, 'utf8')) as { frames: number; hopSec: number; data: string };
    const b = Buffer.from(j.data, 'base64');
    return { frames: j.frames, hopSec: j.hopSec, data: new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) };
  }
  const c = chromagram(await make(), SR, VIDEO_TEST_CHROMA);
  mkdirSync(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify({ frames: c.frames, hopSec: c.hopSec, data: Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength).toString('base64') }));
  return c;
}

async function soundFont(notes: readonly NoteEvent[], durationSec: number): Promise<Float32Array> {
  const { renderNotesToWav } = await import('../src/render/soundfont');
  return renderNotesToWav(notes, { sampleRate: SR, durationSec });
}

/** The part of a performance the library holds, as it sounds (pedal applied). */
function libraryNotes(p: Performance): NoteEvent[] {
  return clipNotes(applySustain(p.notes, p.pedal), 0, LIBRARY_SEC);
}

// ---- video + extraction (cached) ----

interface ClipLabels {
  readonly notes: NoteEvent[];
  readonly corners: [number, number][];
  readonly frameSize: [number, number];
  readonly source: string;
  readonly start: number;
}

/** Renders the clip with the project's renderer in a child process (cached); resolves to its labels. */
async function renderVideo(piece: string, startSec: number, seed: number, out: string): Promise<ClipLabels> {
  const labelsFile = out.replace(/\.mp4$/, '.labels.json');
  if (!(existsSync(out) && existsSync(labelsFile))) {
    mkdirSync(path.dirname(out), { recursive: true });
    const python = path.join(ROOT, 'training', '.venv', 'bin', 'python');
    const args = ['-m', 'audeo_training.render.video', '--piece', piece, '--seconds', String(CLIP_SEC), '--seed', String(seed), '--start', startSec.toFixed(3), '--size', '854x480', '--out', out];
    await new Promise<void>((resolve, reject) => {
      const p = spawn(python, args, { cwd: path.join(ROOT, 'training'), stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      p.on('error', reject);
      p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`rendering ${piece} failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' ')}`))));
    });
  }
  return JSON.parse(await fs.readFile(labelsFile, 'utf8')) as ClipLabels;
}

/** Cache key of the models an extraction would use: the index's defaults + a hash of index.json (any change re-extracts). */
function modelsId(modelsRoot: string): string {
  const text = readFileSync(path.join(modelsRoot, 'index.json'), 'utf8');
  const idx = JSON.parse(text) as { defaults?: Record<string, string> };
  return `${idx.defaults?.video2roll ?? 'none'}_${createHash('sha1').update(text).digest('hex').slice(0, 8)}`;
}

/**
 * Predicted notes (cached per video and models). A cut keyboard whose octave the locator cannot tell is extracted
 * again with --lowest-key read off the renderer's labels, as the error message asks a user to do.
 */
async function extractNotes(
  video: string,
  modelsRoot: string,
  labels: ClipLabels,
  refiner?: 'none',
  model?: string,
): Promise<{ notes: NoteEvent[]; models: string; lowestKey?: number }> {
  const id = `${modelsId(modelsRoot)}${refiner === 'none' ? '_v2r_only' : ''}${model ? `_${model}` : ''}`;
  const file = video.replace(/\.mp4$/, `.${slug(id)}.pred.json`);
  if (existsSync(file)) return JSON.parse(await fs.readFile(file, 'utf8')) as { notes: NoteEvent[]; models: string; lowestKey?: number };
  const { extractTake } = await import('../src/extractor/pipeline');
  let lowestKey: number | undefined;
  const base = { modelsRoot, ...(refiner ? { refiner } : {}), ...(model ? { model } : {}) };
  const take = await extractTake(video, base).catch(async (e: unknown) => {
    lowestKey = lowestVisibleWhiteKey(labels.corners, labels.frameSize);
    if (!(e instanceof Error && /octave cannot be told/.test(e.message)) || lowestKey === undefined) throw e;
    return extractTake(video, { ...base, lowestKey });
  });
  const models = Object.values(take.models)
    .filter((m): m is NonNullable<typeof m> => !!m)
    .map((m) => `${m.name}@${m.version}`)
    .join(' + ');
  const res = { notes: take.notes.map((n) => ({ ...n })), models, ...(lowestKey !== undefined ? { lowestKey } : {}) };
  await fs.writeFile(file, JSON.stringify(res));
  return res;
}

/** The baseline video2roll model to run for row (f): --baseline, else v2r-resnet18 when the index lists it. */
function baselineModel(modelsRoot: string): string | undefined {
  const wanted = arg('baseline', 'v2r-resnet18');
  try {
    const idx = JSON.parse(readFileSync(path.join(modelsRoot, 'index.json'), 'utf8')) as { models?: Array<{ name: string; version: string; type: string }> };
    const name = wanted.split('@')[0];
    return idx.models?.some((m) => m.type === 'video2roll' && m.name === name) ? wanted : undefined;
  } catch {
    return undefined;
  }
}

function hasDefault(modelsRoot: string, type: string): boolean {
  try {
    const idx = JSON.parse(readFileSync(path.join(modelsRoot, 'index.json'), 'utf8')) as { defaults?: Record<string, string> };
    return !!idx.defaults?.[type];
  } catch {
    return false;
  }
}

// ---- main ----

async function main(): Promise<void> {
  const t0 = performance.now();
  const cpu0 = cpuSec();
  const nPieces = Number(arg('pieces', '10'));
  const seed = Number(arg('seed', '2020'));
  const omaps = arg('omaps', path.join(DATA, 'audio', 'omaps50'));
  const outMd = path.resolve(arg('out', path.join(ROOT, 'bench', 'out', 'identify_video.md')));
  const libraryMode = arg('library', 'test');
  const repoModels = path.join(ROOT, 'models');
  const modelsRoot = path.resolve(arg('models', repoModels));
  const perfnetRoot = path.resolve(arg('perfnet-models', repoModels));
  if (!existsSync(path.join(DATA, 'midi'))) {
    log(`${DATA}/midi is absent: nothing to do (the test needs the shared performance MIDI)`);
    return;
  }
  if (!hasDefault(modelsRoot, 'video2roll')) {
    log(`${modelsRoot}/index.json has no default video2roll model; expected one (pass --models DIR)`);
    process.exitCode = 2;
    return;
  }
  const withPerfNet = hasDefault(perfnetRoot, 'perfnet');
  if (!withPerfNet) log(`row (c) skipped: ${perfnetRoot}/index.json has no default perfnet model`);
  const baseline = baselineModel(modelsRoot);
  if (!baseline) log(`row (f) skipped: no ${arg('baseline', 'v2r-resnet18')} video2roll model in ${modelsRoot}/index.json`);

  const test = (JSON.parse(readFileSync(path.join(ROOT, 'training', 'splits.json'), 'utf8')) as { test: string[] }).test;
  const perfs = new Map<string, Performance>();
  const perfOf = async (piece: string): Promise<Performance | undefined> => {
    if (!perfs.has(piece)) {
      const f = pieceMidi(piece);
      if (!f) return undefined;
      perfs.set(piece, await loadPerformance(f));
    }
    return perfs.get(piece);
  };

  // queries: pieces drawn from the test split, each with a start that fits in its library entry
  const rand = seededRandom(seed);
  const chosen: { piece: string; perf: Performance; startSec: number; videoSeed: number }[] = [];
  for (const piece of pickPieces(test, test.length, seed)) {
    if (chosen.length >= nPieces) break;
    const perf = await perfOf(piece);
    if (!perf || perf.notes.length === 0) continue;
    const startSec = queryStartSec(rand, { firstOnsetSec: perf.notes[0]!.onsetSec, durationSec: perf.durationSec, librarySec: LIBRARY_SEC, clipSec: CLIP_SEC });
    if (startSec === undefined) continue;
    chosen.push({ piece, perf, startSec, videoSeed: seed + chosen.length });
  }
  log(`queries: ${chosen.length} test pieces (${chosen.map((c) => c.piece).join(', ')})`);

  // videos: rendered one at a time in a child process while this process builds the library (2 cores)
  const tv = performance.now();
  const videoOf = (c: (typeof chosen)[number]): string => path.join(CACHE, 'videos', `${slug(c.piece)}_s${c.videoSeed}_t${c.startSec.toFixed(2)}.mp4`);
  const videos: Promise<ClipLabels>[] = [];
  let chain: Promise<unknown> = Promise.resolve();
  for (const c of chosen) {
    const job = chain.then(() => renderVideo(c.piece, c.startSec, c.videoSeed, videoOf(c)));
    job.catch(() => undefined);
    videos.push(job);
    chain = job.catch(() => undefined);
  }
  let videosDoneSec = 0;
  void chain.then(() => {
    videosDoneSec = (performance.now() - tv) / 1000;
  });

  // library
  const t1 = performance.now();
  const library: LibraryEntry[] = [];
  const libPieces = libraryMode === 'queried' ? chosen.map((c) => c.piece) : test;
  for (const piece of libPieces) {
    const perf = await perfOf(piece);
    if (!perf || perf.notes.length === 0) continue;
    const notes = libraryNotes(perf);
    const end = Math.min(LIBRARY_SEC, notes.reduce((m, n) => Math.max(m, n.offsetSec), 0) + 1);
    library.push({ name: piece, chroma: await cachedChroma(piece, () => soundFont(notes, end)) });
    process.stderr.write(`library: ${library.length} ${piece}          \r`);
  }
  let omapsCount = 0;
  if (existsSync(omaps)) {
    const { decodeAudio } = await import('../src/label/audio');
    for (const f of readdirSync(omaps).filter((x) => x.endsWith('.mp3')).sort()) {
      library.push({ name: `omaps/${f}`, chroma: await cachedChroma(`omaps_${f}`, async () => (await decodeAudio(path.join(omaps, f), { sampleRate: SR })).samples) });
      omapsCount++;
      process.stderr.write(`library: ${library.length} omaps/${f}          \r`);
    }
  } else log(`${omaps} is absent: no OMAPS distractors`);
  const librarySec = (performance.now() - t1) / 1000;
  log(`library: ${library.length} references (${library.length - omapsCount} SoundFont renders of test pieces + ${omapsCount} OMAPS recordings), ${librarySec.toFixed(0)} s`);

  // queries
  const queries: VideoQuery[] = [];
  let models = '';
  let failures = 0;
  let skipped = 0;
  let hinted = 0;
  const timing = { extract: 0, synth: 0 };
  for (const [i, c] of chosen.entries()) {
    const video = videoOf(c);
    let labels: ClipLabels;
    try {
      labels = await videos[i]!;
    } catch (e) {
      log(`${c.piece}: skipped, ${(e as Error).message}`);
      skipped++;
      continue;
    }
    if (path.resolve(DATA, labels.source) !== path.resolve(c.perf.file)) throw new Error(`${c.piece}: the renderer used ${labels.source}, this bench ${c.perf.file}`);
    const from = c.startSec + QUERY_FROM_SEC;
    const truthKeys = notesStartingIn(labels.notes, QUERY_FROM_SEC, QUERY_SEC);
    const f1 = (est: readonly NoteEvent[]): number => noteMetrics(est, truthKeys).f1;
    const sustained = applySustain(c.perf.notes, c.perf.pedal);
    const truthSeg = clipNotes(sustained, from, QUERY_SEC);
    const chromaOf = (x: Float32Array): Chromagram => chromagram(x, SR, VIDEO_TEST_CHROMA);
    let ts = performance.now();
    queries.push({
      piece: c.piece,
      condition: C.truth,
      chroma: truthSeg.length > 0 ? chromaOf(await soundFont(truthSeg, QUERY_SEC)) : undefined,
      onsetF1: f1(notesStartingIn(c.perf.notes, from, QUERY_SEC)),
    });
    timing.synth += (performance.now() - ts) / 1000;
    ts = performance.now();
    let predicted: NoteEvent[] | undefined;
    try {
      const p = await extractNotes(video, modelsRoot, labels);
      predicted = p.notes;
      if (p.lowestKey !== undefined) hinted++;
      models = p.models;
    } catch (e) {
      failures++;
      log(`${c.piece}: extraction failed (${(e as Error).message.split('\n')[0]}): its (b) and (c) queries count as misses`);
    }
    timing.extract += (performance.now() - ts) / 1000;
    ts = performance.now();
    const predSeg = predicted ? clipNotes(predicted, QUERY_FROM_SEC, QUERY_SEC) : [];
    const predF1 = predicted ? f1(notesStartingIn(predicted, QUERY_FROM_SEC, QUERY_SEC)) : 0;
    queries.push({ piece: c.piece, condition: C.predicted, chroma: predSeg.length > 0 ? chromaOf(await soundFont(predSeg, QUERY_SEC)) : undefined, onsetF1: predF1 });
    if (withPerfNet) {
      let chroma: Chromagram | undefined;
      if (predSeg.length > 0) {
        const { renderNotesPerfNet } = await import('../src/render/perfnet');
        const r = await renderNotesPerfNet(predSeg, { modelsRoot: perfnetRoot, durationSec: QUERY_SEC });
        if (r.sampleRate !== SR) throw new Error(`PerfNet renders at ${r.sampleRate} Hz; this test expects ${SR} Hz`);
        chroma = chromaOf(r.samples);
      }
      queries.push({ piece: c.piece, condition: C.perfnet, chroma, onsetF1: predF1 });
    }
    if (predicted && /\+/.test(models)) {
      // the same video without the Roll2Midi stage, to show what it adds (or costs)
      const p = await extractNotes(video, modelsRoot, labels, 'none');
      const seg = clipNotes(p.notes, QUERY_FROM_SEC, QUERY_SEC);
      const chroma = seg.length > 0 ? chromaOf(await soundFont(seg, QUERY_SEC)) : undefined;
      queries.push({ piece: c.piece, condition: C.v2rOnly, chroma, onsetF1: f1(notesStartingIn(p.notes, QUERY_FROM_SEC, QUERY_SEC)) });
    }
    if (baseline) {
      let chroma: Chromagram | undefined;
      let bf1 = 0;
      try {
        const p = await extractNotes(video, modelsRoot, labels, undefined, baseline);
        const seg = clipNotes(p.notes, QUERY_FROM_SEC, QUERY_SEC);
        chroma = seg.length > 0 ? chromaOf(await soundFont(seg, QUERY_SEC)) : undefined;
        bf1 = f1(notesStartingIn(p.notes, QUERY_FROM_SEC, QUERY_SEC));
      } catch (e) {
        log(`${c.piece}: baseline extraction failed (${(e as Error).message.split('\n')[0]}): its (f) query counts as a miss`);
      }
      queries.push({ piece: c.piece, condition: C.baseline, chroma, onsetF1: bf1 });
    }
    const pitches = libraryNotes(c.perf).map((n) => n.pitch);
    const random = randomNotes(rand, Math.min(...pitches), Math.max(...pitches), QUERY_SEC);
    queries.push({ piece: c.piece, condition: C.random, chroma: chromaOf(await soundFont(random, QUERY_SEC)), onsetF1: f1(random) });
    queries.push({ piece: c.piece, condition: C.noise, chroma: chromaOf(whiteNoise(rand, QUERY_SEC * SR)) });
    timing.synth += (performance.now() - ts) / 1000;
    log(`query: ${c.piece} from ${c.startSec.toFixed(1)} s: ${predicted ? predicted.length : 0} notes predicted, onset F1 ${predF1.toFixed(3)}`);
  }
  const t3 = performance.now();
  const rows = scoreQueries(queries, library, CONDITIONS);
  const matchSec = (performance.now() - t3) / 1000;
  const cpu = cpuSec();
  const wallSec = (performance.now() - t0) / 1000;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  let perfnetId = '';
  if (withPerfNet) {
    const idx = JSON.parse(readFileSync(path.join(perfnetRoot, 'index.json'), 'utf8')) as { defaults?: Record<string, string> };
    perfnetId = [idx.defaults?.perfnet, idx.defaults?.['spec-refiner']].filter(Boolean).join(' + ');
  }
  const md = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, commit ${commit}; extractor models: ${models || modelsId(modelsRoot)}` +
      `${withPerfNet ? `; PerfNet: ${perfnetId}` : '; PerfNet row skipped (no perfnet model)'}.`,
    `Library: ${library.length} references = ${library.length - omapsCount} test-split pieces (SoundFont render of the first ${LIBRARY_SEC} s of each piece's performance MIDI, pedal applied) + ${omapsCount} OMAPS recordings.`,
    `Queries: ${chosen.length - skipped} test-split pieces${skipped > 0 ? ` (${skipped} more skipped: their video could not be rendered)` : ''}, one ${QUERY_SEC}-s segment each from a ${CLIP_SEC}-s rendered video (random style, 854x480, seeded start; seed ${seed})` +
      `${hinted > 0 ? `; ${hinted} show a cut keyboard whose octave the locator asks the user for: extracted with --lowest-key read off the labels` : ''}` +
      `${failures > 0 ? `; extraction failed on ${failures}` : ''}. Onset F1: 50 ms, vs the clip's key-down notes.`,
    '',
    conditionTable(rows, library.length),
    `Time: ${wallSec.toFixed(0)} s wall (library ${librarySec.toFixed(0)} s, video rendering ${videosDoneSec.toFixed(0)} s in a child process beside the library, extraction ${timing.extract.toFixed(0)} s, synthesis ${timing.synth.toFixed(0)} s, matching ${matchSec.toFixed(0)} s); ` +
      `CPU ${(cpu.self - cpu0.self).toFixed(0)} s in this process + ${(cpu.children - cpu0.children).toFixed(0)} s in child processes (cached videos, notes and library chroma cost nothing on a re-run).`,
    '',
    `Regenerate: \`npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/identify_video.js --pieces ${nPieces} --seed ${seed}\``,
    '',
  ].join('\n');
  mkdirSync(path.dirname(outMd), { recursive: true });
  await fs.writeFile(outMd, md);
  process.stdout.write(md);
  log(`wrote ${outMd}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
