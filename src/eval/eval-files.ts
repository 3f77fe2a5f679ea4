/** The I/O edge of `audeo eval`: reads Takes, MIDI and OMAPS .txt into notes (and rolls), scores, draws. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { evaluate, type EvaluationReport } from '../core/metrics';
import { parseMidiNotes, parseNoteText } from '../core/reference';
import { sortNotes } from '../core/notes';
import { decodeRoll, parseNoteList, parseTake, type Take } from '../core/take';
import type { NoteEvent, Roll } from '../core/types';
import { writePng, type Image } from '../io/png';
import { notesToBinaryRoll } from '../label/roll';
import { drawOverlayPicture } from '../viz/overlay-png';

export interface NotesFile {
  readonly file: string;
  /** 'notes': a JSON object with a bare "notes" array, e.g. samples/demo.expected.json. */
  readonly kind: 'take' | 'midi' | 'txt' | 'notes';
  readonly notes: readonly NoteEvent[];
  readonly take?: Take;
}

/** Reads a Take (.json), a MIDI file (.mid/.midi) or a note list (.txt). */
export async function readNotesFile(file: string, role: 'prediction' | 'reference'): Promise<NotesFile> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new InputError(`cannot read the ${role} ${file}: ${(e as Error).message}`);
  }
  if (bytes.length === 0) throw new InputError(`the ${role} ${file} is empty; expected a Take, a MIDI file or an onset/offset/pitch .txt`);
  const ext = path.extname(file).toLowerCase();
  const name = path.basename(file);
  let out: NotesFile;
  if (ext === '.json') {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new InputError(`the ${role} ${file} is not JSON; expected an audeo Take (*.audeo.json)`);
    }
    const obj = typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : undefined;
    if (obj && obj.format === undefined && Array.isArray(obj.notes)) {
      // a bare note list, {"notes": [{pitch, onsetSec, offsetSec, velocity}, ...]} (samples/demo.expected.json)
      out = { file, kind: 'notes', notes: sortNotes(parseNoteList(obj.notes, name)) };
    } else {
      const take = parseTake(json, name);
      out = { file, kind: 'take', notes: take.notes, take };
    }
  } else if (ext === '.mid' || ext === '.midi') {
    out = { file, kind: 'midi', notes: parseMidiNotes(bytes, name) };
  } else if (ext === '.txt' || ext === '.tsv' || ext === '.csv') {
    out = { file, kind: 'txt', notes: parseNoteText(bytes.toString('utf8'), name) };
  } else {
    throw new InputError(`the ${role} ${file} has an unknown type "${ext}"; expected .audeo.json (Take), a .json {"notes": [...]}, .mid or .txt`);
  }
  if (role === 'reference' && out.notes.length === 0) throw new InputError(`the reference ${file} has no notes; nothing to score against`);
  return out;
}

export interface EvalFilesOptions {
  readonly fps: number;
  /** Score the prediction Take's own roll instead of a roll built from its notes. */
  readonly roll?: 'video2roll' | 'roll2midi' | 'transcriber';
  readonly threshold: number;
  readonly png?: string;
}

export interface EvalFilesResult extends EvaluationReport {
  readonly frameSource: string;
  readonly fps: number;
  readonly frames: number;
  readonly estimatedNotes: number;
  readonly referenceNotes: number;
  readonly png?: string;
}

function endSec(notes: readonly NoteEvent[]): number {
  let e = 0;
  for (const n of notes) e = Math.max(e, n.offsetSec);
  return e;
}

/**
 * A warning when the two files cannot be the same clip: their last notes end more than `tolerance` (10 %) apart
 * (a 10-s prediction scored against a 60-s reference scores low for a reason no figure shows). Undefined otherwise.
 */
export function durationWarning(pred: NotesFile, ref: NotesFile, tolerance = 0.1): string | undefined {
  const a = endSec(pred.notes);
  const b = endSec(ref.notes);
  if (!(a > 0 && b > 0) || Math.abs(a - b) <= tolerance * Math.max(a, b)) return undefined;
  return `the prediction ${pred.file} ends at ${a.toFixed(1)} s and the reference ${ref.file} at ${b.toFixed(1)} s (${Math.round((100 * Math.abs(a - b)) / Math.max(a, b))} % apart); expected two transcriptions of the same clip`;
}

