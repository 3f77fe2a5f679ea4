/**
 * Automatic keyboard localization on top-view gray frames: finds the black keys, the keys' back and front edges,
 * identifies the octave pattern, and fits the homography from the canonical 88-key strip to source pixels.
 * See docs/keyboard-locator.md.
 */
import { InputError, KeyboardNotFoundError } from '../../core/errors';
import { keySpan, WHITE_WIDTH } from '../../core/keyboard-geometry';
import { HIGHEST_PIANO_MIDI, isBlackKey, LOWEST_PIANO_MIDI, midiToName } from '../../core/keys';
import { axisX, detectAt, residualTiltDeg, searchAngle, type Blob, type Detection } from './detect';
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
  /** A caution for the user about this location (e.g. the camera moves between the sampled frames). */
  notice?: string;
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
  /**
   * Turn the picture clockwise by this many degrees before locating; after the turn the player's side must be at the
   * bottom (low notes left). Without it the locator tries 0 and 180, then 90 and 270.
   */
  rotate?: QuarterTurn;
  /** Mirror the picture left-right before locating (a mirrored webcam, a camera facing the other way). */
  flip?: boolean;
  /**
   * The four corners of the visible keys' area in source pixels, as seen by the player: back-left, back-right,
   * front-right, front-left (left = low notes). The homography comes from them (refined on the keys when it can be),
   * for the range lowestKey (default A0) .. highestKey (default C8), both white keys.
   */
  corners?: readonly (readonly [number, number])[];
  /** With `corners`: MIDI note of the rightmost visible (white) key (default C8). */
  highestKey?: number;
}

export type QuarterTurn = 0 | 90 | 180 | 270;

/** The overrides to name when the keyboard is not found. */
export const OVERRIDES_HINT = 'try --crop X,Y,W,H around the keys, --rotate 90|180|270 or --flip, or --corners with the keys\' four corners';

/** A keyboard seen, but whose black keys do not fit the pattern here (another orientation may do). */
class PatternMisfitError extends KeyboardNotFoundError {}
/** An 88-key keyboard read right to left: the picture is mirrored. */
class MirroredError extends KeyboardNotFoundError {}

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
  const frame: FrameInfo = { width, height, box };
  // work -> source pixels
  const workToSrc = [scale, 0, box[0], 0, scale, box[1], 0, 0, 1];
  if (opts.corners) return locateFromCorners(opts.corners, work, representative, workToSrc, frame, opts);
  const maxTilt = opts.maxTiltDeg ?? 10;
  const strict = opts.rotate !== undefined;
  const bases: number[] = strict ? [opts.rotate ?? 0] : [0, 90];
  let firstError: KeyboardNotFoundError | undefined;
  const attempt = (base: number, mirror: boolean): KeyboardLocation | undefined => {
    const view = mirror ? mirrorX(work) : work;
    const sharp = mirror ? mirrorX(representative) : representative;
    const viewToSrc = mirror ? mulH(workToSrc, [-1, 0, work.width, 0, 1, 0, 0, 0, 1]) : workToSrc;
    let det = detect(view, maxTilt, base, strict);
    if (frames.length > 1 && (!det || det.keys.blobs.length < 20)) {
      // a camera that moves blurs the median of the frames: the sharp frame alone may show more keys
      const single = detect(sharp, maxTilt, base, strict);
      if (single && (!det || single.keys.blobs.length > 1.2 * det.keys.blobs.length)) det = single;
    }
    if (!det) return undefined;
    if (strict && det.edges.frontSide < 0)
      throw new KeyboardNotFoundError(
        `turned ${base} degrees, the picture shows the black keys in front of the white keys (the player's side at the top); expected the player at the bottom after the turn; try --rotate ${(base + 180) % 360}`,
      );
    const loc = fitLocation(det, rotate(sharp, det.rot), mulH(viewToSrc, invertH(det.rot.forward)), frame, { ...opts, flip: mirror });
    const moved = frames.length > 1 ? framesOffKeys(frames, loc) : 0;
    if (moved > 0)
      loc.notice = `the camera seems to move: in ${moved} of the ${frames.length} sampled frames most black keys are not where the located keyboard puts them; notes may land on the wrong keys (expected a fixed camera; check the .keyboard.png picture)`;
    return loc;
  };
  for (const base of bases) {
    let mirror = Boolean(opts.flip);
    for (let tries = 0; tries < 2; tries++) {
      try {
        const loc = attempt(base, mirror);
        if (loc) return loc;
        break;
      } catch (e) {
        if (e instanceof MirroredError && !mirror) {
          mirror = true; // an 88-key keyboard read A#7..A#0: look again in the mirror
          continue;
        }
        if (!(e instanceof PatternMisfitError || e instanceof MirroredError)) throw e;
        firstError ??= e;
        break;
      }
    }
  }
  if (firstError) throw new KeyboardNotFoundError(firstError.message);
  throw new KeyboardNotFoundError(
    `no piano keyboard found in the ${width}x${height} frame${opts.crop ? ` (crop ${opts.crop.join(',')})` : ''}${strict ? ` turned ${opts.rotate ?? 0} degrees` : ''}: expected a top view of the keys with at least 4 black keys between white keys; ${OVERRIDES_HINT}`,
  );
}

