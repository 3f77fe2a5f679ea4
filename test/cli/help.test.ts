/** The command line's help: one output flag form everywhere, -q on play, capitalised descriptions, examples. */
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main';

const program = buildProgram();
const commands = program.commands as Command[];

function helpOf(cmd: Command): string {
  let text = '';
  cmd.configureOutput({ writeOut: (s) => void (text += s), writeErr: (s) => void (text += s) });
  cmd.outputHelp();
  return text;
}

describe('audeo --help', () => {
  it('has the commands', () => {
    expect(commands.map((c) => c.name()).sort()).toEqual(expect.arrayContaining(['demo', 'eval', 'extract', 'label', 'models', 'play', 'ports', 'presets', 'render']));
  });

  it.each(commands.map((c) => [c.name(), c] as const))('%s: one output flag form (-o, --output), old spellings hidden', (_name, cmd) => {
    for (const o of cmd.options) {
      if (o.long === '--output') expect(o.short).toBe('-o');
      if (o.short === '-o') expect(o.long).toBe('--output');
      if (o.long === '--out') expect(o.hidden).toBe(true);
    }
    expect(helpOf(cmd)).not.toMatch(/--out\b(?!put)/);
  });

  it.each([['render'], ['demo']])('%s: -o/--output, and --out still accepted', (name) => {
    const cmd = commands.find((c) => c.name() === name)!;
    expect(cmd.options.some((o) => o.short === '-o' && o.long === '--output')).toBe(true);
    expect(cmd.options.some((o) => o.long === '--out' && o.hidden)).toBe(true);
  });

  it('play has -q, --quiet', () => {
    const play = commands.find((c) => c.name() === 'play')!;
    expect(play.options.some((o) => o.short === '-q' && o.long === '--quiet')).toBe(true);
  });

  it.each(commands.map((c) => [c.name(), c] as const))('%s: capitalised description, lower-case option help, examples', (_name, cmd) => {
    expect(cmd.description()).toMatch(/^[A-Z]/);
    // option help starts lower case (as commander's own "display help for command"), unless with a name or acronym
    for (const o of cmd.options) expect(`${o.flags} => ${o.description}`).toMatch(/ => ([^A-Z]|(MIDI|OSC|MTC|Video2Roll|Roll2Midi|General MIDI|Take|WAV|PNG|JSON)\b)/);
    expect(helpOf(cmd)).toMatch(/\nExamples:\n( {2}\$ audeo .+\n?){2,}/);
  });
});
