/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { ffmpeg, FIXTURE_MODELS, tmpDir } from '../extractor/helpers';

const DEMO = path.join(__dirname, '..', '..', 'samples', 'demo.mp4');

/** Runs the CLI in-process; returns exit code, stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  process.exitCode = 0;
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'audeo', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

function listOutputs(dir: string, keep: string[]): string[] {
  return fs.readdirSync(dir).filter((f) => !keep.includes(f));
}

describe('audeo extract: bad input ends in one line, a non-zero exit and no outputs', () => {
  let dir: string;
  let inputs: string[];
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'this is not a video\n');
    fs.writeFileSync(path.join(dir, 'empty.mp4'), '');
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', path.join(dir, 'audio.m4a')]);
    ffmpeg(['-f', 'lavfi', '-i', 'color=c=gray:s=640x360:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'gray.mp4')]);
    // a cut file: moov atom at the end -> missing; with faststart -> the data stops half-way
    ffmpeg(['-i', DEMO, '-c', 'copy', path.join(dir, 'full.mp4')]);
    ffmpeg(['-i', DEMO, '-c', 'copy', '-movflags', '+faststart', path.join(dir, 'fullfs.mp4')]);
    for (const [from, to] of [['full.mp4', 'cut.mp4'], ['fullfs.mp4', 'cutfs.mp4']] as const) {
      const b = fs.readFileSync(path.join(dir, from));
      fs.writeFileSync(path.join(dir, to), b.subarray(0, Math.floor(b.length / 2)));
      fs.rmSync(path.join(dir, from));
    }
    inputs = fs.readdirSync(dir);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, string, number, RegExp]> = [
    ['a text file', 'notes.txt', 2, /is not a video.*expected a video file/],
    ['an empty file', 'empty.mp4', 2, /is empty \(0 bytes\); expected a video file/],
    ['an audio-only file', 'audio.m4a', 2, /has no video stream; expected a video file/],
    ['a file cut in half (no index)', 'cut.mp4', 2, /not a (readable )?video.*expected a video file/],
    ['a file cut in half (faststart)', 'cutfs.mp4', 2, /truncated or corrupt.*expected a complete video/],
    ['a missing file', 'nope.mp4', 2, /does not exist; expected a video file/],
    ['a video with no keyboard', 'gray.mp4', 4, /no piano keyboard found.*expected a top view.*--crop.*--rotate.*--corners/],
  ];
  it.each(cases)('%s', async (_what, file, code, message) => {
    const r = await cli(['extract', path.join(dir, file), '--quiet']);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stdout).toBe('');
    expect(listOutputs(dir, inputs)).toEqual([]);
  });

  it('a bad option value', async () => {
    for (const args of [
      ['--crop', '1,2,3'],
      ['--threshold', '7'],
      ['--lowest-key', 'H9'],
      ['--rotate', '45'],
      ['--rotate', 'left'],
      ['--corners', '1,2,3,4,5,6,7'],
      ['--corners', '1,2,3,4,5,6,7,x'],
      ['--highest-key', 'C8'],
      ['--corners', '0,0,10,0,10,10,0,10', '--highest-key', 'C#7'],
      ['--corners', '0,0,10,0,10,10,0,10', '--lowest-key', 'F#2'],
      ['--bpm', '0'],
      ['--bpm', 'fast'],
      ['--quantize', '1/5'],
      ['--quantize', '16'],
      ['--velocity', 'loud'],
      ['--velocity', '128'],
    ]) {
      const r = await cli(['extract', path.join(dir, 'gray.mp4'), '--quiet', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --(crop|threshold|lowest-key|highest-key|rotate|corners|bpm|quantize|velocity) .*expected/);
      if (['--bpm', '--quantize', '--velocity'].includes(args[0]!)) {
        expect(r.stderr).toContain(`"${args[1]!}" is not a`);
        expect(r.stderr).toContain(`, e.g. ${args[0]!} `);
      }
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(listOutputs(dir, inputs)).toEqual([]);
  });
});

describe('audeo extract: models', () => {
  const afterCleanup: string[] = [];
  afterEach(() => afterCleanup.splice(0).forEach((f) => fs.rmSync(f, { force: true })));
  let dir: string;
  let models: string;
  let video: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    dir = tmpDir();
    models = path.join(dir, 'models');
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    process.env.AUDEO_BUNDLED_MODELS = models;
    video = path.join(dir, 'clip.mp4');
    ffmpeg(['-i', DEMO, '-t', '2', '-c', 'copy', video]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes take, MIDI and PNG beside the video and prints one JSON object', async () => {
    const r = await cli(['extract', video, '--json', '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      midi: string;
      take: string;
      png: string;
      keyboardPng: string;
      frames: number;
      durationSec: number;
      models: { video2roll: { name: string } };
    };
    afterCleanup.push(out.midi, out.take, out.png, out.keyboardPng);
    // the located keyboard drawn over a frame, beside the roll picture
    expect(out.keyboardPng).toBe(path.join(dir, 'clip.keyboard.png'));
    expect(fs.readFileSync(out.keyboardPng).subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(out.midi).toBe(path.join(dir, 'clip.mid'));
    expect(out.take).toBe(path.join(dir, 'clip.audeo.json'));
    expect(out.png).toBe(path.join(dir, 'clip.png'));
    expect(Math.abs(out.frames - out.durationSec * 25)).toBeLessThanOrEqual(2);
    expect(out.models.video2roll.name).toBe('tiny-v2r');
    for (const f of [out.take, out.png]) expect(fs.statSync(f).size).toBeGreaterThan(100);
    // the tiny fixture model's output is static (column brightness), which static-key suppression removes: a valid
    // MIDI file (header + tempo track) that may hold no notes
    expect(fs.readFileSync(out.midi).subarray(0, 4).toString('latin1')).toBe('MThd');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 180_000); // a whole extraction: 56-65 s on a 2-core machine shared with a training run

  it('refuses a missing model and a wrong type, naming what was expected', async () => {
    let r = await cli(['extract', video, '--quiet', '--model', 'nope@1.0.0']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: model nope@1.0.0 is not installed \(bundled or in your models folder\); expected one of: tiny-v2r@1.0.0\n$/);
    r = await cli(['extract', video, '--quiet', '--model', 'tiny-r2m']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is a roll2midi model; expected a video2roll model/);
    expect(fs.readdirSync(dir).sort()).toEqual(['clip.mp4', 'models']);
  });

  it('refuses a corrupt model (bad hash) and a model whose file is gone', async () => {
    const onnx = path.join(models, 'tiny-v2r', '1.0.0', 'model.onnx');
    const good = fs.readFileSync(onnx);
    const bad = Buffer.from(good);
    bad[bad.length - 3] = (bad[bad.length - 3] ?? 0) ^ 0xff;
    fs.writeFileSync(onnx, bad);
    try {
      const r = await cli(['extract', video, '--quiet']);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^error: model file .*model\.onnx is corrupt: sha256 [0-9a-f]{16}… but card\.json expects [0-9a-f]{16}…\n$/);
      fs.rmSync(onnx);
      const r2 = await cli(['extract', video, '--quiet']);
      expect(r2.code).toBe(3);
      expect(r2.stderr).toMatch(/model\.onnx is missing; expected the ONNX file named by card\.json/);
    } finally {
      fs.writeFileSync(onnx, good);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['clip.mp4', 'models']);
  });
});
