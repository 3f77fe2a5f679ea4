/**
 * Velocities from context and the tempo map, measured on real performances (docs/midi-file.md).
 *
 * 1. clavision (the real top-view videos with the piano's own MIDI): the velocity distribution of its MIDI.
 * 2. ASAP (Yamaha e-Competition Disklavier performances, ../shared/data/midi/asap): the context features of
 *    src/core/velocity.ts computed from each performance's notes (pitch, onset, offset: what a perfect transcription
 *    gives), a least-squares fit on the training pieces, and the Pearson correlation with the performed velocity on
 *    held-out pieces (every 5th piece folder), pooled and per performance. Prints the fitted model as TypeScript.
 * 3. Tempo: estimateTempo's global tempo and tracked beats against each held-out performance's mean tempo (quarter
 *    notes of its score between the first and last onset / the seconds they took): MIREX-style Acc1 (within 4 %) and
 *    Acc2 (within 4 % of 1/3, 1/2, 1, 2 or 3 times).
 *
 * Reproduce: npx tsc -p tsconfig.json --outDir .cache/build && nice node .cache/build/bench/velocity_tempo.js [maxTrainPerformances]
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { estimateTempo } from '../src/core/tempo';
import type { NoteEvent } from '../src/core/types';
import { contextVelocities, VELOCITY_FEATURES, velocityFeatures, type VelocityModel } from '../src/core/velocity';

const SHARED = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');
const shared = (...p: string[]): string => path.join(process.env.AUDEO_SHARED_DATA ?? SHARED, ...p);

interface Perf {
  folder: string;
  notes: NoteEvent[];
  scoreQuarters?: number;
  /** The score MIDI's notes (deadpan, on its own tempo map) and that map's tempo (BPM, the one in force longest). */
  score?: { notes: NoteEvent[]; bpm: number };
}

async function readNotes(file: string): Promise<{ notes: NoteEvent[]; ppq: number; firstTick: number; lastTick: number; bpm: number }> {
  const { Midi } = await import('@tonejs/midi');
  const midi = new Midi(await fs.readFile(file));
  const notes: NoteEvent[] = [];
  let firstTick = Infinity;
  let lastTick = -Infinity;
  for (const tr of midi.tracks)
    for (const n of tr.notes) {
      notes.push({ pitch: n.midi, onsetSec: n.time, offsetSec: n.time + n.duration, velocity: Math.round(n.velocity * 127) });
      firstTick = Math.min(firstTick, n.ticks);
      lastTick = Math.max(lastTick, n.ticks);
    }
  notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
  // the tempo in force for the most ticks between the first and last onset
  const tempos = midi.header.tempos.length ? midi.header.tempos : [{ ticks: 0, bpm: 120 }];
  const span = new Map<number, number>();
  tempos.forEach((t, i) => {
    const a = Math.max(t.ticks, firstTick);
    const b = Math.min(tempos[i + 1]?.ticks ?? Infinity, lastTick);
    if (b > a) span.set(t.bpm, (span.get(t.bpm) ?? 0) + (b - a));
  });
  const bpm = [...span].sort((x, y) => y[1] - x[1])[0]?.[0] ?? tempos[0]!.bpm;
  return { notes, ppq: midi.header.ppq, firstTick, lastTick, bpm };
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : NaN;
}

/** Solves (A^T A) w = A^T y by Gaussian elimination (A has a leading column of ones). */
function leastSquares(rows: readonly number[][], y: readonly number[]): number[] {
  const k = rows[0]!.length + 1;
  const ata = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const aty = new Array<number>(k).fill(0);
  rows.forEach((r, i) => {
    const a = [1, ...r];
    for (let p = 0; p < k; p++) {
      aty[p]! += a[p]! * y[i]!;
      for (let q = 0; q < k; q++) ata[p]![q]! += a[p]! * a[q]!;
    }
  });
  for (let p = 0; p < k; p++) ata[p]![p]! += 1e-6;
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(ata[r]![c]!) > Math.abs(ata[piv]![c]!)) piv = r;
    [ata[c], ata[piv]] = [ata[piv]!, ata[c]!];
    [aty[c], aty[piv]] = [aty[piv]!, aty[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = ata[r]![c]! / ata[c]![c]!;
      for (let q = c; q < k; q++) ata[r]![q]! -= f * ata[c]![q]!;
      aty[r]! -= f * aty[c]!;
    }
  }
  return aty.map((v, p) => v / ata[p]![p]!);
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : NaN;
};
const f3 = (x: number): string => x.toFixed(3);

