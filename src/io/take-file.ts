/** Take file I/O: atomic writes (temp file + rename), validated reads. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { parseTake, type Take } from '../core/take';
import { writeFileAtomic } from './atomic';

export async function readTake(file: string): Promise<Take> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read take ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${file} is not JSON; expected an audeo Take (*.audeo.json)`);
  }
  return parseTake(json, path.basename(file));
}

export async function writeTake(file: string, take: Take): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(take));
}
