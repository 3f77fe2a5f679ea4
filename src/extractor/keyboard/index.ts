/**
 * Automatic keyboard localization on top-view gray frames: finds the black keys, the keys' back and front edges,
 * identifies the octave pattern, and fits the homography from the canonical 88-key strip to source pixels.
 * See docs/keyboard-locator.md.
 */
import { KeyboardNotFoundError } from '../../core/errors';
import { keySpan, WHITE_WIDTH } from '../../core/keyboard-geometry';
import { HIGHEST_PIANO_MIDI, isBlackKey, LOWEST_PIANO_MIDI, midiToName } from '../../core/keys';
import { axisX, detectAt, residualTiltDeg, searchAngle, type Detection } from './detect';
import { median } from './fit';
import { applyH, fitHomography, invertH, mulH, type Point } from './homography';
import { checkFrame, clipBox, medianAndRepresentative, rotate, sample, type FloatImage, type GrayFrame } from './image';
import { assignSemitones, canonicalCentreU, whiteLeftU } from './pattern';
import { robustHomography, whiteGapPoints, type Correspondences } from './refine';

export type { GrayFrame } from './image';
export { drawLocationOverlay } from './overlay';
export { frontXToMidi, pointToMidi, keyCentreAtFront } from './keymap';
export { applyH, invertH } from './homography';

export interface KeyboardLocation {
  /**
   * 3x3 row-major homography mapping strip coords (u in [0,1] across the FULL 88-key keyboard A0..C8, canonical
   * geometry of src/core/keyboard-geometry.ts; v in [0,1] from the back of the keys (fallboard) to the front edge of
   * the white keys) to source pixel (x, y). Pixel (i, j) covers [i, i+1) x [j, j+1).
   */
  homography: number[];
  /** Visible key range (keys at least half inside the frame / crop). */
  lowestMidi: number;
  highestMidi: number;
  /** x, y, w, h of the visible keyboard in source pixels. */
  box: [number, number, number, number];
  /** 0..1 */
  confidence: number;
}

export interface LocateOptions {
  /** MIDI note of the leftmost fully visible (white) key, for partial keyboards. */
  lowestKey?: number;
  /** Restrict the search to this box of the source frame: x, y, w, h. */
  crop?: [number, number, number, number];
  /** Largest tilt searched, degrees (default 10). */
  maxTiltDeg?: number;
  /** Working width in pixels the frames are downscaled to (default 640). */
  workWidth?: number;
}

const LOWEST_KEY_HINT = 'pass --lowest-key with the note of the leftmost fully visible white key, e.g. "--lowest-key C3"';

/** Finds the keyboard in a few frames of one video (same size). Throws KeyboardNotFoundError. */
export function locateKeyboard(frames: GrayFrame[], opts: LocateOptions = {}): KeyboardLocation {
  if (frames.length === 0) throw new KeyboardNotFoundError('no frames given to the keyboard locator; expected at least one gray frame');
  frames.forEach((f, i) => checkFrame(f, `frame ${i}`));
  const { width, height } = frames[0]!;
  for (const f of frames)
    if (f.width !== width || f.height !== height)
      throw new KeyboardNotFoundError(`frames differ in size (${width}x${height} vs ${f.width}x${f.height}); expected frames of one video`);
  const box = clipBox(opts.crop ?? [0, 0, width, height], width, height);
  const scale = Math.max(1, box[2] / (opts.workWidth ?? 640));
  const { median: work, representative } = medianAndRepresentative(frames, box, scale);
  const maxTilt = opts.maxTiltDeg ?? 10;
  const det = detect(work, maxTilt);
  if (!det)
    throw new KeyboardNotFoundError(
      `no piano keyboard found in the ${width}x${height} frame${opts.crop ? ` (crop ${opts.crop.join(',')})` : ''}: expected a top view with at least 4 black keys between white keys; try --crop X,Y,W,H around the keys`,
    );
  // rotated-work -> source pixels
  const workToSrc = [scale, 0, box[0], 0, scale, box[1], 0, 0, 1];
  const rotToSrc = mulH(workToSrc, invertH(det.rot.forward));
  return fitLocation(det, rotate(representative, det.rot), rotToSrc, { width, height, box }, opts);
}

