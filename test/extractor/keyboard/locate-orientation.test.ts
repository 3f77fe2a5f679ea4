/**
 * Orientation and manual overrides of the keyboard locator on synthetic frames: pictures turned by quarter turns
 * (found automatically and with --rotate), mirrored (found automatically for a full keyboard and with --flip), a
 * strong perspective, and --corners (with and without a key range). The homography must stay in source pixels.
 */
import { InputError, KeyboardNotFoundError } from '../../../src/core/errors';
import { keySpan, WHITE_WIDTH } from '../../../src/core/keyboard-geometry';
import { locateKeyboard, pointToMidi, type GrayFrame, type KeyboardLocation } from '../../../src/extractor/keyboard';
import { applyH, mulH } from '../../../src/extractor/keyboard/homography';
import { synthFrame, synthHomography, type SynthOptions } from './synth';

/** The frame turned clockwise by `deg` (a quarter turn) or mirrored, and the map from its old to its new pixels. */
function transform(f: GrayFrame, how: 90 | 180 | 270 | 'mirror'): { frame: GrayFrame; t: number[] } {
  const { width: W, height: H } = f;
  const t =
    how === 90
      ? [0, -1, H, 1, 0, 0, 0, 0, 1]
      : how === 180
        ? [-1, 0, W, 0, -1, H, 0, 0, 1]
        : how === 270
          ? [0, 1, 0, -1, 0, W, 0, 0, 1]
          : [-1, 0, W, 0, 1, 0, 0, 0, 1];
  const quarter = how === 90 || how === 270;
  const nw = quarter ? H : W;
  const nh = quarter ? W : H;
  const data = new Uint8Array(nw * nh);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const [nx, ny] = applyH(t, x + 0.5, y + 0.5);
      data[Math.floor(ny) * nw + Math.floor(nx)] = f.data[y * W + x]!;
    }
  return { frame: { width: nw, height: nh, data }, t };
}

/** Largest distance (px) between located and true strip points over the keyboard, and one white key in px. */
function error(loc: KeyboardLocation, truth: number[]): { maxPx: number; whitePx: number } {
  let maxPx = 0;
  for (const u of [0.02, 0.25, 0.5, 0.75, 0.98])
    for (const v of [0, 0.5, 1]) {
      const [x, y] = applyH(loc.homography, u, v);
      const [tx, ty] = applyH(truth, u, v);
      maxPx = Math.max(maxPx, Math.hypot(x - tx, y - ty));
    }
  const [ax, ay] = applyH(truth, 0.5, 1);
  const [bx, by] = applyH(truth, 0.5 + WHITE_WIDTH, 1);
  return { maxPx, whitePx: Math.hypot(bx - ax, by - ay) };
}

function expectFull(loc: KeyboardLocation, truth: number[], tol = 0.35): void {
  expect([loc.lowestMidi, loc.highestMidi]).toEqual([21, 108]);
  const { maxPx, whitePx } = error(loc, truth);
  expect(maxPx).toBeLessThan(tol * whitePx);
  // a few black keys land on their own key
  for (const m of [22, 61, 78, 106]) {
    const [x, y] = applyH(truth, keySpan(m).xc, 0.3);
    expect(pointToMidi(loc, x, y)).toBe(m);
  }
}

// a full keyboard seen from the player's side, mild tilt
const TOP: SynthOptions = {
  width: 960,
  height: 400,
  corners: [
    [30, 150],
    [930, 140],
    [932, 270],
    [28, 280],
  ],
  noise: 6,
};

