/** `audeo label <video-or-audio>`: pseudo ground truth from the soundtrack (basic-pitch), as the paper made its labels. */
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { action } from '../run-command';

interface LabelCliOptions {
  output?: string;
  take?: string;
  json?: boolean;
  cache?: string;
  onsetThreshold?: string;
  frameThreshold?: string;
  minNoteMs?: string;
  minAmplitude?: string;
  durationScale?: string;
}

function num(v: string | undefined, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < lo || x > hi) throw new InputError(`--${name} ${v} is not a number in ${lo}..${hi}`);
  return x;
}

export function register(program: Command): void {
  program
    .command('label')
    .description('Pseudo ground truth from a video\'s soundtrack (or an audio file): transcribe it with basic-pitch into notes, a MIDI file and a 25 fps roll')
    .argument('<input>', 'video with a soundtrack, or an audio file')
    .option('-o, --output <file.mid>', 'MIDI file to write (default: <input name>.pseudo.mid)')
    .option('--take <file.audeo.json>', 'also write a Take with the notes and the 25 fps roll')
    .option('--cache <dir>', 'cache basic-pitch\'s raw outputs here (re-labelling with other thresholds is then instant)')
    .option('--onset-threshold <p>', 'onset peak needed to start a note (tuned default in docs/pseudo-labels.md)')
    .option('--frame-threshold <p>', 'frame activation under which a note ends')
    .option('--min-note-ms <ms>', 'shortest note kept, in milliseconds')
    .option('--min-amplitude <a>', 'drop notes quieter than this mean activation (0..1)')
    .option('--duration-scale <s>', 'scale note durations (default 0.8 models key release; 1 keeps what the audio sounds)')
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo label performance.mp4                     # performance.pseudo.mid from the soundtrack
  $ audeo label performance.mp4 -o truth.mid --take truth.audeo.json
  $ audeo label recording.wav --cache .cache/bp --onset-threshold 0.6`,
    )
    .action(
      action(async (input: string, o: LabelCliOptions) => {
        const path = await import('node:path');
        const { labelFile } = await import('../../label/label');
        const { LABEL_DECODE } = await import('../../label/decode');
        const { notesToMidiBytes } = await import('../../core/reference');
        const { checkWritable, writeFileAtomic } = await import('../../io/atomic');
        const { writeTake } = await import('../../io/take-file');
        const decode = { ...LABEL_DECODE };
        const ot = num(o.onsetThreshold, 'onset-threshold', 0, 1);
        const ft = num(o.frameThreshold, 'frame-threshold', 0, 1);
        const ms = num(o.minNoteMs, 'min-note-ms', 0, 10000);
        const ma = num(o.minAmplitude, 'min-amplitude', 0, 1);
        if (ot !== undefined) decode.onsetThreshold = ot;
        if (ft !== undefined) decode.frameThreshold = ft;
        if (ms !== undefined) decode.minNoteFrames = Math.round((ms / 1000) * (22050 / 256));
        if (ma !== undefined) decode.minAmplitude = ma;
        const ds = num(o.durationScale, 'duration-scale', 0.05, 2);
        if (ds !== undefined) decode.durationScale = ds;
        const out = o.output ?? `${path.basename(input, path.extname(input))}.pseudo.mid`;
        // outputs that cannot be written fail now (exit 5), not after the transcription
        await checkWritable(out);
        if (o.take) await checkWritable(o.take);
        // one run per output: a second label to the same MIDI file or Take stops here, naming the lock (exit 5)
        const { lockOutputs } = await import('../../io/lock');
        const unlock = lockOutputs(o.take ? [out, o.take] : [out]);
        try {
          const tty = process.stderr.isTTY;
          let lastPct = -1;
          process.stderr.write(`label: transcribing ${input} with basic-pitch (wasm)\n`);
          const r = await labelFile(input, {
            decode,
            ...(o.cache ? { cacheDir: o.cache } : {}),
            onProgress: (done, total) => {
              const pct = Math.floor((100 * done) / Math.max(1e-9, total));
              if (tty) process.stderr.write(`\r  ${pct}% (${done.toFixed(1)} / ${total.toFixed(1)} s of audio)`);
              else if (pct >= lastPct + 10 || pct === 100) process.stderr.write(`  ${pct}% (${done.toFixed(1)} / ${total.toFixed(1)} s of audio)\n`);
              lastPct = pct >= lastPct + 10 ? pct : lastPct;
            },
          });
          if (tty && !r.cached) process.stderr.write('\n');
          await writeFileAtomic(out, notesToMidiBytes(r.notes, { name: 'basic-pitch pseudo ground truth' }));
          if (o.take) await writeTake(o.take, { ...r.take, source: { ...r.take.source, path: input } });
          const speed = r.transcribeSec > 0 ? r.audioDurationSec / r.transcribeSec : undefined;
          const result = {
            input,
            midi: out,
            take: o.take ?? null,
            audioDurationSec: r.audioDurationSec,
            notes: r.notes.length,
            rollFrames: r.roll.frames,
            rollFps: r.roll.fps,
            model: r.model,
            cached: r.cached,
            transcribeSec: r.transcribeSec,
            xRealTime: speed ?? null,
            decode,
          };
          if (o.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            process.stderr.write(
              `label: ${r.notes.length} notes in ${r.audioDurationSec.toFixed(1)} s of audio${speed ? ` (${speed.toFixed(1)}x real time)` : ' (from cache)'}\n`,
            );
            process.stdout.write(`${out}${o.take ? `\n${o.take}` : ''}\n`);
          }
        } finally {
          unlock();
        }
      }),
    );
}
