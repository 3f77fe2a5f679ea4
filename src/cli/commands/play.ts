/** `audeo play <take|mid|video>`: live MIDI / OSC / MTC out of a Take, synced to a clock. */
import type { Command } from 'commander';
import { action } from '../run-command';

/**
 * stdout for the event lines: a closed stdout (`audeo play ... | head`) ends the run quietly (the real outputs are
 * silenced, exit 0) instead of an unhandled EPIPE. Returns the writer and the signal that fires when stdout closes.
 */
export function closableStdout(stream: NodeJS.WriteStream = process.stdout): { write: (line: string) => void; closed: AbortSignal } {
  const ac = new AbortController();
  const close = (): void => {
    if (!ac.signal.aborted) ac.abort();
  };
  stream.on('error', close); // EPIPE (reported after the write) and any other write error
  return {
    write: (line) => {
      if (ac.signal.aborted) return;
      stream.write(`${line}\n`);
      if (stream.destroyed) close(); // a synchronous pipe fails at once
    },
    closed: ac.signal,
  };
}

export function register(program: Command): void {
  program
    .command('play')
    .description('Play a take (or .mid, or a video) live: virtual/named MIDI port, OSC, MTC; synced to an internal clock, MTC or OSC')
    .argument('<input>', 'take (*.audeo.json), MIDI file (.mid) or video')
    .option('--virtual [name]', 'create a virtual MIDI output port (default name from the preset: "audeo")')
    .option('--midi-out <port>', 'an existing MIDI output port, by index or name (see `audeo ports`)')
    .option('--osc [host:port]', 'stream OSC over UDP (default from the preset: 127.0.0.1:9000); schema in docs/osc.md')
    .option('--osc-keys', 'with --osc: also send /audeo/keys, every key (88 floats, 0..1) in one message at each playhead tick')
    .option('--osc-state-hz <hz>', 'with --osc: /audeo/state (playing, position, take, held notes) this often and on every change; 0 = off (default 10)')
    .option('--osc-timetag-ahead <ms>', 'with --osc: send OSC this many ms ahead in bundles time-tagged with when each is due (the receiver plays them on time)')
    .option('--osc-in [port]', 'listen for OSC transport control on 127.0.0.1 (default from the preset: 9001)')
    .option('--stay', 'at the end of the take stop and keep listening for OSC control instead of exiting (Ctrl-C quits)')
    .option('--wait-ms <ms>', 'wait this long after opening the outputs before playing (default 1000 with a virtual port, so a DAW can connect first; else 0)')
    .option('--clock <source>', 'internal | mtc | osc (default internal)')
    .option('--mtc-in <port>', 'MIDI input port carrying MTC to chase ("virtual:NAME" creates a virtual input)')
    .option('--mtc-out <port>', 'send MTC as master on this output port ("virtual:NAME" creates a virtual output)')
    .option('--midi-clock <port>', 'send MIDI Clock (24 per quarter note) with Song Position Pointer, Start/Continue/Stop on this output port ("virtual:NAME" creates one), for a DAW that follows MIDI Clock')
    .option('--bpm <N>', 'with --midi-clock: the clock\'s tempo (default: tracked from the notes, the tempo map of the MIDI file audeo extract writes)')
    .option('--mtc-rate <fps>', 'MTC out rate: 24 | 25 | 29.97 (drop-frame) | 30')
    .option('--offset <tc>', 'timecode at video time 0: seconds or HH:MM:SS:FF (default: the video\'s start timecode, else 0)')
    .option('--model <NAME[@VERSION]>', 'with a video input: the Video2Roll model to extract it with (default: the bundled default; yours from `audeo adapt`)')
    .option('--preset <name>', 'ableton | reaper | touchdesigner | generic, or a path to a preset .json (see `audeo presets`)')
    .option('--start <sec>', 'start position in seconds')
    .option('--loop <a:b>', 'loop between A and B seconds')
    .option('--rate <x>', 'playback rate (internal clock)')
    .option('--channel <n>', 'MIDI channel 1..16 (overrides the preset)')
    .option('--transpose <semitones>', 'transpose (overrides the preset)')
    .option('--threshold <t>', 're-decode the take\'s roll at this threshold')
    .option('--roll', 'stream the raw per-frame probabilities on /audeo/roll')
    .option('--lock-frames <n>', 'MTC/OSC chase: frames of consistent timecode before playing (default 4)')
    .option('--freewheel <sec>', 'MTC/OSC chase: keep running through drop-outs this long (default 0.4)')
    .option('--dry-run', 'print the timed events instead of opening MIDI ports')
    .option('--fast', 'with --dry-run: run on a simulated clock, as fast as possible')
    .option('--duration <sec>', 'stop after this many seconds')
    .option('--json', 'print one JSON result object on stdout (with --dry-run it holds the events; their lines go to stderr, none with --fast)')
    .option('-q, --quiet', 'no progress on stderr (warnings and errors still)')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo play take.audeo.json --preset ableton --virtual           # a virtual MIDI port "audeo"
  $ audeo play take.audeo.json --preset touchdesigner --osc --osc-in  # OSC to 7000, control on 7001
  $ audeo play take.audeo.json --osc 127.0.0.1:7000 --osc-keys --osc-state-hz 20 --osc-timetag-ahead 50
  $ audeo play take.audeo.json --clock mtc --mtc-in reaper-mtc --virtual
  $ audeo play take.audeo.json --virtual --midi-clock virtual:audeo-clock --bpm 96   # Live follows as a MIDI Clock slave
  $ audeo play take.audeo.json --dry-run --fast --json > events.json`,
    )
    .action(
      action(async (input: string, o: Record<string, string | boolean | undefined>) => {
        const { runPlay } = await import('../../bridge/play');
        const str = (k: string): string | undefined => (typeof o[k] === 'string' ? o[k] : undefined);
        const json = o.json === true;
        const quiet = o.quiet === true;
        const stderr = (l: string): void => void process.stderr.write(`${l}\n`);
        const info = quiet ? () => undefined : stderr;
        process.stderr.on('error', () => undefined); // a closed stderr must not crash the run either
        const out = closableStdout();
        // with --json stdout carries the one object only: the event lines go to stderr (live) or nowhere (--fast)
        const events = json ? (o.fast === true ? () => undefined : info) : out.write;
        const result = await runPlay(
          {
            input,
            ...(o.virtual !== undefined ? { virtual: o.virtual } : {}),
            ...(o.osc !== undefined ? { osc: o.osc } : {}),
            ...(o.oscIn !== undefined ? { oscIn: o.oscIn } : {}),
            ...Object.fromEntries(
              ['model', 'oscStateHz', 'oscTimetagAhead', 'midiClock', 'bpm', 'midiOut', 'clock', 'mtcIn', 'mtcOut', 'mtcRate', 'offset', 'preset', 'start', 'loop', 'rate', 'channel', 'transpose', 'threshold', 'lockFrames', 'freewheel', 'duration', 'waitMs']
                .filter((k) => str(k) !== undefined)
                .map((k) => [k, str(k)]),
            ),
            roll: o.roll === true,
            ...(o.oscKeys === true ? { oscKeys: true } : {}),
            stay: o.stay === true,
            dryRun: o.dryRun === true,
            fast: o.fast === true,
          },
          { stdout: events, stderr, info, stop: out.closed, signals: true },
        );
        if (result.stoppedBy === 'closed') return; // stdout is gone: nothing more to say
        if (json) out.write(JSON.stringify(result));
        else {
          const l = result.latenessMs;
          info(`done (${result.stoppedBy}): ${result.sent} events, ${result.chased} chased; timing p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms`);
        }
      }),
    );
}
