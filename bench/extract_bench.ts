/**
 * Whole-pipeline extraction speed and memory (`audeo extract`: probe, keyboard locator, ffmpeg stream, Video2Roll,
 * Roll2Midi, note decoder, Take + MIDI + PNG writes).
 *
 *   npx tsc -p tsconfig.json --outDir bench/out/js && node bench/out/js/bench/extract_bench.js [--seconds 60] [--long-seconds 600] [--models DIR] [--md docs/speed.md]
 *
 * Videos: the bundled rendered sample (samples/demo.mp4, made by the project's renderer) looped with ffmpeg to the
 * wanted length (stream copy: no re-encode), in bench/out/. Models: models/index.json's defaults when it has a
 * video2roll default, else the tiny test fixtures (reported as such). Each extraction runs in a child process so
 * its peak RSS (process.resourceUsage().maxRSS) is its own. Prints a table: seconds of video, wall seconds,
 * x real time (wall), x real time per CPU (video seconds / (user+system CPU seconds / 2 cores)), peak RSS.
 * Targets (issue 2): >= 4x real time on the 60-s video, <= 1 GB peak on the 10-minute one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { extractToFiles } from '../src/extractor/extract-files';
import { ffmpegPath } from '../src/extractor/ffmpeg-path';

const ROOT = findRoot(__dirname);

function findRoot(from: string): string {
  let d = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'samples'))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}

interface ChildResult {
  readonly videoSec: number;
  readonly frames: number;
  readonly notes: number;
  readonly wallSec: number;
  readonly cpuSec: number;
  readonly maxRssMB: number;
  readonly stages: Record<string, number>;
  readonly models: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function child(video: string, modelsRoot: string): Promise<void> {
  // in the child: one extraction, then a JSON line on stdout
  const out = path.join(path.dirname(video), path.basename(video, '.mp4'));
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const stages: Record<string, number> = {};
  let last = '';
  const { summary } = await extractToFiles(video, {
    modelsRoot,
    midiPath: `${out}.mid`,
    takePath: `${out}.audeo.json`,
    pngPath: `${out}.png`,
    onProgress: (p) => {
      if (p.stage !== last) {
        stages[p.stage] = (performance.now() - t0) / 1000;
        last = p.stage;
      }
    },
  });
  await fs.rm(`${out}.audeo.json`, { force: true });
  const cpu = process.cpuUsage(cpu0);
  const res: ChildResult = {
    videoSec: summary.durationSec,
    frames: summary.frames,
    notes: summary.notes,
    wallSec: (performance.now() - t0) / 1000,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    stages,
    models: Object.values(summary.models)
      .filter((m): m is NonNullable<typeof m> => !!m)
      .map((m) => `${m.name}@${m.version}`)
      .join(' + '),
  };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}


function loopSample(seconds: number, outDir: string): string {
  const file = path.join(outDir, `extract_${seconds}s.mp4`);
  if (!existsSync(file)) {
    const sample = path.join(ROOT, 'samples', 'demo.mp4');
    execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', sample, '-t', String(seconds), '-c', 'copy', '-an', file]);
  }
  return file;
}

function modelsToUse(): { root: string; label: string } {
  const explicit = arg('models', '');
  if (explicit) return { root: path.resolve(explicit), label: 'given' };
  const root = path.join(ROOT, 'models');
  try {
    const idx = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as { defaults?: Record<string, string> };
    if (idx.defaults?.video2roll) return { root, label: 'default' };
  } catch {
    // fall through
  }
  return { root: path.join(ROOT, 'test', 'fixtures', 'models'), label: 'fixture (no default video2roll model yet)' };
}

function runChild(video: string, modelsRoot: string): ChildResult {
  const r = spawnSync(process.execPath, [__filename, '--child', video, modelsRoot], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`extraction of ${video} failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as ChildResult;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    await child(process.argv[3]!, process.argv[4]!);
    return;
  }
  const seconds = Number(arg('seconds', '60'));
  const longSeconds = Number(arg('long-seconds', '600'));
  const outDir = path.join(ROOT, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const models = modelsToUse();
  const rows: Array<[string, ChildResult]> = [];
  for (const s of [seconds, longSeconds].filter((x) => x > 0)) {
    const video = loopSample(s, outDir);
    process.stderr.write(`extracting ${path.relative(ROOT, video)} ...\n`);
    rows.push([`${s}-s video`, runChild(video, models.root)]);
  }
  const cores = 2;
  const head = '| video | models | frames | wall s | x real time (wall) | x real time per 2 cores of CPU | peak RSS MB | locate s | notes |';
  const lines = [head, '|---|---|---|---|---|---|---|---|---|'];
  for (const [name, r] of rows) {
    const locate = (r.stages.video2roll ?? 0) - (r.stages.locate ?? 0);
    lines.push(
      `| ${name} | ${r.models} (${models.label}) | ${r.frames} | ${r.wallSec.toFixed(1)} | ${(r.videoSec / r.wallSec).toFixed(2)} | ${(r.videoSec / (r.cpuSec / cores)).toFixed(2)} | ${r.maxRssMB.toFixed(0)} | ${locate.toFixed(1)} | ${r.notes} |`,
    );
  }
  const load = os.loadavg()[0]?.toFixed(1) ?? '?';
  const table = `${lines.join('\n')}\n\nMachine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load} at the end (the machine is shared). Targets: >= 4x real time (60 s), <= 1024 MB peak (10 min).\n`;
  process.stdout.write(`${table}`);
  const md = arg('md', '');
  if (md) {
    const file = path.resolve(md);
    const text = existsSync(file) ? await fs.readFile(file, 'utf8') : '# Speed\n';
    const begin = '<!-- extract_bench:begin -->';
    const end = '<!-- extract_bench:end -->';
    const block = `${begin}\n## Extraction (audeo extract, whole pipeline)\n\nMeasured by \`bench/extract_bench.ts\` on ${new Date().toISOString().slice(0, 16)}Z.\n\n${table}${end}`;
    const next = text.includes(begin) ? text.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${text.trimEnd()}\n\n${block}\n`;
    await fs.writeFile(file, next);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
