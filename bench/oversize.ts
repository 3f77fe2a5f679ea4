/**
 * Oversize inputs (issue 20): MIDI files of 50k and 500k notes (139 notes a second, so 500k notes is an hour of
 * music) and a 500k-note Take, through `audeo play --dry-run --fast`, `audeo render` (the SoundFont, 44.1 kHz) and
 * `audeo eval` (the file against itself). Each command runs in its own Node process; its wall time and peak RSS
 * (process.resourceUsage().maxRSS, written by a preload at exit) and CPU time are recorded. Linear time: the CPU time
 * per note at 500k is within 2x of the CPU time per note at 50k (CPU time, as the machine is shared). Target: every run under 1 GB. Writes the `oversize` section of
 * docs/reliability.md (`--no-write`: print only; `--sizes 5000,20000`: other sizes, e.g. for a quick look).
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/oversize.js [--sizes 50000,500000] [--no-write]
 *
 * About 10 to 15 minutes on the 2-core machine, most of it the hour of SoundFont audio (about 5x real time).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bigSmf, bigTakeJson } from './big-inputs';
import { RELIABILITY_DOC, repoRoot, writeSection } from './doc-sections';

const ROOT = repoRoot();
const CLI = path.join(__dirname, '..', 'src', 'cli', 'main.js');
const NOTES_PER_SEC = 139;
const LIMIT_MB = 1024;

interface Measured {
  readonly code: number | null;
  readonly wallSec: number;
  readonly cpuSec: number;
  readonly maxRssMB: number;
  readonly lastLine: string;
}

/** Runs the CLI in a child with a preload that writes its peak RSS at exit; stdout is dropped (a dry run prints every event). */
function measure(args: string[], dir: string): Promise<Measured> {
  const preload = path.join(dir, 'rss-preload.js');
  const rssFile = path.join(dir, 'rss.json');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify(process.resourceUsage())));\n`);
  rmSync(rssFile, { force: true });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-r', preload, CLI, ...args], { env: { ...process.env, AUDEO_BUNDLED_MODELS: path.join(ROOT, 'models') }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallSec = (performance.now() - t0) / 1000;
      let maxRssMB = NaN;
      let cpuSec = NaN;
      try {
        const u = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number; userCPUTime: number; systemCPUTime: number };
        maxRssMB = u.maxRSS / 1024;
        cpuSec = (u.userCPUTime + u.systemCPUTime) / 1e6;
      } catch {
        // the child died before its exit handler
      }
      resolve({ code, wallSec, cpuSec, maxRssMB, lastLine: stderr.trim().split('\n').pop() ?? '' });
    });
  });
}

interface Row {
  readonly input: string;
  readonly notes: number;
  readonly command: string;
  readonly m: Measured;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes = (opt('--sizes') ?? '50000,500000').split(',').map(Number);
  const dir = path.join(ROOT, 'bench', 'out', 'oversize');
  mkdirSync(dir, { recursive: true });
  const rows: Row[] = [];
  const run = async (input: string, notes: number, command: string, args: string[]): Promise<void> => {
    const m = await measure(args, dir);
    rows.push({ input, notes, command, m });
    process.stderr.write(`${input} ${command}: exit ${m.code}, ${m.wallSec.toFixed(1)} s (${m.cpuSec.toFixed(1)} s CPU), ${m.maxRssMB.toFixed(0)} MB (${m.lastLine})\n`);
  };
  for (const n of sizes) {
    const sec = n / NOTES_PER_SEC;
    const mid = path.join(dir, `notes-${n}.mid`);
    writeFileSync(mid, bigSmf(n, sec));
    const label = `${n / 1000}k-note MIDI (${(sec / 60).toFixed(0)} min)`;
    await run(label, n, 'play --dry-run --fast', ['play', mid, '--dry-run', '--fast', '--quiet']);
    await run(label, n, 'render (SoundFont, 44.1 kHz)', ['render', mid, '-o', path.join(dir, 'out.wav')]);
    await run(label, n, 'eval (against itself)', ['eval', mid, mid]);
    rmSync(path.join(dir, 'out.wav'), { force: true });
  }
  const biggest = Math.max(...sizes);
  const take = path.join(dir, `notes-${biggest}.audeo.json`);
  writeFileSync(take, bigTakeJson(biggest, biggest / NOTES_PER_SEC));
  const takeLabel = `${biggest / 1000}k-note Take (${(biggest / NOTES_PER_SEC / 60).toFixed(0)} min, ${(statSync(take).size / 1e6).toFixed(0)} MB)`;
  await run(takeLabel, biggest, 'play --dry-run --fast', ['play', take, '--dry-run', '--fast', '--quiet']);

  // linear time: the time per note of the largest size against the smallest, per command
  const smallest = Math.min(...sizes);
  const perNote = (command: string, n: number): number => {
    const r = rows.find((x) => x.command === command && x.notes === n && x.input.includes('MIDI'));
    return r ? r.m.cpuSec / n : NaN;
  };
  const commands = [...new Set(rows.map((r) => r.command))];
  const ratios = commands.map((c) => ({ c, ratio: perNote(c, biggest) / perNote(c, smallest) })).filter((x) => Number.isFinite(x.ratio));
  const maxRss = Math.max(...rows.map((r) => r.m.maxRssMB));
  const ok = rows.every((r) => r.m.code === 0) && maxRss < LIMIT_MB && ratios.every((x) => x.ratio <= 2);
  const lines = [
    `**${ok ? 'Within the targets' : 'NOT within the targets'}**: every run exits 0, the largest peak is ${maxRss.toFixed(0)} MB (target < ${LIMIT_MB} MB), and the CPU time per note at ` +
      `${biggest / 1000}k notes is ${ratios.map((x) => `${x.ratio.toFixed(2)}x (${x.c.split(' ')[0]})`).join(', ')} the CPU time per note at ${smallest / 1000}k (linear: <= 2x).`,
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/oversize.ts\` (${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end; the machine was shared, ` +
      `so the wall times are upper bounds). Inputs from \`bench/big-inputs.ts\`: ${NOTES_PER_SEC} notes a second, each 0.25 s, pitches in fifths over the 88 keys. Each command in its own ` +
      'Node process; peak memory is its `process.resourceUsage().maxRSS`. `render` streams the WAV to disk (an hour of 44.1 kHz audio was three float arrays of 635 MB each before).',
    '',
    '| input | command | exit | wall (s) | CPU (s) | CPU per note (µs) | peak RSS (MB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.input} | \`${r.command}\` | ${r.m.code ?? '-'} | ${r.m.wallSec.toFixed(1)} | ${r.m.cpuSec.toFixed(1)} | ${((r.m.cpuSec / r.notes) * 1e6).toFixed(1)} | ${r.m.maxRssMB.toFixed(0)} |`),
  ];
  const body = lines.join('\n');
  process.stdout.write(`${body}\n`);
  if (!argv.includes('--no-write')) {
    writeSection(RELIABILITY_DOC, 'oversize', body);
    process.stderr.write(`wrote the oversize section of ${RELIABILITY_DOC}\n`);
  }
  if (!ok) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
