/** `audeo ports`: MIDI outputs and inputs. */
import type { Command } from 'commander';
import { action } from '../run-command';

export function register(program: Command): void {
  program
    .command('ports')
    .description('List MIDI output and input ports (for --midi-out and --mtc-in)')
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo ports
  $ audeo ports --json
  $ audeo play take.audeo.json --midi-out 1     # an output listed by \`audeo ports\``,
    )
    .action(
      action(async (o: { json?: boolean }) => {
        const { loadMidi, createPort, portNames } = await import('../../bridge/midi-module');
        const midi = await loadMidi();
        const out = createPort(() => new midi.Output());
        const inp = createPort(() => new midi.Input());
        const result = { outputs: portNames(out), inputs: portNames(inp) };
        out.destroy();
        inp.destroy();
        if (o.json) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const list = (xs: string[]): string => (xs.length ? xs.map((n, i) => `  ${i}: ${n}`).join('\n') : '  (none)');
        process.stdout.write(`MIDI outputs:\n${list(result.outputs)}\nMIDI inputs:\n${list(result.inputs)}\n`);
      }),
    );
}
