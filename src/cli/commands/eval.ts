/** `audeo eval <prediction> <reference>`: frame and note metrics of a transcription against a reference. */
import type { Command } from 'commander';
import { InputError } from '../../core/errors';
import { action } from '../run-command';

interface EvalCliOptions {
  json?: boolean;
  png?: string;
  fps?: string;
  roll?: string;
  threshold?: string;
}

export function register(program: Command): void {
  program
    .command('eval')
    .description(
      'Score a prediction (Take or MIDI) against a reference (MIDI, OMAPS .txt or Take): frame P/R/Acc/F1 (micro as mir_eval and sample-averaged as the paper; 88 and 51 keys) and note P/R/F1 (50 ms onsets, with and without offsets)',
    )
    .argument('<prediction>', 'a Take (*.audeo.json) or a MIDI file')
    .argument('<reference>', 'a MIDI file, an OMAPS-style .txt (onset offset pitch per line) or a Take')
    .option('--fps <n>', 'frame rate of the rolls built from notes for the frame metrics', '25')
    .option('--roll <name>', "score the Take's own roll (video2roll | roll2midi | transcriber) instead of a roll built from its notes")
    .option('--threshold <p>', "threshold for the Take's roll with --roll", '0.4')
    .option('--png <file>', 'write a picture of the two rolls overlaid (black: hit, red: miss, blue: false alarm)')
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo eval performance.audeo.json truth.mid
  $ audeo eval performance.mid truth.txt --png overlay.png
  $ audeo eval performance.audeo.json truth.mid --roll roll2midi --threshold 0.5 --json`,
    )
    .action(
      action(async (predFile: string, refFile: string, o: EvalCliOptions) => {
        const { readNotesFile, scoreFiles, formatReport, formatOverlayLine, durationWarning } = await import('../../eval/eval-files');
        const { writePng } = await import('../../io/png');
        const fps = Number(o.fps);
        if (!(fps > 0 && fps <= 1000)) throw new InputError(`--fps ${o.fps} is not a frame rate; expected a number in (0, 1000]`);
        const threshold = Number(o.threshold);
        if (!(threshold >= 0 && threshold <= 1)) throw new InputError(`--threshold ${o.threshold} is not in 0..1`);
        const roll = o.roll;
        if (roll !== undefined && roll !== 'video2roll' && roll !== 'roll2midi' && roll !== 'transcriber') {
          throw new InputError(`--roll ${roll}: expected video2roll, roll2midi or transcriber`);
        }
        const pred = await readNotesFile(predFile, 'prediction');
        const ref = await readNotesFile(refFile, 'reference');
        const mismatch = durationWarning(pred, ref);
        if (mismatch) process.stderr.write(`warning: ${mismatch}\n`);
        const { result: r, picture } = scoreFiles(pred, ref, { fps, threshold, ...(roll ? { roll } : {}), ...(o.png ? { png: o.png } : {}) });
        // the scores first: a picture that cannot be written (exit 5) does not cost them
        if (o.json) process.stdout.write(`${JSON.stringify({ prediction: predFile, reference: refFile, ...r })}\n`);
        else process.stdout.write(formatReport({ ...r, png: undefined }));
        if (o.png) {
          await writePng(o.png, picture());
          if (!o.json) process.stdout.write(formatOverlayLine(o.png));
        }
      }),
    );
}
