/**
 * Transcription metrics. Pure.
 *
 * Frame metrics on two Rolls (binarised at a threshold), in two conventions — always say which a figure is:
 * - `micro` (Bay et al. 2009, as mir_eval.multipitch): TP, FP, FN summed over all frames, then
 *   P = TP/(TP+FP), R = TP/(TP+FN), Acc = TP/(TP+FP+FN), F1 = 2PR/(P+R).
 * - `samples` (the Audeo paper's Table 1, sklearn's average="samples"): the same per frame, then the mean over frames;
 *   a silent frame predicted silent scores 1 for P, R, F1 and Acc; any other 0/0 scores 0.
 * Note metrics as mir_eval.transcription.precision_recall_f1_overlap: a maximum bipartite matching between reference
 * and estimated notes of the same pitch whose onsets are within 50 ms (and, with offsets, whose offsets are within
 * max(20% of the reference duration, 50 ms)).
 */
import { InputError } from './errors';
import { HIGHEST_PIANO_MIDI, LOWEST_PIANO_MIDI, PAPER_KEY_RANGE } from './keys';
import type { NoteEvent, Roll } from './types';

export interface KeyRange {
  readonly lowMidi: number;
  readonly highMidi: number;
}
export const ALL_KEYS: KeyRange = { lowMidi: LOWEST_PIANO_MIDI, highMidi: HIGHEST_PIANO_MIDI };
export const PAPER_KEYS: KeyRange = PAPER_KEY_RANGE;

export interface Scores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}
export interface FrameScores extends Scores {
  readonly accuracy: number;
}
export interface FrameMetrics {
  /** Summed over frames (mir_eval.multipitch). */
  readonly micro: FrameScores;
  /** Per frame, then averaged over frames (the paper's Table 1). */
  readonly samples: FrameScores;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly frames: number;
  readonly keyRange: KeyRange;
}

export interface FrameMetricOptions {
  /** A cell is "on" when value >= threshold. Default 0.5. */
  readonly threshold?: number;
  /** Threshold for the reference roll; default: `threshold`. */
  readonly referenceThreshold?: number;
  /** MIDI range scored; default all 88 keys. Keys a roll lacks count as off. */
  readonly keyRange?: KeyRange;
  /** Rolls of different frame counts: 'error' (default) or 'pad' (the shorter is silent at the end). */
  readonly lengthPolicy?: 'error' | 'pad';
}

