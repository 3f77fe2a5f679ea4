/**
 * Two rolls overlaid in one picture: time left to right, pitch bottom (low) to top (high).
 * True positives, misses (reference only) and false alarms (estimate only) in three colours. Pure drawing on an Image.
 */
import { Image, type Rgb } from '../io/png';
import { ALL_KEYS, type KeyRange } from '../core/metrics';
import { isBlackKey } from '../core/keys';
import type { Roll } from '../core/types';
import { withRollAxes } from './axes';

export const OVERLAY_COLOURS = {
  truePositive: [20, 20, 20] as Rgb,
  miss: [230, 60, 40] as Rgb,
  falseAlarm: [40, 110, 230] as Rgb,
  background: [255, 255, 255] as Rgb,
  blackKeyRow: [242, 242, 242] as Rgb,
  octaveLine: [205, 205, 205] as Rgb,
} as const;

export interface OverlayOptions {
  readonly threshold?: number;
  readonly referenceThreshold?: number;
  readonly keyRange?: KeyRange;
  /** Pixel height of one key row. Default 4. */
  readonly pxPerKey?: number;
  /** Widest picture; long rolls are squeezed (a column shows a hit if any frame in it does). Default 3000. */
  readonly maxWidth?: number;
  /** Pixels per frame before squeezing. Default 2. */
  readonly pxPerFrame?: number;
}

export function drawOverlay(estimate: Roll, reference: Roll, opts: OverlayOptions = {}): Image {
  const thr = opts.threshold ?? 0.5;
  const refThr = opts.referenceThreshold ?? 0.5;
  const range = opts.keyRange ?? ALL_KEYS;
  const pxKey = opts.pxPerKey ?? 4;
  const frames = Math.max(estimate.frames, reference.frames, 1);
  const width = Math.max(1, Math.min(opts.maxWidth ?? 3000, frames * (opts.pxPerFrame ?? 2)));
  const nKeys = range.highMidi - range.lowMidi + 1;
  const img = new Image(width, nKeys * pxKey, OVERLAY_COLOURS.background);
  const rowY = (midi: number): number => (range.highMidi - midi) * pxKey;
  for (let m = range.lowMidi; m <= range.highMidi; m++) {
    if (isBlackKey(m)) img.fillRect(0, rowY(m), width, pxKey, OVERLAY_COLOURS.blackKeyRow);
    if (m % 12 === 0) img.fillRect(0, rowY(m) + pxKey - 1, width, 1, OVERLAY_COLOURS.octaveLine);
  }
  const on = (r: Roll, t: number, m: number, th: number): boolean => {
    const k = m - r.lowestMidi;
    return t < r.frames && k >= 0 && k < r.keys && (r.data[t * r.keys + k] ?? 0) >= th;
  };
  for (let x = 0; x < width; x++) {
    const t0 = Math.floor((x * frames) / width);
    const t1 = Math.max(t0 + 1, Math.floor(((x + 1) * frames) / width));
    for (let m = range.lowMidi; m <= range.highMidi; m++) {
      let tp = false;
      let miss = false;
      let fa = false;
      for (let t = t0; t < t1; t++) {
        const e = on(estimate, t, m, thr);
        const r = on(reference, t, m, refThr);
        if (e && r) tp = true;
        else if (r) miss = true;
        else if (e) fa = true;
      }
      const c = tp ? OVERLAY_COLOURS.truePositive : miss ? OVERLAY_COLOURS.miss : fa ? OVERLAY_COLOURS.falseAlarm : undefined;
      if (c) img.fillRect(x, rowY(m), 1, pxKey, c);
    }
  }
  return img;
}

/** The overlay framed with note names, a time axis and the colour legend. */
export function drawOverlayPicture(estimate: Roll, reference: Roll, opts: OverlayOptions = {}): Image {
  const range = opts.keyRange ?? ALL_KEYS;
  const frames = Math.max(estimate.frames, reference.frames, 1);
  return withRollAxes(drawOverlay(estimate, reference, opts), {
    startSec: estimate.startSec,
    endSec: estimate.startSec + frames / estimate.fps,
    lowMidi: range.lowMidi,
    highMidi: range.highMidi,
    pxPerKey: opts.pxPerKey ?? 4,
    legend: [
      ['HIT', OVERLAY_COLOURS.truePositive],
      ['MISS (REFERENCE ONLY)', OVERLAY_COLOURS.miss],
      ['FALSE ALARM (PREDICTION ONLY)', OVERLAY_COLOURS.falseAlarm],
    ],
  });
}
