/**
 * `audeo adapt` figures (issue 15), written to docs/adapt.md:
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/adapt.js [--skip-timing | --timing-only]
 *
 * Each part keeps its result in bench/out/adapt/{rows,timing}.json, so a part can be run again alone (the timing on a
 * quiet machine) and the doc is written from both.
 *
 * 1. Split-half on scarborough_fair.mp4 (soundtrack labels): adapt on the first half (through the CLI, as a user
 *    runs it), extract the second half with the default model and with the adapted one, score both against the
 *    second half's own soundtrack labels.
 * 2. clavision validation pieces (the piano's MIDI): per camera position, adapt on a piece-10 clip with its MIDI
 *    (aligned automatically: the found offset is compared with training/clavision.json's), test on the piece-11 clips
 *    of the same position, scored against their calibrated MIDI. Pieces 10-11 are never trained on by the shipped
 *    model; adapt's settings were chosen on pieces 01-02.
 * 3. Time and peak memory of `audeo adapt` on 1 and 3 minutes of footage with sound (scarborough repeated), labelling
 *    included.
 * Skips a part with a message when its data is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scoreWindow, type HeldOutScores } from '../src/adapt/adapt';
import { parseMidiNotes } from '../src/core/reference';
import type { NoteEvent } from '../src/core/types';
import { extractTake } from '../src/extractor/pipeline';
import { probeVideo } from '../src/extractor/probe';
import { ffmpegPath } from '../src/extractor/ffmpeg-path';
import { writeFileAtomic } from '../src/io/atomic';
import { labelFile } from '../src/label/label';

const ROOT = path.resolve(__dirname, existsSync(path.resolve(__dirname, '..', 'package.json')) ? '..' : '../../..');
const DATA = path.resolve(process.env.AUDEO_DATA ?? path.join(ROOT, '..', 'shared', 'data'));
const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const WORK = path.join(ROOT, 'bench', 'out', 'adapt');
const USER_MODELS = path.join(WORK, 'models');
// the bundled models of this checkout (the compiled bench lives in .cache/build/bench)
process.env.AUDEO_BUNDLED_MODELS ??= path.join(ROOT, 'models');

interface Row {
  readonly protocol: string;
  readonly adaptOn: string;
  readonly testOn: string;
  readonly before: HeldOutScores;
  /** The base model with the threshold adapt picked for it on the adaptation take (what the threshold alone gains). */
  readonly thresholdOnly: HeldOutScores;
  readonly after: HeldOutScores;
  readonly note?: string;
}

const f3 = (x: number): string => x.toFixed(3);

function ffmpeg(args: string[]): void {
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Runs `audeo adapt` as a user does; returns its JSON summary, wall seconds and peak RSS (MB, from /usr/bin/time). */
interface AdaptSummary {
  readonly model: string;
  readonly baseThreshold: number;
  readonly threshold: number;
  readonly heldOut: { readonly before: HeldOutScores; readonly thresholdOnly: HeldOutScores; readonly after: HeldOutScores };
  readonly clips: { readonly labels: { readonly offsetSec?: number; readonly lagFrames: number } }[];
}

function runAdapt(args: string[]): { summary: AdaptSummary; wallSec: number; peakMb: number | undefined } {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cmd = timeBin ? [timeBin, '-f', 'PEAK_KB %M', process.execPath, CLI] : [process.execPath, CLI];
  const t0 = performance.now();
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'adapt', ...args, '--json', '--quiet'], { env: { ...process.env, AUDEO_MODELS: USER_MODELS }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wallSec = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`audeo adapt ${args.join(' ')} failed (${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const peak = /PEAK_KB (\d+)/.exec(r.stderr);
  return { summary: JSON.parse(r.stdout.trim().split('\n').pop()!) as AdaptSummary, wallSec, peakMb: peak ? Number(peak[1]) / 1024 : undefined };
}

async function notesOf(video: string, model?: string, threshold?: number): Promise<readonly NoteEvent[]> {
  process.env.AUDEO_MODELS = USER_MODELS;
  const take = await extractTake(video, { ...(model ? { model } : {}), ...(threshold !== undefined ? { threshold } : {}) });
  return take.notes;
}

async function scarborough(rows: Row[]): Promise<void> {
  const src = path.join(DATA, 'video', 'scarborough_fair.mp4');
  if (!existsSync(src)) {
    process.stderr.write(`skipped: ${src} not found\n`);
    return;
  }
  const half = (await probeVideo(src)).durationSec / 2;
  const first = path.join(WORK, 'scarborough.first.mp4');
  const second = path.join(WORK, 'scarborough.second.mp4');
  ffmpeg(['-i', src, '-t', half.toFixed(3), '-c:v', 'libx264', '-crf', '18', '-c:a', 'aac', first]);
  ffmpeg(['-ss', half.toFixed(3), '-i', src, '-c:v', 'libx264', '-crf', '18', '-c:a', 'aac', second]);
  const a = runAdapt([first, '--name', 'bench-scarborough']);
  const labelled = await labelFile(second);
  const ref = labelled.notes;
  const end = labelled.audioDurationSec;
  rows.push({
    protocol: 'split-half, soundtrack labels',
    adaptOn: `scarborough_fair first half (${half.toFixed(1)} s)`,
    testOn: 'scarborough_fair second half',
    before: scoreWindow(await notesOf(second), ref, 0, end + 1),
    thresholdOnly: scoreWindow(await notesOf(second, undefined, a.summary.baseThreshold), ref, 0, end + 1),
    after: scoreWindow(await notesOf(second, a.summary.model), ref, 0, end + 1),
    note: `thresholds ${a.summary.baseThreshold} / ${a.summary.threshold}; adapt's own held-out (last 20 % of the first half): onset F1 ${f3(a.summary.heldOut.before.onset.f1)} -> ${f3(a.summary.heldOut.after.onset.f1)}`,
  });
}

