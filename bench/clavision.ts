/**
 * The clavision validation pieces (real video, the piano's own MIDI) through `audeo extract` exactly as users run it,
 * scored against the calibrated MIDI (training/clavision.json: pitch shift, per-clip offset):
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/clavision.js \
 *     [--model NAME@V] [--refiner NAME@V|none] [--models-dir models] [--split val|train] [--tag default] [--only CLIP,...]
 *
 * Writes bench/out/clavision/<tag>.md (the table) and <tag>.json (per-clip figures), Takes/MIDI/overlays beside them.
 * A clip whose keyboard is not found is a row with F1 0 (it counts in the median: a user would get nothing).
 *
 *   node .cache/build/bench/clavision.js --compare before-1.1.0,after   # bench/out/clavision/compare.md from earlier runs' JSON
 * Skips with a message when ../shared/data/video/clavision is absent.
 */
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseMidiNotes } from '../src/core/reference';
import { evaluateFiles, readNotesFile } from '../src/eval/eval-files';
import { extractToFiles } from '../src/extractor/extract-files';
import { writeFileAtomic } from '../src/io/atomic';

const ROOT = path.resolve(__dirname, existsSync(path.resolve(__dirname, '..', 'package.json')) ? '..' : '../../..');
const DATA = path.resolve(process.env.AUDEO_DATA ?? path.join(ROOT, '..', 'shared', 'data'), 'video', 'clavision');

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

interface ClipCal {
  piece: number;
  camera: string;
  offset_sec: number | null;
  faults: number[][];
  excluded: string;
}
interface Calibration {
  version: string;
  pitchShift: number;
  split: { train: number[]; val: number[] };
  clips: Record<string, ClipCal>;
}

