/**
 * The rows of the reliability table (issue 20), run by test/cli/reliability-table.test.ts in a child Node process
 * (`node -r <ts hook> test/cli/reliability-rows.ts <rows.json>`): bad inputs and bad conditions, each made here, each
 * run through the CLI in this process (a plain Node process: jest's sandbox made the PNG encoding of each successful
 * extract about 40x slower). What the user got (exit code, the one line) and whether it was handled cleanly go to
 * rows.json, one object per row.
 *
 * Full and read-only file systems are injected (the machine may run as root, which chmod does not stop, and a tiny
 * file system needs root to mount): node:fs's promise `open` / `access` and `openSync` fail with ENOSPC or EROFS under
 * the chosen folder, as the kernel would.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
// the module object itself (`import * as` gives a copy with getters): where openSync is patched for every importer
import nodeFs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { notesToMidiBytes } from '../../src/core/reference';
import { synthNotes, wavBytes } from '../../src/eval/additive-synth';
import { extractToFiles } from '../../src/extractor/extract-files';
import { ffmpeg, FIXTURE_MODELS, tmpDir } from '../extractor/helpers';

const DEMO = path.join(__dirname, '..', '..', 'samples', 'demo.mp4');

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in this process; returns exit code, stdout and stderr. */
async function cli(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const capture = (add: (s: string) => void) => (c: string | Uint8Array, ...rest: unknown[]): boolean => {
    add(typeof c === 'string' ? c : Buffer.from(c).toString());
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  };
  process.exitCode = 0;
  await patched(
    [
      [process.stdout, 'write', capture((s) => (stdout += s))],
      [process.stderr, 'write', capture((s) => (stderr += s))],
    ],
    () => buildProgram().exitOverride().parseAsync(['node', 'audeo', ...args]),
  );
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout, stderr };
}

