/**
 * @jest-environment ./test/extractor/ort-environment.ts
 *
 * `audeo adapt` end to end on the rendered demo clip with its MIDI, and every refusal of issue 15's "bad input" list:
 * one line, a non-zero exit code, and no model folder left behind.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFloatInitializers, replaceFloatInitializers } from '../../src/adapt/onnx-proto';
import { AudeoError } from '../../src/core/errors';
import { notesToMidiBytes } from '../../src/core/reference';
import type { NoteEvent } from '../../src/core/types';
import { runAdapt } from '../../src/cli/commands/adapt';
import { sha256File } from '../../src/extractor/models';
import { cliArgs } from '../bridge/helpers';
import { ffmpeg, tmpDir } from '../extractor/helpers';

const ROOT = path.join(__dirname, '..', '..');
const DEMO = path.join(ROOT, 'samples', 'demo.mp4');
const SHIPPED = path.join(ROOT, 'models', 'v2r-strip', '2.1.0');

/** A bundled-models folder whose only Video2Roll model is the shipped one with the keys C4..B4 biased off. */
async function weakModels(dir: string): Promise<void> {
  const bytes = new Uint8Array(fs.readFileSync(path.join(SHIPPED, 'model.onnx')));
  const bias = readFloatInitializers(bytes, ['key_bias']).get('key_bias')!;
  for (let p = 60; p < 72; p++) bias[p - 21]! -= 8;
  const modelDir = path.join(dir, 'v2r-weak', '1.0.0');
  fs.mkdirSync(modelDir, { recursive: true });
  fs.writeFileSync(path.join(modelDir, 'model.onnx'), replaceFloatInitializers(bytes, new Map([['key_bias', bias]])));
  const card = JSON.parse(fs.readFileSync(path.join(SHIPPED, 'card.json'), 'utf8')) as Record<string, unknown>;
  const sha256 = await sha256File(path.join(modelDir, 'model.onnx'));
  fs.writeFileSync(path.join(modelDir, 'card.json'), JSON.stringify({ ...card, name: 'v2r-weak', version: '1.0.0', sha256 }));
  fs.writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({ schema: 'audeo.models/1', defaults: { video2roll: 'v2r-weak@1.0.0' }, models: [{ name: 'v2r-weak', version: '1.0.0', type: 'video2roll', path: 'v2r-weak/1.0.0', sizeBytes: bytes.length }] }),
  );
}

