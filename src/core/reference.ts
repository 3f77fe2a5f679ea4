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

/** Why a byte stream is not a Standard MIDI File (caught by `parseMidiNotes`, which names the file). */
class SmfError extends Error {}

/** A big-endian cursor over SMF bytes; every read past the end is a truncated file. */
class SmfReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}
  get done(): boolean {
    return this.pos >= this.end;
  }
  u8(): number {
    if (this.pos >= this.end) throw new SmfError(`truncated at byte ${this.pos}`);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    return (this.u8() << 8) | this.u8();
  }
  u32(): number {
    return ((this.u8() << 24) | (this.u8() << 16) | (this.u8() << 8) | this.u8()) >>> 0;
  }
  varint(): number {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      v = v * 128 + (b & 0x7f);
      if (b < 0x80) return v;
    }
    throw new SmfError(`variable-length number longer than 4 bytes at byte ${this.pos}`);
  }
  skip(n: number): void {
    if (this.pos + n > this.end) throw new SmfError(`truncated at byte ${this.pos}`);
    this.pos += n;
  }
  tag(): string {
    return String.fromCharCode(this.u8(), this.u8(), this.u8(), this.u8());
  }
}

interface TickNote {
  readonly pitch: number;
  readonly on: number;
  readonly off: number;
  readonly velocity: number;
}

/**
 * One MTrk chunk: its notes in ticks (a note-on is paired with the next note-off of the same channel and key,
 * first in first out; drum channel 10 skipped; a note-on never released is dropped) and its tempo changes.
 * Linear in the number of events.
 */
function readTrack(r: SmfReader, notes: TickNote[], tempos: Array<{ tick: number; usPerQn: number }>): void {
  const pending = new Map<number, { ticks: number[]; vels: number[]; head: number }>();
  let tick = 0;
  let running = 0;
  while (!r.done) {
    tick += r.varint();
    let status = r.u8();
    let first: number | undefined;
    if (status < 0x80) {
      if (running === 0) throw new SmfError(`data byte ${status} without a status at byte ${r.pos - 1}`);
      first = status;
      status = running;
    }
    if (status === 0xff) {
      const type = r.u8();
      const len = r.varint();
      if (type === 0x2f) return;
      if (type === 0x51 && len === 3) tempos.push({ tick, usPerQn: (r.u8() << 16) | (r.u8() << 8) | r.u8() });
      else r.skip(len);
      continue;
    }
    if (status === 0xf0 || status === 0xf7) {
      r.skip(r.varint());
      continue;
    }
    if (status >= 0xf0) throw new SmfError(`status byte ${status} is not a file event at byte ${r.pos - 1}`);
    running = status;
    const kind = status >> 4;
    const channel = status & 15;
    const d1 = first ?? r.u8();
    if (kind === 0xc || kind === 0xd) continue;
    const d2 = r.u8();
    if ((kind !== 0x8 && kind !== 0x9) || channel === 9) continue;
    const key = channel * 128 + d1;
    let q = pending.get(key);
    if (kind === 0x9 && d2 > 0) {
      if (!q) pending.set(key, (q = { ticks: [], vels: [], head: 0 }));
      q.ticks.push(tick);
      q.vels.push(d2);
    } else if (q && q.head < q.ticks.length) {
      notes.push({ pitch: d1, on: q.ticks[q.head]!, off: tick, velocity: q.vels[q.head]! });
      q.head++;
    }
  }
}

/** Seconds at a tick: 120 bpm until the first tempo change (SMPTE divisions count frames). */
function tickClock(division: number, tempos: ReadonlyArray<{ tick: number; usPerQn: number }>): (tick: number) => number {
  if (division & 0x8000) {
    const fps = -((division >> 8) | ~0xff);
    const perSec = (fps === 29 ? 29.97 : fps) * (division & 0xff);
    if (!(perSec > 0)) throw new SmfError(`SMPTE division ${division} has no ticks per second`);
    return (tick) => tick / perSec;
  }
  const ppq = division;
  if (ppq === 0) throw new SmfError('0 ticks per quarter note');
  const sorted = [...tempos].sort((a, b) => a.tick - b.tick);
  const ticks = [0];
  const us = [500000];
  const secs = [0];
  for (const t of sorted) {
    const i = ticks.length - 1;
    const at = secs[i]! + ((t.tick - ticks[i]!) * us[i]!) / ppq / 1e6;
    if (t.tick === ticks[i]) us[i] = t.usPerQn;
    else {
      ticks.push(t.tick);
      us.push(t.usPerQn);
      secs.push(at);
    }
  }
  return (tick) => {
    let lo = 0;
    let hi = ticks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ticks[mid]! <= tick) lo = mid;
      else hi = mid - 1;
    }
    return secs[lo]! + ((tick - ticks[lo]!) * us[lo]!) / ppq / 1e6;
  };
}

/**
 * All notes of all tracks of a Standard MIDI File (drum channel 10 excluded), in seconds. A reader of its own,
 * linear in the file's size (the @tonejs/midi reader pairs note-offs in quadratic time: minutes for 200k notes).
 */
export function parseMidiNotes(bytes: Uint8Array, where = 'file.mid'): NoteEvent[] {
  const tickNotes: TickNote[] = [];
  const tempos: Array<{ tick: number; usPerQn: number }> = [];
  let clock: (tick: number) => number;
  try {
    const r = new SmfReader(bytes, 0, bytes.length);
    if (bytes.length < 14 || r.tag() !== 'MThd') throw new SmfError('no MThd header');
    const headerLen = r.u32();
    if (headerLen < 6) throw new SmfError(`MThd of ${headerLen} bytes`);
    r.u16();
    const tracks = r.u16();
    const division = r.u16();
    r.skip(headerLen - 6);
    let found = 0;
    while (found < tracks && !r.done) {
      const tag = r.tag();
      const len = r.u32();
      if (r.pos + len > bytes.length) throw new SmfError(`${tag} chunk of ${len} bytes is truncated at byte ${bytes.length}`);
      if (tag === 'MTrk') {
        readTrack(new SmfReader(bytes, r.pos, r.pos + len), tickNotes, tempos);
        found++;
      }
      r.skip(len);
    }
    if (found < tracks) throw new SmfError(`${found} of ${tracks} tracks present`);
    clock = tickClock(division, tempos);
  } catch (e) {
    if (!(e instanceof SmfError)) throw e;
    throw new InputError(`${where} is not a Standard MIDI File (${e.message}); expected a .mid file`);
  }
  const notes = tickNotes.map((n): NoteEvent => ({ pitch: n.pitch, onsetSec: clock(n.on), offsetSec: clock(n.off), velocity: n.velocity }));
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
