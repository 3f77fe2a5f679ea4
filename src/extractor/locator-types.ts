/**
 * The keyboard locator's contract as the pipeline uses it (implemented in src/extractor/keyboard/). Kept here,
 * structurally identical, so the pipeline builds and tests on its own with a stub locator.
 */
export interface GrayFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface KeyboardLocation {
  /** 3x3 row-major homography: strip (u in [0,1] across the full 88-key keyboard, v in [0,1] back -> front) -> source pixel (x, y). */
  homography: number[];
  /** Visible key range. */
  lowestMidi: number;
  highestMidi: number;
  /** x, y, w, h of the visible keyboard in source pixels. */
  box: [number, number, number, number];
  /** 0..1 */
  confidence: number;
}

export interface LocateOptions {
  lowestKey?: number;
  crop?: [number, number, number, number];
}