function detect(work: FloatImage, maxTilt: number): Detection | undefined {
  let angle = searchAngle(work, maxTilt);
  let det = detectAt(work, angle);
  if (!det) return undefined;
  for (let it = 0; it < 2; it++) {
    const tilt = residualTiltDeg(det.keys);
    if (Math.abs(tilt) < 0.2) break;
    const d2 = detectAt(work, angle + tilt);
    if (!d2) break;
    angle += tilt;
    det = d2;
  }
  if (det.edges.frontSide < 0) {
    // black keys below the white keys' front part: the camera looks from the other side; turn the picture over.
    const flipped = detectAt(work, angle + 180);
    if (flipped && flipped.edges.frontSide > 0) det = flipped;
  }
  return det;
}

interface FrameInfo {
  width: number;
  height: number;
  box: [number, number, number, number];
}

function fitLocation(det: Detection, sharp: FloatImage, rotToSrc: number[], frame: FrameInfo, opts: LocateOptions): KeyboardLocation {
  const { refRow } = det.keys;
  const yRef = refRow + 0.5;
  let blobs = det.keys.blobs;
  let xs = blobs.map((b) => axisX(b, yRef));
  let pat = assignSemitones(xs);
  const [k0, k1] = pianoWindow(pat.semitones);
  if (k0 > 0 || k1 < blobs.length - 1) {
    // dark marks beyond the keyboard's ends (its cheek blocks, the body, a cable) are no black keys
    blobs = blobs.slice(k0, k1 + 1);
    xs = xs.slice(k0, k1 + 1);
    pat = assignSemitones(xs);
  }
  if (!Number.isFinite(pat.cost) || pat.cost > 0.12)
    throw new KeyboardNotFoundError(
      `the ${blobs.length} dark keys found do not follow the black-key pattern (groups of 2 and 3, misfit ${pat.cost.toFixed(2)}); expected a top view of a piano keyboard; try --crop X,Y,W,H around the keys`,
    );
  const { back, front } = det.edges;
  // Two correspondences per black key: its axis meets the back edge (v = 0) and the front edge (v = 1).
  const meet = (a: number, b: number, line: { c: number; d: number }): Point => {
    const x = (a + b * line.c) / (1 - b * line.d);
    return [x, line.c + line.d * x];
  };
  const imgPts: Point[] = [];
  for (const bl of blobs) imgPts.push(meet(bl.a, bl.b, back), meet(bl.a, bl.b, front));
  const blackUv = (octaveShift: number): Point[] =>
    pat.semitones.flatMap((s) => {
      const u = canonicalCentreU(s + octaveShift);
      return [[u, 0] as Point, [u, 1] as Point];
    });
  const s0 = pat.semitones[0]!;
  const span = pat.semitones[pat.semitones.length - 1]! - s0;
  let shift: number;
  if (span === 84 && s0 % 12 === 10) {
    shift = 22 - s0; // A#0 .. A#7: the whole 88-key keyboard, anchored by its ends
  } else if (opts.lowestKey === undefined && s0 % 12 === 10 && lowEndVisible(det, fitHomography(blackUv(22 - s0), imgPts))) {
    shift = 22 - s0; // the keyboard's low end (A0, A#0, B0) is in view: only an 88-key piano starts so
  } else {
    const provisional = 60; // place the first black key's octave at C4 until the octave is known
    const h = mulH(rotToSrc, fitHomography(blackUv(provisional), imgPts));
    const [uLo] = visibleU(h, frame, false);
    // leftmost fully visible white key under the provisional octave
    let m = Math.floor(((uLo / WHITE_WIDTH) * 12) / 7) + LOWEST_PIANO_MIDI - 3;
    while (isBlackKey(m) || whiteLeftU(m) < uLo - 0.1 * WHITE_WIDTH) m++;
    if (opts.lowestKey === undefined)
      throw new KeyboardNotFoundError(
        `found a partial keyboard (${blobs.length} black keys, about ${(span / 12).toFixed(1)} octaves; leftmost fully visible white key is a ${midiToName(m).replace(/-?\d+$/, '')}) but its octave cannot be told from the picture: ${LOWEST_KEY_HINT.replace('C3', `${midiToName(m).replace(/-?\d+$/, '')}3`)}`,
      );
    const k = Math.round((opts.lowestKey - m) / 12);
    shift = provisional + 12 * k;
  }
  // Black keys alone, then refined with the white-key gaps in front of them (on the key plane, no parallax).
  const base: Correspondences = { uv: blackUv(shift), xy: imgPts, weight: imgPts.map(() => 1) };
  const first = robustHomography(base, Infinity);
  let hRot = first.h;
  let rmsRot = first.rms / Math.max(1e-6, Math.hypot(...sub(applyH(hRot, 0.5 + WHITE_WIDTH, 1), applyH(hRot, 0.5, 1))));
  const inv0 = invertH(hRot);
  const vBlackEnd = median(blobs.map((b) => applyH(inv0, axisX(b, b.bottom + 1), b.bottom + 1)[1]));
  for (let it = 0; it < 3; it++) {
    const wpx = Math.hypot(...sub(applyH(hRot, 0.5 + WHITE_WIDTH, 1), applyH(hRot, 0.5, 1)));
    const [gLo, gHi] = visibleU(mulH(rotToSrc, hRot), frame);
    const gaps = whiteGapPoints(sharp, hRot, {
      vFrom: Math.min(0.9, vBlackEnd + 0.06),
      vTo: 0.96,
      uLo: gLo,
      uHi: gHi,
      white: det.edges.white,
      dark: det.edges.dark,
    });
    if (gaps.uv.length < 6) break;
    const all: Correspondences = {
      uv: [...base.uv, ...gaps.uv],
      xy: [...base.xy, ...gaps.xy],
      weight: [...base.weight, ...gaps.weight],
    };
    const r = robustHomography(all, Math.max(1, 0.3 * wpx));
    hRot = r.h;
    rmsRot = r.rms / Math.max(1e-6, wpx);
  }
  const h = mulH(rotToSrc, hRot);
  const rms = rmsRot;
  const [uLo, uHi] = visibleU(h, frame);
  let lowestMidi = HIGHEST_PIANO_MIDI + 1;
  let highestMidi = LOWEST_PIANO_MIDI - 1;
  for (let m = LOWEST_PIANO_MIDI; m <= HIGHEST_PIANO_MIDI; m++) {
    const s = keySpan(m);
    if (Math.min(s.x1, uHi) - Math.max(s.x0, uLo) >= 0.5 * (s.x1 - s.x0)) {
      lowestMidi = Math.min(lowestMidi, m);
      highestMidi = Math.max(highestMidi, m);
    }
  }
  const firstMidi = s0 + shift;
  const lastMidi = pat.semitones[pat.semitones.length - 1]! + shift;
  if (firstMidi < LOWEST_PIANO_MIDI || lastMidi > HIGHEST_PIANO_MIDI || lowestMidi > highestMidi)
    throw new KeyboardNotFoundError(
      `with --lowest-key ${opts.lowestKey !== undefined ? midiToName(opts.lowestKey) : '?'} the visible black keys would run ${midiToName(firstMidi)}..${midiToName(lastMidi)}, outside the piano's A0..C8; expected the note of the leftmost fully visible white key, e.g. "--lowest-key C3"`,
    );
  // confidence: keys found vs expected, fit residual vs white-key width, pattern misfit
  let expected = 0;
  for (let m = lowestMidi; m <= highestMidi; m++) if (isBlackKey(m)) expected++;
  const found = Math.min(1, blobs.length / Math.max(1, expected));
  // rms is in white-key widths
  const confidence = found * Math.exp(-rms / 0.25) * Math.exp(-pat.cost * 5);
  return {
    homography: h,
    lowestMidi,
    highestMidi,
    box: visibleBox(h, frame, Math.max(uLo, keySpan(lowestMidi).x0), Math.min(uHi, keySpan(highestMidi).x1)),
    confidence: Math.max(0, Math.min(1, confidence)),
  };
}