export function fMeasure(precision: number, recall: number): number {
  return precision === 0 && recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

function checkRoll(r: Roll, what: string): void {
  if (!(r.fps > 0) || !Number.isFinite(r.fps)) throw new InputError(`${what} roll has fps ${r.fps}; expected a positive frame rate`);
  if (r.data.length !== r.frames * r.keys) {
    throw new InputError(`${what} roll has ${r.data.length} cells; expected frames*keys = ${r.frames}*${r.keys}`);
  }
}

/** Frame precision / recall / accuracy / F1 of `estimate` against `reference`, in both conventions. */
export function frameMetrics(estimate: Roll, reference: Roll, opts: FrameMetricOptions = {}): FrameMetrics {
  checkRoll(estimate, 'estimated');
  checkRoll(reference, 'reference');
  if (Math.abs(estimate.fps - reference.fps) > 1e-9) {
    throw new InputError(`estimated roll is at ${estimate.fps} fps but the reference at ${reference.fps} fps; expected the same frame rate`);
  }
  if (Math.abs(estimate.startSec - reference.startSec) > 0.5 / reference.fps) {
    throw new InputError(`estimated roll starts at ${estimate.startSec} s but the reference at ${reference.startSec} s; expected the same start`);
  }
  const policy = opts.lengthPolicy ?? 'error';
  if (estimate.frames !== reference.frames && policy === 'error') {
    throw new InputError(
      `estimated roll has ${estimate.frames} frames but the reference ${reference.frames}; expected the same length (or lengthPolicy "pad")`,
    );
  }
  const thr = opts.threshold ?? 0.5;
  const refThr = opts.referenceThreshold ?? thr;
  const range = opts.keyRange ?? ALL_KEYS;
  if (range.highMidi < range.lowMidi) throw new InputError(`key range ${range.lowMidi}..${range.highMidi} is empty`);
  const frames = Math.max(estimate.frames, reference.frames);
  const on = (r: Roll, t: number, midi: number, th: number): boolean => {
    const k = midi - r.lowestMidi;
    if (t >= r.frames || k < 0 || k >= r.keys) return false;
    return (r.data[t * r.keys + k] ?? 0) >= th;
  };
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let sumP = 0;
  let sumR = 0;
  let sumF = 0;
  let sumA = 0;
  for (let t = 0; t < frames; t++) {
    let ftp = 0;
    let ffp = 0;
    let ffn = 0;
    for (let m = range.lowMidi; m <= range.highMidi; m++) {
      const e = on(estimate, t, m, thr);
      const r = on(reference, t, m, refThr);
      if (e && r) ftp++;
      else if (e) ffp++;
      else if (r) ffn++;
    }
    tp += ftp;
    fp += ffp;
    fn += ffn;
    if (ftp + ffp + ffn === 0) {
      sumP += 1;
      sumR += 1;
      sumF += 1;
      sumA += 1;
    } else {
      const p = ftp + ffp > 0 ? ftp / (ftp + ffp) : 0;
      const r = ftp + ffn > 0 ? ftp / (ftp + ffn) : 0;
      sumP += p;
      sumR += r;
      sumF += fMeasure(p, r);
      sumA += ftp / (ftp + ffp + ffn);
    }
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const accuracy = tp + fp + fn > 0 ? tp / (tp + fp + fn) : 0;
  const n = Math.max(1, frames);
  return {
    micro: { precision, recall, accuracy, f1: fMeasure(precision, recall) },
    samples: frames === 0 ? { precision: 0, recall: 0, accuracy: 0, f1: 0 } : { precision: sumP / n, recall: sumR / n, accuracy: sumA / n, f1: sumF / n },
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    frames,
    keyRange: range,
  };
}

export interface NoteScores extends Scores {
  readonly matched: number;
  readonly referenceNotes: number;
  readonly estimatedNotes: number;
}

export interface NoteMetricOptions {
  /** Onset tolerance in seconds (inclusive). Default 0.05. */
  readonly onsetToleranceSec?: number;
  /** Also require offsets to match. Default false. */
  readonly withOffsets?: boolean;
  /** Offset tolerance as a share of the reference note's duration. Default 0.2. */
  readonly offsetRatio?: number;
  /** Smallest offset tolerance in seconds. Default 0.05. */
  readonly offsetMinToleranceSec?: number;
  /** Score only notes in this MIDI range (both sides). Default: all. */
  readonly keyRange?: KeyRange;
}

/** numpy.around(x, 7): round half to even at 1e-7, as mir_eval does before comparing distances. */
function round7(x: number): number {
  const y = x * 1e7;
  let r = Math.round(y);
  if (Math.abs(y - Math.trunc(y)) === 0.5) r = 2 * Math.round(y / 2);
  return r / 1e7;
}

function checkNotes(notes: readonly NoteEvent[], what: string): void {
  for (const n of notes) {
    if (!Number.isFinite(n.onsetSec) || !Number.isFinite(n.offsetSec) || !Number.isFinite(n.pitch)) {
      throw new InputError(`${what} note ${JSON.stringify(n)} has a non-finite field; expected numbers`);
    }
    if (n.offsetSec < n.onsetSec) throw new InputError(`${what} note at ${n.onsetSec} s ends before it starts (${n.offsetSec} s)`);
  }
}

/**
 * Maximum bipartite matching (Hopcroft-Karp) between `left` 0..nLeft-1 and right vertices given adjacency lists.
 * Returns the matching size.
 */
export function maxBipartiteMatching(nLeft: number, nRight: number, adj: readonly (readonly number[])[]): number {
  const INF = Number.MAX_SAFE_INTEGER;
  const matchL = new Int32Array(nLeft).fill(-1);
  const matchR = new Int32Array(nRight).fill(-1);
  const dist = new Float64Array(nLeft);
  const queue = new Int32Array(nLeft);
  const it = new Int32Array(nLeft);
  const stack = new Int32Array(nLeft + 1);
  let size = 0;
  for (;;) {
    // BFS from free left vertices.
    let qh = 0;
    let qt = 0;
    for (let u = 0; u < nLeft; u++) {
      if (matchL[u] === -1) {
        dist[u] = 0;
        queue[qt++] = u;
      } else dist[u] = INF;
    }
    let found = false;
    while (qh < qt) {
      const u = queue[qh++]!;
      for (const v of adj[u] ?? []) {
        const w = matchR[v]!;
        if (w === -1) found = true;
        else if (dist[w] === INF) {
          dist[w] = dist[u]! + 1;
          queue[qt++] = w;
        }
      }
    }
    if (!found) break;
    // Iterative DFS along layered graph.
    it.fill(0);
    for (let s = 0; s < nLeft; s++) {
      if (matchL[s] !== -1) continue;
      let sp = 0;
      stack[sp++] = s;
      let augmented = false;
      while (sp > 0 && !augmented) {
        const u = stack[sp - 1]!;
        const edges = adj[u] ?? [];
        if (it[u]! >= edges.length) {
          dist[u] = INF;
          sp--;
          continue;
        }
        const v = edges[it[u]!]!;
        it[u]!++;
        const w = matchR[v]!;
        if (w === -1) {
          // Augment along the stack: stack[i] takes the vertex it was exploring.
          for (let i = sp - 1; i >= 0; i--) {
            const uu = stack[i]!;
            const vv = adj[uu]![it[uu]! - 1]!;
            matchL[uu] = vv;
            matchR[vv] = uu;
          }
          size++;
          augmented = true;
        } else if (dist[w] === dist[u]! + 1) {
          stack[sp++] = w;
        }
      }
    }
  }
  return size;
}

function inRange(n: NoteEvent, r: KeyRange | undefined): boolean {
  return r === undefined || (n.pitch >= r.lowMidi && n.pitch <= r.highMidi);
}

/** Note precision / recall / F1 as mir_eval.transcription (pitch must be equal). */
export function noteMetrics(estimate: readonly NoteEvent[], reference: readonly NoteEvent[], opts: NoteMetricOptions = {}): NoteScores {
  checkNotes(estimate, 'estimated');
  checkNotes(reference, 'reference');
  const est = estimate.filter((n) => inRange(n, opts.keyRange));
  const ref = reference.filter((n) => inRange(n, opts.keyRange));
  const onsetTol = opts.onsetToleranceSec ?? 0.05;
  const withOffsets = opts.withOffsets ?? false;
  const ratio = opts.offsetRatio ?? 0.2;
  const minTol = opts.offsetMinToleranceSec ?? 0.05;
  if (ref.length === 0 || est.length === 0) {
    return { precision: 0, recall: 0, f1: 0, matched: 0, referenceNotes: ref.length, estimatedNotes: est.length };
  }
  // Candidate edges: same pitch, onset within tolerance; sort estimates by pitch then onset for a sweep.
  const estIdx = est.map((_, i) => i).sort((a, b) => est[a]!.pitch - est[b]!.pitch || est[a]!.onsetSec - est[b]!.onsetSec);
  const byPitch = new Map<number, number[]>();
  for (const i of estIdx) {
    const p = est[i]!.pitch;
    let l = byPitch.get(p);
    if (!l) byPitch.set(p, (l = []));
    l.push(i);
  }
  const adj: number[][] = ref.map(() => []);
  ref.forEach((r, ri) => {
    const cands = byPitch.get(r.pitch);
    if (!cands) return;
    // Binary search the first estimate whose onset >= r.onset - tol - margin.
    const lo0 = r.onsetSec - onsetTol - 1e-6;
    let lo = 0;
    let hi = cands.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (est[cands[mid]!]!.onsetSec < lo0) lo = mid + 1;
      else hi = mid;
    }
    const offTol = Math.max(ratio * (r.offsetSec - r.onsetSec), minTol);
    for (let j = lo; j < cands.length; j++) {
      const e = est[cands[j]!]!;
      if (e.onsetSec > r.onsetSec + onsetTol + 1e-6) break;
      if (round7(Math.abs(r.onsetSec - e.onsetSec)) > onsetTol) continue;
      if (withOffsets && round7(Math.abs(r.offsetSec - e.offsetSec)) > offTol) continue;
      adj[ri]!.push(cands[j]!);
    }
  });
  const matched = maxBipartiteMatching(ref.length, est.length, adj);
  const precision = matched / est.length;
  const recall = matched / ref.length;
  return { precision, recall, f1: fMeasure(precision, recall), matched, referenceNotes: ref.length, estimatedNotes: est.length };
}

export interface EvaluationReport {
  readonly frame: { readonly allKeys: FrameMetrics; readonly paperKeys: FrameMetrics };
  readonly note: {
    readonly onset: NoteScores;
    readonly onsetOffset: NoteScores;
  };
}

/** All the figures `audeo eval` prints: frame metrics on 88 and on the paper's 51 keys, note metrics with and without offsets. */
export function evaluate(
  est: { readonly notes: readonly NoteEvent[]; readonly roll: Roll },
  ref: { readonly notes: readonly NoteEvent[]; readonly roll: Roll },
  opts: { readonly threshold?: number; readonly lengthPolicy?: 'error' | 'pad' } = {},
): EvaluationReport {
  const fo = { threshold: opts.threshold ?? 0.5, referenceThreshold: 0.5, lengthPolicy: opts.lengthPolicy ?? 'pad' } as const;
  return {
    frame: {
      allKeys: frameMetrics(est.roll, ref.roll, { ...fo, keyRange: ALL_KEYS }),
      paperKeys: frameMetrics(est.roll, ref.roll, { ...fo, keyRange: PAPER_KEYS }),
    },
    note: {
      onset: noteMetrics(est.notes, ref.notes),
      onsetOffset: noteMetrics(est.notes, ref.notes, { withOffsets: true }),
    },
  };
}
