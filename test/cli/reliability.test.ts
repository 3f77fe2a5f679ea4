/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
/** "Nothing lost": outputs that are one file, write failures after the work, and what the CLI says about them. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildProgram } from '../../src/cli/main';
import { SinkError } from '../../src/core/errors';
import { notesToMidiBytes } from '../../src/core/reference';
import { parseTake } from '../../src/core/take';
import { synthNotes, wavBytes } from '../../src/eval/additive-synth';
import { runPlay } from '../../src/bridge/play';
import { extractToFiles } from '../../src/extractor/extract-files';
import { sampleFrames } from '../../src/extractor/frames';
import { extractTake, type ExtractProgress } from '../../src/extractor/pipeline';
import { probeVideo } from '../../src/extractor/probe';
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

describe('audeo extract: outputs that are one file', () => {
  let dir: string;
  let video: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    video = path.join(dir, 'clip.mp4');
    ffmpeg(['-i', DEMO, '-t', '1', '-c', 'copy', video]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('-o x.mid --take x.mid (also spelled differently, or through a symlink) is refused in one line, exit 2; the Take stays', async () => {
    const take = path.join(dir, 'x.mid');
    fs.writeFileSync(take, '{"format":"audeo.take"}');
    fs.symlinkSync(take, path.join(dir, 'link.mid'));
    const spellings: Array<[string, string]> = [
      [take, take],
      [`${dir}/sub/../x.mid`, take],
      [path.join(dir, 'link.mid'), take],
    ];
    for (const [output, takePath] of spellings) {
      const r = await cli(['extract', video, '--quiet', '-o', output, '--take', takePath]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: the Take \(--take\) .*x\.mid and the MIDI file \(-o\) .*\.mid are the same file; expected a different path for each\n$/);
    }
    const r = await cli(['extract', video, '--quiet', '--png', path.join(dir, 'clip.audeo.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the Take \(--take\) .* and the picture \(--png\) .* are the same file/);
    expect(fs.readFileSync(take, 'utf8')).toBe('{"format":"audeo.take"}');
    expect(fs.readdirSync(dir).sort()).toEqual(['clip.mp4', 'link.mid', 'x.mid']);
  });
});

describe('audeo extract: a 1-frame video', () => {
  let dir: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    ffmpeg(['-i', DEMO, '-frames:v', '1', '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'one.mp4')]);
    // one video frame in a 2-s container (the audio runs on): every seek over the container's duration finds nothing
    ffmpeg(['-i', DEMO, '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-map', '0:v:0', '-map', '1:a:0', '-frames:v', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', path.join(dir, 'one-long.mp4')]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the locator gets its only frame (a seek to 10 % of 0.04 s decoded nothing)', async () => {
    for (const f of ['one.mp4', 'one-long.mp4']) {
      const info = await probeVideo(path.join(dir, f));
      const frames = await sampleFrames(info, 5);
      expect(frames.length).toBeGreaterThanOrEqual(1);
      expect(frames[0]!.data.length).toBe(info.width * info.height);
    }
  });

  it('extracts it: exit 0, a Take of 1 frame, MIDI and PNG', async () => {
    const video = path.join(dir, 'one.mp4');
    const r = await cli(['extract', video, '--quiet', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { frames: number; take: string; midi: string; png: string };
    expect(out.frames).toBe(1);
    for (const f of [out.take, out.midi, out.png]) expect(fs.statSync(f).size).toBeGreaterThan(0);
  });
});

describe('audeo extract: a phone video with a rotation tag', () => {
  let dir: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    // the recipe: the picture stored turned a quarter, with a tag that turns it back for display
    ffmpeg(['-i', DEMO, '-t', '1', '-vf', 'transpose=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(dir, 'p.mp4')]);
    ffmpeg(['-i', path.join(dir, 'p.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', path.join(dir, 'phone.mp4')]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('probes the displayed size and finds the keyboard (was exit 4)', async () => {
    const info = await probeVideo(path.join(dir, 'phone.mp4'));
    expect([info.width, info.height]).toEqual([854, 480]);
    expect(info.rotationDeg).toBeDefined();
    const r = await cli(['extract', path.join(dir, 'phone.mp4'), '--quiet', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { keyboard?: { lowestMidi: number; highestMidi: number } };
    expect(out.keyboard).toMatchObject({ lowestMidi: 21, highestMidi: 108 });
  });
});

describe('audeo extract: every model is checked before the work', () => {
  let dir: string;
  let models: string;
  let video: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    dir = tmpDir();
    models = path.join(dir, 'models');
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    // a Roll2Midi file that passes its card's hash (the card was made for it) but is no ONNX graph
    const card = path.join(models, 'tiny-r2m', '1.0.0', 'card.json');
    const junk = Buffer.from('this is not an onnx file\n'.repeat(40));
    fs.writeFileSync(path.join(models, 'tiny-r2m', '1.0.0', 'model.onnx'), junk);
    const c = JSON.parse(fs.readFileSync(card, 'utf8')) as { sha256: string; sizeBytes: number };
    c.sha256 = createHash('sha256').update(junk).digest('hex');
    c.sizeBytes = junk.length;
    fs.writeFileSync(card, JSON.stringify(c));
    process.env.AUDEO_BUNDLED_MODELS = models;
    video = path.join(dir, 'clip.mp4');
    ffmpeg(['-i', DEMO, '-t', '1', '-c', 'copy', video]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a Roll2Midi model onnxruntime cannot load ends the run before the keyboard search and Video2Roll', async () => {
    const stages: Array<ExtractProgress['stage']> = [];
    await expect(extractTake(video, { modelsRoot: models, takePath: path.join(dir, 'lib.audeo.json'), onProgress: (p) => stages.push(p.stage) })).rejects.toThrow(/tiny-r2m@1.0.0: onnxruntime cannot load/);
    expect(stages).not.toContain('locate');
    expect(stages).not.toContain('video2roll');
    const r = await cli(['extract', video, '--quiet']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^error: model tiny-r2m@1.0.0: onnxruntime cannot load .*expected a valid ONNX file\n$/);
    expect(fs.readdirSync(dir).sort()).toEqual(['clip.mp4', 'models']);
  });
});

describe('write failures: one line and exit 5, the work already done kept', () => {
  let dir: string;
  let blocker: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  const n = (pitch: number, onsetSec: number, offsetSec: number) => ({ pitch, onsetSec, offsetSec, velocity: 100 });
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    // a path under a regular file cannot be written, not even by root (chmod does not stop root)
    blocker = path.join(dir, 'file.txt');
    fs.writeFileSync(blocker, 'a file, not a folder\n');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('eval --png to an unwritable place prints the scores, then one error line, exit 5', async () => {
    const pred = path.join(dir, 'pred.mid');
    const ref = path.join(dir, 'ref.mid');
    fs.writeFileSync(pred, notesToMidiBytes([n(60, 0, 0.5), n(64, 0.5, 1)]));
    fs.writeFileSync(ref, notesToMidiBytes([n(60, 0, 0.5), n(67, 0.5, 1)]));
    const png = path.join(blocker, 'overlay.png');
    const r = await cli(['eval', pred, ref, '--png', png]);
    expect(r.code).toBe(5);
    expect(r.stdout).toMatch(/note, onset 50 ms\s+50\.0\s+50\.0\s+50\.0/);
    expect(r.stdout).not.toMatch(/overlay:/);
    expect(r.stderr).toBe(`error: cannot write ${png}: a part of its path is a file, not a folder; expected a writable output path\n`);
    const j = await cli(['eval', pred, ref, '--png', png, '--json']);
    expect(j.code).toBe(5);
    expect((JSON.parse(j.stdout) as { note: { onset: { f1: number } } }).note.onset.f1).toBeCloseTo(0.5, 6);
    expect(j.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('label -o / --take to an unwritable place: one line, exit 5, before transcribing', async () => {
    const wav = path.join(dir, 'phrase.wav');
    fs.writeFileSync(wav, wavBytes(synthNotes([n(60, 0.2, 0.6)])));
    for (const args of [['-o', path.join(blocker, 'p.mid')], ['-o', path.join(dir, 'p.mid'), '--take', path.join(blocker, 'p.audeo.json')]]) {
      const r = await cli(['label', wav, ...args]);
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^error: cannot write .*file\.txt\/p\.(mid|audeo\.json): a part of its path is a file, not a folder; expected a writable output path\n$/);
    }
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('p.'))).toEqual([]);
  });

  it('extract: the MIDI file cannot be written after the work: SinkError naming the file and the saved Take', async () => {
    const video = path.join(dir, 'clip.mp4');
    ffmpeg(['-i', DEMO, '-t', '1', '-c', 'copy', video]);
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    const take = path.join(dir, 'clip.audeo.json');
    const run = extractToFiles(video, {
      takePath: take,
      midiPath: path.join(outDir, 'clip.mid'),
      onProgress: (p) => {
        // the output folder turns into a file once the work is done (an unmounted disk, a removed folder)
        if (p.stage === 'done') {
          fs.rmSync(outDir, { recursive: true });
          fs.writeFileSync(outDir, '');
        }
      },
    });
    await expect(run).rejects.toThrow(SinkError);
    await expect(run).rejects.toThrow(/^cannot write .*out\/clip\.mid: a part of its path is a file, not a folder; expected a writable output path \(the extraction is done and its notes are saved in the Take .*clip\.audeo\.json/);
    expect(parseTake(JSON.parse(fs.readFileSync(take, 'utf8'))).progress.complete).toBe(true);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    fs.rmSync(outDir);
    fs.rmSync(take);
    fs.rmSync(video);
  });
});

describe('wording', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const quiet = { stdout: (): void => undefined, stderr: (): void => undefined };
  const play = (json: unknown, name = 't.audeo.json') => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(json));
    return runPlay({ input: file, dryRun: true, fast: true }, quiet);
  };
  const note = { pitch: 60, onsetSec: 0, offsetSec: 0.5, velocity: 100 };

  it('play names what a JSON file lacks instead of "got undefined", and no TypeError for a Take without rolls', async () => {
    await expect(play({ notes: [note] }, 'notes.json')).rejects.toThrow(/^notes\.json is not an audeo Take \(it has no "format"\); expected format "audeo\.take"$/);
    await expect(play({ format: 'audeo.take', notes: [note] })).rejects.toThrow(/^t\.audeo\.json: the take has no "version"; expected 1$/);
    for (const bad of [{ ...note, pitch: 60.5 }, { ...note, velocity: undefined }, 'C4']) {
      const err = await play({ format: 'audeo.take', version: 1, source: {}, notes: [note, bad] }).then(() => 'played', (e: Error) => `${e.name}: ${e.message}`);
      expect(err).toMatch(/^InputError: t\.audeo\.json: note 1 (has pitch 60\.5, not a MIDI note 0\.\.127|has no velocity|is not an object); expected "notes" to be an array of/);
    }
    const r = await play({ format: 'audeo.take', version: 1, source: {}, notes: [note] });
    expect(r.notes).toBe(1);
    const v2 = await play({ format: 'audeo.take', version: 2, source: {}, notes: [] }).then(() => 'played', (x: Error) => x.message);
    expect(v2).toMatch(/take version 2 is not supported; expected 1/);
  });

  it('a preset that is not JSON: one line (the JSON parser\'s message spans two)', async () => {
    const preset = path.join(dir, 'bad-preset.json');
    fs.writeFileSync(preset, 'nope\n');
    const mid = path.join(dir, 'one.mid');
    fs.writeFileSync(mid, notesToMidiBytes([note]));
    const r = await cli(['play', mid, '--dry-run', '--fast', '--preset', preset]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: preset .*bad-preset\.json is not JSON \(Unexpected token 'o'\); expected a preset object \(see presets\/preset\.schema\.json\)\n$/);
  });

  it('eval reads the sample\'s own samples/demo.expected.json (a bare {"notes": [...]})', async () => {
    const expected = path.join(__dirname, '..', '..', 'samples', 'demo.expected.json');
    const r = await cli(['eval', expected, expected, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { note: { onset: { f1: number; referenceNotes: number } } };
    expect(j.note.onset.f1).toBe(1);
    expect(j.note.onset.referenceNotes).toBeGreaterThan(100);
  });

  it('eval warns in one stderr line when the two clips\' lengths differ by more than 10 %', async () => {
    const n = (pitch: number, onsetSec: number, offsetSec: number) => ({ pitch, onsetSec, offsetSec, velocity: 100 });
    const ref = path.join(dir, 'ref.mid');
    fs.writeFileSync(ref, notesToMidiBytes([n(60, 0, 1), n(62, 50, 60)]));
    const short = path.join(dir, 'short.mid');
    fs.writeFileSync(short, notesToMidiBytes([n(60, 0, 1), n(62, 8, 10)]));
    const close = path.join(dir, 'close.mid');
    fs.writeFileSync(close, notesToMidiBytes([n(60, 0, 1), n(62, 50, 56)]));
    const r = await cli(['eval', short, ref]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^warning: the prediction .*short\.mid ends at 10\.0 s and the reference .*ref\.mid at 60\.0 s \(83 % apart\); expected two transcriptions of the same clip\n$/);
    expect(r.stdout).toMatch(/note, onset 50 ms/);
    const ok = await cli(['eval', close, ref, '--json']);
    expect(ok.stderr).toBe('');
  });
});

describe('audeo extract: one run per output (lock files)', () => {
  let dir: string;
  let video: string;
  const saved = process.env.AUDEO_BUNDLED_MODELS;
  beforeAll(() => {
    process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    dir = tmpDir();
    video = path.join(dir, 'clip.mp4');
    ffmpeg(['-i', DEMO, '-t', '1', '-c', 'copy', video]);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.AUDEO_BUNDLED_MODELS;
    else process.env.AUDEO_BUNDLED_MODELS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const locks = (): string[] => fs.readdirSync(dir).filter((f) => f.includes('.lock'));

  it('two extracts to the same outputs at once: one writes, the other ends naming the lock; no lock is left', async () => {
    const runs = await Promise.allSettled([extractToFiles(video), extractToFiles(video)]);
    const ok = runs.filter((r) => r.status === 'fulfilled');
    const failed = runs.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toBeInstanceOf(SinkError);
    expect(failed[0]!.message).toMatch(/^another audeo run \(pid \d+ on .* since .*\) is writing this output: lock .*clip\.audeo\.json\.lock; expected one run per output/);
    expect(locks()).toEqual([]);
  });

  it('the CLI: one line naming the lock, exit 5; a stale lock (its process gone) is taken over and removed', async () => {
    const lock = path.join(dir, 'clip.mid.lock');
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: 'now', command: 'audeo extract', token: 'other' }));
    const r = await cli(['extract', video, '--quiet']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^error: another audeo run \(pid \d+ on .*\) is writing this output: lock .*clip\.mid\.lock; expected one run per output .*\n$/);
    expect(locks()).toEqual(['clip.mid.lock']);
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(lock, JSON.stringify({ pid: gone, host: os.hostname(), startedAt: 'then', command: 'audeo extract', token: 'dead' }));
    const r2 = await cli(['extract', video, '--quiet', '--json']);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
    expect(locks()).toEqual([]);
  });
});
