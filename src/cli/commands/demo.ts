/**
 * `audeo demo`: the main job on the bundled sample (samples/demo.mp4, rendered by the project's own renderer):
 * Take, MIDI file, piano-roll PNG and — when the renderer is available — a WAV, in ./audeo-demo/, and a summary
 * with the note-onset F1 against the sample's expected notes (samples/demo.expected.json).
 */
import { Option, type Command } from 'commander';
import * as path from 'node:path';
import { action } from '../run-command';

/** The repository (or installed package) root: three levels above this file in src/ and in dist/. */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..', '..');
}

export interface DemoOptions {
  readonly out?: string;
  readonly video?: string;
  readonly expected?: string;
  readonly model?: string;
  readonly refiner?: string;
  readonly modelsRoot?: string;
  readonly audio?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export interface DemoResult {
  readonly dir: string;
  readonly take: string;
  readonly midi: string;
  readonly png: string;
  readonly wav?: string;
  readonly notes: number;
  readonly expectedNotes: number;
  readonly onsetF1: number;
  readonly onsetPrecision: number;
  readonly onsetRecall: number;
  readonly xRealTime: number;
  readonly wallSec: number;
  readonly models: Record<string, string>;
  readonly notices: readonly string[];
}

type RenderFn = (notes: readonly unknown[], outWav: string, opts: Record<string, unknown>) => Promise<unknown>;

async function loadRenderer(): Promise<RenderFn | undefined> {
  try {
    const modPath = '../../render';
    const mod = (await import(modPath)) as { renderNotesToFile?: unknown };
    return typeof mod.renderNotesToFile === 'function' ? (mod.renderNotesToFile as RenderFn) : undefined;
  } catch {
    return undefined;
  }
}

export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const { promises: fs } = await import('node:fs');
  const { InputError } = await import('../../core/errors');
  const root = packageRoot();
  const video = o.video ?? path.join(root, 'samples', 'demo.mp4');
  const expectedFile = o.expected ?? path.join(root, 'samples', 'demo.expected.json');
  const dir = path.resolve(o.out ?? 'audeo-demo');
  const { extractToFiles } = await import('../../extractor/extract-files');
  const { makeProgress } = await import('../progress');
  const { noteMetrics } = await import('../../core/metrics');
  const { parseTake } = await import('../../core/take');
  let expected: ReturnType<typeof parseTake>['notes'];
  try {
    const json = JSON.parse(await fs.readFile(expectedFile, 'utf8')) as { notes?: unknown };
    expected = parseTake({ format: 'audeo.take', version: 1, source: {}, notes: json.notes }, expectedFile).notes;
  } catch (e) {
    throw new InputError(`cannot read the demo's expected notes ${expectedFile} (${(e as Error).message}); expected {"notes": [...]}`);
  }
  await fs.mkdir(dir, { recursive: true });
  const progress = makeProgress({ quiet: Boolean(o.quiet) });
  const log = (line: string): void => {
    if (!o.quiet && !o.json) process.stderr.write(`${line}\n`);
  };
  log(`audeo demo: ${path.relative(process.cwd(), video) || video} -> ${dir}`);
  const { take, summary } = await extractToFiles(video, {
    midiPath: path.join(dir, 'demo.mid'),
    takePath: path.join(dir, 'demo.audeo.json'),
    pngPath: path.join(dir, 'demo.png'),
    ...(o.model ? { model: o.model } : {}),
    ...(o.refiner ? { refiner: o.refiner } : {}),
    ...(o.modelsRoot ? { modelsRoot: o.modelsRoot } : {}),
    onProgress: (p) => progress.update(p.stage, p.framesDone, p.framesTotal),
  });
  progress.end();
  const notices = [...summary.notices];
  let wav: string | undefined;
  if (o.audio !== false) {
    const render = await loadRenderer();
    if (!render) notices.push('no renderer in this build (src/render): audio skipped');
    else {
      const file = path.join(dir, 'demo.wav');
      try {
        await render(take.notes, file, { durationSec: summary.durationSec, log });
        wav = file;
      } catch (e) {
        notices.push(`audio skipped: ${(e as Error).message}`);
      }
    }
  }
  const scores = noteMetrics(take.notes, expected, { onsetToleranceSec: 0.05 });
  const models: Record<string, string> = {};
  for (const [k, v] of Object.entries(take.models)) if (v) models[k] = `${v.name}@${v.version}`;
  return {
    dir,
    take: summary.take,
    midi: summary.midi,
    png: summary.png,
    ...(wav ? { wav } : {}),
    notes: take.notes.length,
    expectedNotes: expected.length,
    onsetF1: scores.f1,
    onsetPrecision: scores.precision,
    onsetRecall: scores.recall,
    xRealTime: summary.xRealTime,
    wallSec: summary.wallSec,
    models,
    notices,
  };
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run the main job on the bundled sample video: Take, MIDI file, piano-roll PNG and audio in ./audeo-demo/')
    .option('-o, --output <dir>', 'output folder', 'audeo-demo')
    .addOption(new Option('--out <dir>', 'old spelling of --output').hideHelp())
    .option('--model <NAME[@VERSION]>', 'Video2Roll model (default: models/index.json default)')
    .option('--refiner <NAME[@VERSION]|none>', 'Roll2Midi model, or none')
    .option('--no-audio', 'skip the WAV')
    .option('--json', 'print one JSON result object on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo demo                      # ./audeo-demo/: take, MIDI, roll picture, audio
  $ audeo demo -o /tmp/demo --no-audio
  $ audeo demo --refiner none --json`,
    )
    .action(
      action(async (o: DemoOptions & { output?: string }) => {
        const r = await runDemo({ ...o, out: o.out ?? o.output ?? 'audeo-demo' });
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r)}\n`);
          return;
        }
        const rel = (f: string): string => path.relative(process.cwd(), f) || f;
        process.stderr.write(
          [
            `${r.notes} notes (expected ${r.expectedNotes}); note-onset F1 ${r.onsetF1.toFixed(3)} (P ${r.onsetPrecision.toFixed(3)}, R ${r.onsetRecall.toFixed(3)}, 50 ms)`,
            `models: ${Object.entries(r.models).map(([k, v]) => `${k} ${v}`).join(', ')}; ${r.xRealTime.toFixed(1)}x real time`,
            ...r.notices.map((n) => `note: ${n}`),
            `take:  ${rel(r.take)}`,
            `midi:  ${rel(r.midi)}`,
            `roll:  ${rel(r.png)}`,
            ...(r.wav ? [`audio: ${rel(r.wav)}`] : []),
          ].join('\n') + '\n',
        );
      }),
    );
}
