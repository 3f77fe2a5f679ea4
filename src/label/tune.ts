/**
 * Scoring and tuning of the pseudo-label decoder on pieces with known notes (OMAPS). Pure over cached activations.
 * Figures per piece: note-onset F1 (50 ms, mir_eval.transcription) and frame F1 (micro, mir_eval.multipitch) on
 * 25 fps rolls built from the notes; averaged over pieces.
 */
import { frameMetrics, noteMetrics } from '../core/metrics';
import type { NoteEvent } from '../core/types';
import type { Activations } from './basic-pitch';
import { activationsToNotes, DEFAULT_DECODE, type DecodeOptions } from './decode';
import { notesToBinaryRoll } from './roll';

export interface Piece {
  readonly name: string;
  readonly activations: Activations;
  readonly reference: readonly NoteEvent[];
}

export interface PieceScore {
  readonly name: string;
  readonly onsetF1: number;
  readonly onsetOffsetF1: number;
  readonly frameF1: number;
  readonly frameF1Samples: number;
}

export function scoreNotes(est: readonly NoteEvent[], ref: readonly NoteEvent[], fps = 25): Omit<PieceScore, 'name'> {
  let end = 0;
  for (const n of [...est, ...ref]) end = Math.max(end, n.offsetSec);
  const frames = Math.ceil(end * fps) + 1;
  const fm = frameMetrics(notesToBinaryRoll(est, { fps, frames }), notesToBinaryRoll(ref, { fps, frames }));
  return {
    onsetF1: noteMetrics(est, ref).f1,
    onsetOffsetF1: noteMetrics(est, ref, { withOffsets: true }).f1,
    frameF1: fm.micro.f1,
    frameF1Samples: fm.samples.f1,
  };
}

export function scorePieces(pieces: readonly Piece[], opts: DecodeOptions): PieceScore[] {
  return pieces.map((p) => ({ name: p.name, ...scoreNotes(activationsToNotes(p.activations, opts), p.reference) }));
}

export function meanScores(s: readonly PieceScore[]): Omit<PieceScore, 'name'> {
  const m = (f: (x: PieceScore) => number): number => s.reduce((a, x) => a + f(x), 0) / Math.max(1, s.length);
  return { onsetF1: m((x) => x.onsetF1), onsetOffsetF1: m((x) => x.onsetOffsetF1), frameF1: m((x) => x.frameF1), frameF1Samples: m((x) => x.frameF1Samples) };
}

/** The tuning objective: the mean of note-onset F1 and frame F1 (micro), averaged over pieces. */
export function objective(s: readonly PieceScore[]): number {
  const m = meanScores(s);
  return (m.onsetF1 + m.frameF1) / 2;
}

export type Grid = { readonly [K in keyof DecodeOptions]?: readonly NonNullable<DecodeOptions[K]>[] };

/** Coordinate ascent over a grid, `rounds` passes, starting from `start`. Logs each improvement via `log`. */
export function tune(pieces: readonly Piece[], grid: Grid, opts: { start?: DecodeOptions; rounds?: number; log?: (s: string) => void } = {}): { best: DecodeOptions; score: number } {
  let best: DecodeOptions = { ...DEFAULT_DECODE, ...opts.start };
  let bestScore = objective(scorePieces(pieces, best));
  opts.log?.(`start ${bestScore.toFixed(4)} ${JSON.stringify(best)}`);
  for (let round = 0; round < (opts.rounds ?? 2); round++) {
    let changed = false;
    for (const key of Object.keys(grid) as (keyof DecodeOptions)[]) {
      for (const v of grid[key] ?? []) {
        if (v === best[key]) continue;
        const cand: DecodeOptions = { ...best, [key]: v };
        const s = objective(scorePieces(pieces, cand));
        if (s > bestScore + 1e-6) {
          bestScore = s;
          best = cand;
          changed = true;
          opts.log?.(`  ${String(key)}=${String(v)} -> ${s.toFixed(4)}`);
        }
      }
    }
    if (!changed) break;
  }
  return { best, score: bestScore };
}
