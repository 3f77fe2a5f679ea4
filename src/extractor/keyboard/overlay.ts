/** Debug picture: the frame with the located keys drawn over it (for `--debug-keyboard out.png`). Pure. */
import { BLACK_LENGTH, keySpan } from '../../core/keyboard-geometry';
import { isBlackKey } from '../../core/keys';
import { Image, type Rgb } from '../../io/png';
import { applyH } from './homography';
import type { GrayFrame } from './image';

interface Located {
  homography: number[];
  lowestMidi: number;
  highestMidi: number;
  box: [number, number, number, number];
}

function line(img: Image, a: readonly [number, number], b: readonly [number, number], c: Rgb): void {
  const n = Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]))) + 1;
  if (!Number.isFinite(n) || n > 100000) return;
  for (let i = 0; i <= n; i++) {
    const t = i / n;
    img.setPixel(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, c);
  }
}

/**
 * RGB copy of the frame with: the visible box (blue), the back and front edges (green), white-key boundaries
 * (yellow), black keys (red outlines) and a mark on every C (magenta dot on the front edge).
 */
export function drawLocationOverlay(frame: GrayFrame, loc: Located): Image {
  const img = new Image(frame.width, frame.height);
  for (let i = 0; i < frame.width * frame.height; i++) {
    const v = frame.data[i]!;
    img.data[3 * i] = v;
    img.data[3 * i + 1] = v;
    img.data[3 * i + 2] = v;
  }
  const H = (u: number, v: number): [number, number] => applyH(loc.homography, u, v);
  const [bx, by, bw, bh] = loc.box;
  const blue: Rgb = [40, 120, 255];
  line(img, [bx, by], [bx + bw, by], blue);
  line(img, [bx + bw, by], [bx + bw, by + bh], blue);
  line(img, [bx + bw, by + bh], [bx, by + bh], blue);
  line(img, [bx, by + bh], [bx, by], blue);
  const u0 = keySpan(loc.lowestMidi).x0;
  const u1 = keySpan(loc.highestMidi).x1;
  line(img, H(u0, 0), H(u1, 0), [0, 220, 0]);
  line(img, H(u0, 1), H(u1, 1), [0, 220, 0]);
  for (let m = loc.lowestMidi; m <= loc.highestMidi; m++) {
    const s = keySpan(m);
    if (isBlackKey(m)) {
      const red: Rgb = [255, 40, 40];
      line(img, H(s.x0, 0), H(s.x0, BLACK_LENGTH), red);
      line(img, H(s.x1, 0), H(s.x1, BLACK_LENGTH), red);
      line(img, H(s.x0, BLACK_LENGTH), H(s.x1, BLACK_LENGTH), red);
    } else {
      line(img, H(s.x0, BLACK_LENGTH), H(s.x0, 1), [255, 220, 0]);
      if (m % 12 === 0) {
        const [x, y] = H(s.xc, 1);
        img.fillRect(x - 3, y - 8, 6, 6, [255, 0, 255]);
      }
    }
  }
  return img;
}
