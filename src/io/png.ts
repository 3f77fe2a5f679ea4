/** A tiny RGB raster and a PNG writer (pngjs). Pictures are built with pure drawing code on an Image, written at the edge. */
import { PNG } from 'pngjs';
import { writeFileAtomic } from './atomic';

export type Rgb = readonly [number, number, number];

export class Image {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }
  setPixel(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (Math.floor(y) * this.width + Math.floor(x)) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }
  fillRect(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    const xa = Math.max(0, Math.floor(x0));
    const ya = Math.max(0, Math.floor(y0));
    const xb = Math.min(this.width, Math.ceil(x0 + w));
    const yb = Math.min(this.height, Math.ceil(y0 + h));
    for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) this.setPixel(x, y, c);
  }
  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0, j = 0; i < this.data.length; i += 3, j += 4) {
      png.data[j] = this.data[i] ?? 0;
      png.data[j + 1] = this.data[i + 1] ?? 0;
      png.data[j + 2] = this.data[i + 2] ?? 0;
      png.data[j + 3] = 255;
    }
    return PNG.sync.write(png);
  }
}

export async function writePng(file: string, image: Image): Promise<void> {
  await writeFileAtomic(file, image.toPng());
}