/**
 * Frames in which under half as many visible black keys look dark between brighter white-key surface (at the
 * located positions) as in the best frame: the camera moved (hands cover fewer keys than that).
 */
export function framesOffKeys(frames: readonly GrayFrame[], loc: KeyboardLocation): number {
  const h = loc.homography;
  const gap = 0.25 * WHITE_WIDTH;
  const px = (f: GrayFrame, u: number, v: number): number => {
    const [x, y] = applyH(h, u, v);
    const i = Math.floor(x);
    const j = Math.floor(y);
    return i < 0 || j < 0 || i >= f.width || j >= f.height ? -1 : f.data[j * f.width + i]!;
  };
  const onKeys = frames.map((f) => {
    let n = 0;
    for (let m = loc.lowestMidi; m <= loc.highestMidi; m++) {
      if (!isBlackKey(m)) continue;
      const s = keySpan(m);
      const dark = px(f, s.xc, 0.35);
      const left = px(f, s.x0 - gap, 0.35);
      const right = px(f, s.x1 + gap, 0.35);
      if (dark >= 0 && left >= 0 && right >= 0 && dark < Math.min(left, right) - 20) n++;
    }
    return n;
  });
  const best = Math.max(...onKeys);
  return best < 4 ? 0 : onKeys.filter((n) => n < 0.5 * best).length;
}

/** Left-right mirror of a float image. */
function mirrorX(img: FloatImage): FloatImage {
  const out = new Float32Array(img.data.length);
  const w = img.width;
  for (let y = 0; y < img.height; y++) for (let x = 0; x < w; x++) out[y * w + x] = img.data[y * w + (w - 1 - x)]!;
  return { width: w, height: img.height, data: out };
}

/**
 * The black keys and edges at the best angle within maxTilt of `base`; unless `strict`, turned over (base + 180) when
 * the black keys lie in front of the white keys' front part (the camera looks from the other side).
 */
function detect(work: FloatImage, maxTilt: number, base = 0, strict = false): Detection | undefined {
  let det = detectLevel(work, searchAngle(work, maxTilt, base));
  if (det && !strict && det.edges.frontSide < 0) {
    // black keys below the white keys' front part: the camera looks from the other side; turn the picture over.
    const flipped = detectLevel(work, det.angleDeg + 180);
    if (flipped && flipped.edges.frontSide > 0) det = flipped;
  }
  return det;
}

/**
 * Detection at `angle`, then turned further by the black keys' residual tilt (twice at most) while that finds as
 * many keys (in perspective, the line of the black keys' front ends is not quite along the keyboard).
 */