function demoMidi(file: string, shiftSec: number): void {
  const notes = (JSON.parse(fs.readFileSync(path.join(ROOT, 'samples', 'demo.expected.json'), 'utf8')) as { notes: NoteEvent[] }).notes;
  fs.writeFileSync(file, notesToMidiBytes(notes.map((n) => ({ ...n, onsetSec: n.onsetSec + shiftSec, offsetSec: n.offsetSec + shiftSec }))));
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, cliArgs(...args), { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const modelFolders = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

describe('audeo adapt', () => {
  let dir: string;
  let bundled: string;
  let users: string;
  const saved = { bundled: process.env.AUDEO_BUNDLED_MODELS, users: process.env.AUDEO_MODELS };
  beforeAll(async () => {
    dir = tmpDir();
    bundled = path.join(dir, 'bundled');
    users = path.join(dir, 'mine');
    await weakModels(bundled);
    // the MIDI "recorded with the take": its clock runs 1.3 s ahead of the video's
    demoMidi(path.join(dir, "demo.mid"), 1.3);
    process.env.AUDEO_BUNDLED_MODELS = bundled;
    process.env.AUDEO_MODELS = users;
  });
  afterAll(() => {
    for (const [k, v] of [['AUDEO_BUNDLED_MODELS', saved.bundled], ['AUDEO_MODELS', saved.users]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('adapts on a rendered clip with its MIDI: aligned, the held-out F1 rises, a user model is written and listed', async () => {
    const r = await run(['adapt', DEMO, '--midi', path.join(dir, 'demo.mid'), '--name', 'my-piano', '--json', '--quiet'], { AUDEO_BUNDLED_MODELS: bundled, AUDEO_MODELS: users });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as { model: string; heldOut: { before: { onset: { f1: number } }; after: { onset: { f1: number } } }; clips: { labels: { offsetSec: number; pitchShift: number } }[] };
    expect(s.model).toBe('my-piano@1.0.0');
    expect(Math.abs(s.clips[0]!.labels.offsetSec + 1.3)).toBeLessThan(0.05);
    expect(s.clips[0]!.labels.pitchShift).toBe(0);
    expect(s.heldOut.after.onset.f1).toBeGreaterThan(s.heldOut.before.onset.f1 + 0.1);
    const card = JSON.parse(fs.readFileSync(path.join(users, 'my-piano@1.0.0', 'card.json'), 'utf8')) as { sha256: string; adapted: { base: { name: string; sha256: string }; clips: { sha256: string; durationSec: number }[] } };
    expect(card.adapted.base.name).toBe('v2r-weak');
    expect(card.adapted.clips[0]!.sha256).toBe(await sha256File(DEMO));
    expect(card.adapted.clips[0]!.durationSec).toBeCloseTo(14, 0);
    expect(await sha256File(path.join(users, 'my-piano@1.0.0', 'model.onnx'))).toBe(card.sha256);
    expect(fs.statSync(path.join(users, 'my-piano@1.0.0', 'heldout.png')).size).toBeGreaterThan(1000);
    const listed = await run(['models'], { AUDEO_BUNDLED_MODELS: bundled, AUDEO_MODELS: users });
    expect(listed.stdout).toMatch(/^u video2roll\s+my-piano@1\.0\.0/m);
    // a user model plays a video as the bundled ones do; --model on a take is refused
    const played = await run(['play', DEMO, '--model', 'my-piano', '--dry-run', '--fast', '--json', '--quiet'], { AUDEO_BUNDLED_MODELS: bundled, AUDEO_MODELS: users });
    expect(played.code).toBe(0);
    expect((JSON.parse(played.stdout) as { sent: number }).sent).toBeGreaterThan(50);
    const refused = await run(['play', path.join(dir, 'demo.mid'), '--model', 'my-piano', '--dry-run', '--fast'], { AUDEO_BUNDLED_MODELS: bundled, AUDEO_MODELS: users });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --model my-piano applies to a video input/);
  }, 240_000);

  it('a second adapt with the same name makes the next version; another base is refused', async () => {
    const { planUserModel } = await import('../../src/adapt/user-model');
    const weak = JSON.parse(fs.readFileSync(path.join(bundled, 'v2r-weak', '1.0.0', 'card.json'), 'utf8')) as { name: string; version: string; sha256: string };
    expect((await planUserModel('my-piano', weak, users, bundled)).version).toBe('1.1.0');
    await expect(planUserModel('my-piano', { ...weak, sha256: 'f'.repeat(64) }, users, bundled)).rejects.toThrow(/was adapted from v2r-weak@1\.0\.0, not v2r-weak@1\.0\.0; expected the same base/);
  });

  describe('bad input: one line, non-zero exit, no model folder', () => {
    const refuse = async (videos: string[], o: Parameters<typeof runAdapt>[1], pattern: RegExp, code: number): Promise<void> => {
      const before = modelFolders(users);
      const e = (await runAdapt(videos, o).then(() => undefined, (x: unknown) => x)) as AudeoError | undefined;
      expect(e).toBeInstanceOf(AudeoError);
      expect(e!.message).toMatch(pattern);
      expect(e!.message).not.toMatch(/\n/);
      expect(e!.exitCode).toBe(code);
      expect(modelFolders(users)).toEqual(before);
    };

    it('a video without sound and no --midi', () => refuse([DEMO], { name: 'x1' }, /has no audio stream; expected a take filmed with its sound, or --midi/, 2));

    it('a soundtrack without piano notes', async () => {
      const silent = path.join(dir, 'silent.mp4');
      ffmpeg(['-i', DEMO, '-f', 'lavfi', '-i', 'anullsrc=r=22050:cl=mono', '-shortest', '-c:v', 'copy', '-c:a', 'aac', silent]);
      await refuse([silent], { name: 'x2' }, /gave 0 piano notes \(basic-pitch\); expected at least 20/, 2);
    }, 60_000);

    it('footage too short to learn from (the minimum is named)', async () => {
      const short = path.join(dir, 'short.mp4');
      ffmpeg(['-i', DEMO, '-t', '4', '-c', 'copy', short]);
      await refuse([short], { name: 'x3', midi: [path.join(dir, 'demo.mid')] }, /footage too short to learn from: 4\.\d s; expected at least 10 s/, 2);
    });

    it('a MIDI file that cannot be aligned', async () => {
      const other = path.join(dir, 'other.mid');
      const notes = Array.from({ length: 80 }, (_, i) => ({ pitch: 30 + ((i * 37) % 50), onsetSec: 0.17 * i, offsetSec: 0.17 * i + 0.1, velocity: 90 }));
      fs.writeFileSync(other, notesToMidiBytes(notes));
      await refuse([DEMO], { name: 'x4', midi: [other] }, /could not be aligned to the video: no offset within 30 s gives a clear match/, 2);
    }, 120_000);

    it('one MIDI file per video', () => refuse([DEMO, DEMO], { name: 'x5', midi: [path.join(dir, 'demo.mid')] }, /2 video\(s\) but 1 --midi file\(s\)/, 2));

    it('a name that exists with a different base model', async () => {
      const fake = path.join(users, 'taken@1.0.0');
      fs.mkdirSync(fake, { recursive: true });
      fs.writeFileSync(path.join(fake, 'card.json'), JSON.stringify({ name: 'taken', version: '1.0.0', type: 'video2roll', adapted: { base: { name: 'other', version: '9.9.9', sha256: '0'.repeat(64) } } }));
      await refuse([DEMO], { name: 'taken', midi: [path.join(dir, 'demo.mid')] }, /model taken@1\.0\.0 was adapted from other@9\.9\.9/, 2);
    });

    it('a bad name, a bad --minutes', async () => {
      await refuse([DEMO], { name: 'My Piano' }, /--name "My Piano" is not a model name; expected lower-case/, 2);
      await refuse([DEMO], { name: 'v2r-weak' }, /is a bundled model's name/, 2);
      await refuse([DEMO], { name: 'ok', minutes: '-1' }, /--minutes "-1" is not a training budget/, 2);
    });

    it('an unwritable model folder', async () => {
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'x');
      process.env.AUDEO_MODELS = path.join(file, 'models');
      try {
        await refuse([DEMO], { name: 'x6', midi: [path.join(dir, 'demo.mid')] }, /cannot write to the models folder .*; expected a writable folder \(set AUDEO_MODELS/, 5);
      } finally {
        process.env.AUDEO_MODELS = users;
      }
    });
  });

  it('Ctrl-C leaves no half-written model', async () => {
    const child = spawn(process.execPath, cliArgs('adapt', DEMO, '--midi', path.join(dir, 'demo.mid'), '--name', 'interrupted'), {
      env: { ...process.env, AUDEO_BUNDLED_MODELS: bundled, AUDEO_MODELS: users },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const t0 = Date.now();
    while (!/extract/.test(stderr) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted: no model was written/);
    expect(modelFolders(users).filter((f) => f.includes('interrupted'))).toEqual([]);
  }, 90_000);
});
