/**
 * Oversize inputs made in linear time (the oversize test and bench/oversize.ts): `count` notes spread evenly over
 * `durationSec`, each 0.25 s long, pitches stepping by fifths over the 88 keys, velocities 40..119; as a Standard
 * MIDI File (one track, 480 ticks per quarter at 120 bpm: 960 ticks a second) or as a Take holding only notes.
 */
import type { NoteEvent } from '../src/core/types';

export const BIG_NOTE_SEC = 0.25;

/** Note i of a big input. */
export function bigNote(i: number, count: number, durationSec: number): NoteEvent {
  const onsetSec = (i * durationSec) / count;
  return { pitch: 21 + ((i * 7) % 88), onsetSec, offsetSec: onsetSec + BIG_NOTE_SEC, velocity: 40 + (i % 80) };
}

/** The notes as SMF bytes, written straight (no MIDI library: theirs sort each insert). */
export function bigSmf(count: number, durationSec: number): Uint8Array {
  const TICKS_PER_SEC = 960;
  const bytes: number[] = [];
  const varint = (v: number): void => {
    const b = [v & 0x7f];
    for (v >>>= 7; v > 0; v >>>= 7) b.unshift((v & 0x7f) | 0x80);
    bytes.push(...b);
  };
  // the note-ons and the note-offs are each in time order: merge them (an off before an on at the same tick)
  const tick = (sec: number): number => Math.round(sec * TICKS_PER_SEC);
  let on = 0;
  let off = 0;
  let now = 0;
  while (off < count) {
    const offNote = bigNote(off, count, durationSec);
    const onNote = on < count ? bigNote(on, count, durationSec) : undefined;
    const isOff = !onNote || tick(offNote.offsetSec) <= tick(onNote.onsetSec);
    const n = isOff ? offNote : (onNote);
    const t = tick(isOff ? n.offsetSec : n.onsetSec);
    varint(t - now);
    now = t;
    bytes.push(isOff ? 0x80 : 0x90, n.pitch, isOff ? 0 : n.velocity);
    if (isOff) off++;
    else on++;
  }
  bytes.push(0, 0xff, 0x2f, 0);
  const head = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xe0];
  const len = bytes.length;
  const trk = [0x4d, 0x54, 0x72, 0x6b, (len >>> 24) & 255, (len >>> 16) & 255, (len >>> 8) & 255, len & 255];
  const out = new Uint8Array(head.length + trk.length + len);
  out.set(head, 0);
  out.set(trk, head.length);
  out.set(bytes, head.length + trk.length);
  return out;
}

/** The notes as a Take (JSON text) without rolls, as `audeo play` and `audeo render` read it. */
export function bigTakeJson(count: number, durationSec: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(JSON.stringify(bigNote(i, count, durationSec)));
  const head = { format: 'audeo.take', version: 1, createdAt: '2026-12-02T00:00:00.000Z', source: { path: 'oversize', durationSec: durationSec + BIG_NOTE_SEC }, models: {}, threshold: 0.5 };
  const progress = { framesDone: 0, framesTotal: 0, complete: true };
  return `${JSON.stringify(head).slice(0, -1)},"rolls":{},"progress":${JSON.stringify(progress)},"notes":[${parts.join(',')}]}`;
}
