/** Reference notes for evaluation: OMAPS `.txt` (onset offset pitch per line) and Standard MIDI Files. Pure. */
import { Midi } from '@tonejs/midi';
import { InputError } from './errors';
import type { NoteEvent } from './types';

/** Parses OMAPS-style text: one note a line, "onsetSec offsetSec midiPitch" (whitespace or comma separated). */
export function parseNoteText(text: string, where = 'notes.txt'): NoteEvent[] {
  const notes: NoteEvent[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = line.split(/[\s,]+/).map(Number);
    if (f.length < 3 || f.slice(0, 3).some((x) => !Number.isFinite(x))) {
      throw new InputError(`${where}:${i + 1}: "${line}" is not a note; expected "onsetSec offsetSec midiPitch"`);
    }
    const [onsetSec, offsetSec, pitch] = f as [number, number, number];
    if (offsetSec < onsetSec) throw new InputError(`${where}:${i + 1}: the note ends (${offsetSec} s) before it starts (${onsetSec} s)`);
    if (!Number.isInteger(pitch) || pitch < 0 || pitch > 127) throw new InputError(`${where}:${i + 1}: pitch ${pitch} is not a MIDI note 0..127`);
    notes.push({ pitch, onsetSec, offsetSec, velocity: 100 });
  });
  if (notes.length === 0) throw new InputError(`${where} has no notes; expected lines of "onsetSec offsetSec midiPitch"`);
  return notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}

/** All notes of all tracks of a Standard MIDI File (drum channel 10 excluded), in seconds. */
export function parseMidiNotes(bytes: Uint8Array, where = 'file.mid'): NoteEvent[] {
  let midi: Midi;
  try {
    midi = new Midi(bytes);
  } catch (e) {
    throw new InputError(`${where} is not a Standard MIDI File (${(e as Error).message}); expected a .mid file`);
  }
  const notes: NoteEvent[] = [];
  for (const track of midi.tracks) {
    if (track.channel === 9) continue;
    for (const n of track.notes) {
      notes.push({
        pitch: n.midi,
        onsetSec: n.time,
        offsetSec: Math.max(n.time, n.time + n.duration),
        velocity: Math.max(1, Math.min(127, Math.round(n.velocity * 127))),
      });
    }
  }
  return notes.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}

/** Notes -> Standard MIDI File bytes (one piano track, 120 bpm). */
export function notesToMidiBytes(notes: readonly NoteEvent[], opts: { name?: string } = {}): Uint8Array {
  const midi = new Midi();
  const track = midi.addTrack();
  track.name = opts.name ?? 'piano';
  for (const n of notes) {
    track.addNote({ midi: n.pitch, time: n.onsetSec, duration: Math.max(0.001, n.offsetSec - n.onsetSec), velocity: n.velocity / 127 });
  }
  return midi.toArray();
}