interface Calibration {
  pitchShift: number;
  clips: Record<string, { piece: number; camera: string; offset_sec: number | null; excluded?: string }>;
}

async function clavision(rows: Row[]): Promise<void> {
  const dir = path.join(DATA, 'video', 'clavision');
  if (!existsSync(dir)) {
    process.stderr.write(`skipped: ${dir} not found\n`);
    return;
  }
  const cal = JSON.parse(await fs.readFile(path.join(ROOT, 'training', 'clavision.json'), 'utf8')) as Calibration;
  const usable = (c: string): boolean => !!cal.clips[c] && !cal.clips[c].excluded && cal.clips[c].offset_sec !== null;
  for (const camera of ['0', 'm45', 'p45']) {
    const of = (piece: number): string[] => Object.keys(cal.clips).filter((c) => cal.clips[c]!.piece === piece && cal.clips[c]!.camera === camera && usable(c)).sort();
    const adaptClip = of(10)[0];
    if (!adaptClip) continue;
    const a = runAdapt([path.join(dir, `${adaptClip}.mp4`), '--midi', path.join(dir, `${adaptClip}.mid`), '--name', `bench-clav-${camera}`]);
    const found = a.summary.clips[0]?.labels.offsetSec;
    for (const test of of(11)) {
      const c = cal.clips[test]!;
      const ref = parseMidiNotes(await fs.readFile(path.join(dir, `${test}.mid`)), test)
        .map((n) => ({ ...n, pitch: n.pitch + cal.pitchShift, onsetSec: n.onsetSec + c.offset_sec!, offsetSec: n.offsetSec + c.offset_sec! }))
        .filter((n) => n.pitch >= 21 && n.pitch <= 108);
      const video = path.join(dir, `${test}.mp4`);
      rows.push({
        protocol: `clavision, camera ${camera}, MIDI labels`,
        adaptOn: adaptClip,
        testOn: test,
        before: scoreWindow(await notesOf(video), ref, -10, 1e6),
        thresholdOnly: scoreWindow(await notesOf(video, undefined, a.summary.baseThreshold), ref, -10, 1e6),
        after: scoreWindow(await notesOf(video, a.summary.model), ref, -10, 1e6),
        note: `MIDI aligned at ${found?.toFixed(3)} s (calibration ${cal.clips[adaptClip]!.offset_sec?.toFixed(3)} s), thresholds ${a.summary.baseThreshold} / ${a.summary.threshold}`,
      });
    }
  }
}