export interface ClipResult {
  clip: string;
  camera: string;
  located: boolean;
  error?: string;
  onset: { precision: number; recall: number; f1: number };
  frameMicroF1: number;
  notesEst: number;
  notesRef: number;
  xRealTime: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const f3 = (x: number): string => x.toFixed(3);

interface RunFile {
  split: string;
  tag: string;
  model?: string;
  refiner?: string;
  calibration: string;
  results: ClipResult[];
}

const range = (xs: number[]): string => `${f3(median(xs))} (${f3(Math.min(...xs))}-${f3(Math.max(...xs))})`;

/** One table over earlier runs (their JSON): medians with min-max over clips, per camera position, and per clip. */
async function compare(tags: string[]): Promise<void> {
  const runs: RunFile[] = [];
  for (const t of tags) runs.push(JSON.parse(await fs.readFile(path.join(ROOT, 'bench', 'out', 'clavision', `${t}.json`), 'utf8')) as RunFile);
  const cams = [...new Set(runs.flatMap((r) => r.results.map((c) => c.camera)))].sort();
  const clips = [...new Set(runs.flatMap((r) => r.results.map((c) => c.clip)))].sort();
  const lines = [
    `clavision ${runs[0]?.split ?? 'val'} pieces through \`audeo extract\`, against the piano's MIDI (calibration ${runs[0]?.calibration ?? '?'}); median over clips (min-max); a clip whose keyboard is not found scores 0:`,
    '',
    `| run | models | clips | located | note-onset F1 | micro frame F1 | ${cams.map((c) => `onset F1, camera ${c}`).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | --- | ${cams.map(() => '---').join(' | ')} |`,
    ...runs.map((r) => {
      const per = cams.map((c) => {
        const xs = r.results.filter((x) => x.camera === c).map((x) => x.onset.f1);
        return xs.length ? f3(median(xs)) : '';
      });
      return `| ${r.tag} | ${r.model ?? 'defaults'} + ${r.refiner ?? 'default refiner'} | ${r.results.length} | ${r.results.filter((x) => x.located).length} | ${range(r.results.map((x) => x.onset.f1))} | ${range(r.results.map((x) => x.frameMicroF1))} | ${per.join(' | ')} |`;
    }),
    '',
    'Per clip, note-onset F1 / micro frame F1:',
    '',
    `| clip | ${runs.map((r) => r.tag).join(' | ')} |`,
    `| --- | ${runs.map(() => '---').join(' | ')} |`,
    ...clips.map((c) => `| ${c} | ${runs.map((r) => {
      const x = r.results.find((y) => y.clip === c);
      return x ? (x.located ? `${f3(x.onset.f1)} / ${f3(x.frameMicroF1)}` : 'not located') : '';
    }).join(' | ')} |`),
    '',
  ];
  await writeFileAtomic(path.join(ROOT, 'bench', 'out', 'clavision', 'compare.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const cmp = arg('compare');
  if (cmp) return compare(cmp.split(','));
  if (!existsSync(DATA)) {
    process.stdout.write(`clavision data not found at ${DATA}: skipped\n`);
    return;
  }
  const cal = JSON.parse(await fs.readFile(path.join(ROOT, 'training', 'clavision.json'), 'utf8')) as Calibration;
  const split = arg('split', 'val') as 'val' | 'train';
  const tag = arg('tag', 'default')!;
  const model = arg('model');
  const refiner = arg('refiner');
  const only = arg('only')?.split(',');
  const modelsRoot = path.resolve(arg('models-dir', path.join(ROOT, 'models'))!);
  const outDir = path.join(ROOT, 'bench', 'out', 'clavision', tag);
  mkdirSync(outDir, { recursive: true });
  const results: ClipResult[] = [];
  const names = Object.keys(cal.clips).filter((c) => cal.split[split].includes(cal.clips[c]!.piece) && !cal.clips[c]!.excluded && cal.clips[c]!.offset_sec !== null && (!only || only.includes(c)));
  for (const clip of names.sort()) {
    const c = cal.clips[clip]!;
    const video = path.join(DATA, `${clip}.mp4`);
    const base = path.join(outDir, clip);
    // reference: the piano's MIDI with the calibration applied (standard pitch, video seconds)
    const raw = parseMidiNotes(await fs.readFile(path.join(DATA, `${clip}.mid`)), `${clip}.mid`);
    const refLines = raw
      .map((n) => ({ on: n.onsetSec + (c.offset_sec ?? 0), off: n.offsetSec + (c.offset_sec ?? 0), p: n.pitch + cal.pitchShift }))
      .filter((n) => n.p >= 21 && n.p <= 108)
      .map((n) => `${n.on.toFixed(4)}\t${n.off.toFixed(4)}\t${n.p}`);
    await fs.writeFile(`${base}.ref.txt`, `${refLines.join('\n')}\n`);
    const ref = await readNotesFile(`${base}.ref.txt`, 'reference');
    process.stderr.write(`${clip} ...\n`);
    try {
      const { summary } = await extractToFiles(video, {
        modelsRoot,
        ...(model ? { model } : {}),
        ...(refiner ? { refiner } : {}),
        takePath: `${base}.audeo.json`,
        midiPath: `${base}.mid`,
        pngPath: `${base}.png`,
      });
      const pred = await readNotesFile(`${base}.audeo.json`, 'prediction');
      const r = await evaluateFiles(pred, ref, { fps: 25, threshold: 0.5, png: `${base}.overlay.png` });
      results.push({ clip, camera: c.camera, located: true, onset: r.note.onset, frameMicroF1: r.frame.allKeys.micro.f1, notesEst: summary.notes, notesRef: ref.notes.length, xRealTime: summary.xRealTime });
    } catch (e) {
      const msg = (e as Error).message;
      results.push({ clip, camera: c.camera, located: false, error: msg.split('\n')[0]!.slice(0, 160), onset: { precision: 0, recall: 0, f1: 0 }, frameMicroF1: 0, notesEst: 0, notesRef: ref.notes.length, xRealTime: 0 });
    }
  }
  const on = results.map((r) => r.onset.f1);
  const fr = results.map((r) => r.frameMicroF1);
  const lines = [
    `clavision ${split} pieces (${cal.split[split].join(', ')}), calibration ${cal.version} (pitch shift ${cal.pitchShift >= 0 ? '+' : ''}${cal.pitchShift}), models: ${model ?? 'index default'} + ${refiner ?? 'index default refiner'}, ${new Date().toISOString().slice(0, 16)}Z, via \`node .cache/build/bench/clavision.js\`:`,
    '',
    '| clip | camera | note onset P / R / F1 (50 ms) | frame F1 micro 88 | notes est / ref | x real time |',
    '| --- | --- | --- | --- | --- | --- |',
    ...results.map((r) =>
      r.located
        ? `| ${r.clip} | ${r.camera} | ${f3(r.onset.precision)} / ${f3(r.onset.recall)} / ${f3(r.onset.f1)} | ${f3(r.frameMicroF1)} | ${r.notesEst} / ${r.notesRef} | ${r.xRealTime.toFixed(1)} |`
        : `| ${r.clip} | ${r.camera} | not located: ${r.error?.replace(/\|/g, '/') ?? ''} (scored 0) | 0 | 0 / ${r.notesRef} | |`,
    ),
    '',
    `Median over ${results.length} clips: note-onset F1 **${f3(median(on))}** (min ${f3(Math.min(...on))}, max ${f3(Math.max(...on))}), micro frame F1 **${f3(median(fr))}** (min ${f3(Math.min(...fr))}, max ${f3(Math.max(...fr))}); ${results.filter((r) => !r.located).length} not located.`,
    '',
  ];
  await writeFileAtomic(path.join(ROOT, 'bench', 'out', 'clavision', `${tag}.md`), lines.join('\n'));
  await writeFileAtomic(path.join(ROOT, 'bench', 'out', 'clavision', `${tag}.json`), `${JSON.stringify({ split, tag, model, refiner, calibration: cal.version, results }, null, 1)}\n`);
  process.stdout.write(lines.join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
