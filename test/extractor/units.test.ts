import * as fs from 'node:fs';
import * as path from 'node:path';
import { keySpan } from '../../src/core/keyboard-geometry';
import { makeRoll } from '../../src/core/types';
import { loadModelDir, parseModelSpec, readIndex, resolveEntry, type ModelIndex } from '../../src/extractor/models';
import { isDecodeFailure } from '../../src/extractor/frames';
import { parseFfmpegInfo } from '../../src/extractor/probe';
import { buildStripMap, rectify, visibleKeys } from '../../src/extractor/rectify';
import { blendWeights, runWindowed, stackIndices, windowStarts } from '../../src/extractor/windows';
import { makeProgress } from '../../src/cli/progress';
import { drawRoll } from '../../src/viz/roll-png';
import { FIXTURE_MODELS, tmpDir } from './helpers';

describe('probe parser', () => {
  const head = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':
  Metadata:
    timecode        : 01:00:00;02
  Duration: 00:01:02.50, start: 0.033000, bitrate: 1041 kb/s
    Stream #0:0(und): Video: h264 (Main) (avc1 / 0x31637661), yuv420p, 1280x720 [SAR 1:1 DAR 16:9], 811 kb/s, 29.97 fps, 29.97 tbr, 90k tbn, 59.94 tbc (default)
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 125 kb/s (default)
At least one output file must be specified`;
  it('reads size, fps, duration, start, timecode, audio', () => {
    expect(parseFfmpegInfo(head, 'a.mp4', 10)).toEqual({
      path: 'a.mp4', sizeBytes: 10, durationSec: 62.5, startSec: 0.033, fps: 29.97, width: 1280, height: 720, codec: 'h264', startTimecode: '01:00:00;02', hasAudio: true,
    });
  });
  it('refuses what has no video stream, and text', () => {
    expect(() => parseFfmpegInfo(head.replace(/Stream #0:0.*\n/, ''), 'a.m4a')).toThrow(/has no video stream/);
    expect(() => parseFfmpegInfo("a.txt: Invalid data found when processing input", 'a.txt')).toThrow(/not a readable video/);
    expect(() => parseFfmpegInfo("Input #0, tty, from 'a.txt':\n    Stream #0:0: Video: ansi, pal8, 640x400, 25 fps", 'a.txt')).toThrow(/not a video/);
  });
});

describe('end of a piped decode', () => {
  it("takes fluent-ffmpeg's late-exit 'Output stream closed' for the end; ffmpeg's error lines and other errors fail", () => {
    expect(isDecodeFailure(undefined, '')).toBe(false);
    expect(isDecodeFailure(new Error('Output stream closed'), '')).toBe(false);
    expect(isDecodeFailure(new Error('Output stream closed'), '[mov,mp4] moov atom not found: Invalid data found')).toBe(true);
    expect(isDecodeFailure(new Error('ffmpeg exited with code 1: Conversion failed!'), '')).toBe(true);
  });
});

describe('strip rectification', () => {
  it('maps strip pixels through the homography with bilinear sampling; outside frame / key range is black', () => {
    const W = 120;
    const H = 40;
    const data = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = x * 2;
    // strip (u, v) -> x = 10 + 200u (wider than the frame: the right part falls outside), y = 5 + 20 v
    const map = buildStripMap({ homography: [200, 0, 10, 0, 20, 5, 0, 0, 1], lowestMidi: 21, highestMidi: 108 }, W, H, { width: 100, height: 10 });
    const strip = rectify({ width: map.crop[2], height: map.crop[3], data: cropOf(data, W, map.crop) }, map);
    // strip pixel i centre u = (i + .5)/100 -> x = 10 + 2(i + .5) -> sample index x - .5 -> value 2 * (x - .5)
    for (const i of [0, 10, 40]) expect(strip[3 * 100 + i]).toBe(Math.round(2 * (10 + 2 * (i + 0.5) - 0.5)));
    expect(strip[3 * 100 + 70]).toBe(0); // x = 151 > frame width
    const partial = buildStripMap({ homography: [200, 0, 10, 0, 20, 5, 0, 0, 1], lowestMidi: 60, highestMidi: 108 }, W, H, { width: 100, height: 10 });
    const s2 = rectify({ width: partial.crop[2], height: partial.crop[3], data: cropOf(data, W, partial.crop) }, partial);
    const firstVisible = Math.ceil(keySpan(60).x0 * 100 - 0.5);
    expect(s2[3 * 100 + firstVisible - 2]).toBe(0);
    expect(s2[3 * 100 + firstVisible + 1]).toBeGreaterThan(0);
    // visible keys: inside the frame (x = 10 + 200u < 120 -> u < 0.55) and inside the map's key range
    const within = (m: number): boolean => keySpan(m).x1 <= 0.54;
    const vis = visibleKeys(map);
    expect(vis.length).toBe(88);
    for (let m = 21; m <= 108; m++) if (within(m)) expect(vis[m - 21]).toBe(true);
    expect(vis.filter(Boolean).length).toBeLessThan(52); // about the left 55 % of the keyboard
    expect(vis[87]).toBe(false); // C8, beyond the frame's right edge
    const visPartial = visibleKeys(partial);
    expect(visPartial[59 - 21]).toBe(false); // below the map's lowest key
    expect(visPartial[62 - 21]).toBe(true);
  });
});

function cropOf(data: Uint8Array, W: number, crop: readonly [number, number, number, number]): Uint8Array {
  const [x, y, w, h] = crop;
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) out.set(data.subarray((y + j) * W + x, (y + j) * W + x + w), j * w);
  return out;
}

describe('windows', () => {
  it('stacks repeat edge frames', () => {
    expect(stackIndices(0, 2, 9)).toEqual([0, 0, 0, 1, 2]);
    expect(stackIndices(9, 2, 9)).toEqual([7, 8, 9, 9, 9]);
    expect(stackIndices(1, 2, 1)).toEqual([0, 0, 1, 1, 1]);
  });
  it('covers the clip with windows whose last one ends at the end', () => {
    expect(windowStarts(50, 100, 50)).toEqual([0]);
    expect(windowStarts(250, 100, 50)).toEqual([0, 50, 100, 150]);
    expect(windowStarts(260, 100, 50)).toEqual([0, 50, 100, 150, 160]);
  });
  it('blends to the identity when each window returns its input', async () => {
    for (const blend of ['none', 'triangular', 'hann'] as const) {
      expect(Math.min(...blendWeights(100, blend))).toBeGreaterThan(0);
      const roll = makeRoll({ fps: 25, frames: 237, keys: 3 });
      for (let i = 0; i < roll.data.length; i++) roll.data[i] = ((i * 7) % 13) / 13;
      const { main } = await runWindowed(roll, { size: 100, hop: 50, blend, batch: 2 }, (input) => Promise.resolve({ main: input }));
      for (let i = 0; i < roll.data.length; i++) expect(main[i]).toBeCloseTo(roll.data[i]!, 5);
    }
  });
});

describe('model registry', () => {
  const index: ModelIndex = {
    schema: 'audeo.models/1',
    defaults: { video2roll: 'a@1.0.0' },
    models: [
      { name: 'a', version: '1.0.0', type: 'video2roll', path: 'a/1.0.0', sizeBytes: 1 },
      { name: 'a', version: '1.10.0', type: 'video2roll', path: 'a/1.10.0', sizeBytes: 1 },
      { name: 'a', version: '1.2.0', type: 'video2roll', path: 'a/1.2.0', sizeBytes: 1 },
    ],
  };
  it('resolves NAME[@VERSION], the default, and the latest version', () => {
    expect(resolveEntry(index, 'video2roll')?.version).toBe('1.0.0');
    expect(resolveEntry(index, 'video2roll', 'a')?.version).toBe('1.10.0');
    expect(resolveEntry(index, 'video2roll', 'a@1.2.0')?.version).toBe('1.2.0');
    expect(resolveEntry(index, 'roll2midi')).toBeUndefined();
    expect(() => resolveEntry(index, 'video2roll', 'b')).toThrow(/is not installed \(bundled or in your models folder\); expected one of: a@1.0.0, a@1.10.0, a@1.2.0/);
    expect(() => parseModelSpec('A B')).toThrow(/expected NAME or NAME@MAJOR.MINOR.PATCH/);
  });
  it('loads the fixture models and checks type and hash', async () => {
    const idx = await readIndex(FIXTURE_MODELS);
    expect(idx.defaults.video2roll).toBe('tiny-v2r@1.0.0');
    const m = await loadModelDir(path.join(FIXTURE_MODELS, 'tiny-v2r', '1.0.0'), 'video2roll');
    expect(m.card.fps).toBe(25);
    await expect(loadModelDir(path.join(FIXTURE_MODELS, 'tiny-v2r', '1.0.0'), 'roll2midi')).rejects.toThrow(/is a video2roll model; expected a roll2midi model/);
    const dir = tmpDir();
    try {
      await expect(readIndex(dir)).rejects.toThrow(/index.json is missing/);
      fs.writeFileSync(path.join(dir, 'index.json'), '{oops');
      await expect(readIndex(dir)).rejects.toThrow(/is not JSON/);
      await expect(loadModelDir(dir, 'video2roll')).rejects.toThrow(/card.json is missing/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('progress', () => {
  function sink(tty: boolean): { text: () => string; stream: NodeJS.WriteStream } {
    let text = '';
    const stream = { isTTY: tty, columns: 80, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
    return { text: () => text, stream };
  }
  it('draws a bar on a TTY and periodic lines otherwise', () => {
    let t = 0;
    const a = sink(true);
    const p = makeProgress({ stream: a.stream, now: () => t });
    p.update('video2roll', 50, 100);
    t = 1;
    p.update('video2roll', 100, 100);
    p.end();
    expect(a.text()).toMatch(/^\r\[#{12}-{12}\]  50% video2roll 50\/100 frames/);
    expect(a.text().endsWith('\n')).toBe(true);
    const b = sink(false);
    const q = makeProgress({ stream: b.stream, now: () => t, everySec: 5 });
    for (let i = 0; i <= 100; i++) {
      t = i / 10;
      q.update('video2roll', i, 100);
    }
    const lines = b.text().trim().split('\n');
    expect(lines.length).toBe(3); // t = 0, 5, 10
    expect(b.text()).not.toMatch(/\r/);
  });
});

describe('roll picture', () => {
  it('puts time on x, keys on y (high at the top), notes as red outlines', () => {
    const roll = makeRoll({ fps: 25, frames: 50 });
    for (let t = 10; t < 20; t++) roll.data[t * 88 + (60 - 21)] = 1;
    const img = drawRoll({ video2roll: roll, notes: [{ pitch: 60, onsetSec: 0.4, offsetSec: 0.8, velocity: 100 }] }, { keyHeight: 4, frameWidth: 2 });
    expect(img.width).toBe(100);
    expect(img.height).toBe(352);
    const px = (x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    const row = (87 - (60 - 21)) * 4;
    expect(px(20, row)).toEqual([220, 20, 20]); // outline top-left
    expect(px(30, row + 1)[0]).toBeLessThan(100); // dark: p = 1 inside
    expect(px(30, row + 1)[0]).toBe(px(30, row + 1)[2]); // gray (no roll2midi)
    expect(px(60, row + 1)).toEqual([255, 255, 255]);
  });
});
