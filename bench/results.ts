/**
 * Regenerates docs/RESULTS.md (+ docs/results.png) from the latest models and measurements, in one command:
 *   npx tsc -p tsconfig.json --outDir .cache/build && node .cache/build/bench/results.js [--no-identify]
 * Sections: models (from models/index.json and each card's metrics), pseudo ground truth quality on OMAPS-50
 * (cached basic-pitch activations), the offline identification test, and speed tables that the benches left in
 * bench/out/*.md. Each with the date, the commit and the model versions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../src/io/atomic';
import { writePng } from '../src/io/png';
import { barChart, type Bar } from '../src/viz/bar-chart';

/** The repository root: the nearest folder up from the working directory with package.json and models/. */
function findRoot(): string {
  let d = process.cwd();
  while (!(existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'models')))) {
    const up = path.dirname(d);
    if (up === d) return process.cwd();
    d = up;
  }
  return d;
}
const root = findRoot();

interface IndexEntry {
  name: string;
  version: string;
  type: string;
  path: string;
}

function flatten(obj: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof obj === 'number' && Number.isFinite(obj)) out[prefix] = obj;
  else if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

const fmt = (x: number): string => (Math.abs(x) <= 1 && !Number.isInteger(x) ? x.toFixed(3) : String(Math.round(x * 100) / 100));

async function modelsSection(bars: Bar[]): Promise<{ md: string; versions: string }> {
  const indexFile = path.join(root, 'models', 'index.json');
  if (!existsSync(indexFile)) return { md: '_No models/index.json._\n', versions: 'none' };
  const index = JSON.parse(await fs.readFile(indexFile, 'utf8')) as { defaults?: Record<string, string>; models?: IndexEntry[] };
  const models = index.models ?? [];
  if (models.length === 0) return { md: '_No models yet (models/index.json lists none)._\n', versions: 'none' };
  const byType = new Map<string, IndexEntry[]>();
  for (const m of models) byType.set(m.type, [...(byType.get(m.type) ?? []), m]);
  const parts: string[] = [];
  for (const [type, list] of byType) {
    const rows: { id: string; metrics: Record<string, number> }[] = [];
    for (const m of list) {
      const cardFile = path.join(root, 'models', m.path, 'card.json');
      const card = existsSync(cardFile) ? (JSON.parse(await fs.readFile(cardFile, 'utf8')) as { metrics?: unknown }) : {};
      const id = `${m.name}@${m.version}${index.defaults?.[type] === `${m.name}@${m.version}` ? ' (default)' : ''}`;
      const metrics = flatten(card.metrics ?? {});
      rows.push({ id, metrics });
      for (const [k, v] of Object.entries(metrics)) if (/f1$/i.test(k) && v >= 0 && v <= 1) bars.push({ label: `${m.name}@${m.version} ${k}`.slice(0, 48), value: v, group: type });
    }
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
    parts.push(`### ${type}\n`);
    if (cols.length === 0) parts.push(`${rows.map((r) => `- ${r.id}: no metrics in its card`).join('\n')}\n`);
    else {
      parts.push(`| model | ${cols.join(' | ')} |\n| --- | ${cols.map(() => '---').join(' | ')} |`);
      for (const r of rows) parts.push(`| ${r.id} | ${cols.map((c) => (c in r.metrics ? fmt(r.metrics[c]!) : '')).join(' | ')} |`);
      parts.push('');
    }
  }
  return { md: `${parts.join('\n')}\n`, versions: models.map((m) => `${m.name}@${m.version}`).join(', ') };
}

async function main(): Promise<void> {
  const noIdentify = process.argv.includes('--no-identify');
  const log = (s: string): void => {
    process.stderr.write(`${s}\n`);
  };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    /* not a git checkout */
  }
  const date = new Date().toISOString().slice(0, 10);
  const bars: Bar[] = [];
  const models = await modelsSection(bars);
  const sections: string[] = [
    `# Results\n\nGenerated ${date} from commit ${commit} by \`node .cache/build/bench/results.js\` (see bench/results.ts). Models: ${models.versions}.\n`,
    `Frame figures say their convention: **micro** = mir_eval.multipitch (summed over frames), **sample-avg** = the paper's Table 1 (per frame, then averaged). See docs/eval.md.\n`,
    `## Models (metrics from each model card)\n\n${models.md}`,
  ];
  const omaps = '/work/shared/data/audio/omaps50';
  if (existsSync(omaps)) {
    log('pseudo ground truth on OMAPS ...');
    const { omapsReportMarkdown, loadOmapsPieces } = await import('../src/label/omaps');
    const { scorePieces, meanScores } = await import('../src/label/tune');
    const { LABEL_DECODE } = await import('../src/label/decode');
    const held = await loadOmapsPieces(omaps, 26, 50);
    if (held.length > 0) {
      const m = meanScores(scorePieces(held, LABEL_DECODE));
      bars.push({ label: 'audeo label: note-onset F1 (OMAPS held out)', value: m.onsetF1, group: 'pseudo labels' });
      bars.push({ label: 'audeo label: frame F1 micro (OMAPS held out)', value: m.frameF1, group: 'pseudo labels' });
      sections.push(`## Pseudo ground truth from audio (audeo label, basic-pitch) on OMAPS-50\n\n${await omapsReportMarkdown(omaps)}\nDetails: docs/pseudo-labels.md.\n`);
    } else sections.push('## Pseudo ground truth\n\n_Skipped: no cached basic-pitch activations (run `label_bench cache`)._\n');
    if (!noIdentify) {
      log('identification test (a few minutes) ...');
      const { runIdentificationTest } = await import('../src/eval/identification-test');
      const r = await runIdentificationTest(omaps, { log: (s) => process.stderr.write(`${s}\r`) });
      for (const row of r.rows) bars.push({ label: `identified: ${row.condition}`.slice(0, 48), value: row.top1, group: 'identification' });
      sections.push(`## Offline identification (the paper's Table 2; chroma + subsequence DTW)\n\n${r.markdown}\nDetails: docs/eval.md.\n`);
    }
  } else sections.push('_The shared data (../shared/data) is absent: OMAPS and identification sections skipped._\n');
  const outDir = path.join(root, 'bench', 'out');
  const speed: string[] = [];
  if (existsSync(outDir)) {
    for (const f of (await fs.readdir(outDir)).filter((x) => x.endsWith('.md')).sort()) speed.push(`### ${f.replace(/\.md$/, '')}\n\n${(await fs.readFile(path.join(outDir, f), 'utf8')).trim()}\n`);
  }
  sections.push(`## Speed (tables the benches wrote to bench/out/*.md)\n\n${speed.length > 0 ? speed.join('\n') : '_None yet: run the benches in bench/._\n'}`);
  if (bars.length > 0) {
    await writePng(path.join(root, 'docs', 'results.png'), barChart(`audeo results ${date} (${commit})`, bars));
    sections.splice(2, 0, '![main figures](results.png)\n');
  }
  await writeFileAtomic(path.join(root, 'docs', 'RESULTS.md'), sections.join('\n'));
  log('wrote docs/RESULTS.md and docs/results.png');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