async function clavision(): Promise<void> {
  const dir = shared('video', 'clavision');
  const files = (await fs.readdir(dir).catch(() => [])).filter((f) => f.endsWith('.mid'));
  if (!files.length) return console.log('clavision: not found, skipped');
  const counts = new Map<number, number>();
  for (const f of files) for (const n of (await readNotes(path.join(dir, f))).notes) counts.set(n.velocity, (counts.get(n.velocity) ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`clavision: ${files.length} MIDI files, ${total} notes, velocities: ${[...counts].map(([v, c]) => `${v} x${c}`).join(', ')}`);
  if (counts.size === 1) console.log('clavision: every note has the same velocity: no correlation can be measured on it (the piano recorded no dynamics)');
}

async function asap(maxTrain: number): Promise<void> {
  const tempoOnly = process.env.TEMPO_ONLY === '1';
  const meta = await fs.readFile(shared('midi', 'asap', 'metadata.csv'), 'utf8').catch(() => '');
  if (!meta) return console.log('asap: not found, skipped');
  const lines = meta.trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',')).map((c) => ({ folder: c[2]!, score: c[4]!, perf: c[5]! }));
  const folders = [...new Set(rows.map((r) => r.folder))].sort();
  const testFolders = new Set(folders.filter((_, i) => i % 5 === 0));
  const train: Perf[] = [];
  const test: Perf[] = [];
  const trainRows = rows.filter((r) => !testFolders.has(r.folder));
  const step = Math.max(1, Math.floor(trainRows.length / maxTrain));
  for (const r of [...trainRows.filter((_, i) => i % step === 0), ...rows.filter((r) => testFolders.has(r.folder))]) {
    try {
      const p = await readNotes(shared('midi', 'asap', r.perf));
      const isTest = testFolders.has(r.folder);
      const perf: Perf = { folder: r.folder, notes: p.notes };
      if (isTest) {
        const s = await readNotes(shared('midi', 'asap', r.score));
        perf.scoreQuarters = (s.lastTick - s.firstTick) / s.ppq;
        perf.score = { notes: s.notes, bpm: s.bpm };
      }
      (isTest ? test : train).push(perf);
    } catch (e) {
      console.warn(`skip ${r.perf}: ${(e as Error).message}`);
    }
  }
  console.log(`asap: ${train.length} training performances, ${test.length} held-out performances (${testFolders.size} of ${folders.length} piece folders)`);

  if (!tempoOnly) velocityStudy(train, test);

  // tempo
  let acc1 = 0;
  let acc2 = 0;
  let acc1Tracked = 0;
  let acc2Tracked = 0;
  let m = 0;
  const examples: string[] = [];
  for (const p of test) {
    if (!p.scoreQuarters || p.notes.length < 16) continue;
    const first = p.notes[0]!.onsetSec;
    const last = p.notes[p.notes.length - 1]!.onsetSec;
    const truth = (p.scoreQuarters / (last - first)) * 60;
    const est = estimateTempo(p.notes, { ...(process.env.TEMPO_TIGHTNESS ? { tightness: Number(process.env.TEMPO_TIGHTNESS) } : {}), ...(process.env.TEMPO_PREFERRED ? { preferredBpm: Number(process.env.TEMPO_PREFERRED) } : {}) });
    const beats = est.beatsSec.filter((b) => b >= first && b <= last);
    const trackedBpm = beats.length > 2 ? ((beats.length - 1) / (beats[beats.length - 1]! - beats[0]!)) * 60 : est.bpm;
    const within = (x: number, t: number): boolean => Math.abs(x / t - 1) <= TOL;
    const octave = (x: number): boolean => [1 / 3, 1 / 2, 1, 2, 3].some((f) => within(x, truth * f));
    acc1 += within(est.bpm, truth) ? 1 : 0;
    acc2 += octave(est.bpm) ? 1 : 0;
    acc1Tracked += within(trackedBpm, truth) ? 1 : 0;
    acc2Tracked += octave(trackedBpm) ? 1 : 0;
    m++;
    if (examples.length < 8 && m % 5 === 1) examples.push(`${p.folder}: score-derived mean ${truth.toFixed(1)} quarter-BPM, estimated ${est.bpm.toFixed(1)} (tracked beats ${trackedBpm.toFixed(1)}, map ${Math.min(...est.map.map((q) => q.bpm)).toFixed(0)}..${Math.max(...est.map.map((q) => q.bpm)).toFixed(0)})`);
  }
  // the scores: deadpan timing at a known tempo
  let sAcc1 = 0;
  let sAcc2 = 0;
  let sm = 0;
  const scoreSeen = new Set<string>();
  for (const p of test) {
    if (!p.score || scoreSeen.has(p.folder) || p.score.notes.length < 16) continue;
    scoreSeen.add(p.folder);
    const est = estimateTempo(p.score.notes);
    const t = p.score.bpm;
    const within = (x: number, y: number): boolean => Math.abs(x / y - 1) <= TOL;
    sAcc1 += within(est.bpm, t) ? 1 : 0;
    sAcc2 += [1 / 3, 1 / 2, 1, 2, 3].some((f) => within(est.bpm, t * f)) ? 1 : 0;
    sm++;
  }
  console.log(`tempo, ${sm} held-out scores (deadpan MIDI at its written tempo): Acc1 ${f3(sAcc1 / sm)}, Acc2 ${f3(sAcc2 / sm)}`);
  console.log(`tempo, ${m} held-out performances: global Acc1 ${f3(acc1 / m)}, Acc2 ${f3(acc2 / m)}; tracked-beat mean tempo Acc1 ${f3(acc1Tracked / m)}, Acc2 ${f3(acc2Tracked / m)}`);
  for (const e of examples) console.log(`  ${e}`);
}

