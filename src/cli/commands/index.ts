/** The command registry: one light module per command (see main.ts). Add a command by adding its module here. */
import type { Command } from 'commander';
import { register as adapt } from './adapt';
import { register as demo } from './demo';
import { register as evalCmd } from './eval';
import { register as extract } from './extract';
import { register as label } from './label';
import { register as models } from './models';
import { register as play } from './play';
import { register as ports } from './ports';
import { register as presets } from './presets';
import { register as render } from './render';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: readonly RegisterCommand[] = [demo, extract, adapt, play, render, evalCmd, label, ports, presets, models];
