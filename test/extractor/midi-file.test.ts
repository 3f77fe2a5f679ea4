import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { notesToSmf, smpteOffsetBytes, smpteRateFor, writeMidiFile } from '../../src/io/midi-file';
import type { NoteEvent } from '../../src/core/types';
import { TIMECODE_RATES } from '../../src/core/timecode';
import { tmpDir } from './helpers';

const PY = path.join(__dirname, '..', '..', 'training', '.venv', 'bin', 'python');
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
});
