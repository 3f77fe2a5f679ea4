/** OMAPS-50 pieces with cached basic-pitch activations, and the pseudo-label quality table (docs/pseudo-labels.md). */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseNoteText } from '../core/reference';
import { DEFAULT_CACHE_DIR, fileKey, loadActivations } from './activation-cache';
import { loadBasicPitch } from './basic-pitch';
import { DEFAULT_DECODE, LABEL_DECODE } from './decode';
import { meanScores, scorePieces, type Piece } from './tune';

export const OMAPS_DIR = '/work/shared/data/audio/omaps50';

/** Pieces from..to whose activations are cached (others are reported through `onSkip`). */
export async function loadOmapsPieces(
  dir: string,
  from: number,
  to: number,
  opts: { cacheDir?: string; onSkip?: (name: string) => void } = {},
): Promise<Piece[]> {
  const { info } = await loadBasicPitch();
  const pieces: Piece[] = [];
  for (let i = from; i <= to; i++) {
    const name = String(i).padStart(3, '0');
    const f = path.join(dir, `${name}.mp3`);
    if (!existsSync(f)) continue;
    const activations = await loadActivations(opts.cacheDir ?? DEFAULT_CACHE_DIR, await fileKey(f, info.sha256));
    if (!activations) {
      opts.onSkip?.(name);
      continue;
    }
    pieces.push({ name, activations, reference: parseNoteText(await fs.readFile(path.join(dir, `${name}.txt`), 'utf8'), `${name}.txt`) });
  }
  return pieces;
}

/** Markdown: basic-pitch's defaults vs audeo label's tuned settings, on the tuning half and the held-out half. */
export async function omapsReportMarkdown(dir = OMAPS_DIR, opts: { perPiece?: boolean } = {}): Promise<string> {
  const tuneSet = await loadOmapsPieces(dir, 1, 25);
  const testSet = await loadOmapsPieces(dir, 26, 50);
  const f = (x: number): string => x.toFixed(3);
  const rows = ['| decoder | pieces | note-onset F1 (50 ms) | note onset+offset F1 | frame F1 (micro) | frame F1 (sample-avg) |', '| --- | --- | --- | --- | --- | --- |'];
  const perPiece: string[] = ['| piece | onset F1 | frame F1 (micro) |', '| --- | --- | --- |'];
  for (const [label, decode] of [
    ['basic-pitch defaults', DEFAULT_DECODE],
    ['audeo label (tuned on 001-025)', LABEL_DECODE],
  ] as const) {
    for (const [setName, set] of [
      ['001-025 (tuning)', tuneSet],
      ['026-050 (held out)', testSet],
    ] as const) {
      if (set.length === 0) continue;
      const sc = scorePieces(set, decode);
      const m = meanScores(sc);
      rows.push(`| ${label} | ${setName}, n=${set.length} | ${f(m.onsetF1)} | ${f(m.onsetOffsetF1)} | ${f(m.frameF1)} | ${f(m.frameF1Samples)} |`);
      if (decode === LABEL_DECODE && set === testSet) for (const x of sc) perPiece.push(`| ${x.name} | ${f(x.onsetF1)} | ${f(x.frameF1)} |`);
    }
  }
  return `${rows.join('\n')}\n${opts.perPiece ? `\nHeld-out pieces, audeo label's settings:\n\n${perPiece.join('\n')}\n` : ''}`;
}
