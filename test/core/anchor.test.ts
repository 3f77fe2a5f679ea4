import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { anchorNotes, decodeStages, notesToRoll, rollToNotes, suppressStaticKeys } from '../../src/core/notes';
import type { NoteEvent, Roll } from '../../src/core/types';
import { makeRoll } from '../../src/core/types';

/** rows[k] is key k's timeline: '#' = 1, '.' = 0, digits = tenths. 10 fps, MIDI 60 up. */
function rollFrom(rows: string[]): Roll {
  const frames = rows[0]?.length ?? 0;
  const r = makeRoll({ fps: 10, frames, keys: rows.length, lowestMidi: 60 });
  rows.forEach((row, k) => {
    for (let t = 0; t < frames; t++) {
      const c = row[t] ?? '.';
      r.data[t * rows.length + k] = c === '#' ? 1 : c === '.' ? 0 : Number(c) / 10;
    }
  });
  return r;
}

const spans = (notes: readonly NoteEvent[]): Array<[number, number, number]> =>
  notes.map((n) => [n.pitch, Math.round(n.onsetSec * 10), Math.round(n.offsetSec * 10)]);

describe('anchorNotes (onset from key-down, length from the sounding roll)', () => {
  const shared = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'anchor-cases.json'), 'utf8')) as {
    cases: Array<{ name: string; keyDownRows: string[]; soundingRows: string[]; onsetRows?: string[]; opts: Record<string, number>; expected: Array<[number, number, number]> }>;
  };
  it.each(shared.cases.map((c) => [c.name, c] as const))('shared case (also replayed by pytest): %s', (_name, c) => {
    const keyDown = rollToNotes(rollFrom(c.keyDownRows), { minFrames: 1 });
    const got = anchorNotes(keyDown, rollFrom(c.soundingRows), { ...c.opts, ...(c.onsetRows ? { onsets: rollFrom(c.onsetRows) } : {}) });
    expect(spans(got)).toEqual(c.expected);
  });

  it('rejects an onset roll of another shape', () => {
    expect(() => anchorNotes([], rollFrom(['###']), { onsets: rollFrom(['#']) })).toThrow(RangeError);
  });

  it('keeps every note inside the clip, never overlaps one key, and is the identity on clean two-stage rolls', () => {
    const keyTimeline = fc.array(fc.tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 8 })), { maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(keyTimeline, { minLength: 1, maxLength: 4 }),
        fc.float32Array({ minLength: 4 * 60, maxLength: 4 * 60, noNaN: true, noDefaultInfinity: true }),
        (perKey, noise) => {
          const notes: NoteEvent[] = [];
          perKey.forEach((timeline, k) => {
            let t = 0;
            for (const [gap, len] of timeline) {
              t += gap;
              if (t + len <= 60) notes.push({ pitch: 60 + k, onsetSec: t / 10, offsetSec: (t + len) / 10, velocity: 100 });
              t += len;
            }
          });
          const clean = notesToRoll(notes, { fps: 10, frames: 60, lowestMidi: 60, keys: 4 });
          const keyDown = rollToNotes(clean, { minFrames: 1 });
          expect(spans(anchorNotes(keyDown, clean))).toEqual(spans(keyDown));
          // any sounding roll: notes stay in the clip and never overlap on a key
          const noisy: Roll = { ...clean, data: noise.map((v) => Math.abs(v) % 1) };
          const out = anchorNotes(keyDown, noisy, { onsets: noisy, onsetThreshold: 0.7 });
          for (const n of out) {
            expect(n.onsetSec).toBeGreaterThanOrEqual(0);
            expect(n.offsetSec).toBeLessThanOrEqual(6 + 1e-9);
            expect(n.offsetSec).toBeGreaterThan(n.onsetSec);
          }
          for (let p = 60; p < 64; p++) {
            const onKey = out.filter((n) => n.pitch === p);
            for (let i = 1; i < onKey.length; i++) expect((onKey[i] as NoteEvent).onsetSec).toBeGreaterThanOrEqual((onKey[i - 1] as NoteEvent).offsetSec - 1e-9);
          }
        },
      ),
    );
  });
});

