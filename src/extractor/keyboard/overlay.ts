/**
 * The located keyboard drawn over a frame, for people to check the mapping at a glance (`<name>.keyboard.png` beside
 * an extraction's roll picture): key outlines and note names through the homography. Pure.
 */
import { BLACK_LENGTH, keySpan } from '../../core/keyboard-geometry';
import { isBlackKey, midiToName } from '../../core/keys';
import { Image, type Rgb } from '../../io/png';
import { drawText, textWidth } from '../../viz/bar-chart';
import { applyH } from './homography';
import type { GrayFrame } from './image';

interface Located {
  homography: number[];
  lowestMidi: number;
  highestMidi: number;
  box: [number, number, number, number];
  confidence?: number;
}

function line(img: Image, a: readonly [number, number], b: readonly [number, number], c: Rgb): void {
  const n = Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]))) + 1;
  if (!Number.isFinite(n) || n > 100000) return;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    img.setPixel(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, c);
  }
}

/** Text centred at (x, y) on a dark plate. */
function label(img: Image, x: number, y: number, text: string, colour: Rgb, scale: number): void {
  const w = textWidth(text, scale) - scale;
  const h = 7 * scale;
  const x0 = Math.round(x - w / 2);
  const y0 = Math.round(y - h / 2);
  img.fillRect(x0 - 1, y0 - 1, w + 2, h + 2, [20, 20, 20]);
  drawText(img, x0, y0, text, colour, scale);
}

const GREEN: Rgb = [0, 220, 0];
const YELLOW: Rgb = [255, 220, 0];
const RED: Rgb = [255, 40, 40];
const CYAN: Rgb = [0, 230, 255];
const WHITE: Rgb = [255, 255, 255];

/**
 * RGB copy of the frame (twice as large below 1000 px wide) with the visible keys drawn: the back and front edges (green), white-key outlines (yellow),
 * black keys (red), each white key's letter and every C with its octave (C4 = middle C, cyan), and a title line
 * (key range, confidence). A C far from where the picture shows one means the mapping is wrong.
 */
export function drawLocationOverlay(frame: GrayFrame, loc: Located): Image {
  // small frames are drawn twice as large so that the names stay legible
  const k = frame.width < 1000 ? 2 : 1;
  const img = new Image(frame.width * k, frame.height * k);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const v = frame.data[Math.floor(y / k) * frame.width + Math.floor(x / k)]!;
      const i = 3 * (y * img.width + x);
      img.data[i] = v;
      img.data[i + 1] = v;
      img.data[i + 2] = v;
    }
  const H = (u: number, v: number): [number, number] => {
    const [x, y] = applyH(loc.homography, u, v);
    return [x * k, y * k];
  };
  const u0 = keySpan(loc.lowestMidi).x0;
  const u1 = keySpan(loc.highestMidi).x1;
  const steps = 40;
  for (const v of [0, 1]) for (let i = 0; i < steps; i++) line(img, H(u0 + ((u1 - u0) * i) / steps, v), H(u0 + ((u1 - u0) * (i + 1)) / steps, v), GREEN);
  // letters fit when a white key is at least 7 px wide at the front; C + octave at 11 px (else C keys only)
  const scale = img.width >= 1600 ? 2 : 1;
  for (let m = loc.lowestMidi; m <= loc.highestMidi; m++) {
    const s = keySpan(m);
    if (isBlackKey(m)) {
      line(img, H(s.x0, 0), H(s.x0, BLACK_LENGTH), RED);
      line(img, H(s.x1, 0), H(s.x1, BLACK_LENGTH), RED);
      line(img, H(s.x0, BLACK_LENGTH), H(s.x1, BLACK_LENGTH), RED);
      continue;
    }
    line(img, H(s.x0, 0), H(s.x0, 1), YELLOW);
    if (m === loc.highestMidi) line(img, H(s.x1, 0), H(s.x1, 1), YELLOW);
    const [ax, ay] = H(s.x0, 0.88);
    const [bx, by] = H(s.x1, 0.88);
    const keyPx = Math.hypot(bx - ax, by - ay);
    const [x, y] = H(s.xc, 0.88);
    const name = midiToName(m);
    if (m % 12 === 0) {
      const text = keyPx >= 11 * scale ? name : name.replace(/-?\d+$/, '');
      label(img, x, y, text, CYAN, scale);
      if (keyPx < 11 * scale) label(img, x, y + 9 * scale, name.slice(1), CYAN, scale);
    } else if (keyPx >= 7 * scale) label(img, x, y, name.replace(/-?\d+$/, ''), WHITE, scale);
  }
  const title = `KEYS ${midiToName(loc.lowestMidi)}..${midiToName(loc.highestMidi)}${loc.confidence !== undefined ? `  CONFIDENCE ${loc.confidence.toFixed(2)}` : ''}`;
  label(img, 4 + textWidth(title, scale) / 2, 4 + 3.5 * scale, title, WHITE, scale);
  return img;
}
