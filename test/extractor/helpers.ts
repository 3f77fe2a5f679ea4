/** Test helpers: synthetic "keyboard" videos made with ffmpeg, and a stub locator with a known homography. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { keySpan } from '../../src/core/keyboard-geometry';
import { ffmpegPath } from '../../src/extractor/ffmpeg-path';
import type { KeyboardLocation } from '../../src/extractor/locator-types';
import type { LocateFn } from '../../src/extractor/pipeline';

export const FIXTURE_MODELS = path.join(__dirname, '..', 'fixtures', 'models');

export interface SyntheticNote {
  pitch: number;
  onsetSec: number;
  offsetSec: number;
}

export interface SyntheticVideo {
  file: string;
  /** Strip (u, v) -> pixel: x = x0 + u * w, y = y0 + v * h. */
  box: [number, number, number, number];
  notes: SyntheticNote[];
}

export function tmpDir(prefix = 'audeo-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A black frame with a white bar over each pressed key's centre column inside `box` (what the tiny-v2r fixture
 * model reads as P(key down) = 1).
 */
export function makeKeysVideo(
  file: string,
  opts: { notes: SyntheticNote[]; durationSec: number; fps?: number; size?: [number, number]; box?: [number, number, number, number]; extra?: string[] },
): SyntheticVideo {
  const [W, H] = opts.size ?? [1000, 200];
  const box = opts.box ?? [50, 60, 900, 100];
  const [bx, by, bw, bh] = box;
  const bars = opts.notes.map((n) => {
    const xc = bx + keySpan(n.pitch).xc * bw;
    return `drawbox=x=${Math.round(xc - 3)}:y=${by}:w=6:h=${bh}:color=white:t=fill:enable='between(t,${n.onsetSec},${n.offsetSec - 0.001})'`;
  });
  const vf = bars.length ? bars.join(',') : 'null';
  ffmpeg([
    '-f', 'lavfi', '-i', `color=c=black:s=${W}x${H}:r=${opts.fps ?? 30}:d=${opts.durationSec}`,
    '-vf', vf, ...(opts.extra ?? []), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file,
  ]);
  return { file, box, notes: opts.notes };
}

export function boxLocator(box: [number, number, number, number], lowestMidi = 21, highestMidi = 108): LocateFn {
  const [x, y, w, h] = box;
  return (): KeyboardLocation => ({ homography: [w, 0, x, 0, h, y, 0, 0, 1], lowestMidi, highestMidi, box, confidence: 1 });
}