describe('decodeStages', () => {
  const keyDown = rollFrom(['##......#5#...', '..####........']);
  const sounding = rollFrom(['#####...#####.', '..###.........']);

  it('decodes key-down alone with its own settings; the threshold override hits the last stage', () => {
    expect(spans(decodeStages({ keyDown }, { keyDown: { threshold: 0.6, minFrames: 1 } }))).toEqual([
      [60, 0, 2],
      [61, 2, 6],
      [60, 8, 9],
      [60, 10, 11],
    ]);
    expect(spans(decodeStages({ keyDown }, { keyDown: { threshold: 0.6, minFrames: 1 } }, 0.4))).toEqual([
      [60, 0, 2],
      [61, 2, 6],
      [60, 8, 11],
    ]);
  });

  it('anchors the sounding roll on the key-down onsets when there is one', () => {
    const decoder = { keyDown: { threshold: 0.4, minFrames: 1 }, sounding: { threshold: 0.5 } };
    expect(spans(decodeStages({ keyDown, sounding }, decoder))).toEqual([
      [60, 0, 5],
      [61, 2, 5],
      [60, 8, 13],
    ]);
    // a higher threshold on the sounding roll (the last stage) shortens nothing here but the override reaches it
    expect(decodeStages({ keyDown, sounding }, decoder, 1.01)).toEqual([]);
  });

  it('adds the sound delay: to both times of key-down notes; with a sounding roll, to the onsets only', () => {
    const decoder = { keyDown: { threshold: 0.4, minFrames: 1 }, soundDelaySec: 0.04 };
    const alone = decodeStages({ keyDown }, decoder);
    expect(alone.map((n) => [n.pitch, +n.onsetSec.toFixed(3), +n.offsetSec.toFixed(3)])).toEqual([
      [60, 0.04, 0.24],
      [61, 0.24, 0.64],
      [60, 0.84, 1.14],
    ]);
    const both = decodeStages({ keyDown, sounding }, { ...decoder, sounding: { threshold: 0.5 } });
    expect(both.map((n) => [n.pitch, +n.onsetSec.toFixed(3), +n.offsetSec.toFixed(3)])).toEqual([
      [60, 0.04, 0.5], // onset: the key seen at 0.0 + 40 ms; offset: where the sounding roll ends
      [61, 0.24, 0.5],
      [60, 0.84, 1.3],
    ]);
  });
});

describe('suppressStaticKeys', () => {
  const statics = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'static-key-cases.json'), 'utf8')) as {
    cases: Array<{ name: string; window: number; rows: string[]; expected: string[] }>;
  };
  it.each(statics.cases.map((c) => [c.name, c] as const))('shared case (also replayed by pytest): %s', (_name, c) => {
    const got = suppressStaticKeys(rollFrom(c.rows), c.window);
    const want = rollFrom(c.expected);
    expect(got.frames).toBe(want.frames);
    want.data.forEach((v, i) => expect(got.data[i]).toBeCloseTo(v, 6));
  });

  it('removes a key stuck on for a whole window and keeps presses that come and go', () => {
    const r = makeRoll({ fps: 10, frames: 40, keys: 3, lowestMidi: 60 });
    for (let t = 0; t < 40; t++) {
      r.data[t * 3] = 0.9; // stuck: the picture, not a press
      r.data[t * 3 + 1] = t % 10 < 3 ? 0.8 : 0.05; // pressed 30 % of the time
      r.data[t * 3 + 2] = t < 25 ? 0.7 : 0; // held 25 frames: all of the first window, 5 frames of the second
    }
    const s = suppressStaticKeys(r, 20);
    expect(Math.max(...Array.from({ length: 40 }, (_, t) => s.data[t * 3]!))).toBe(0);
    expect(s.data[1 * 3 + 1]).toBeCloseTo(0.75, 5);
    expect(s.data[5 * 3 + 1]).toBe(0);
    expect(s.data[5 * 3 + 2]).toBe(0); // lost in the first window (held for all of it)
    expect(s.data[22 * 3 + 2]).toBeCloseTo(0.7, 5); // kept in the second (held for 5 of its 20 frames)
    expect(r.data[0]).toBeCloseTo(0.9, 5); // the input is not changed
  });

  it('keeps a chord held through the end of the video', () => {
    // 23 s at 10 fps, 10-s windows, a 4-s chord to the end: judged alone, the 3-s tail window would call it static
    const r = makeRoll({ fps: 10, frames: 230, keys: 2, lowestMidi: 60 });
    for (let t = 190; t < 230; t++) r.data[t * 2] = 0.9;
    const s = suppressStaticKeys(r, 100);
    for (let t = 190; t < 230; t++) expect(s.data[t * 2]).toBeCloseTo(0.9, 5);
  });

  it('judges a clip shorter than the window as a whole', () => {
    const r = makeRoll({ fps: 10, frames: 60, keys: 2, lowestMidi: 60 });
    for (let t = 0; t < 60; t++) r.data[t * 2 + 1] = 0.8; // stuck for the whole clip
    for (let t = 40; t < 60; t++) r.data[t * 2] = 0.9; // a press of 2 s
    const s = suppressStaticKeys(r, 100);
    expect(s.data[10 * 2 + 1]).toBe(0);
    expect(s.data[50 * 2]).toBeCloseTo(0.9, 5);
  });
});