/** Scores and writes the overlay picture when `opts.png` is given. */
export async function evaluateFiles(pred: NotesFile, ref: NotesFile, opts: EvalFilesOptions): Promise<EvalFilesResult> {
  const { result, picture } = scoreFiles(pred, ref, opts);
  if (opts.png) await writePng(opts.png, picture());
  return result;
}

/** Scores without writing: the result (naming `opts.png`) and the overlay picture to write (the CLI prints the scores first). */
export function scoreFiles(pred: NotesFile, ref: NotesFile, opts: EvalFilesOptions): { result: EvalFilesResult; picture: () => Image } {
  let estRoll: Roll;
  let refRoll: Roll;
  let threshold = 0.5;
  let frameSource = `rolls built from notes at ${opts.fps} fps`;
  if (opts.roll) {
    const enc = pred.take?.rolls[opts.roll];
    if (!enc) throw new InputError(`--roll ${opts.roll}: the prediction ${pred.file} has no ${opts.roll} roll${pred.take ? '' : ' (it is not a Take)'}`);
    estRoll = decodeRoll(enc);
    const frames = Math.max(estRoll.frames, Math.ceil((endSec(ref.notes) - estRoll.startSec) * estRoll.fps) + 1);
    refRoll = notesToBinaryRoll(ref.notes, { fps: estRoll.fps, frames, startSec: estRoll.startSec });
    threshold = opts.threshold;
    frameSource = `the prediction's ${opts.roll} roll at ${estRoll.fps} fps, threshold ${threshold}`;
  } else {
    const frames = Math.ceil(Math.max(endSec(pred.notes), endSec(ref.notes)) * opts.fps) + 1;
    estRoll = notesToBinaryRoll(pred.notes, { fps: opts.fps, frames });
    refRoll = notesToBinaryRoll(ref.notes, { fps: opts.fps, frames });
  }
  const report = evaluate({ notes: pred.notes, roll: estRoll }, { notes: ref.notes, roll: refRoll }, { threshold, lengthPolicy: 'pad' });
  const picture = (): Image => drawOverlayPicture(estRoll, refRoll, { threshold, referenceThreshold: 0.5 });
  const result: EvalFilesResult = {
    ...report,
    frameSource,
    fps: estRoll.fps,
    frames: Math.max(estRoll.frames, refRoll.frames),
    estimatedNotes: pred.notes.length,
    referenceNotes: ref.notes.length,
    ...(opts.png ? { png: opts.png } : {}),
  };
  return { result, picture };
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(6);

export function formatReport(r: EvalFilesResult): string {
  const rows: string[] = [];
  rows.push(`frames: ${r.frameSource}, ${r.frames} frames; notes: ${r.estimatedNotes} estimated, ${r.referenceNotes} reference`);
  rows.push(`${'figure (%)'.padEnd(40)}${'P'.padStart(6)}${'R'.padStart(6)}${'F1'.padStart(6)}${'Acc'.padStart(6)}`);
  const f = (label: string, s: { precision: number; recall: number; f1: number; accuracy: number }): void => {
    rows.push(`${label.padEnd(40)}${pct(s.precision)}${pct(s.recall)}${pct(s.f1)}${pct(s.accuracy)}`);
  };
  f('frame, micro (mir_eval), 88 keys', r.frame.allKeys.micro);
  f('frame, micro (mir_eval), 51 keys', r.frame.paperKeys.micro);
  f('frame, sample-avg (paper), 88 keys', r.frame.allKeys.samples);
  f('frame, sample-avg (paper), 51 keys', r.frame.paperKeys.samples);
  const nrow = (label: string, s: { precision: number; recall: number; f1: number }): void => {
    rows.push(`${label.padEnd(40)}${pct(s.precision)}${pct(s.recall)}${pct(s.f1)}`);
  };
  nrow('note, onset 50 ms', r.note.onset);
  nrow('note, onset 50 ms + offset', r.note.onsetOffset);
  return `${rows.join('\n')}\n${r.png ? formatOverlayLine(r.png) : ''}`;
}

export function formatOverlayLine(png: string): string {
  return `overlay: ${png} (black: hit, red: miss, blue: false alarm)\n`;
}