/**
 * Index range of the keys that can be one piano's: the A#0..A#7 run when one is there with at most 3 other dark
 * keys beside it, else (a span over 84 semitones, wider than a piano) the most keys spanning at most 84 when that
 * leaves out at most 3; else all of them.
 */
export function pianoWindow(semis: readonly number[]): [number, number] {
  const n = semis.length;
  const all: [number, number] = [0, n - 1];
  const maxDrop = 3;
  for (let i = 0; i <= maxDrop && i < n; i++) {
    if (semis[i]! % 12 !== 10) continue;
    for (let j = n - 1; j >= n - 1 - (maxDrop - i) && j > i; j--) if (semis[j]! - semis[i]! === 84) return [i, j];
  }
  if (semis[n - 1]! - semis[0]! <= 84) return all;
  let best = all;
  let bestCount = 0;
  for (let i = 0, j = 0; i < n; i++) {
    while (j + 1 < n && semis[j + 1]! - semis[i]! <= 84) j++;
    if (j - i + 1 > bestCount) {
      bestCount = j - i + 1;
      best = [i, j];
    }
  }
  return n - bestCount <= maxDrop ? best : all;
}

/**
 * Whether the keyboard visibly ends at the left of the first black key taken as A#0: A0's surface is bright and,
 * inside the picture, there is no key surface half a white key further left (cheek block, body or background).
 */
