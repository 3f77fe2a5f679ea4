import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { noteMetrics } from '../../src/core/metrics';
import { parseMidiNotes } from '../../src/core/reference';
import { decodeRoll, parseTake } from '../../src/core/take';
import type { NoteEvent } from '../../src/core/types';
import { synthNotes, wavBytes } from '../../src/eval/additive-synth';

const n = (pitch: number, onsetSec: number, durSec: number): NoteEvent => ({ pitch, onsetSec, offsetSec: onsetSec + durSec, velocity: 100 });
// A short phrase: a rising arpeggio, then a chord, then a low and a high note.
const PHRASE: NoteEvent[] = [
  n(60, 0.5, 0.5),
  n(64, 1.1, 0.5),
  n(67, 1.7, 0.5),
  n(72, 2.3, 0.5),
  n(48, 3.0, 0.8),
  n(55, 3.0, 0.8),
  n(64, 3.0, 0.8),
  n(45, 4.1, 0.6),
  n(81, 4.9, 0.5),
];

describe('audeo label on a synthesized clip', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audeo-label-'));
  const wav = path.join(dir, 'phrase.wav');
  writeFileSync(wav, wavBytes(synthNotes(PHRASE)));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a MIDI file and a Take whose notes match the played pitches and onsets', async () => {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
      out.push(String(s));
      return true;
    });
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await buildProgram().parseAsync(['node', 'audeo', 'label', wav, '-o', path.join(dir, 'p.mid'), '--take', path.join(dir, 'p.audeo.json'), '--json']);
    } finally {
      spy.mockRestore();
      err.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    const result = JSON.parse(out.join('')) as { notes: number; xRealTime: number; model: { name: string } };
    expect(result.model.name).toBe('basic-pitch');
    expect(result.xRealTime).toBeGreaterThan(0);

    const midiNotes = parseMidiNotes(readFileSync(path.join(dir, 'p.mid')));
    const take = parseTake(JSON.parse(readFileSync(path.join(dir, 'p.audeo.json'), 'utf8')));
    expect(take.models.transcriber?.name).toBe('basic-pitch');
    expect(take.notes.length).toBe(result.notes);
    expect(midiNotes.length).toBe(take.notes.length);
    // Every played note found with its pitch and an onset within 50 ms.
    const s = noteMetrics(take.notes, PHRASE, { onsetToleranceSec: 0.05 });
    expect(s.recall).toBe(1);
    expect(s.precision).toBeGreaterThanOrEqual(0.6);
    // Any extra note is a harmonic ghost (an octave, twelfth or two octaves from a note sounding then), never noise.
    const played = (x: NoteEvent): boolean => PHRASE.some((p) => p.pitch === x.pitch && Math.abs(p.onsetSec - x.onsetSec) <= 0.05);
    for (const x of take.notes.filter((y) => !played(y))) {
      const parent = PHRASE.find((p) => [12, 19, 24, -12].includes(x.pitch - p.pitch) && x.onsetSec >= p.onsetSec - 0.05 && x.onsetSec < p.offsetSec);
      expect({ note: x, parent }).toEqual({ note: x, parent: expect.anything() as unknown });
    }
    // The 25 fps roll has the chord's keys on at 3.4 s and silence before the first note.
    const roll = decodeRoll(take.rolls.transcriber!);
    expect(roll.fps).toBe(25);
    const frame = Math.round(3.4 * 25);
    for (const p of [48, 55, 64]) expect(roll.data[frame * roll.keys + (p - roll.lowestMidi)]).toBe(1);
    for (let k = 0; k < roll.keys; k++) expect(roll.data[5 * roll.keys + k]).toBe(0);
  });

  it('fails with a clear error on a file without audio', async () => {
    const bad = path.join(dir, 'not-audio.wav');
    writeFileSync(bad, 'hello');
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      err.push(String(s));
      return true;
    });
    const before = process.exitCode;
    try {
      await buildProgram().parseAsync(['node', 'audeo', 'label', bad, '-o', path.join(dir, 'x.mid')]);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toMatch(/no audio could be decoded/);
    expect(process.exitCode).toBe(2);
    process.exitCode = before;
  });
});
