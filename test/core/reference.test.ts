/** The Standard MIDI File reader: same notes as @tonejs/midi, linear time on 200k notes, one clear error on bad bytes. */
import { Midi } from '@tonejs/midi';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromTake, loadPlayable } from '../../src/bridge/input';
import { InputError } from '../../src/core/errors';
import { notesEndSec } from '../../src/core/notes';
import { notesToMidiBytes, parseMidiNotes } from '../../src/core/reference';
import type { Take } from '../../src/core/take';
import type { NoteEvent } from '../../src/core/types';

/** The notes @tonejs/midi reads (the reader parseMidiNotes used before), in the same order. */
function tonejsNotes(bytes: Uint8Array): NoteEvent[] {
  const midi = new Midi(bytes);
  const out: NoteEvent[] = [];
  for (const t of midi.tracks) {
    if (t.channel === 9) continue;
    for (const n of t.notes) out.push({ pitch: n.midi, onsetSec: n.time, offsetSec: n.time + n.duration, velocity: Math.round(n.velocity * 127) });
  }
  return out.sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
}

/** A one-track SMF of `count` notes written straight to bytes (linear; 480 ticks per quarter, 120 bpm). */
function bigSmf(count: number): Uint8Array {
  const ev: number[] = [];
  const varint = (v: number): void => {
    const b = [v & 0x7f];
    for (v >>= 7; v > 0; v >>= 7) b.unshift((v & 0x7f) | 0x80);
    ev.push(...b);
  };
  // note i: key 21 + i % 88, on at 10 ticks * i, off 5 ticks later (before the next on)
  for (let i = 0; i < count; i++) {
    varint(i === 0 ? 0 : 5);
    ev.push(0x90, 21 + (i % 88), 64);
    varint(5);
    ev.push(0x80, 21 + (i % 88), 0);
  }
  ev.push(0, 0xff, 0x2f, 0);
  const head = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0];
  const len = ev.length;
  const trk = [0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255];
  const out = new Uint8Array(head.length + trk.length + len);
  out.set(head, 0);
  out.set(trk, head.length);
  out.set(ev, head.length + trk.length);
  return out;
}

describe('parseMidiNotes', () => {
  it('reads the notes @tonejs/midi reads: two tracks, tempo changes, chords, repeated keys, drums skipped', () => {
    const midi = new Midi();
    midi.header.tempos = [
      { ticks: 0, bpm: 100 },
      { ticks: 960, bpm: 150 },
      { ticks: 2000, bpm: 72 },
    ];
    midi.header.update();
    const a = midi.addTrack();
    const b = midi.addTrack();
    const drums = midi.addTrack();
    drums.channel = 9;
    let seed = 7;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 400; i++) {
      const ticks = Math.floor(rnd() * 4000);
      const t = rnd() < 0.5 ? a : b;
      t.addNote({ midi: 48 + Math.floor(rnd() * 8), ticks, durationTicks: 1 + Math.floor(rnd() * 300), velocity: (1 + Math.floor(rnd() * 126) + 0.5) / 127 });
      if (i % 10 === 0) drums.addNote({ midi: 36, ticks, durationTicks: 10, velocity: 0.8 });
    }
    const bytes = midi.toArray();
    const ours = parseMidiNotes(bytes);
    const theirs = tonejsNotes(bytes);
    expect(ours).toHaveLength(400); // the piano notes, no drums
    expect(ours.map((n) => [n.pitch, n.velocity])).toEqual(theirs.map((n) => [n.pitch, n.velocity]));
    ours.forEach((n, i) => {
      expect(n.onsetSec).toBeCloseTo(theirs[i]!.onsetSec, 9);
      expect(n.offsetSec).toBeCloseTo(theirs[i]!.offsetSec, 9);
    });
  });

  it('round-trips notesToMidiBytes', () => {
    const notes = [
      { pitch: 60, onsetSec: 0, offsetSec: 0.5, velocity: 100 },
      { pitch: 64, onsetSec: 0.25, offsetSec: 1.75, velocity: 40 },
      { pitch: 60, onsetSec: 0.5, offsetSec: 1, velocity: 127 },
    ];
    const back = parseMidiNotes(notesToMidiBytes(notes));
    expect(back.map((n) => [n.pitch, n.velocity])).toEqual([[60, 100], [64, 40], [60, 127]]);
    back.forEach((n, i) => {
      expect(n.onsetSec).toBeCloseTo(notes[i]!.onsetSec, 3);
      expect(n.offsetSec).toBeCloseTo(notes[i]!.offsetSec, 3);
    });
  });

  it('reads 200k notes in linear time (@tonejs/midi took about a minute)', () => {
    const bytes = bigSmf(200_000);
    const t0 = Date.now();
    const notes = parseMidiNotes(bytes, 'big.mid');
    const ms = Date.now() - t0;
    expect(notes).toHaveLength(200_000);
    expect(notes[199_999]!.offsetSec).toBeCloseTo((199_999 * 10 + 5) / 960, 9); // 480 ppq at 120 bpm: 960 ticks a second
    expect(ms).toBeLessThan(5000);
  });

  it('one InputError naming the file for bytes that are not an SMF or are truncated', () => {
    const bytes = bigSmf(10);
    for (const bad of [new Uint8Array([1, 2, 3]), bytes.subarray(0, 30), new TextEncoder().encode('MThd this is not midi at all')]) {
      expect(() => parseMidiNotes(bad, 'bad.mid')).toThrow(InputError);
      expect(() => parseMidiNotes(bad, 'bad.mid')).toThrow(/^bad\.mid is not a Standard MIDI File \(.+\); expected a \.mid file$/);
    }
  });
});

describe('200k notes in play and render', () => {
  it('loadPlayable reads a 200k-note .mid and its duration without overflowing the stack', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audeo-big-'));
    const file = path.join(dir, 'big.mid');
    writeFileSync(file, bigSmf(200_000));
    const p = await loadPlayable(file);
    expect(p.notes).toHaveLength(200_000);
    expect(p.durationSec).toBeCloseTo((199_999 * 10 + 5) / 960, 9);
  });

  it('fromTake and notesEndSec take the end of 200k notes (Math.max(...notes) threw RangeError)', () => {
    const notes = Array.from({ length: 200_000 }, (_, i) => ({ pitch: 60, onsetSec: i / 100, offsetSec: i / 100 + 0.05, velocity: 100 }));
    expect(notesEndSec(notes)).toBeCloseTo(1999.99 + 0.05, 9);
    expect(notesEndSec([], 3)).toBe(3);
    const take = { source: { durationSec: 10 }, notes, rolls: {}, threshold: 0.4 } as unknown as Take;
    expect(fromTake(take, 't.audeo.json').durationSec).toBeCloseTo(2000.04, 9);
  });
});