function lowEndVisible(det: Detection, hRot: number[]): boolean {
  const { white, dark } = det.edges;
  const at = (u: number, v: number): number => {
    const [x, y] = applyH(hRot, u, v);
    return sample(det.img, x, y);
  };
  let ok = 0;
  for (const v of [0.75, 0.85, 0.95]) {
    const inKey = at(0.5 * WHITE_WIDTH, v);
    const outside = at(-0.6 * WHITE_WIDTH, v);
    if (inKey < 0 || outside < 0) return false; // the frame cuts there: cannot tell
    if (inKey > white - 0.3 * (white - dark) && outside < white - 0.45 * (white - dark)) ok++;
  }
  return ok >= 2;
}

function sub(a: Point, b: Point): [number, number] {
  return [a[0] - b[0], a[1] - b[1]];
}

function inside(frame: FrameInfo, p: Point): boolean {
  const [bx, by, bw, bh] = frame.box;
  return p[0] >= bx - 0.5 && p[0] <= bx + bw + 0.5 && p[1] >= by - 0.5 && p[1] <= by + bh + 0.5;
}

/** u-interval whose strip columns lie inside the frame / crop from the back (v = 0) to v = 0.7, intersected with [0, 1]. */
function visibleU(h: number[], frame: FrameInfo, clip = true): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const step = WHITE_WIDTH / 20;
  for (let u = -1; u <= 2; u += step) {
    if (inside(frame, applyH(h, u, 0)) && inside(frame, applyH(h, u, 0.7))) {
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
    }
  }
  if (lo > hi) return [0, 0];
  return clip ? [Math.max(0, lo), Math.min(1, hi)] : [lo, hi];
}

function visibleBox(h: number[], frame: FrameInfo, u0: number, u1: number): [number, number, number, number] {
  const pts: Point[] = [];
  for (let i = 0; i <= 20; i++) {
    const u = u0 + ((u1 - u0) * i) / 20;
    pts.push(applyH(h, u, 0), applyH(h, u, 1));
  }
  const [bx, by, bw, bh] = frame.box;
  const x0 = Math.max(bx, Math.min(...pts.map((p) => p[0])));
  const x1 = Math.min(bx + bw, Math.max(...pts.map((p) => p[0])));
  const y0 = Math.max(by, Math.min(...pts.map((p) => p[1])));
  const y1 = Math.min(by + bh, Math.max(...pts.map((p) => p[1])));
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}

/**
 * The model's input strip: `height` rows x `width` columns (row-major), bilinear from the source frame; 0 outside
 * the frame, outside the located box and outside the visible key range.
 */
export function rectifyToStrip(frame: GrayFrame, loc: KeyboardLocation, width = 900, height = 100): Uint8Array {
  const out = new Uint8Array(width * height);
  const h = loc.homography;
  const uLo = keySpan(loc.lowestMidi).x0;
  const uHi = keySpan(loc.highestMidi).x1;
  const [bx, by, bw, bh] = loc.box;
  const W = frame.width;
  const d = frame.data;
  for (let j = 0; j < height; j++) {
    const v = (j + 0.5) / height;
    for (let i = 0; i < width; i++) {
      const u = (i + 0.5) / width;
      if (u < uLo || u > uHi) continue;
      const [x, y] = applyH(h, u, v);
      if (x < bx || y < by || x > bx + bw || y > by + bh) continue;
      const fx = x - 0.5;
      const fy = y - 0.5;
      if (fx < 0 || fy < 0 || fx > W - 1 || fy > frame.height - 1) continue;
      const x0 = Math.min(W - 2, Math.floor(fx));
      const y0 = Math.min(frame.height - 2, Math.floor(fy));
      const ax = fx - x0;
      const ay = fy - y0;
      const p = y0 * W + x0;
      const val = (1 - ay) * ((1 - ax) * d[p]! + ax * d[p + 1]!) + ay * ((1 - ax) * d[p + W]! + ax * d[p + W + 1]!);
      out[j * width + i] = Math.round(val);
    }
  }
  return out;
}

/** Median of numbers (re-exported for callers that summarise several locations). */
export { median };
