/**
 * Frames a piano-roll plot (time on x, one row per key, high notes at the top) for people: a title and legend line
 * above, note names (C1..C8) on the left at the C rows, a time axis in seconds below. Pure: Image in, Image out,
 * drawn with the built-in pixel font.
 */
import { Image, type Rgb } from '../io/png';
import { drawText, textWidth } from './bar-chart';

export interface RollAxes {
  /** Seconds at the plot's left and right edges. */
  readonly startSec: number;
  readonly endSec: number;
  /** MIDI notes of the plot's bottom and top rows. */
  readonly lowMidi: number;
  readonly highMidi: number;
  /** Pixels per key row in the plot. */
  readonly pxPerKey: number;
  readonly title?: string;
  /** Colour swatches with their meaning, after the title. */
  readonly legend?: ReadonlyArray<readonly [string, Rgb]>;
}

const INK: Rgb = [60, 60, 60];
const TICK: Rgb = [150, 150, 150];
const LEFT = 30;
const TOP = 16;
const BOTTOM = 24;
const RIGHT = 8;

/** A tick step in seconds that leaves at least `minPx` pixels between labels. */
export function tickStepSec(spanSec: number, widthPx: number, minPx = 60): number {
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600];
  const perSec = widthPx / Math.max(spanSec, 1e-9);
  return steps.find((s) => s * perSec >= minPx) ?? steps[steps.length - 1]!;
}

/** "12" below a minute, "1:05" from there, "1:00:00" from an hour. */
export function timeLabel(sec: number): string {
  const s = Math.round(sec * 10) / 10;
  if (Math.abs(s) < 60) return Number.isInteger(s) ? String(s) : s.toFixed(1);
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const ss = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function blit(dst: Image, src: Image, x0: number, y0: number): void {
  for (let y = 0; y < src.height; y++) {
    const from = y * src.width * 3;
    dst.data.set(src.data.subarray(from, from + src.width * 3), ((y0 + y) * dst.width + x0) * 3);
  }
}

export function withRollAxes(plot: Image, axes: RollAxes): Image {
  const img = new Image(LEFT + plot.width + RIGHT, TOP + plot.height + BOTTOM);
  blit(img, plot, LEFT, TOP);
  // title and legend
  let x = 2;
  if (axes.title) x += drawText(img, x, 4, axes.title, INK, 1) + 12;
  for (const [label, colour] of axes.legend ?? []) {
    img.fillRect(x, 4, 7, 7, colour);
    x += 10 + drawText(img, x + 10, 4, label, INK, 1) + 10;
  }
  // note names at the C rows
  for (let m = axes.lowMidi; m <= axes.highMidi; m++) {
    if (m % 12 !== 0) continue;
    const y = TOP + (axes.highMidi - m) * axes.pxPerKey;
    const label = `C${m / 12 - 1}`;
    drawText(img, LEFT - 4 - textWidth(label, 1), Math.max(TOP - 3, y + axes.pxPerKey - 7), label, INK, 1);
    img.fillRect(LEFT - 3, y + axes.pxPerKey - 1, 3, 1, TICK);
  }
  // time axis
  const span = axes.endSec - axes.startSec;
  const step = tickStepSec(span, plot.width);
  const yAxis = TOP + plot.height;
  img.fillRect(LEFT, yAxis, plot.width, 1, TICK);
  for (let t = Math.ceil(axes.startSec / step) * step; t <= axes.endSec + 1e-9; t += step) {
    const px = LEFT + ((t - axes.startSec) / Math.max(span, 1e-9)) * plot.width;
    img.fillRect(px, yAxis, 1, 4, TICK);
    const label = timeLabel(t);
    drawText(img, Math.min(img.width - textWidth(label, 1), Math.max(0, px - textWidth(label, 1) / 2)), yAxis + 6, label, INK, 1);
  }
  drawText(img, LEFT, yAxis + 16, 'TIME (S)', TICK, 1);
  return img;
}
