/** `audeo extract <video>`: video -> Take + MIDI file + piano-roll PNG. Light module; the pipeline loads lazily. */
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { parseNoteName } from '../../core/keys';
import { addKeyboardOverrideOptions, parseKeyboardOverrides, parseWhiteKey, type KeyboardOverrideText } from '../keyboard-options';
import { action } from '../run-command';

export interface ExtractCliOptions extends KeyboardOverrideText {
  readonly output?: string;
  readonly take?: string;
  readonly png?: string;
  readonly model?: string;
  readonly refiner?: string;
  readonly crop?: string;
  readonly lowestKey?: string;
  readonly threshold?: string;
  readonly bpm?: string;
  readonly quantize?: string;
  readonly velocity?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

export function parseCrop(text: string): [number, number, number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n)) || (nums[2] ?? 0) <= 0 || (nums[3] ?? 0) <= 0 || (nums[0] ?? 0) < 0 || (nums[1] ?? 0) < 0) {
    throw new InputError(`--crop "${text}" is not X,Y,W,H; expected four numbers in source pixels, e.g. --crop 0,400,1280,200`);
  }
  return nums as [number, number, number, number];
}

export function parseThreshold(text: string): number {
  const t = Number(text);
  if (!Number.isFinite(t) || t <= 0 || t >= 1) throw new InputError(`--threshold "${text}" is not a probability; expected a number between 0 and 1, e.g. 0.4`);
  return t;
}

export function parseLowestKey(text: string): number {
  try {
    const midi = parseNoteName(text);
    if (midi < 21 || midi > 108) throw new RangeError(`${text} is outside the piano (A0..C8)`);
    return midi;
  } catch (e) {
    throw new InputError(`--lowest-key "${text}": ${(e as Error).message}; expected the note of the leftmost visible white key, e.g. C3`);
  }
}

