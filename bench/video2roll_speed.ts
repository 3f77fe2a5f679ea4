/**
 * Video2Roll speed in onnxruntime-node: frames/s of the network alone (random 5x100x900 windows), per shipped model.
 *   node <build>/bench/video2roll_speed.js [--batch 16] [--threads 2] [--runs 5] [--json out.json] [--models-dir models]
 * Prints a ratio table (frames/s, x real time at 25 fps, speed relative to the paper network), all measured in this
 * one run; medians of `runs` timed batches after 2 warm-up batches.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';

interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly type: string;
  readonly path: string;
  readonly sizeBytes: number;
}
export interface SpeedRow {
  readonly model: string;
  readonly sizeBytes: number;
  readonly batch: number;
  readonly threads: number;
  readonly framesPerSec: number;
  readonly xRealTime: number;
  /** frames per second of this process's CPU time (user + system) divided by `threads`: what the run would give with
   * the threads' cores to itself. On a shared machine the wall-clock figure understates the model's speed. */
  readonly framesPerCpuSecPerThread: number;
}

const MODELS_DIR = path.resolve(__dirname, '..', '..', 'models');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number, got ${String(process.argv[i + 1])}`);
  return v;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const ort = await import('onnxruntime-node');
  const batch = arg('--batch', 16);
  const threads = arg('--threads', 2);
  const runs = arg('--runs', 5);
  const jsonAt = process.argv.indexOf('--json');
  const dirAt = process.argv.indexOf('--models-dir');
  const given = dirAt >= 0 ? process.argv[dirAt + 1] : undefined;
  const modelsDir = given ? path.resolve(given) : existsSync(path.join(MODELS_DIR, 'index.json')) ? MODELS_DIR : path.resolve('models');
  const index = JSON.parse(await fs.readFile(path.join(modelsDir, 'index.json'), 'utf8')) as { models: IndexEntry[] };
  const entries = index.models.filter((m) => m.type === 'video2roll');
  if (entries.length === 0) throw new Error(`no video2roll model in ${modelsDir}/index.json; expected at least one (run the exporter)`);
  const input = new Float32Array(batch * 5 * 100 * 900);
  for (let i = 0; i < input.length; i++) input[i] = Math.random();
  const rows: SpeedRow[] = [];
  for (const e of entries) {
    const session = await ort.InferenceSession.create(path.join(modelsDir, e.path, 'model.onnx'), {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const feeds = { frames: new ort.Tensor('float32', input, [batch, 5, 100, 900]) };
    for (let i = 0; i < 2; i++) await session.run(feeds);
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await session.run(feeds);
      times.push((performance.now() - t0) / 1000);
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuSec = (cpu.user + cpu.system) / 1e6;
    await session.release();
    const fps = batch / median(times);
    const cpuFps = (batch * runs) / (cpuSec / threads);
    rows.push({ model: `${e.name}@${e.version}`, sizeBytes: e.sizeBytes, batch, threads, framesPerSec: fps, xRealTime: fps / 25, framesPerCpuSecPerThread: cpuFps });
    process.stderr.write(`${e.name}: ${fps.toFixed(1)} frames/s\n`);
  }
  const paper = rows.find((r) => r.model.startsWith('v2r-paper'));
  console.log(`| model | size MB | frames/s wall (batch ${batch}, ${threads} threads) | x real time (25 fps) | frames/s per ${threads} CPU-s | vs paper net (wall) | vs paper net (CPU) |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const ratio = paper ? `${(r.framesPerSec / paper.framesPerSec).toFixed(1)}x` : 'n/a';
    const ratioCpu = paper ? `${(r.framesPerCpuSecPerThread / paper.framesPerCpuSecPerThread).toFixed(1)}x` : 'n/a';
    console.log(
      `| ${r.model} | ${(r.sizeBytes / 1e6).toFixed(1)} | ${r.framesPerSec.toFixed(1)} | ${r.xRealTime.toFixed(1)} | ${r.framesPerCpuSecPerThread.toFixed(1)} | ${ratio} | ${ratioCpu} |`,
    );
  }
  if (jsonAt >= 0) {
    const out = process.argv[jsonAt + 1];
    if (!out) throw new RangeError('--json needs a file path');
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, JSON.stringify({ measuredAt: new Date().toISOString(), rows }, null, 2) + '\n');
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
