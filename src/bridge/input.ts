/** What `audeo play` plays: a Take (*.audeo.json), a Standard MIDI File, or a video (extracted first). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { notesEndSec } from '../core/notes';
import { parseMidiNotes } from '../core/reference';
import { decodeRoll, redecodeTake, type Take } from '../core/take';
import type { NoteEvent, Roll } from '../core/types';
import { loadExtractor, requireFile, VIDEO_EXTENSIONS } from '../io/input-file';
import { readTake } from '../io/take-file';

export interface Playable {
  readonly path: string;
  readonly kind: 'take' | 'midi' | 'video';
  readonly notes: readonly NoteEvent[];
  /** The Take's refined roll (roll2midi, else video2roll), for /audeo/roll. */
  readonly roll?: Roll;
  /** The notes decoded again at another threshold, as extraction decoded them; absent without a roll. */
  readonly redecode?: (threshold: number) => NoteEvent[];
  readonly threshold?: number;
  /** "HH:MM:SS:FF" of the video's first frame, when known. */
  readonly startTimecode?: string;
  readonly durationSec: number;
}

export function fromTake(take: Take, file: string, kind: Playable['kind'] = 'take'): Playable {
  const enc = take.rolls.roll2midi ?? take.rolls.video2roll;
  const end = notesEndSec(take.notes, take.source.durationSec || 0);
  return {
    path: file,
    kind,
    notes: take.notes,
    ...(enc ? { roll: decodeRoll(enc), redecode: (threshold: number) => redecodeTake(take, threshold) ?? [] } : {}),
    threshold: take.threshold,
    ...(take.source.startTimecode ? { startTimecode: take.source.startTimecode } : {}),
    durationSec: end,
  };
}

export async function loadPlayable(file: string, opts: { log?: (line: string) => void; model?: string } = {}): Promise<Playable> {
  const ext = path.extname(file).toLowerCase();
  await requireFile(file, 'expected a take (*.audeo.json), a MIDI file (.mid) or a video');
  if (opts.model && !VIDEO_EXTENSIONS.has(ext)) throw new InputError(`--model ${opts.model} applies to a video input; ${file} is not a video (a take or MIDI file already holds its notes)`);
  if (ext === '.mid' || ext === '.midi') {
    const notes = parseMidiNotes(new Uint8Array(await fs.readFile(file)), path.basename(file));
    return { path: file, kind: 'midi', notes, durationSec: notesEndSec(notes) };
  }
  if (ext === '.json') return fromTake(await readTake(file), file);
  if (VIDEO_EXTENSIONS.has(ext)) {
    const extract = await loadExtractor();
    if (!extract) throw new InputError(`this build cannot extract ${file} while playing; run \`audeo extract ${file} --take take.audeo.json\` first, then \`audeo play take.audeo.json\``);
    opts.log?.(`extracting ${file} before playing (save a take with \`audeo extract\` to start at once next time) ...`);
    let lastSec = 0;
    const onProgress = (p: { stage?: string; framesDone?: number; framesTotal?: number }): void => {
      const now = Date.now() / 1000;
      if (now - lastSec < 1) return;
      lastSec = now;
      opts.log?.(`  ${p.stage ?? ''} ${p.framesDone ?? 0}/${p.framesTotal ?? '?'} frames`);
    };
    return fromTake(await extract(file, { onProgress, ...(opts.model ? { model: opts.model } : {}) }), file, 'video');
  }
  throw new InputError(`${file}: unknown kind "${ext}"; expected a take (*.audeo.json), a MIDI file (.mid) or a video (${[...VIDEO_EXTENSIONS].join(' ')})`);
}
