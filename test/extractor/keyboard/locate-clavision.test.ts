/**
 * The keyboard locator on real clips of the ClaVision data set (a Casio 88-key keyboard seen from above on the far
 * side: the player sits at the top of the picture, so the LOWEST keys are at the image's RIGHT), camera straight
 * (0) and moved by +-45 degrees (p45 / m45: the keyboard tilted a few degrees and in perspective, keys narrower toward
 * one end). Read from ../shared/data only; skipped when absent.
 *
 * How the key positions were measured: on the frame at t = 1 s, the gray values along a segment through the middle of
 * the black keys (ffmpeg -f rawvideo -pix_fmt gray, threshold halfway between the 10th and 90th percentiles) give one
 * dark run per black key; on p45 and m45 exactly 36 runs, named from the right end (A#0, C#1, D#1, ...): the run
 * pattern (gaps of 3, 2, 3, 2, 2 heads from A#0) confirms the names. On the 0-degree clip, keys near the ends only
 * (a hand disturbs the middle at t = 1 s).
 */
import { spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { parseNoteName } from '../../../src/core/keys';
import { locateKeyboard, pointToMidi, type GrayFrame, type KeyboardLocation } from '../../../src/extractor/keyboard';

const DIR = join(__dirname, '../../../../shared/data/video/clavision');

function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
}

function durationSec(file: string): number {
  const r = spawnSync(ffmpegPath(), ['-i', file], { encoding: 'utf8' });
  const m = /Duration: (\d+):(\d+):([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`no duration for ${file}`);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

/** Five frames spread over the clip as the extractor samples them (src/extractor/frames.ts sampleFrames). */
function sampleFrames(file: string): GrayFrame[] {
  const dur = durationSec(file);
  return [0, 1, 2, 3, 4].map((i) => {
    const t = (dur * (i + 0.5)) / 5;
    const r = spawnSync(ffmpegPath(), ['-loglevel', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0 || r.stdout.length !== 640 * 360) throw new Error(`could not decode ${file} at ${t}s`);
    return { width: 640, height: 360, data: new Uint8Array(r.stdout) };
  });
}

const CASES: { clip: string; black: [number, number, string][] }[] = [
  {
    clip: 'piece10_0_1',
    black: [
      [616, 160, 'A#0'],
      [595, 160, 'C#1'],
      [580.5, 160, 'D#1'],
      [90, 160, 'C#7'],
      [55, 160, 'F#7'],
      [28, 160, 'A#7'],
    ],
  },
  {
    clip: 'piece10_p45_2',
    black: [
      [586.5, 102.4, 'A#0'],
      [573.1, 103.4, 'C#1'],
      [389.6, 116.9, 'C#4'],
      [377.6, 117.8, 'D#4'],
      [100.9, 138.1, 'G#7'],
      [85.0, 139.3, 'A#7'],
    ],
  },
  {
    clip: 'piece10_m45_2',
    black: [
      [595.0, 177.3, 'A#0'],
      [570.1, 175.4, 'C#1'],
      [316.3, 156.9, 'C#4'],
      [304.4, 156.0, 'D#4'],
      [100.5, 141.1, 'G#7'],
      [92.5, 140.5, 'A#7'],
    ],
  },
];

const present = existsSync(DIR);
if (!present) console.warn(`skipping the ClaVision locator tests: ${DIR} is absent`);

(present ? describe : describe.skip)('locateKeyboard on ClaVision clips (far-side camera, 0 and +-45 degrees)', () => {
  for (const { clip, black } of CASES) {
    it(`${clip}: a full 88-key keyboard, black keys on the right notes`, () => {
      const loc: KeyboardLocation = locateKeyboard(sampleFrames(join(DIR, `${clip}.mp4`)));
      expect([loc.lowestMidi, loc.highestMidi]).toEqual([21, 108]);
      for (const [x, y, name] of black) expect([name, pointToMidi(loc, x, y)]).toEqual([name, parseNoteName(name)]);
    });
  }
});

(present ? describe : describe.skip)('locateKeyboard on harder ClaVision clips', () => {
  // a dark mark beyond A#7 (piece11_p45_1), a black key split in two by a highlight (piece05_p45_2), the far end's
  // keys lost when levelled on the black keys' front ends in perspective (piece09_m45_1)
  it.each(['piece11_p45_1', 'piece05_p45_2', 'piece09_m45_1'])('%s: the whole 88-key keyboard', (clip) => {
    const loc = locateKeyboard(sampleFrames(join(DIR, `${clip}.mp4`)));
    expect([loc.lowestMidi, loc.highestMidi]).toEqual([21, 108]);
  });
});

(present ? describe : describe.skip)('--corners on a ClaVision clip (piece10_p45_2)', () => {
  it('takes corners read by eye off the picture (a few px off) and refines them onto the keys', () => {
    // back-left (the player's left, A0: on the picture's right, the keys' back at the bottom), back-right,
    // front-right, front-left: read off a frame drawn twice as large, rounded to 5 px there
    const corners: [number, number][] = [
      [597, 125],
      [60, 170],
      [52, 85],
      [597, 60],
    ];
    const { black } = CASES.find((c) => c.clip === 'piece10_p45_2')!;
    const loc = locateKeyboard(sampleFrames(join(DIR, 'piece10_p45_2.mp4')), { corners });
    expect([loc.lowestMidi, loc.highestMidi]).toEqual([21, 108]);
    expect(loc.confidence).toBeGreaterThan(0.5); // refined on the keys, not the corners as given
    for (const [x, y, name] of black) expect([name, pointToMidi(loc, x, y)]).toEqual([name, parseNoteName(name)]);
  });
});