async function timing(): Promise<string[]> {
  const src = path.join(DATA, 'video', 'scarborough_fair.mp4');
  if (!existsSync(src)) return ['(timing skipped: scarborough_fair.mp4 not found)'];
  const lines = ['| footage (with sound) | wall s | x footage | peak memory MB |', '| --- | --- | --- | --- |'];
  for (const [label, copies] of [['~1 min', 2], ['~3 min', 7]] as const) {
    const list = path.join(WORK, `concat-${copies}.txt`);
    await fs.writeFile(list, Array.from({ length: copies }, () => `file '${src}'`).join('\n'));
    const video = path.join(WORK, `scarborough-x${copies}.mp4`);
    ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c:v', 'libx264', '-crf', '18', '-c:a', 'aac', video]);
    const dur = (await probeVideo(video)).durationSec;
    const r = runAdapt([video, '--name', `bench-time-${copies}`]);
    lines.push(`| ${label} (${dur.toFixed(0)} s) | ${r.wallSec.toFixed(0)} | ${(r.wallSec / dur).toFixed(2)} | ${r.peakMb?.toFixed(0) ?? 'n/a'} |`);
  }
  return lines;
}

function range(xs: number[]): string {
  return `${f3(median(xs))} (${f3(Math.min(...xs))}-${f3(Math.max(...xs))})`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  const rowsFile = path.join(WORK, 'rows.json');
  const timingFile = path.join(WORK, 'timing.json');
  const readJson = async <T>(file: string, fallback: T): Promise<T> => (existsSync(file) ? (JSON.parse(await fs.readFile(file, 'utf8')) as T) : fallback);
  mkdirSync(WORK, { recursive: true });
  rmSync(USER_MODELS, { recursive: true, force: true });
  let rows: Row[];
  if (process.argv.includes('--timing-only')) rows = await readJson<Row[]>(rowsFile, []);
  else {
    rows = [];
    await scarborough(rows);
    await clavision(rows);
    await fs.writeFile(rowsFile, JSON.stringify(rows));
  }
  let timeLines: string[];
  if (process.argv.includes('--skip-timing')) timeLines = await readJson(timingFile, ['(timing not run yet: --timing-only)']);
  else {
    timeLines = [...(await timing()), '', `(load average ${os.loadavg()[0]!.toFixed(1)} when the timing ended)`];
    await fs.writeFile(timingFile, JSON.stringify(timeLines));
  }
  const clav = rows.filter((r) => r.protocol.startsWith('clavision'));
  const load = os.loadavg()[0]!.toFixed(1);
  const lines = [
    '# audeo adapt: figures',
    '',
    `Generated by \`node .cache/build/bench/adapt.js\` (bench/adapt.ts) on ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus().length} cores, load ${load}. What adapt does and how to use it: docs/user-guide.md ("Your own piano").`,
    '',
    '## Before and after, on footage the adaptation never saw',
    '',
    'Note-onset F1 at 50 ms and micro frame F1 (rolls built from notes, 25 fps), all through `audeo extract`: "before" is the bundled default model; "threshold" the same model with the decoder threshold adapt picked for it on the adaptation take (what re-tuning the threshold alone gains); "after" the adapted model (its head and its threshold). Thresholds in the note column: base / adapted.',
    '',
    '| protocol | adapted on | tested on | onset F1 before | threshold | after | frame F1 before | threshold | after | ref notes | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.protocol} | ${r.adaptOn} | ${r.testOn} | ${f3(r.before.onset.f1)} | ${f3(r.thresholdOnly.onset.f1)} | **${f3(r.after.onset.f1)}** | ${f3(r.before.frameF1)} | ${f3(r.thresholdOnly.frameF1)} | ${f3(r.after.frameF1)} | ${r.after.referenceNotes} | ${r.note ?? ''} |`),
    '',
    clav.length
      ? `clavision, median over ${clav.length} test clips (min-max): onset F1 before ${range(clav.map((r) => r.before.onset.f1))}, threshold only ${range(clav.map((r) => r.thresholdOnly.onset.f1))}, after **${range(clav.map((r) => r.after.onset.f1))}** (target >= 0.90); frame F1 ${range(clav.map((r) => r.before.frameF1))} -> ${range(clav.map((r) => r.after.frameF1))}.`
      : '(clavision data not found)',
    '',
    'Targets (issue 15): scarborough second half onset F1 >= 0.80; clavision same-position onset F1 >= 0.90.',
    '',
    '## Time and memory of `audeo adapt` (labelling included)',
    '',
    ...timeLines,
    '',
    'Target: <= 5 minutes wall for 3 minutes of footage on the 2-core reference machine.',
    '',
  ];
  await writeFileAtomic(path.join(ROOT, 'docs', 'adapt.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
