/**
 * Resume at random interruption points (issue 20): `audeo extract` on the bundled sample looped 4 times (56 s, 1400
 * frames) with the shipped Video2Roll model and the r2m-light refiner, interrupted with SIGINT at a random moment
 * after its first checkpoint (every 10 s of video), then run again with the same command (which resumes from the
 * checkpoint); the resumed Take's notes must equal an uninterrupted run's, exactly. Writes the figure and the table of points into the
 * `resume` section of docs/reliability.md (`--no-write`: print only).
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/resume.js [--points 20] [--seed N] [--no-write]
 *
 * About 10 minutes on the shared 2-core machine (load average 9; one clean run, then an interrupted and a resumed run
 * per point).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ffmpegPath } from '../src/extractor/ffmpeg-path';
import { RELIABILITY_DOC, repoRoot, writeSection } from './doc-sections';

const ROOT = repoRoot();
const CLI = path.join(__dirname, '..', 'src', 'cli', 'main.js');

interface Run {
  readonly code: number | null;
  readonly stderr: string;
  readonly wallSec: number;
}

/**
 * Runs the CLI; with `interrupt`, sends SIGINT `interrupt.afterMs` after the Take file at `interrupt.take` first holds
 * a checkpoint (so that the run has something to resume from), and notes when that was.
 */
function runCli(args: string[], interrupt?: { take: string; afterMs: number }): Promise<Run & { checkpointAtSec?: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, AUDEO_BUNDLED_MODELS: path.join(ROOT, 'models') }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let checkpointAtSec: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const poll = setInterval(() => {
      if (checkpointAtSec !== undefined) return;
      const t = readTakeJson(interrupt?.take ?? '');
      if (t && (t.progress.complete || t.progress.framesDone > 0)) {
        checkpointAtSec = (performance.now() - t0) / 1000;
        if (interrupt) timer = setTimeout(() => child.kill('SIGINT'), interrupt.afterMs);
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      if (timer) clearTimeout(timer);
      resolve({ code, stderr, wallSec: (performance.now() - t0) / 1000, ...(checkpointAtSec !== undefined ? { checkpointAtSec } : {}) });
    });
  });
}

interface TakeJson {
  notes: unknown[];
  progress: { framesDone: number; framesTotal: number; complete: boolean };
  rolls: { roll2midi?: { data: string } };
  notices?: string[];
}
const readTakeJson = (file: string): TakeJson | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TakeJson;
  } catch {
    return undefined;
  }
};

function lcg(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

export interface ResumePoint {
  readonly sigintSec: number;
  readonly exit: number | null;
  /** Frames the checkpoint held when the run was interrupted (0: none yet; -1: the run had finished). */
  readonly checkpointFrames: number;
  readonly identical: boolean;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const points = Number(opt('--points') ?? 20);
  const seed = Number(opt('--seed') ?? Date.now() % 1_000_000);
  const rnd = lcg(seed);
  const dir = path.join(ROOT, 'bench', 'out', 'resume');
  mkdirSync(dir, { recursive: true });
  const video = path.join(dir, 'demo-x4.mp4');
  if (!existsSync(video)) {
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '3', '-i', path.join(ROOT, 'samples', 'demo.mp4'), '-an', '-c', 'copy', video]);
  }
  const args = (name: string): string[] => ['extract', video, '-o', path.join(dir, `${name}.mid`), '--take', path.join(dir, `${name}.audeo.json`), '--refiner', 'r2m-light', '--quiet'];

  rmSync(path.join(dir, 'clean.audeo.json'), { force: true });
  const clean = await runCli(args('clean'), { take: path.join(dir, 'clean.audeo.json'), afterMs: 1e9 });
  const cleanTake = readTakeJson(path.join(dir, 'clean.audeo.json'));
  if (clean.code !== 0 || !cleanTake) throw new Error(`the clean run failed (exit ${clean.code}): ${clean.stderr}`);
  const firstCheckpointSec = clean.checkpointAtSec ?? 0;
  process.stderr.write(`clean: ${cleanTake.notes.length} notes, ${cleanTake.progress.framesDone} frames, ${clean.wallSec.toFixed(1)} s, first checkpoint at ${firstCheckpointSec.toFixed(1)} s\n`);
  const cleanNotes = JSON.stringify(cleanTake.notes);

  const results: ResumePoint[] = [];
  for (let i = 0; i < points; i++) {
    const take = path.join(dir, 'point.audeo.json');
    rmSync(take, { force: true });
    // a random moment between the first checkpoint and the end of a clean run
    const afterSec = rnd() * (clean.wallSec - firstCheckpointSec);
    const cut = await runCli(args('point'), { take, afterMs: afterSec * 1000 });
    const sigintSec = (cut.checkpointAtSec ?? 0) + afterSec;
    const held = readTakeJson(take);
    const checkpointFrames = !held ? 0 : held.progress.complete ? -1 : held.progress.framesDone;
    const again = await runCli(args('point'));
    const resumed = readTakeJson(take);
    const identical = again.code === 0 && resumed !== undefined && JSON.stringify(resumed.notes) === cleanNotes && resumed.rolls.roll2midi?.data === cleanTake.rolls.roll2midi?.data;
    results.push({ sigintSec, exit: cut.code, checkpointFrames, identical });
    process.stderr.write(`point ${i + 1}/${points}: SIGINT at ${sigintSec.toFixed(1)} s, exit ${cut.code}, checkpoint ${checkpointFrames} frames, resume ${again.wallSec.toFixed(1)} s, ${identical ? 'identical' : 'DIFFERENT'}\n`);
  }

  const same = results.filter((r) => r.identical).length;
  const resumedFrom = results.filter((r) => r.checkpointFrames > 0).length;
  const fresh = results.filter((r) => r.checkpointFrames === 0).length;
  const finished = results.filter((r) => r.checkpointFrames < 0).length;
  const lines = [
    `**${same}/${points} resumed runs gave the clean run's notes exactly** (and its refined roll, byte for byte).`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/resume.ts\` (seed ${seed}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}): the sample looped 4 times ` +
      `(${cleanTake.progress.framesDone} frames at 25 fps), the shipped Video2Roll model with \`--refiner r2m-light\`, ${cleanTake.notes.length} notes in the clean run ` +
      `(${clean.wallSec.toFixed(1)} s, its first checkpoint after ${firstCheckpointSec.toFixed(1)} s). Each point: \`audeo extract\` started, SIGINT at a random moment between its ` +
      `first checkpoint and the end of a clean run's time, then the same command again. ${resumedFrom} runs were resumed from a checkpoint, ` +
      `${fresh} started again from the beginning, ${finished} had already finished when the signal came. ` +
      'Without the fix of issue 20 defect 4 (the roll kept on the checkpoint\'s 8-bit grid as it is recorded) a resumed run refined an 8-bit roll before the resume point and full floats after it; test/extractor/resume-random.test.ts, which stops at 2 random frames, fails then.',
    '',
    '| point | SIGINT after (s) | exit | checkpoint held (frames) | notes after the next run |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...results.map((r, i) => `| ${i + 1} | ${r.sigintSec.toFixed(1)} | ${r.exit ?? '-'} | ${r.checkpointFrames < 0 ? 'done' : r.checkpointFrames} | ${r.identical ? 'identical' : '**different**'} |`),
  ];
  const body = lines.join('\n');
  process.stdout.write(`${body}\n`);
  if (!argv.includes('--no-write')) {
    writeSection(RELIABILITY_DOC, 'resume', body);
    process.stderr.write(`wrote the resume section of ${RELIABILITY_DOC}\n`);
  }
  if (same !== points) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