/** Runs the command (also used by tests and `audeo demo`). */
export async function runExtract(video: string, o: ExtractCliOptions): Promise<void> {
  const crop = o.crop !== undefined ? parseCrop(o.crop) : undefined;
  const overrides = parseKeyboardOverrides(o);
  const lowestKey = o.lowestKey === undefined ? undefined : overrides.corners ? parseWhiteKey('--lowest-key', o.lowestKey) : parseLowestKey(o.lowestKey);
  const threshold = o.threshold !== undefined ? parseThreshold(o.threshold) : undefined;
  const { parseBpm, parseQuantize, parseVelocity } = await import('../../io/midi-file');
  const midiFile = {
    ...(o.bpm !== undefined ? { bpm: parseBpm(o.bpm) } : {}),
    ...(o.quantize !== undefined ? { quantizeDivision: parseQuantize(o.quantize) } : {}),
    ...(o.velocity !== undefined ? { velocity: parseVelocity(o.velocity) } : {}),
  };
  const { extractToFiles } = await import('../../extractor/extract-files');
  const { makeProgress } = await import('../progress');
  const progress = makeProgress({ quiet: Boolean(o.quiet) });
  try {
    const { summary } = await extractToFiles(video, {
      ...(o.output ? { midiPath: o.output } : {}),
      ...(o.take ? { takePath: o.take } : {}),
      ...(o.png ? { pngPath: o.png } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.refiner ? { refiner: o.refiner } : {}),
      ...(crop ? { crop } : {}),
      ...(lowestKey !== undefined ? { lowestKey } : {}),
      ...overrides,
      ...(threshold !== undefined ? { threshold } : {}),
      midiFile,
      onProgress: (p) => progress.update(p.stage, p.framesDone, p.framesTotal),
    });
    progress.end();
    if (o.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    const m = summary.models;
    const lines = [
      `${summary.notes} notes from ${summary.durationSec.toFixed(1)} s of video (${summary.frames} frames at ${summary.fps} fps) in ${summary.wallSec.toFixed(1)} s (${summary.xRealTime.toFixed(1)}x real time)`,
      `models: ${m.video2roll ? `${m.video2roll.name}@${m.video2roll.version}` : '-'}${m.roll2midi ? ` + ${m.roll2midi.name}@${m.roll2midi.version}` : ''}; threshold ${summary.threshold}`,
      ...(summary.keyboard ? [`keyboard: box ${summary.keyboard.box.map((v) => Math.round(v)).join(',')}, keys ${summary.keyboard.lowestMidi}..${summary.keyboard.highestMidi}`] : []),
      ...summary.notices.map((n) => `note: ${n}`),
      `take: ${summary.take}`,
      `midi: ${summary.midi}${summary.midiFile ? ` (tempo ${summary.midiFile.tempo.source === 'tracked' ? `tracked, ${summary.midiFile.tempo.bpm.toFixed(1)} BPM (${summary.midiFile.tempo.minBpm.toFixed(0)}..${summary.midiFile.tempo.maxBpm.toFixed(0)})` : `${summary.midiFile.tempo.bpm.toFixed(1)} BPM ${summary.midiFile.tempo.source}`}; velocities ${summary.midiFile.velocity.min}..${summary.midiFile.velocity.max})` : ''}`,
      `roll: ${summary.png}`,
      ...(summary.keyboardPng ? [`keyboard picture: ${summary.keyboardPng} (check that the note names sit on the right keys)`] : []),
    ];
    process.stderr.write(`${lines.join('\n')}\n`);
  } finally {
    progress.end();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('extract')
    .description('Watch a top-view piano video and write its notes: a Take (.audeo.json), a MIDI file and a piano-roll PNG')
    .argument('<video>', 'the video file (mp4, mov, mkv, webm, ...)')
    .option('-o, --output <file.mid>', 'MIDI file (default: beside the video, <name>.mid)')
    .option('--take <file.audeo.json>', 'Take file, also the resume checkpoint (default: beside the video, <name>.audeo.json)')
    .option('--png <file.png>', 'piano-roll picture (default: the MIDI path with .png)')
    .option('--model <NAME[@VERSION]>', 'Video2Roll model (default: models/index.json default)')
    .option('--refiner <NAME[@VERSION]|none>', 'Roll2Midi model, or none to skip the stage (default: the index default, if any)')
    .option('--crop <X,Y,W,H>', 'search the keyboard only in this box of the frame (source pixels)')
    .option('--lowest-key <NOTE>', 'leftmost visible white key for a partial keyboard, e.g. C3');
  addKeyboardOverrideOptions(cmd)
    .option('--threshold <T>', 'note threshold 0..1 (default: the model card, else 0.4)')
    .option('--bpm <N>', 'MIDI file: one tempo, N beats per minute (default: a tempo map tracked from the notes)')
    .option('--quantize <1/N>', 'MIDI file: snap note starts and ends to 1/N notes of the tempo map, e.g. 1/16 (default: off)')
    .option('--velocity <context|keep|N>', 'MIDI file: velocities from each note\'s context (default), the Take\'s own (keep: 100), or N for all')
    .option('--json', 'print one JSON result object on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo extract performance.mp4                   # performance.mid, .audeo.json and .png beside the video
  $ audeo extract performance.mp4 -o notes.mid --png roll.png
  $ audeo extract performance.mp4 -o notes.mid --bpm 96 --quantize 1/16
  $ audeo extract closeup.mp4 --lowest-key C3 --crop 0,400,1920,300`,
    )
    .action(
      action(async (video: string, o: ExtractCliOptions) => {
        const { withInterruptNotice, extractInterruptMessage } = await import('../interrupt');
        const { defaultOutputs } = await import('../../extractor/extract-files');
        const take = defaultOutputs(video, o.take ? { takePath: o.take } : {}).take;
        await withInterruptNotice(() => extractInterruptMessage(video, take), () => runExtract(video, o));
      }),
    );
}
