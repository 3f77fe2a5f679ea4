/**
 * Video2Roll (+ Roll2Midi) on REAL footage, scored against pseudo ground truth made from each clip's own soundtrack
 * (`audeo label`, basic-pitch; docs/pseudo-labels.md), through the whole TypeScript pipeline as users run it:
 * keyboard locator, rectification, the models, the note decoder.
 *
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/real_clips.js [--models-dir models] [--md bench/out/real_clips.md]
 *
 * Clips: right_hand_closeup (labels committed in samples/labels/) and scarborough_fair (no licence: its labels live
 * in .cache/labels/, made by the command in docs/pseudo-labels.md); a clip whose video or labels are missing is
 * skipped with a message. Rows: every video2roll model in the index, without Roll2Midi and with each roll2midi model.
 * Frame figures are computed on rolls built from the decoded notes (what `audeo eval` does by default). Overlay PNGs
 * (black hit, red miss, blue false alarm) go to bench/out/real/; with --docs, those of the index's default models are
 * also copied to docs/img/real-<clip>.png (what docs/video2roll.md shows).
 */
import { existsSync, mkdirSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { evaluateFiles, readNotesFile } from '../src/eval/eval-files';
import { extractToFiles } from '../src/extractor/extract-files';
import { writeFileAtomic } from '../src/io/atomic';

function findRoot(from: string): string {
  let d = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'samples'))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}
const ROOT = findRoot(__dirname);
const DATA = path.resolve(ROOT, '..', 'shared', 'data', 'video');

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly type: string;
}

const CLIPS: ReadonlyArray<{ id: string; video: string; labels: string; lowestKey?: number }> = [
  // A partial keyboard: the picture cannot tell the octave; the soundtrack's melody (C4-G4) puts its leftmost white key at G3.
  { id: 'right_hand_closeup', video: path.join(DATA, 'right_hand_closeup.mp4'), labels: path.join(ROOT, 'samples', 'labels', 'right_hand_closeup.pseudo.mid'), lowestKey: 55 },
  { id: 'scarborough_fair', video: path.join(DATA, 'scarborough_fair.mp4'), labels: path.join(ROOT, '.cache', 'labels', 'scarborough_fair.mid') },
];

const f3 = (x: number): string => x.toFixed(3);

async function main(): Promise<void> {
  const modelsRoot = path.resolve(arg('models-dir', path.join(ROOT, 'models')));
  const mdOut = path.resolve(arg('md', path.join(ROOT, 'bench', 'out', 'real_clips.md')));
  const outDir = path.join(ROOT, 'bench', 'out', 'real');
  mkdirSync(outDir, { recursive: true });
  const index = JSON.parse(await fs.readFile(path.join(modelsRoot, 'index.json'), 'utf8')) as { models: IndexEntry[]; defaults?: Record<string, string> };
  const docs = process.argv.includes('--docs');
  const v2r = index.models.filter((m) => m.type === 'video2roll');
  const r2m = index.models.filter((m) => m.type === 'roll2midi');
  if (v2r.length === 0) throw new Error(`no video2roll model in ${modelsRoot}/index.json; expected at least one (run the exporter)`);
  const rows: string[] = [];
  const skipped: string[] = [];
  for (const clip of CLIPS) {
    if (!existsSync(clip.video) || !existsSync(clip.labels)) {
      skipped.push(`${clip.id} (${existsSync(clip.video) ? `no labels at ${path.relative(ROOT, clip.labels)}` : `no video at ${clip.video}`})`);
      continue;
    }
    const ref = await readNotesFile(clip.labels, 'reference');
    for (const m of v2r) {
      for (const refiner of ['none', ...r2m.map((r) => `${r.name}@${r.version}`)]) {
        const tag = `${clip.id}-${m.name}-${refiner.replace('@', '-')}`;
        const base = path.join(outDir, tag);
        process.stderr.write(`${tag} ...\n`);
        const { summary } = await extractToFiles(clip.video, {
          modelsRoot,
          model: `${m.name}@${m.version}`,
          refiner,
          ...(clip.lowestKey !== undefined ? { lowestKey: clip.lowestKey } : {}),
          takePath: `${base}.audeo.json`,
          midiPath: `${base}.mid`,
          pngPath: `${base}.png`,
        });
        const pred = await readNotesFile(`${base}.audeo.json`, 'prediction');
        const r = await evaluateFiles(pred, ref, { fps: 25, threshold: 0.5, png: `${base}.overlay.png` });
        const isDefault = `${m.name}@${m.version}` === index.defaults?.video2roll && refiner === (index.defaults.roll2midi ?? 'none');
        if (docs && isDefault) await fs.copyFile(`${base}.overlay.png`, path.join(ROOT, 'docs', 'img', `real-${clip.id}.png`));
        rows.push(
          `| ${clip.id} | ${m.name}@${m.version} | ${refiner} | ${f3(r.frame.allKeys.micro.f1)} | ${f3(r.frame.paperKeys.micro.f1)} | ${f3(r.frame.allKeys.samples.f1)} | ${f3(r.frame.paperKeys.samples.f1)} | ${f3(r.note.onset.precision)} / ${f3(r.note.onset.recall)} / ${f3(r.note.onset.f1)} | ${summary.notes} / ${ref.notes.length} | ${summary.xRealTime.toFixed(1)} |`,
        );
      }
    }
  }
  const lines = [
    `Real clips vs soundtrack pseudo-labels (basic-pitch), ${new Date().toISOString().slice(0, 10)}, via \`node .cache/build/bench/real_clips.js\`:`,
    '',
    '| clip | video2roll | roll2midi | frame F1 micro 88 | micro 51 | sample-avg 88 | sample-avg 51 | note onset P / R / F1 (50 ms) | notes est / ref | x real time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...(skipped.length ? [`Skipped: ${skipped.join('; ')}.`, ''] : []),
    `Overlays (black hit, red miss, blue false alarm): bench/out/real/<clip>-<model>-<refiner>.overlay.png.`,
    '',
  ];
  await writeFileAtomic(mdOut, lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
