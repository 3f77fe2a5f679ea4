/** `audeo presets`: the bundled presets (presets/*.json), validated against presets/preset.schema.json. */
import type { Command } from 'commander';
import { action } from '../run-command';

export function register(program: Command): void {
  program
    .command('presets')
    .description('List the bundled presets for --preset (ableton, reaper, touchdesigner, generic)')
    .argument('[name]', 'show one preset in full')
    .option('--json', 'print one JSON result object on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ audeo presets
  $ audeo presets touchdesigner        # one preset in full
  $ audeo play take.audeo.json --preset ableton --virtual`,
    )
    .action(
      action(async (name: string | undefined, o: { json?: boolean }) => {
        const { listPresetNames, loadPreset, presetsDir } = await import('../../bridge/presets');
        if (name) {
          const p = await loadPreset(name);
          process.stdout.write(`${JSON.stringify(p, null, o.json ? undefined : 2)}\n`);
          return;
        }
        const presets = await Promise.all((await listPresetNames()).map((n) => loadPreset(n)));
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ dir: presetsDir(), presets })}\n`);
          return;
        }
        for (const p of presets) process.stdout.write(`${p.name.padEnd(14)} ${p.description}\n`);
      }),
    );
}