describe('locateKeyboard: orientation', () => {
  const base = synthFrame(TOP);
  const truth = synthHomography(TOP);

  it.each([90, 180, 270] as const)('finds a picture turned %i degrees by itself, and with --rotate', (deg) => {
    const { frame, t } = transform(base, deg);
    const want = mulH(t, truth);
    expectFull(locateKeyboard([frame]), want);
    // --rotate turns the picture clockwise before locating: undoing a clockwise turn of deg takes 360 - deg
    expectFull(locateKeyboard([frame], { rotate: ((360 - deg) % 360) as 90 | 180 | 270 }), want);
  });

  it('--rotate is taken as given: the wrong quarter turn finds no keyboard and names the overrides', () => {
    const { frame } = transform(base, 90);
    expect(() => locateKeyboard([frame], { rotate: 0 })).toThrow(KeyboardNotFoundError);
    expect(() => locateKeyboard([frame], { rotate: 0 })).toThrow(/--crop .*--rotate .*--corners/);
  });

  it('--rotate that leaves the player at the top names the opposite turn', () => {
    const { frame } = transform(base, 180);
    expect(() => locateKeyboard([frame], { rotate: 0 })).toThrow(/player's side at the top.*try --rotate 180/);
  });

  it('finds a mirrored full keyboard by itself (its A0 end on the right), and with --flip', () => {
    const { frame, t } = transform(base, 'mirror');
    const want = mulH(t, truth);
    expectFull(locateKeyboard([frame]), want);
    expectFull(locateKeyboard([frame], { flip: true }), want);
  });

  it('finds a mirrored picture of the far side (turned and mirrored)', () => {
    const turned = transform(base, 180);
    const { frame, t } = transform(turned.frame, 'mirror');
    expectFull(locateKeyboard([frame]), mulH(t, mulH(turned.t, truth)));
  });

  it('finds a full keyboard in strong perspective (keys narrower toward one end, tilted) as full', () => {
    const o: SynthOptions = {
      width: 960,
      height: 540,
      corners: [
        [50, 250],
        [900, 200],
        [910, 280],
        [40, 380],
      ],
      rotateDeg: -3,
      noise: 8,
    };
    expectFull(locateKeyboard([synthFrame(o), synthFrame({ ...o, seed: 2 })]), synthHomography(o));
  });
});

describe('locateKeyboard: --corners', () => {
  const base = synthFrame(TOP);
  const truth = synthHomography(TOP);

  it('builds the homography from rough corners (up to a white key off) and refines it on the keys', () => {
    const rough: [number, number][] = [
      [45, 146],
      [922, 143],
      [945, 274],
      [20, 277],
    ];
    const loc = locateKeyboard([base], { corners: rough });
    expectFull(loc, truth, 0.2);
  });

  it('maps a range given by --lowest-key / --highest-key', () => {
    // the corners of C3..B5 (white keys) only
    const u0 = keySpan(48).x0;
    const u1 = keySpan(83).x1;
    const corners = ([
      [u0, 0],
      [u1, 0],
      [u1, 1],
      [u0, 1],
    ] as const).map(([u, v]) => applyH(truth, u, v));
    const loc = locateKeyboard([base], { corners, lowestKey: 48, highestKey: 83 });
    expect([loc.lowestMidi, loc.highestMidi]).toEqual([48, 83]);
    const { maxPx, whitePx } = error({ ...loc }, truth);
    expect(maxPx).toBeLessThan(0.2 * whitePx);
  });

  it('uses the corners as given where no keys are seen (confidence 0.5)', () => {
    const flat: GrayFrame = { width: 400, height: 200, data: new Uint8Array(400 * 200).fill(128) };
    const loc = locateKeyboard([flat], {
      corners: [
        [10, 50],
        [390, 50],
        [390, 150],
        [10, 150],
      ],
    });
    expect([loc.lowestMidi, loc.highestMidi, loc.confidence]).toEqual([21, 108, 0.5]);
    const [x, y] = applyH(loc.homography, 1, 1);
    expect([x, y].map((q) => Math.round(q))).toEqual([390, 150]);
  });

  it('refuses corners that make no area, or a black key as an end', () => {
    const same: [number, number][] = [
      [10, 10],
      [10, 10],
      [10, 10],
      [10, 10],
    ];
    expect(() => locateKeyboard([base], { corners: same })).toThrow(InputError);
    const ok: [number, number][] = [
      [10, 50],
      [390, 50],
      [390, 150],
      [10, 150],
    ];
    expect(() => locateKeyboard([base], { corners: ok, lowestKey: 49 })).toThrow(/white keys/);
  });
});

describe('locateKeyboard: a camera that moves', () => {
  it('says so in a notice when the keys are elsewhere in some sampled frames', () => {
    const shifted = (dx: number, seed: number): GrayFrame =>
      synthFrame({ ...TOP, seed, corners: TOP.corners.map(([x, y]) => [x + dx, y]) as SynthOptions['corners'] });
    const still = locateKeyboard([shifted(0, 1), shifted(0, 2), shifted(0, 3)]);
    expect(still.notice).toBeUndefined();
    const moving = locateKeyboard([shifted(0, 1), shifted(0, 2), shifted(40, 3)]);
    expect(moving.notice).toMatch(/camera seems to move: in 1 of the 3 sampled frames/);
  });
});
