/**
 * What the user's take says was played, in the video's time and standard pitch: from the video's own soundtrack
 * (the `audeo label` path: basic-pitch) or from a MIDI file recorded with it, aligned to the video (align.ts).
 */
import { promises as fs } from 'node:fs';
import { InputError } from '../core/errors';
import { parseMidiNotes } from '../core/reference';
import type { NoteEvent, Roll } from '../core/types';
import { alignMidi, MIN_CONTRAST, type Alignment } from './align';

export interface Labels {
  readonly source: 'soundtrack' | 'midi';
  /** The soundtrack's video, or the MIDI file. */
  readonly file: string;
  /** Notes at their sound times in the video, standard MIDI pitch. */
  readonly notes: readonly NoteEvent[];
  readonly alignment?: Alignment;
}

/** Fewest notes a take's labels must hold. */
export const MIN_LABEL_NOTES = 20;

export async function soundtrackLabels(video: string, onProgress?: (doneSec: number, totalSec: number) => void): Promise<Labels> {
  const { probeMedia } = await import('../label/audio');
  const media = await probeMedia(video);
  if (!media.hasAudio) throw new InputError(`${video} has no audio stream; expected a take filmed with its sound, or --midi <take.mid> recorded with it`);
  const { labelFile } = await import('../label/label');
  const r = await labelFile(video, onProgress ? { onProgress } : {});
  if (r.notes.length < MIN_LABEL_NOTES) {
    throw new InputError(`${video}: the soundtrack gave ${r.notes.length} piano notes (basic-pitch); expected at least ${MIN_LABEL_NOTES} (a take with the piano audible, or --midi <take.mid>)`);
  }
  return { source: 'soundtrack', file: video, notes: r.notes };
}

/** A MIDI file's notes moved onto the video: the offset and pitch numbering that best fit the model's key-down rises. */
export async function midiLabels(midiFile: string, roll: Roll, keyLeadSec: number): Promise<Labels> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(midiFile);
  } catch {
    throw new InputError(`cannot read ${midiFile}; expected a MIDI file recorded with the take`);
  }
  const raw = parseMidiNotes(bytes, midiFile);
  if (raw.length < MIN_LABEL_NOTES) throw new InputError(`${midiFile} holds ${raw.length} notes; expected at least ${MIN_LABEL_NOTES}`);
  const a = alignMidi(raw, roll, { keyLeadSec });
  if (!a.ok) {
    throw new InputError(
      `${midiFile} could not be aligned to the video: no offset within 30 s gives a clear match (contrast ${a.contrast.toFixed(1)}, expected >= ${MIN_CONTRAST}); expected the MIDI recorded during this very take`,
    );
  }
  const notes = raw
    .map((n) => ({ ...n, pitch: n.pitch + a.pitchShift, onsetSec: n.onsetSec + a.offsetSec, offsetSec: n.offsetSec + a.offsetSec }))
    .filter((n) => n.pitch >= 21 && n.pitch <= 108 && n.offsetSec > 0);
  return { source: 'midi', file: midiFile, notes, alignment: a };
}
