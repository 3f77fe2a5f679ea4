import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notesToSmf, notesToSmfWithInfo, parseBpm, parseQuantize, parseVelocity, smpteOffsetBytes, smpteRateFor, writeMidiFile } from '../../src/io/midi-file';
import type { NoteEvent } from '../../src/core/types';
import { TIMECODE_RATES } from '../../src/core/timecode';
import { tmpDir } from './helpers';

// the training venv (mido); AUDEO_TEST_PYTHON points at another (e.g. a git worktree's checkout without its own venv)
const PY = process.env.AUDEO_TEST_PYTHON ?? path.join(__dirname, '..', '..', 'training', '.venv', 'bin', 'python');
const hasMido = ((): boolean => {
  try {
    execFileSync(PY, ['-c', 'import mido'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const READER = `
import json, sys, mido
f = mido.MidiFile(sys.argv[1])
out = {"smpte": None, "notes": [], "tempo": None}
for tr in f.tracks:
    for m in tr:
        if m.type == "smpte_offset":
            out["smpte"] = [m.frame_rate, m.hours, m.minutes, m.seconds, m.frames]
        if m.type == "set_tempo" and out["tempo"] is None:
            out["tempo"] = m.tempo
t, on = 0.0, {}
for m in f:  # merged tracks, time in seconds
    t += m.time
    if m.type == "note_on" and m.velocity > 0:
        on[m.note] = (t, m.velocity)
    elif m.type in ("note_off", "note_on") and m.note in on:
        s, v = on.pop(m.note)
        out["notes"].append([m.note, s, t, v])
print(json.dumps(out))
`;

const NOTES: NoteEvent[] = [
  { pitch: 60, onsetSec: 0.5, offsetSec: 1.25, velocity: 100 },
  { pitch: 64, onsetSec: 0.52, offsetSec: 0.9, velocity: 64 },
  { pitch: 21, onsetSec: 3.04, offsetSec: 3.2, velocity: 127 },
];

describe('MIDI file export', () => {
  it('picks SMPTE rates and encodes the offset bytes', () => {
    expect(smpteRateFor('01:00:00;00', 29.97).id).toBe('29.97df');
    expect(smpteRateFor('01:00:00:00', 25).id).toBe('25');
    expect(smpteRateFor('01:00:00:00', 23.976).id).toBe('24');
    expect(smpteRateFor('01:00:00:00', 59.94).id).toBe('30');
    expect(smpteOffsetBytes('01:02:03:04', TIMECODE_RATES['25'])).toEqual([0x20 | 1, 2, 3, 4, 0]);
    expect(() => smpteOffsetBytes('01:02:03:29', TIMECODE_RATES['25'])).toThrow(/out of range/);
  });

  it('starts with an SMF header and carries the SMPTE offset in the first track', async () => {
    const bytes = await notesToSmf(NOTES, { startTimecode: '10:00:00:12', videoFps: 25 });
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('MThd');
    const i = Buffer.from(bytes).indexOf(Buffer.from([0xff, 0x54, 0x05]));
    expect(i).toBeGreaterThan(14);
    expect([...bytes.subarray(i + 3, i + 8)]).toEqual([0x20 | 10, 0, 0, 12, 0]);
  });

  (hasMido ? it : it.skip)('reads back with an independent reader (python mido): notes, velocities, tempo, SMPTE offset', async () => {
    const dir = tmpDir();
    try {
      const file = path.join(dir, 'take.mid');
      await writeMidiFile(file, NOTES, { startTimecode: '01:00:00:00', videoFps: 29.97 });
      const out = JSON.parse(execFileSync(PY, ['-c', READER, file], { encoding: 'utf8' })) as {
        smpte: number[] | null;
        tempo: number;
        notes: Array<[number, number, number, number]>;
      };
      expect(out.tempo).toBe(500000);
      expect(out.smpte).toEqual([30, 1, 0, 0, 0]);
      const notes = out.notes.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      expect(notes.length).toBe(NOTES.length);
      notes.forEach(([pitch, on, off, vel], k) => {
        const want = NOTES[k]!;
        expect(pitch).toBe(want.pitch);
        expect(vel).toBe(want.velocity);
        expect(Math.abs(on - want.onsetSec)).toBeLessThan(0.002);
        expect(Math.abs(off - want.offsetSec)).toBeLessThan(0.002);
      });
      expect(fs.readdirSync(dir)).toEqual(['take.mid']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!hasMido) console.warn('midi-file test: training/.venv with mido not found; the independent read-back test is skipped');

  const TICKS_READER = `
import json, sys, mido
f = mido.MidiFile(sys.argv[1])
out = {"ppq": f.ticks_per_beat, "tempos": [], "markers": [], "timesig": None, "ons": []}
for tr in f.tracks:
    t = 0
    for m in tr:
        t += m.time
        if m.type == "set_tempo": out["tempos"].append([t, m.tempo])
        if m.type == "marker": out["markers"].append([t, m.text])
        if m.type == "time_signature": out["timesig"] = [m.numerator, m.denominator]
        if m.type == "note_on" and m.velocity > 0: out["ons"].append([t, m.note, m.velocity])
print(json.dumps(out))
`;

  /** 100 BPM from 1.3 s: a bass note every beat, a chord every other beat, a note off the beat now and then. */
  const PLAYED: NoteEvent[] = (() => {
    const notes: NoteEvent[] = [];
    for (let k = 0; k < 32; k++) {
      const b = 1.3 + k * 0.6 + (k % 3 === 0 ? 0.006 : -0.004);
      notes.push({ pitch: 45 + (k % 7), onsetSec: b, offsetSec: b + 0.55, velocity: 100 });
      if (k % 2 === 0) for (const p of [60, 64, 67]) notes.push({ pitch: p, onsetSec: b + 0.003 * (p - 60), offsetSec: b + 0.4, velocity: 100 });
      if (k % 4 === 1) notes.push({ pitch: 76, onsetSec: b + 0.31, offsetSec: b + 0.5, velocity: 100 });
    }
    return notes;
  })();

  (hasMido ? it : it.skip)('a tempo map from the notes: beats at 100 BPM, notes keep their seconds, marker and 4/4 at 0 (read back by mido)', async () => {
    const dir = tmpDir();
    try {
      const file = path.join(dir, 'played.mid');
      const info = await writeMidiFile(file, PLAYED, { startTimecode: '01:00:00:00', videoFps: 25 });
      expect(info.tempo.source).toBe('tracked');
      expect(info.tempo.bpm).toBeGreaterThan(97);
      expect(info.tempo.bpm).toBeLessThan(103);
      const back = JSON.parse(execFileSync(PY, ['-c', READER, file], { encoding: 'utf8' })) as { notes: Array<[number, number, number, number]> };
      const want = [...PLAYED].sort((a, b) => a.onsetSec - b.onsetSec || a.pitch - b.pitch);
      const got = back.notes.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
      expect(got).toHaveLength(want.length);
      got.forEach(([pitch, on, off], k) => {
        expect(pitch).toBe(want[k]!.pitch);
        expect(Math.abs(on - want[k]!.onsetSec)).toBeLessThan(0.002);
        expect(Math.abs(off - want[k]!.offsetSec)).toBeLessThan(0.002);
      });
      const t = JSON.parse(execFileSync(PY, ['-c', TICKS_READER, file], { encoding: 'utf8' })) as { ppq: number; tempos: Array<[number, number]>; markers: Array<[number, string]>; timesig: number[] };
      expect(t.tempos.length).toBeGreaterThan(20);
      expect(t.tempos.every(([tick], k) => tick === k * t.ppq)).toBe(true); // one tempo per beat
      expect(t.markers).toEqual([[0, 'video start 01:00:00:00']]);
      expect(t.timesig).toEqual([4, 4]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  (hasMido ? it : it.skip)('--quantize 1/16 puts every onset on a sixteenth of the map; --bpm forces one tempo; velocities from context or fixed', async () => {
    const dir = tmpDir();
    try {
      const file = path.join(dir, 'q.mid');
      await writeMidiFile(file, PLAYED, { quantizeDivision: 16, bpm: 100, velocity: 'context' });
      const t = JSON.parse(execFileSync(PY, ['-c', TICKS_READER, file], { encoding: 'utf8' })) as { ppq: number; tempos: Array<[number, number]>; ons: Array<[number, number, number]> };
      const sixteenth = t.ppq / 4;
      expect(t.ons).toHaveLength(PLAYED.length);
      expect(t.ons.every(([tick]) => tick % sixteenth === 0)).toBe(true);
      // forced 100 BPM: every tempo after the pickup is 600000 us per beat
      expect(t.tempos.slice(1).every(([, us]) => us === 600000)).toBe(true);
      // the off-beat notes (0.31 s after a beat = half a beat at 100 BPM) land on the eighth
      const offBeat = t.ons.filter(([, note]) => note === 76);
      expect(offBeat.every(([tick]) => tick % t.ppq === t.ppq / 2)).toBe(true);
      const vs = t.ons.map(([, , v]) => v);
      expect(new Set(vs).size).toBeGreaterThan(3);
      const { bytes } = await notesToSmfWithInfo(PLAYED, { velocity: 64 });
      fs.writeFileSync(file, bytes);
      const fixed = JSON.parse(execFileSync(PY, ['-c', TICKS_READER, file], { encoding: 'utf8' })) as { ons: Array<[number, number, number]> };
      expect(fixed.ons.every(([, , v]) => v === 64)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('option values: one line naming the expected form', () => {
    expect(parseQuantize('1/16')).toBe(16);
    expect(parseQuantize('1/12')).toBe(12);
    for (const bad of ['1/5', '16', '1/128', 'x']) expect(() => parseQuantize(bad)).toThrow(/^--quantize ".*" is not a note value; expected 1\/N .*, e\.g\. --quantize 1\/16$/);
    expect(parseBpm('96.5')).toBe(96.5);
    for (const bad of ['0', '9', '401', 'fast', '']) expect(() => parseBpm(bad)).toThrow(/^--bpm ".*" is not a tempo; expected beats per minute, 10\.\.400, e\.g\. --bpm 96$/);
    expect(parseVelocity('context')).toBe('context');
    expect(parseVelocity('keep')).toBe('keep');
    expect(parseVelocity('80')).toBe(80);
    for (const bad of ['0', '128', '80.5', 'loud']) expect(() => parseVelocity(bad)).toThrow(/^--velocity ".*" is not a velocity; expected context, keep or a number 1\.\.127, e\.g\. --velocity context$/);
  });
});
