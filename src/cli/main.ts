#!/usr/bin/env node
/**
 * audeo's command line. Each command lives in src/cli/commands/<name>.ts and exports `register(program)`;
 * those modules are light (commander only) and load their heavy implementation lazily inside the action,
 * so `audeo --help` stays instant.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMANDS } from './commands';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('audeo')
    .description('Turn a top-view piano performance video into music: MIDI file, live MIDI/OSC synced to timecode, audio.')
    .version(version());
  for (const register of COMMANDS) register(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    });
}
