/** `audeo adapt <video>... --name NAME`: fit the Video2Roll model to your own piano and camera (src/adapt/). */
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { addKeyboardOverrideOptions, parseKeyboardOverrides, type KeyboardOverrideText } from '../keyboard-options';
import { action } from '../run-command';
import { parseCrop, parseLowestKey } from './extract';

export interface AdaptCliOptions extends KeyboardOverrideText {
  readonly name?: string;
  readonly midi?: string[];
  readonly from?: string;
  readonly minutes?: string;
  readonly crop?: string;
  readonly lowestKey?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export function parseMinutes(text: string): number {
  const m = Number(text);
  if (!Number.isFinite(m) || m <= 0 || m > 600) throw new InputError(`--minutes "${text}" is not a training budget; expected minutes between 0 and 600, e.g. --minutes 2`);
  return m;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}`;

export async function runAdapt(videos: string[], o: AdaptCliOptions): Promise<void> {
  if (!o.name) throw new InputError('--name is missing; expected a name for your model, e.g. --name my-upright');
  const minutes = o.minutes !== undefined ? parseMinutes(o.minutes) : undefined;
  const crop = o.crop !== undefined ? parseCrop(o.crop) : undefined;
  const overrides = parseKeyboardOverrides(o);
  const lowestKey = o.lowestKey !== undefined ? parseLowestKey(o.lowestKey) : undefined;
  const { adapt } = await import('../../adapt/adapt');
  const { planUserModel, writeUserModel, removeStaleTemps } = await import('../../adapt/user-model');
  const { loadModel } = await import('../../extractor/models');
  const { readFile } = await import('node:fs/promises');
  const { makeProgress } = await import('../progress');
  // everything that can be refused is refused before the long work: the base model, the name, the folder
  const base = await loadModel('video2roll', o.from);
  if (!base) throw new InputError('no video2roll model is installed; expected models/index.json to list one');
  const plan = await planUserModel(o.name, base.card);
  await removeStaleTemps(plan.root);
  const progress = makeProgress({ quiet: Boolean(o.quiet), unit: '' });
  const t0 = performance.now();
  let result;
  try {
    result = await adapt({
      videos,
      ...(o.midi?.length ? { midi: o.midi } : {}),
      from: `${base.card.name}@${base.card.version}`,
      ...(minutes !== undefined ? { minutes } : {}),
      extract: { ...(crop ? { crop } : {}), ...(lowestKey !== undefined ? { lowestKey } : {}), ...overrides },
      onProgress: (p) => progress.update(`${p.stage} ${p.unit}`.trim(), p.done, p.total),
    });
  } finally {
    progress.end();
  }
  const { heldOutPicture } = await import('../../adapt/picture');
  const picture = new Map([['heldout.png', new Uint8Array(heldOutPicture(result.heldOut).toPng())]]);
  const card = await writeUserModel(plan, new Uint8Array(await readFile(base.onnxPath)), result, picture);
  const wallSec = (performance.now() - t0) / 1000;
  const summary = {
    model: `${plan.name}@${plan.version}`,
    dir: plan.dir,
    base: `${base.card.name}@${base.card.version}`,
    footageSec: result.footageSec,
    wallSec,
    threshold: result.threshold,
    heldOut: { before: result.before, thresholdOnly: result.thresholdOnly, after: result.after },
    baseThreshold: result.baseThreshold,
    clips: result.clips.map((c) => ({ file: c.file, labels: c.labels, heldOutFromSec: c.heldOutFromSec, before: c.before, thresholdOnly: c.thresholdOnly, after: c.after })),
    epochs: result.epochs.length,
    sha256: card.sha256,
  };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const b = result.before;
  const a = result.after;
  const t = result.thresholdOnly;
  const lines = [
    `adapted ${summary.base} to ${result.clips.length} take(s), ${result.footageSec.toFixed(0)} s of footage, in ${wallSec.toFixed(0)} s (${result.epochs.length} epochs)`,
    ...result.clips.filter((c) => c.labels.source === 'midi').map((c) => `  ${c.labels.file}: aligned at ${c.labels.offsetSec?.toFixed(3)} s, pitch shift ${c.labels.pitchShift}, contrast ${c.labels.contrast?.toFixed(1)}`),
    `held out (the last 20 % of each take, never trained on), against the ${result.clips[0]?.labels.source === 'midi' ? 'MIDI recording' : 'soundtrack labels'}:`,
    `                 note-onset F1   (P / R)          frame F1`,
    `  before (base)  ${pct(b.onset.f1).padStart(5)}          (${pct(b.onset.precision)} / ${pct(b.onset.recall)})      ${pct(b.frameF1)}`,
    `  threshold only ${pct(t.onset.f1).padStart(5)}          (${pct(t.onset.precision)} / ${pct(t.onset.recall)})      ${pct(t.frameF1)}   (base model, threshold ${result.baseThreshold} picked on your takes)`,
    `  after          ${pct(a.onset.f1).padStart(5)}          (${pct(a.onset.precision)} / ${pct(a.onset.recall)})      ${pct(a.frameF1)}   (adapted head, threshold ${result.threshold})`,
    `  (${a.referenceNotes} reference notes held out${a.referenceNotes < 50 ? ': few, so these figures move a lot between takes' : ''})`,
    `model: ${plan.dir} (heldout.png shows the held-out notes before and after: black right, red missed, blue false alarm)`,
    `use it: audeo extract <video> --model ${plan.name}   |   audeo play <video> --model ${plan.name}`,
  ];
  process.stderr.write(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('adapt')
    .description('Fit the Video2Roll model to your own piano and camera from takes filmed with their sound (or a MIDI recording); writes a model of your own')
    .argument('<video...>', 'takes filmed on your set-up, with the sound on (or with --midi)')
    .option('--name <NAME>', 'name of your model (lower-case, digits, dashes); a second adapt with the same name makes the next version')
    .option('--midi <take.mid...>', 'a MIDI file recorded during each take (one per video, same order) instead of the soundtrack')
    .option('--from <NAME[@VERSION]>', 'model to start from (default: the bundled default Video2Roll model)')
    .option('--minutes <N>', 'training budget in minutes (default: 10 epochs, about a minute for 3 minutes of footage)')
    .option('--crop <X,Y,W,H>', 'search the keyboard only in this box of the frame (source pixels)')
    .option('--lowest-key <NOTE>', 'leftmost visible white key for a partial keyboard, e.g. C3');
  addKeyboardOverrideOptions(cmd)
    .option('--json', 'print one JSON result object on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Film 2-5 minutes on your own piano and camera with the sound on; audeo labels the sound, learns your set-up on the
first 80 % and shows the note-onset F1 on the last 20 % before and after. Models go to ~/.audeo/models
(AUDEO_MODELS changes it); \`audeo models\` lists them.

Examples:
  $ audeo adapt take1.mp4 take2.mp4 --name my-upright
  $ audeo adapt take.mp4 --midi take.mid --name stage-piano     # a digital piano's MIDI recorded with the take
  $ audeo extract silent.mp4 --model my-upright`,
    )
    .action(
      action(async (videos: string[], o: AdaptCliOptions) => {
        const { withInterruptNotice } = await import('../interrupt');
        await withInterruptNotice(() => 'interrupted: no model was written (run audeo adapt again to start over)', () => runAdapt(videos, o));
      }),
    );
}
