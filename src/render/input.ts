/** What `audeo render` reads: a Take (*.audeo.json), a Standard MIDI File, or a video (extracted first). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { parseMidiNotes } from '../core/reference';
import type { NoteEvent } from '../core/types';
import { loadExtractor, requireFile, VIDEO_EXTENSIONS } from '../io/input-file';
import { readTake } from '../io/take-file';

export interface RenderInput {
  readonly path: string;
  readonly kind: 'take' | 'midi' | 'video';
  readonly notes: readonly NoteEvent[];
  /** The source video's duration when known (takes and videos), else 0. */
  readonly durationSec: number;
}

export { VIDEO_EXTENSIONS };
const EXPECTED = 'expected a take (*.audeo.json), a MIDI file (.mid) or a video';

export async function loadRenderInput(file: string, opts: { log?: (line: string) => void } = {}): Promise<RenderInput> {
  await requireFile(file, EXPECTED);
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mid' || ext === '.midi') {
    const notes = parseMidiNotes(new Uint8Array(await fs.readFile(file)), path.basename(file));
    return { path: file, kind: 'midi', notes, durationSec: 0 };
  }
  if (ext === '.json') {
    const take = await readTake(file);
    return { path: file, kind: 'take', notes: take.notes, durationSec: take.source.durationSec || 0 };
  }
  if (VIDEO_EXTENSIONS.has(ext)) {
    const extract = await loadExtractor();
    if (!extract) throw new InputError(`this build cannot extract ${file}; run \`audeo extract ${file} --take take.audeo.json\` first, then \`audeo render take.audeo.json\``);
    opts.log?.(`extracting notes from ${file} first ...`);
    const take = await extract(file, {});
    return { path: file, kind: 'video', notes: take.notes, durationSec: take.source.durationSec || 0 };
  }
  throw new InputError(`${file}: unknown kind "${ext}"; ${EXPECTED} (${[...VIDEO_EXTENSIONS].join(' ')})`);
}
