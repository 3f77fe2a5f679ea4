/** `audeo play`. Placeholder registration: the owning module replaces this with the real command. */
import type { Command } from 'commander';
import { AudeoError } from '../../core/errors';
import { action } from '../run-command';

export function register(program: Command): void {
  program
    .command('play')
    .description('(not available yet)')
    .allowUnknownOption()
    .action(
      action(() => Promise.reject(new AudeoError('audeo play is not available in this build yet'))),
    );
}