function velocityStudy(train: readonly Perf[], test: readonly Perf[]): void {
  // fit: z-scored features -> velocity
  const X: number[][] = [];
  const y: number[] = [];
  for (const p of train) {
    const f = velocityFeatures(p.notes);
    f.forEach((r, i) => {
      X.push(r);
      y.push(p.notes[i]!.velocity);
    });
  }
  const k = VELOCITY_FEATURES.length;
  const mean = Array.from({ length: k }, (_, j) => X.reduce((a, r) => a + r[j]!, 0) / X.length);
  const std = Array.from({ length: k }, (_, j) => Math.sqrt(X.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / X.length) || 1);
  const Z = X.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));
  const w = leastSquares(Z, y);
  const fitted = Z.map((r) => r.reduce((a, v, j) => a + v * w[j + 1]!, w[0]!));
  const rTrain = pearson(fitted, y);
  const model: VelocityModel = {
    mean: mean.map((v) => Number(v.toFixed(4))),
    std: std.map((v) => Number(v.toFixed(4))),
    weights: w.slice(1).map((v) => Number((v / Math.max(rTrain, 0.05)).toFixed(4))),
    intercept: Number(w[0]!.toFixed(2)),
    spread: 1,
    provenance: `bench/velocity_tempo.ts: least squares on ${X.length} notes of ${train.length} ASAP performances (held-out piece folders excluded), weights divided by the training correlation ${f3(rTrain)} so the predictions keep the performances' spread`,
  };
  console.log(`fit: ${X.length} notes; training r ${f3(rTrain)}; velocity mean ${f3(y.reduce((a, b) => a + b, 0) / y.length)}`);
  console.log(`export const VELOCITY_MODEL: VelocityModel = ${JSON.stringify(model, null, 2)};`);

  // held-out: the fitted model and single-feature baselines
  const pooledPred: number[] = [];
  const pooledTrue: number[] = [];
  const perPerf: number[] = [];
  const single = VELOCITY_FEATURES.map(() => [] as number[]);
  let n = 0;
  for (const p of test) {
    const pred = contextVelocities(p.notes, model);
    const truth = p.notes.map((x) => x.velocity);
    pooledPred.push(...pred);
    pooledTrue.push(...truth);
    perPerf.push(pearson(pred, truth));
    const f = velocityFeatures(p.notes);
    VELOCITY_FEATURES.forEach((_, j) =>
      single[j]!.push(
        pearson(
          f.map((r) => r[j]!),
          truth,
        ),
      ),
    );
    n += p.notes.length;
  }
  console.log(`held-out: ${test.length} performances, ${n} notes: pooled r ${f3(pearson(pooledPred, pooledTrue))}, per-performance r median ${f3(median(perPerf))} (quartiles ${f3(quantile(perPerf, 0.25))} .. ${f3(quantile(perPerf, 0.75))})`);
  console.log(`held-out, one feature at a time (median per-performance r): ${VELOCITY_FEATURES.map((name, j) => `${name} ${f3(median(single[j]!))}`).join(', ')}`);
  const mad = pooledPred.reduce((a, v, i) => a + Math.abs(v - pooledTrue[i]!), 0) / pooledPred.length;
  const mad0 = pooledTrue.reduce((a, v) => a + Math.abs(v - 100), 0) / pooledTrue.length;
  const trainMean = y.reduce((a, b) => a + b, 0) / y.length;
  const madMean = pooledTrue.reduce((a, v) => a + Math.abs(v - trainMean), 0) / pooledTrue.length;
  console.log(`held-out mean absolute error: ${mad.toFixed(1)} velocity steps (fixed velocity 100, audeo's old output: ${mad0.toFixed(1)}; the training mean ${trainMean.toFixed(0)} for every note: ${madMean.toFixed(1)})`);

}

const TOL = Number(process.env.TEMPO_TOL ?? 0.04);

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
}

async function main(): Promise<void> {
  const maxTrain = Number(process.argv[2] ?? 200);
  await clavision();
  await asap(maxTrain);
}

void main();
