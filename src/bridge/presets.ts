/** Presets: presets/<name>.json, validated against presets/preset.schema.json. */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { validateJson, type JsonSchema } from './json-schema';
import type { MidiMapping } from './mapping';
import type { OscOutOptions } from '../osc/schema';

export interface Preset {
  readonly name: string;
  readonly description: string;
  readonly midi?: MidiMapping & { readonly virtualPortName?: string };
  readonly osc?: OscOutOptions & {
    readonly target?: string;
    readonly timeRateHz?: number;
    readonly controlPort?: number;
    /** /keys at every playhead tick (`--osc-keys`). */
    readonly keysMessage?: boolean;
    /** /state messages a second, 0 = off (`--osc-state-hz`, default 10). */
    readonly stateHz?: number;
    /** Time-tagged bundles sent this many ms ahead (`--osc-timetag-ahead`). */
    readonly timetagAheadMs?: number;
  };
  readonly clock?: {
    readonly source?: 'internal' | 'mtc' | 'osc';
    readonly mtcRate?: '24' | '25' | '29.97df' | '30';
    readonly lockFrames?: number;
    readonly freewheelSec?: number;
    readonly offset?: string;
  };
  readonly threshold?: number;
}

/** The presets folder: <package root>/presets (from src/bridge or dist/bridge alike). */
export function presetsDir(): string {
  return path.resolve(__dirname, '..', '..', 'presets');
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as unknown;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]?.replace(/, ".*$/, '') ?? '';
    throw new InputError(e instanceof SyntaxError ? `preset ${file} is not JSON (${why}); expected a preset object (see presets/preset.schema.json)` : `cannot read preset ${file}: ${why}`);
  }
}

export async function presetSchema(): Promise<JsonSchema> {
  return (await readJson(path.join(presetsDir(), 'preset.schema.json'))) as JsonSchema;
}

export function checkPreset(json: unknown, schema: JsonSchema, where: string): Preset {
  const errs = validateJson(json, schema);
  if (errs.length) throw new InputError(`preset ${where} does not match presets/preset.schema.json: ${errs.slice(0, 5).join('; ')}`);
  return json as Preset;
}

/** Names of the bundled presets. */
export async function listPresetNames(): Promise<string[]> {
  const files = await fs.readdir(presetsDir());
  return files.filter((f) => f.endsWith('.json') && f !== 'preset.schema.json').map((f) => f.slice(0, -5)).sort();
}

/** A bundled preset by name, or a preset file by path. */
export async function loadPreset(nameOrPath: string): Promise<Preset> {
  const isPath = nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\');
  const file = isPath ? nameOrPath : path.join(presetsDir(), `${nameOrPath}.json`);
  if (!existsSync(file)) {
    const names = await listPresetNames().catch(() => []);
    throw new InputError(`preset "${nameOrPath}" not found; expected one of ${names.join(', ')} or a path to a .json preset`);
  }
  return checkPreset(await readJson(file), await presetSchema(), nameOrPath);
}
