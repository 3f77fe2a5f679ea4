import fc from 'fast-check';
import { notesToRoll, rollToNotes } from '../../src/core/notes';
import type { NoteEvent, Roll } from '../../src/core/types';
import { makeRoll } from '../../src/core/types';

function rollFrom(rows: string[], opts: { fps?: number; startSec?: number } = {}): Roll {
  // rows[k] is key k's timeline: '#' = 1, '.' = 0, digits = tenths.
  const frames = rows[0]?.length ?? 0;
  const r = makeRoll({ fps: opts.fps ?? 10, frames, keys: rows.length, startSec: opts.startSec ?? 0, lowestMidi: 60 });
  rows.forEach((row, k) => {
    for (let t = 0; t < frames; t++) {
      const c = row[t] ?? '.';
      r.data[t * rows.length + k] = c === '#' ? 1 : c === '.' ? 0 : Number(c) / 10;
    }
  });
  return r;
}

describe('rollToNotes', () => {
  it('decodes held runs with frame-convention times', () => {
    const notes = rollFrom(['..###...', '#######.'], { fps: 10, startSec: 5 });
    expect(rollToNotes(notes)).toEqual([
      { pitch: 61, onsetSec: 5, offsetSec: 5.7, velocity: 100 },
      { pitch: 60, onsetSec: 5.2, offsetSec: 5.5, velocity: 100 },
    ]);
  });
  it('applies threshold and minimum length', () => {
    const r = rollFrom(['.33.55..#.', '..5555....']);
    expect(rollToNotes(r).map((n) => [n.pitch, n.onsetSec])).toEqual([
      [61, 0.2],
      [60, 0.4],
    ]);
    expect(rollToNotes(r, { threshold: 0.3 }).map((n) => n.pitch)).toEqual([60, 61, 60]);
    expect(rollToNotes(r, { minFrames: 1 }).length).toBe(3);
    expect(rollToNotes(r, { minFrames: 3 }).length).toBe(1);
  });
  it('splits a re-press after a one-frame release; bridges it when asked', () => {
    const r = rollFrom(['###.###...']);
    expect(rollToNotes(r).length).toBe(2);
    expect(rollToNotes(r, { repressGapFrames: 2 })).toEqual([{ pitch: 60, onsetSec: 0, offsetSec: 0.7, velocity: 100 }]);
  });
  it('splits a held note at a rising onset peak', () => {
    const r = rollFrom(['########..']);
    const on = rollFrom(['9...18.3..']);
    const notes = rollToNotes(r, { onsets: on, velocity: 80 });
    expect(notes).toEqual([
      { pitch: 60, onsetSec: 0, offsetSec: 0.5, velocity: 80 },
      { pitch: 60, onsetSec: 0.5, offsetSec: 0.8, velocity: 80 },
    ]);
    expect(() => rollToNotes(r, { onsets: rollFrom(['#']) })).toThrow(RangeError);
  });
  it('handles an empty roll', () => {
    expect(rollToNotes(makeRoll({ fps: 25, frames: 0 }))).toEqual([]);
  });
});

const fpsArb = fc.constantFrom(24, 25, 29.97, 30, 60);

describe('rollToNotes properties', () => {
  it('keeps every note inside the clip, never overlaps notes on one key, sorts by onset then pitch', () => {
    fc.assert(
      fc.property(
        fpsArb,
        fc.double({ min: -10, max: 1000, noNaN: true }),
        fc.integer({ min: 1, max: 60 }).chain((frames) => fc.tuple(fc.constant(frames), fc.float32Array({ minLength: frames * 3, maxLength: frames * 3, noDefaultInfinity: true, noNaN: true }))),
        fc.record({ threshold: fc.double({ min: 0.05, max: 0.95, noNaN: true }), minFrames: fc.integer({ min: 1, max: 4 }), repressGapFrames: fc.integer({ min: 0, max: 3 }) }),
        (fps, startSec, [frames, values], opts) => {
          const roll: Roll = { fps, startSec, lowestMidi: 21, keys: 3, frames, data: values.map((v) => Math.abs(v) % 1) };
          const notes = rollToNotes(roll, opts);
          const end = startSec + frames / fps;
          for (const n of notes) {
            expect(n.onsetSec).toBeGreaterThanOrEqual(startSec);
            expect(n.offsetSec).toBeLessThanOrEqual(end + 1e-9);
            expect(n.offsetSec - n.onsetSec).toBeGreaterThanOrEqual(opts.minFrames / fps - 1e-9);
          }
          for (let i = 1; i < notes.length; i++) {
            const a = notes[i - 1] as NoteEvent;
            const b = notes[i] as NoteEvent;
            expect(a.onsetSec < b.onsetSec || (a.onsetSec === b.onsetSec && a.pitch < b.pitch)).toBe(true);
          }
          for (let p = 21; p < 24; p++) {
            const onKey = notes.filter((n) => n.pitch === p);
            for (let i = 1; i < onKey.length; i++) expect((onKey[i] as NoteEvent).onsetSec).toBeGreaterThanOrEqual((onKey[i - 1] as NoteEvent).offsetSec);
          }
        },
      ),
    );
  });

  it('round-trips clean rolls: rollToNotes(notesToRoll(notes)) == notes', () => {
    // Clean notes: on the frame grid, gaps >= 2 frames on a key, length >= minFrames (2).
    const keyTimeline = fc.array(fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 8 })), { maxLength: 6 });
    fc.assert(
      fc.property(fpsArb, fc.double({ min: -5, max: 500, noNaN: true }), fc.array(keyTimeline, { minLength: 1, maxLength: 5 }), (fps, startSec, perKey) => {
        const notes: NoteEvent[] = [];
        let frames = 0;
        perKey.forEach((timeline, k) => {
          let t = 0;
          for (const [gap, len] of timeline) {
            t += gap;
            notes.push({ pitch: 40 + k, onsetSec: startSec + t / fps, offsetSec: startSec + (t + len) / fps, velocity: 100 });
            t += len;
          }
          frames = Math.max(frames, t + 1);
        });
        const roll = notesToRoll(notes, { fps, frames, startSec });
        const back = rollToNotes(roll);
        const sorted = [...notes].sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
        expect(back).toEqual(sorted);
      }),
    );
  });

  it('notesToRoll clips to the clip and the key range', () => {
    const r = notesToRoll(
      [
        { pitch: 60, onsetSec: -1, offsetSec: 0.25, velocity: 100 },
        { pitch: 200, onsetSec: 0, offsetSec: 1, velocity: 100 },
        { pitch: 61, onsetSec: 0.9, offsetSec: 5, velocity: 100 },
      ],
      { fps: 10, frames: 10, lowestMidi: 60, keys: 2 },
    );
    expect(rollToNotes(r, { minFrames: 1 })).toEqual([
      { pitch: 60, onsetSec: 0, offsetSec: 0.3, velocity: 100 },
      { pitch: 61, onsetSec: 0.9, offsetSec: 1, velocity: 100 },
    ]);
  });
});