function detectLevel(work: FloatImage, angle: number): Detection | undefined {
  let det = detectAt(work, angle);
  if (!det) return undefined;
  for (let it = 0; it < 2; it++) {
    const tilt = residualTiltDeg(det.keys);
    if (Math.abs(tilt) < 0.2) break;
    const d2 = detectAt(work, det.angleDeg + tilt);
    if (!d2 || d2.keys.blobs.length < det.keys.blobs.length) break;
    det = d2;
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
    throw new PatternMisfitError(
      `the ${blobs.length} dark keys found do not follow the black-key pattern (groups of 2 and 3, misfit ${pat.cost.toFixed(2)}); expected a view of a piano keyboard from above; ${OVERRIDES_HINT}`,
    );
  const imgPts = blackKeyPoints(det, blobs);
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
  } else if (span === 84 && s0 % 12 === 6 && !opts.flip) {
    // F# .. F# over 7 octaves is no piano's; A#7 .. A#0 read from the left is: the picture is mirrored
    throw new MirroredError(`the 36 black keys run from the high end on the left: the picture is mirrored; expected low notes on the left; try --flip`);
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
  const firstMidi = s0 + shift;
  const lastMidi = pat.semitones[pat.semitones.length - 1]! + shift;
  if (firstMidi < LOWEST_PIANO_MIDI || lastMidi > HIGHEST_PIANO_MIDI)
    throw new KeyboardNotFoundError(
      `with --lowest-key ${opts.lowestKey !== undefined ? midiToName(opts.lowestKey) : '?'} the visible black keys would run ${midiToName(firstMidi)}..${midiToName(lastMidi)}, outside the piano's A0..C8; expected the note of the leftmost fully visible white key, e.g. "--lowest-key C3"`,
    );
  const loc = refineAndFinish(det, sharp, rotToSrc, frame, { blobs, imgPts, midis: pat.semitones.map((s) => s + shift), cost: pat.cost });
  if (!loc)
    throw new KeyboardNotFoundError(
      `with --lowest-key ${opts.lowestKey !== undefined ? midiToName(opts.lowestKey) : '?'} no key of the piano's A0..C8 would be in the picture; expected the note of the leftmost fully visible white key, e.g. "--lowest-key C3"`,
    );
  return loc;
}

/** Two image points per black key: its axis meets the back edge (v = 0) and the front edge (v = 1). */
function blackKeyPoints(det: Detection, blobs: readonly Blob[]): Point[] {
  const { back, front } = det.edges;
  const meet = (a: number, b: number, line: { c: number; d: number }): Point => {
    const x = (a + b * line.c) / (1 - b * line.d);
    return [x, line.c + line.d * x];
  };
  return blobs.flatMap((bl) => [meet(bl.a, bl.b, back), meet(bl.a, bl.b, front)]);
}

interface NamedKeys {
  blobs: readonly Blob[];
  /** blackKeyPoints of the blobs. */
  imgPts: Point[];
  /** MIDI note of each blob. */
  midis: number[];
  /** Pattern misfit (0 = perfect). */
  cost: number;
}

/**
 * The homography from named black keys (rotated-view coordinates), refined with the white-key gaps in front of them
 * (on the key plane, no parallax); the visible key range (within uRange), box and confidence. undefined when no key
 * is in view.
 */
function refineAndFinish(
  det: Detection,
  sharp: FloatImage,
  rotToSrc: number[],
  frame: FrameInfo,
  keys: NamedKeys,
  uRange: [number, number] = [0, 1],
): KeyboardLocation | undefined {
  const { blobs, imgPts } = keys;
  const uv = keys.midis.flatMap((m) => {
    const u = canonicalCentreU(m);
    return [[u, 0] as Point, [u, 1] as Point];
  });
  const base: Correspondences = { uv, xy: imgPts, weight: imgPts.map(() => 1) };
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
      uLo: Math.max(gLo, uRange[0]),
      uHi: Math.min(gHi, uRange[1]),
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
  const loc = finish(h, frame, uRange);
  if (!loc) return undefined;
  // confidence: keys found vs expected, fit residual (in white-key widths), pattern misfit
  let expected = 0;
  for (let m = loc.lowestMidi; m <= loc.highestMidi; m++) if (isBlackKey(m)) expected++;
  const found = Math.min(1, blobs.length / Math.max(1, expected));
  const confidence = found * Math.exp(-rmsRot / 0.25) * Math.exp(-keys.cost * 5);
  return { ...loc, confidence: Math.max(0, Math.min(1, confidence)) };
}

/** Visible key range (keys at least half inside the frame and uRange) and box of a homography; confidence 1. */
function finish(h: number[], frame: FrameInfo, uRange: [number, number]): KeyboardLocation | undefined {
  const [vLo, vHi] = visibleU(h, frame);
  const uLo = Math.max(vLo, uRange[0]);
  const uHi = Math.min(vHi, uRange[1]);
  let lowestMidi = HIGHEST_PIANO_MIDI + 1;
  let highestMidi = LOWEST_PIANO_MIDI - 1;
  for (let m = LOWEST_PIANO_MIDI; m <= HIGHEST_PIANO_MIDI; m++) {
    const s = keySpan(m);
    if (Math.min(s.x1, uHi) - Math.max(s.x0, uLo) >= 0.5 * (s.x1 - s.x0)) {
      lowestMidi = Math.min(lowestMidi, m);
      highestMidi = Math.max(highestMidi, m);
    }
  }
  if (lowestMidi > highestMidi) return undefined;
  return {
    homography: h,
    lowestMidi,
    highestMidi,
    box: visibleBox(h, frame, Math.max(uLo, keySpan(lowestMidi).x0), Math.min(uHi, keySpan(highestMidi).x1)),
    confidence: 1,
  };
}

/**
 * --corners: the homography from the four corners for lowestKey..highestKey (default A0..C8); then, in a view
 * rectified through it, the black keys and edges are found and each named by the nearest black key of that
 * homography, and the fit is refined on them as the automatic locator does. Unrefined when fewer than 4 black keys
 * are found there (confidence 0.5).
 */
function locateFromCorners(
  corners: readonly (readonly [number, number])[],
  work: FloatImage,
  representative: FloatImage,
  workToSrc: number[],
  frame: FrameInfo,
  opts: LocateOptions,
): KeyboardLocation {
  const lo = opts.lowestKey ?? LOWEST_PIANO_MIDI;
  const hi = opts.highestKey ?? HIGHEST_PIANO_MIDI;
  if (corners.length !== 4 || corners.some((p) => p.length !== 2 || !p.every(Number.isFinite)))
    throw new InputError(`--corners needs 4 points (8 numbers), got ${corners.length}; expected x1,y1,x2,y2,x3,y3,x4,y4 in source pixels`);
  if (isBlackKey(lo) || isBlackKey(hi) || hi <= lo)
    throw new InputError(
      `with --corners the keys run ${midiToName(lo)}..${midiToName(hi)}; expected white keys, the lowest below the highest (--lowest-key / --highest-key, default A0..C8)`,
    );
  const u0 = keySpan(lo).x0;
  const u1 = keySpan(hi).x1;
  let h0: number[];
  try {
    h0 = fitHomography(
      [
        [u0, 0],
        [u1, 0],
        [u1, 1],
        [u0, 1],
      ],
      corners.map((p) => [p[0], p[1]] as Point),
    );
  } catch {
    throw new InputError(`--corners ${corners.flat().join(',')} do not make a four-sided area; expected back-left, back-right, front-right, front-left corners of the keys`);
  }
  // a view rectified through h0: white key 12 px wide, keys 84 px deep, margins of one white key and 0.2 of the depth
  const pxU = 12 / WHITE_WIDTH;
  const depth = 84;
  const margin = 12;
  const rw = Math.ceil((u1 - u0) * pxU) + 2 * margin;
  const rh = Math.ceil(1.4 * depth);
  // rectified pixel -> strip
  const rectToStrip = [1 / pxU, 0, u0 - margin / pxU, 0, 1 / depth, -0.2, 0, 0, 1];
  const rectToWork = mulH(invertH(workToSrc), mulH(h0, rectToStrip));
  const warp = (img: FloatImage): FloatImage => {
    const out = new Float32Array(rw * rh);
    for (let j = 0; j < rh; j++)
      for (let i = 0; i < rw; i++) {
        const [x, y] = applyH(rectToWork, i + 0.5, j + 0.5);
        out[j * rw + i] = sample(img, x, y);
      }
    return { width: rw, height: rh, data: out };
  };
  const rect = warp(work);
  const unrefined = (): KeyboardLocation => {
    const loc = finish(h0, frame, [u0, u1]);
    if (!loc)
      throw new InputError(`--corners ${corners.flat().join(',')} put no key inside the ${frame.width}x${frame.height} frame; expected the keys' corners in source pixels`);
    return { ...loc, confidence: 0.5 };
  };
  const det = detect(rect, 3, 0, true);
  if (!det) return unrefined();
  const rotToSrc = mulH(workToSrc, mulH(rectToWork, invertH(det.rot.forward)));
  // prior strip -> rotated view
  const prior = mulH(det.rot.forward, invertH(rectToStrip));
  const priorInv = invertH(prior);
  const head = (7 * WHITE_WIDTH) / 12;
  const yRef = det.keys.refRow + 0.5;
  // each black key's MIDI note as the corners put it (continuous: u = head * (midi + 0.5) - 12 W for black keys)
  const given = det.keys.blobs.map((b) => (applyH(priorInv, axisX(b, yRef), yRef)[0] + 12 * WHITE_WIDTH) / head - 0.5);
  // the black-key pattern names them up to the octave; the corners choose the octave (rough corners are fine)
  const pat = assignSemitones(det.keys.blobs.map((b) => axisX(b, yRef)));
  let named: { blob: Blob; midi: number }[] = [];
  if (pat.cost <= 0.12) {
    const shift = 12 * Math.round(median(given.map((g, i) => g - pat.semitones[i]!)) / 12);
    const agree = given.filter((g, i) => Math.abs(g - pat.semitones[i]! - shift) < 2.5).length;
    if (agree >= 0.7 * given.length)
      named = det.keys.blobs.map((blob, i) => ({ blob, midi: pat.semitones[i]! + shift })).filter((n) => n.midi >= lo && n.midi <= hi);
  }
  if (named.length < 4) {
    // no clear pattern: each key is the nearest black key of the corners' homography, when near enough
    named = [];
    det.keys.blobs.forEach((b, i) => {
      const m = Math.round(given[i]!);
      if (m >= lo && m <= hi && isBlackKey(m) && Math.abs(given[i]! - m) < 0.4 && !named.some((n) => n.midi === m)) named.push({ blob: b, midi: m });
    });
  }
  if (named.length < 4) return unrefined();
  const blobs = named.map((n) => n.blob);
  const loc = refineAndFinish(det, rotate(warp(representative), det.rot), rotToSrc, frame, {
    blobs,
    imgPts: blackKeyPoints(det, blobs),
    midis: named.map((n) => n.midi),
    cost: 0,
  }, [u0, u1]);
  if (!loc) return unrefined();
  // keep the refinement only where it stays near the corners given (within 3 white keys)
  const wpx = Math.hypot(...sub(applyH(h0, u0 + WHITE_WIDTH, 1), applyH(h0, u0, 1)));
  const drift = Math.max(
    ...[
      [u0, 0],
      [u1, 0],
      [u1, 1],
      [u0, 1],
    ].map(([u, v]) => Math.hypot(...sub(applyH(loc.homography, u!, v!), applyH(h0, u!, v!)))),
  );
  return drift < Math.max(2, 3 * wpx) ? loc : unrefined();
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