const under = (file: unknown, dir: string): boolean => typeof file === 'string' && path.resolve(file).startsWith(dir + path.sep);
const writing = (flags: unknown): boolean => typeof flags === 'string' && /[wax+]/.test(flags);
const errno = (code: string, syscall: string, file: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${syscall} '${file}'`), { code, syscall, path: file });

type Patch = [object, string, unknown];

/** Replaces properties while `run` runs; puts them back after. */
async function patched<T>(patches: Patch[], run: () => Promise<T>): Promise<T> {
  const saved = patches.map(([o, k]) => [o, k, (o as Record<string, unknown>)[k]] as Patch);
  for (const [o, k, v] of patches) (o as Record<string, unknown>)[k] = v;
  try {
    return await run();
  } finally {
    for (const [o, k, v] of saved) (o as Record<string, unknown>)[k] = v;
  }
}

/** While `run` runs, every write under `dir` fails as on a read-only file system (EROFS). */
function readOnlyFs<T>(dir: string, run: () => Promise<T>): Promise<T> {
  const open = fs.promises.open;
  const access = fs.promises.access;
  const openSync = nodeFs.openSync;
  return patched(
    [
      [fs.promises, 'open', (file: fs.PathLike, flags?: string, mode?: number) => (under(file, dir) && writing(flags) ? Promise.reject(errno('EROFS', 'open', String(file))) : open(file, flags, mode))],
      [
        fs.promises,
        'access',
        (file: fs.PathLike, mode?: number) =>
          (path.resolve(String(file)) === dir || under(file, dir)) && mode !== undefined && (mode & fs.constants.W_OK) !== 0 ? Promise.reject(errno('EROFS', 'access', String(file))) : access(file, mode),
      ],
      [
        nodeFs,
        'openSync',
        (file: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode) => {
          if (under(file, dir) && writing(flags)) throw errno('EROFS', 'open', String(file));
          return openSync(file, flags ?? 'r', mode);
        },
      ],
    ],
    run,
  );
}

/** While `run` runs, data written under `dir` to files whose name matches `which` fails with ENOSPC (no space left). */
function fullFs<T>(dir: string, which: RegExp, run: () => Promise<T>): Promise<T> {
  const open = fs.promises.open;
  const full = (file: string) => () => Promise.reject(errno('ENOSPC', 'write', file));
  const fullOpen = async (file: fs.PathLike, flags?: string, mode?: number): Promise<fs.promises.FileHandle> => {
    const handle = await open(file, flags, mode);
    if (!under(file, dir) || !writing(flags) || !which.test(path.basename(String(file)))) return handle;
    return new Proxy(handle, {
      get(target, prop: string | symbol) {
        if (prop === 'write' || prop === 'writeFile' || prop === 'appendFile') return full(String(file));
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
  return patched([[fs.promises, 'open', fullOpen]], run);
}

/** A row: one input or condition, the command tried and what is expected of it. */
interface Tried {
  readonly what: string;
  /** CLI arguments (paths under the row's folder); or a custom run. */
  readonly args?: string[];
  readonly run?: () => Promise<Outcome>;
  /** Shown instead of `audeo <args>`. */
  readonly shown?: string;
  readonly exit: number;
  readonly line: RegExp;
  /** Files a failing row may leave (names), besides its inputs. */
  readonly keeps?: RegExp;
  /** Runs around the command: an injected file system, an environment variable. */
  readonly around?: (run: () => Promise<Outcome>) => Promise<Outcome>;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else out.push(path.relative(dir, f));
    }
  };
  walk(dir);
  return out.sort();
}


/** One row as the table prints it. */
export interface RowResult {
  readonly what: string;
  readonly command: string;
  readonly exit: number;
  readonly line: string;
  readonly clean: boolean;
  readonly why: string[];
  readonly ms: number;
}

async function main(): Promise<void> {
  const outFile = process.argv[2];
  if (!outFile) throw new Error('usage: reliability-rows.ts <rows.json>');
  process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
  const root = fs.realpathSync(tmpDir('audeo-rel-'));
  const inputs = path.join(root, 'in');
  fs.mkdirSync(inputs);
  const rows: RowResult[] = [];
  const norm = (s: string): string =>
    s
      .split(root)
      .join('<tmp>')
      .replace(/pid \d+ on [^ ]+ since [^)]+\)/g, 'pid <pid> on <host> since <time>)')
      .replace(/ in \d+(\.\d+)? s \(\d+(\.\d+)?x real time\)/g, ' in <t> s');

  // --- the inputs
  const at = (f: string): string => path.join(inputs, f);
  const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
  ffmpeg(['-i', DEMO, '-t', '1', '-an', '-c', 'copy', at('clip.mp4')]);
  fs.writeFileSync(at('empty.mp4'), '');
  fs.writeFileSync(at('notes.mp4'), 'these are my notes, not a video\n');
  const whole = fs.readFileSync(at('clip.mp4'));
  fs.writeFileSync(at('truncated.mp4'), whole.subarray(0, Math.floor(whole.length / 2)));
  ffmpeg(['-i', DEMO, '-t', '2', '-an', '-c', 'copy', '-movflags', '+faststart', at('fast.mp4')]);
  const fast = fs.readFileSync(at('fast.mp4'));
  fs.writeFileSync(at('truncated-faststart.mp4'), fast.subarray(0, Math.floor(fast.length * 0.4)));
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', at('audio-only.m4a')]);
  // a phone stores the picture turned and tags it; players (and ffmpeg's decoder) turn it back by the tag
  const turn: Record<number, string> = { 90: 'transpose=2', 180: 'hflip,vflip', 270: 'transpose=1' };
  for (const deg of [90, 180, 270]) {
    ffmpeg(['-i', DEMO, '-t', '1', '-an', '-vf', turn[deg]!, ...x264, at(`stored-${deg}.mp4`)]);
    ffmpeg(['-i', at(`stored-${deg}.mp4`), '-c', 'copy', '-metadata:s:v:0', `rotate=${deg}`, at(`phone-${deg}.mp4`)]);
  }
  ffmpeg(['-i', DEMO, '-frames:v', '1', '-an', ...x264, at('one-frame.mp4')]);
  // variable frame rate: frames dropped unevenly, the survivors keep their times
  ffmpeg(['-i', DEMO, '-t', '2', '-an', '-vf', "select='not(mod(n\\,3))+between(n\\,20\\,30)'", '-vsync', 'vfr', ...x264, at('vfr.mp4')]);
  ffmpeg(['-i', DEMO, '-t', '0.3', '-an', '-vf', 'scale=3840:2160,fps=60', ...x264, at('4k60.mp4')]);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=854x480:rate=25:duration=1', ...x264, at('no-keyboard.mp4')]);
  const n = (pitch: number, onsetSec: number, offsetSec: number) => ({ pitch, onsetSec, offsetSec, velocity: 100 });
  fs.writeFileSync(at('two.mid'), notesToMidiBytes([n(60, 0, 0.5), n(64, 0.5, 1)]));
  fs.writeFileSync(at('long.mid'), notesToMidiBytes([n(60, 0, 0.5), n(67, 50, 60)]));
  fs.writeFileSync(at('empty.mid'), '');
  fs.writeFileSync(at('notes.json'), JSON.stringify({ notes: [n(60, 0, 0.5)] }));
  fs.writeFileSync(at('half-pitch.audeo.json'), JSON.stringify({ format: 'audeo.take', version: 1, source: {}, notes: [n(60, 0, 0.5), n(60.5, 1, 2)] }));
  fs.writeFileSync(at('empty.audeo.json'), JSON.stringify({ format: 'audeo.take', version: 1, source: {}, notes: [] }));
  fs.writeFileSync(at('bad-preset.json'), 'nope\n');
  fs.writeFileSync(at('phrase.wav'), wavBytes(synthNotes([n(60, 0.2, 0.6)])));
  // models: a Video2Roll file changed after its card; a Roll2Midi file onnxruntime cannot load (its card made for it)
  const models = (name: string): string => {
    const d = path.join(root, name);
    fs.cpSync(FIXTURE_MODELS, d, { recursive: true });
    return d;
  };
  fs.appendFileSync(path.join(models('models-changed'), 'tiny-v2r', '1.0.0', 'model.onnx'), Buffer.from([0]));
  const junkDir = path.join(models('models-junk'), 'tiny-r2m', '1.0.0');
  const junk = Buffer.from('this is not an onnx file\n'.repeat(40));
  fs.writeFileSync(path.join(junkDir, 'model.onnx'), junk);
  const card = JSON.parse(fs.readFileSync(path.join(junkDir, 'card.json'), 'utf8')) as { sha256: string; sizeBytes: number };
  fs.writeFileSync(path.join(junkDir, 'card.json'), JSON.stringify({ ...card, sha256: createHash('sha256').update(junk).digest('hex'), sizeBytes: junk.length }));
  fs.mkdirSync(path.join(root, 'models-empty'));
  if (process.env.AUDEO_TIMINGS) process.stderr.write(`inputs made: ${listFiles(inputs).length} files\n`);

  /** Each row in its own folder, its inputs copied in (input file -> name in the folder). */
  async function attempt(slug: string, copy: Record<string, string>, make: (dir: string) => Tried): Promise<void> {
    const dir = path.join(root, slug);
    fs.mkdirSync(dir, { recursive: true });
    for (const [from, to] of Object.entries(copy)) fs.copyFileSync(path.join(inputs, from), path.join(dir, to));
    const t = make(dir);
    const before = new Set(listFiles(dir));
    const t0 = Date.now();
    const go = t.run ?? (() => cli(t.args ?? []));
    let out: Outcome;
    try {
      out = await (t.around ? t.around(go) : go());
    } catch (e) {
      out = { code: -1, stdout: '', stderr: `thrown: ${(e as Error).stack ?? String(e)}` };
    }
    const ms = Date.now() - t0;
    const errLines = out.stderr.split('\n').filter((l) => l.trim());
    const line = out.code === 0 ? (errLines[0] ?? out.stdout.split('\n')[0] ?? '') : (errLines.find((l) => l.startsWith('error:')) ?? errLines[0] ?? '');
    const after = listFiles(dir);
    const why: string[] = [];
    if (out.code !== t.exit) why.push(`exit ${out.code}, expected ${t.exit}`);
    if (!t.line.test(norm(line))) why.push(`line ${JSON.stringify(norm(line))} does not match ${String(t.line)}`);
    if (out.code !== 0 && errLines.filter((l) => l.startsWith('error:')).length !== 1) why.push(`${errLines.length} stderr lines: ${JSON.stringify(errLines)}`);
    if (/\n\s+at /.test(out.stderr)) why.push('a stack trace');
    const litter = after.filter((f) => /\.tmp$|\.lock$/.test(f) && !before.has(f));
    if (litter.length) why.push(`left ${litter.join(', ')}`);
    if (out.code !== 0) {
      const made = after.filter((f) => !before.has(f) && !(t.keeps?.test(path.basename(f)) ?? false));
      if (made.length) why.push(`a failed run left ${made.join(', ')}`);
    }
    const command = norm(t.shown ?? `audeo ${(t.args ?? []).map((a) => (/[\s'"]/.test(a) ? `"${a}"` : a)).join(' ')}`);
    rows.push({ what: t.what, command, exit: out.code, line: norm(line), clean: why.length === 0, why, ms });
    process.stderr.write(`${slug}: exit ${out.code}, ${ms} ms${why.length ? ` NOT CLEAN: ${why.join('; ')}` : ''}\n`);
  }

  const withModels = async (dir: string, run: () => Promise<Outcome>): Promise<Outcome> => {
    process.env.AUDEO_BUNDLED_MODELS = dir;
    try {
      return await run();
    } finally {
      process.env.AUDEO_BUNDLED_MODELS = FIXTURE_MODELS;
    }
  };
  const liveLock = (file: string): void =>
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: '2026-12-02T12:00:00.000Z', command: 'audeo (another run)', token: 'other' }));
  const OK_EXTRACT = /^\d+ notes from \d+\.\d s of video \(\d+ frames at 25 fps\) in <t> s$/;

  // --- videos
  await attempt('empty', { 'empty.mp4': 'empty.mp4' }, (d) => ({ what: 'an empty file (0 bytes)', args: ['extract', `${d}/empty.mp4`, '--quiet'], exit: 2, line: /^error: .*empty\.mp4 .*empty.*; expected a video/ }));
  await attempt('text', { 'notes.mp4': 'notes.mp4' }, (d) => ({ what: 'a text file named .mp4', args: ['extract', `${d}/notes.mp4`, '--quiet'], exit: 2, line: /^error: .*notes\.mp4.*; expected a video/ }));
  await attempt('missing', {}, (d) => ({ what: 'a video that does not exist', args: ['extract', `${d}/nowhere.mp4`, '--quiet'], exit: 2, line: /^error: .*nowhere\.mp4.*/ }));
  await attempt('folder', {}, (d) => (fs.mkdirSync(`${d}/clip.mp4`), { what: 'a folder named like a video', args: ['extract', `${d}/clip.mp4`, '--quiet'], exit: 2, line: /^error: .*clip\.mp4.*/ }));
  await attempt('truncated', { 'truncated.mp4': 'clip.mp4' }, (d) => ({ what: 'a truncated video (cut in half, its index at the end is gone)', args: ['extract', `${d}/clip.mp4`, '--quiet'], exit: 2, line: /^error: .*clip\.mp4.*/ }));
  await attempt('truncated-faststart', { 'truncated-faststart.mp4': 'clip.mp4' }, (d) => ({
    what: 'a truncated video whose index is at the start (faststart; 40 % of the bytes)',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 2,
    line: /^error: .*clip\.mp4 is truncated or corrupt: .*; expected a complete video$/,
  }));
  await attempt('audio-only', { 'audio-only.m4a': 'song.m4a' }, (d) => ({ what: 'no video stream (an audio file)', args: ['extract', `${d}/song.m4a`, '--quiet'], exit: 2, line: /^error: .*song\.m4a.*video stream/ }));
  for (const deg of [90, 180, 270]) {
    await attempt(`rotate-${deg}`, { [`phone-${deg}.mp4`]: 'phone.mp4' }, (d) => ({ what: `a phone video with a rotation tag of ${deg}°`, args: ['extract', `${d}/phone.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT }));
  }
  await attempt('one-frame', { 'one-frame.mp4': 'one.mp4' }, (d) => ({ what: 'a video of one frame', args: ['extract', `${d}/one.mp4`, '--quiet'], exit: 0, line: /^\d+ notes from 0\.0 s of video \(1 frames at 25 fps\)/ }));
  await attempt('vfr', { 'vfr.mp4': 'vfr.mp4' }, (d) => ({ what: 'a variable-frame-rate video', args: ['extract', `${d}/vfr.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT }));
  await attempt('4k60', { '4k60.mp4': '4k60.mp4' }, (d) => ({ what: 'a 4K video at 60 fps (0.3 s)', args: ['extract', `${d}/4k60.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT }));
  await attempt('no-keyboard', { 'no-keyboard.mp4': 'pattern.mp4' }, (d) => ({ what: 'a video without a keyboard (a test pattern)', args: ['extract', `${d}/pattern.mp4`, '--quiet'], exit: 4, line: /^error: no piano keyboard found.*--crop/ }));
  await attempt('spaces', { 'clip.mp4': 'my clip.mp4' }, (d) => ({ what: 'a path with spaces', args: ['extract', `${d}/my clip.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT }));
  await attempt('unicode', { 'clip.mp4': 'ピアノ ♪ café.mp4' }, (d) => ({ what: 'a path with unicode (ピアノ ♪ café)', args: ['extract', `${d}/ピアノ ♪ café.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT }));
  // --- outputs
  await attempt('out-under-file', { 'clip.mp4': 'clip.mp4' }, (d) => (fs.writeFileSync(`${d}/file.txt`, ''), {
    what: 'an output under a file (-o file.txt/x.mid)',
    args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/file.txt/x.mid`],
    exit: 5,
    line: /^error: cannot write .*file\.txt\/x\.mid: a part of its path is a file, not a folder; expected a writable output path$/,
  }));
  await attempt('out-missing-dir', { 'clip.mp4': 'clip.mp4' }, (d) => ({ what: 'an output in a folder that does not exist', args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/nowhere/x.mid`], exit: 5, line: /^error: cannot write .*nowhere\/x\.mid: its folder does not exist/ }));
  await attempt('out-is-folder', { 'clip.mp4': 'clip.mp4' }, (d) => (fs.mkdirSync(`${d}/x.mid`), { what: 'an output that is a folder', args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/x.mid`], exit: 5, line: /^error: cannot write .*x\.mid: it is a folder/ }));
  await attempt('read-only', { 'clip.mp4': 'clip.mp4' }, (d) => {
    fs.mkdirSync(`${d}/ro`);
    return { what: 'outputs on a read-only file system (injected EROFS)', args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/ro/x.mid`], exit: 5, line: /^error: cannot write .*ro\/x\.mid: the file system is read-only/, around: (run) => readOnlyFs(`${d}/ro`, run) };
  });
  await attempt('full', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'a full disk (injected ENOSPC on every write)',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 5,
    line: /^error: cannot write .*clip\.audeo\.json: no space left on the device/,
    around: (run) => fullFs(d, /\.tmp$/, run),
  }));
  await attempt('full-after', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'a disk that fills after the Take is saved (injected ENOSPC on the MIDI file)',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 5,
    line: /^error: cannot write .*clip\.mid: no space left on the device; .*the extraction is done and its notes are saved in the Take .*clip\.audeo\.json/,
    keeps: /^clip\.audeo\.json$/,
    around: (run) => fullFs(d, /^\.clip\.mid\./, run),
  }));
  await attempt('same-file', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'two outputs that are one file (-o x.mid --take x.mid)',
    args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/x.mid`, '--take', `${d}/x.mid`],
    exit: 2,
    line: /^error: the Take \(--take\) .*x\.mid and the MIDI file \(-o\) .*x\.mid are the same file/,
  }));
  await attempt('over-input', { 'clip.mp4': 'clip.mp4' }, (d) => ({ what: 'an output over the input video (-o clip.mp4)', args: ['extract', `${d}/clip.mp4`, '--quiet', '-o', `${d}/clip.mp4`], exit: 2, line: /^error: the input video .*clip\.mp4 and the MIDI file \(-o\) .* are the same file/ }));
  // --- concurrent runs
  await attempt('locked', { 'clip.mp4': 'clip.mp4' }, (d) => (liveLock(`${d}/clip.mid`), {
    what: 'an output another live run is writing (its lock)',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 5,
    line: /^error: another audeo run \(pid <pid> on <host> since <time>\) is writing this output: lock .*clip\.mid\.lock; expected one run per output/,
    keeps: /^clip\.mid\.lock$/,
  }));
  await attempt('stale-lock', { 'clip.mp4': 'clip.mp4' }, (d) => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(`${d}/clip.mid.lock`, JSON.stringify({ pid: gone, host: os.hostname(), startedAt: 'then', command: 'audeo extract', token: 'dead' }));
    return { what: 'a lock left by a run that is gone (stale)', args: ['extract', `${d}/clip.mp4`, '--quiet'], exit: 0, line: OK_EXTRACT };
  });
  await attempt('concurrent', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'two extracts of one video at once (one gets the outputs)',
    shown: 'extractToFiles(clip.mp4) twice at once (library)',
    run: async () => {
      const r = await Promise.allSettled([extractToFiles(`${d}/clip.mp4`), extractToFiles(`${d}/clip.mp4`)]);
      const failed = r.flatMap((x) => (x.status === 'rejected' ? [x.reason as Error & { exitCode?: number }] : []));
      const ok = r.filter((x) => x.status === 'fulfilled').length;
      const e = failed[0];
      return ok === 1 && e ? { code: e.exitCode ?? 1, stdout: '', stderr: `error: ${e.message}\n` } : { code: -1, stdout: '', stderr: `${ok} runs succeeded` };
    },
    exit: 5,
    line: /^error: another audeo run \(pid <pid> on <host> since <time>\) is writing this output: lock .*clip\..*\.lock/,
    keeps: /^clip\.(audeo\.json|mid|png|keyboard\.png)$/,
  }));
  // --- models
  await attempt('model-unknown', { 'clip.mp4': 'clip.mp4' }, (d) => ({ what: 'a model that is not installed (--model nope)', args: ['extract', `${d}/clip.mp4`, '--quiet', '--model', 'nope'], exit: 3, line: /^error: .*nope.*/ }));
  await attempt('model-changed', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'a Video2Roll model file changed after its card (sha256)',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 3,
    line: /^error: .*tiny-v2r.*sha256/,
    around: (run) => withModels(path.join(root, 'models-changed'), run),
  }));
  await attempt('model-junk', { 'clip.mp4': 'clip.mp4' }, (d) => ({
    what: 'a Roll2Midi model onnxruntime cannot load',
    args: ['extract', `${d}/clip.mp4`, '--quiet'],
    exit: 3,
    line: /^error: model tiny-r2m@1\.0\.0: onnxruntime cannot load .*expected a valid ONNX file$/,
    around: (run) => withModels(path.join(root, 'models-junk'), run),
  }));
  await attempt('model-none', { 'clip.mp4': 'clip.mp4' }, (d) => ({ what: 'a models folder without models/index.json', args: ['extract', `${d}/clip.mp4`, '--quiet'], exit: 3, line: /^error: model index .*index\.json is missing/, around: (run) => withModels(path.join(root, 'models-empty'), run) }));
  // --- option values
  const opts: Array<[string, string[], RegExp]> = [
    ['--threshold 2', ['--threshold', '2'], /^error: --threshold "2" is not a probability/],
    ['--rotate 45', ['--rotate', '45'], /^error: --rotate "45" is not a quarter turn/],
    ['--crop 1,2', ['--crop', '1,2'], /^error: --crop/],
    ['--lowest-key H9', ['--lowest-key', 'H9'], /^error: --lowest-key "H9"/],
  ];
  for (const [shown, extra, line] of opts) {
    await attempt(`option-${extra[0]!.slice(2)}`, { 'clip.mp4': 'clip.mp4' }, (d) => ({ what: `a bad option value: ${shown}`, args: ['extract', `${d}/clip.mp4`, '--quiet', ...extra], exit: 2, line }));
  }
  // --- play, render, eval, label
  await attempt('play-empty-mid', { 'empty.mid': 'empty.mid' }, (d) => ({ what: 'play: an empty .mid', args: ['play', `${d}/empty.mid`, '--dry-run', '--fast'], exit: 2, line: /^error: .*empty\.mid.*/ }));
  await attempt('play-notes-json', { 'notes.json': 'notes.json' }, (d) => ({ what: 'play: a JSON file that is not a Take', args: ['play', `${d}/notes.json`, '--dry-run', '--fast'], exit: 2, line: /^error: .*notes\.json is not an audeo Take \(it has no "format"\)/ }));
  await attempt('play-half-pitch', { 'half-pitch.audeo.json': 't.audeo.json' }, (d) => ({ what: 'play: a Take with a note of pitch 60.5', args: ['play', `${d}/t.audeo.json`, '--dry-run', '--fast'], exit: 2, line: /^error: .*note 1 has pitch 60\.5, not a MIDI note/ }));
  await attempt('play-bad-preset', { 'two.mid': 'two.mid', 'bad-preset.json': 'bad-preset.json' }, (d) => ({ what: 'play: a preset that is not JSON', args: ['play', `${d}/two.mid`, '--dry-run', '--fast', '--preset', `${d}/bad-preset.json`], exit: 2, line: /^error: preset .*bad-preset\.json is not JSON/ }));
  await attempt('render-empty', { 'empty.audeo.json': 't.audeo.json' }, (d) => ({ what: 'render: a Take without notes', args: ['render', `${d}/t.audeo.json`, '-o', `${d}/t.wav`], exit: 2, line: /^error: there are no notes to render/ }));
  await attempt('render-under-file', { 'two.mid': 'two.mid' }, (d) => (fs.writeFileSync(`${d}/file.txt`, ''), { what: 'render: an output under a file', args: ['render', `${d}/two.mid`, '-o', `${d}/file.txt/t.wav`], exit: 5, line: /^error: cannot write .*file\.txt\/t\.wav/ }));
  await attempt('render-locked', { 'two.mid': 'two.mid' }, (d) => (liveLock(`${d}/two.wav`), {
    what: 'render: an output another live run is writing',
    args: ['render', `${d}/two.mid`, '-o', `${d}/two.wav`],
    exit: 5,
    line: /^error: another audeo run .* is writing this output: lock .*two\.wav\.lock/,
    keeps: /^two\.wav\.lock$/,
  }));
  await attempt('eval-png', { 'two.mid': 'two.mid' }, (d) => (fs.writeFileSync(`${d}/file.txt`, ''), {
    what: 'eval: --png under a file (the scores are printed first)',
    args: ['eval', `${d}/two.mid`, `${d}/two.mid`, '--png', `${d}/file.txt/o.png`],
    exit: 5,
    line: /^error: cannot write .*file\.txt\/o\.png: a part of its path is a file/,
  }));
  await attempt('eval-lengths', { 'two.mid': 'short.mid', 'long.mid': 'long.mid' }, (d) => ({ what: 'eval: clips of very different lengths', args: ['eval', `${d}/short.mid`, `${d}/long.mid`], exit: 0, line: /^warning: the prediction .*short\.mid ends at 1\.0 s and the reference .*long\.mid at 60\.0 s/ }));
  await attempt('eval-not-midi', { 'notes.mp4': 'notes.mid' }, (d) => ({ what: 'eval: a text file named .mid', args: ['eval', `${d}/notes.mid`, `${d}/notes.mid`], exit: 2, line: /^error: .*notes\.mid is not a Standard MIDI File/ }));
  await attempt('label-under-file', { 'phrase.wav': 'phrase.wav' }, (d) => (fs.writeFileSync(`${d}/file.txt`, ''), { what: 'label: an output under a file (before transcribing)', args: ['label', `${d}/phrase.wav`, '-o', `${d}/file.txt/p.mid`], exit: 5, line: /^error: cannot write .*file\.txt\/p\.mid: a part of its path is a file/ }));
  await attempt('label-locked', { 'phrase.wav': 'phrase.wav' }, (d) => (liveLock(`${d}/p.mid`), {
    what: 'label: an output another live run is writing',
    args: ['label', `${d}/phrase.wav`, '-o', `${d}/p.mid`],
    exit: 5,
    line: /^error: another audeo run .* is writing this output: lock .*p\.mid\.lock/,
    keeps: /^p\.mid\.lock$/,
  }));

  fs.writeFileSync(outFile, JSON.stringify(rows));
  fs.rmSync(root, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
