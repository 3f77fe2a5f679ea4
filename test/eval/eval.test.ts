import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { buildProgram } from '../../src/cli/main';
import { notesToMidiBytes, parseMidiNotes, parseNoteText } from '../../src/core/reference';
import { encodeRoll, TAKE_FORMAT, TAKE_VERSION, type Take } from '../../src/core/take';
import type { NoteEvent } from '../../src/core/types';
import { notesToBinaryRoll } from '../../src/label/roll';
import { OVERLAY_COLOURS } from '../../src/viz/overlay-png';

const n = (pitch: number, onsetSec: number, offsetSec: number): NoteEvent => ({ pitch, onsetSec, offsetSec, velocity: 100 });
const REF = [n(60, 0.5, 1.0), n(64, 1.0, 1.5), n(67, 1.5, 2.0), n(72, 2.0, 3.0)];

async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  const se = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await buildProgram().parseAsync(['node', 'audeo', 'eval', ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = before;
  return { out: out.join(''), err: err.join(''), code };
}

interface Json {
  frame: { allKeys: { micro: { f1: number; precision: number }; samples: { f1: number } }; paperKeys: { micro: { f1: number } } };
  note: { onset: { f1: number; precision: number; recall: number }; onsetOffset: { f1: number } };
}

describe('audeo eval', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'audeo-eval-'));
  const refTxt = path.join(dir, 'ref.txt');
  writeFileSync(refTxt, REF.map((x) => `${x.onsetSec}\t${x.offsetSec}\t${x.pitch}`).join('\n') + '\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads OMAPS-style text and MIDI', () => {
    expect(parseNoteText('0.5 1.0 60\n\n1,1.5,64\n')).toEqual([n(60, 0.5, 1), n(64, 1, 1.5)]);
    expect(() => parseNoteText('0.5 oops 60')).toThrow(/expected "onsetSec offsetSec midiPitch"/);
    const back = parseMidiNotes(notesToMidiBytes(REF));
    expect(back.map((x) => x.pitch)).toEqual([60, 64, 67, 72]);
    back.forEach((x, i) => expect(x.onsetSec).toBeCloseTo(REF[i]!.onsetSec, 2));
  });

  it('a perfect prediction scores 1 everywhere', async () => {
    const mid = path.join(dir, 'perfect.mid');
    writeFileSync(mid, notesToMidiBytes(REF));
    const r = await cli([mid, refTxt, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Json;
    expect(j.frame.allKeys.micro.f1).toBe(1);
    expect(j.frame.paperKeys.micro.f1).toBe(1);
    expect(j.frame.allKeys.samples.f1).toBe(1);
    expect(j.note.onset.f1).toBe(1);
    expect(j.note.onsetOffset.f1).toBe(1);
  });

  it('an empty prediction scores 0', async () => {
    const mid = path.join(dir, 'empty.mid');
    writeFileSync(mid, notesToMidiBytes([]));
    const j = JSON.parse((await cli([mid, refTxt, '--json'])).out) as Json;
    expect(j.frame.allKeys.micro.f1).toBe(0);
    expect(j.note.onset.f1).toBe(0);
  });

  it('scores a Take with one wrong note and draws the overlay in three colours', async () => {
    const est = [REF[0]!, REF[1]!, n(68, 1.5, 2.0), REF[3]!];
    const roll = notesToBinaryRoll(est, { fps: 25 });
    const take: Take = {
      format: TAKE_FORMAT,
      version: TAKE_VERSION,
      createdAt: new Date(0).toISOString(),
      source: { path: 'x.mp4', sizeBytes: 1, headSha256: '0', durationSec: 3, fps: 25 },
      models: {},
      threshold: 0.4,
      rolls: { video2roll: encodeRoll(roll) },
      notes: est,
      progress: { framesDone: roll.frames, framesTotal: roll.frames, complete: true },
    };
    const takeFile = path.join(dir, 'p.audeo.json');
    writeFileSync(takeFile, JSON.stringify(take));
    const png = path.join(dir, 'overlay.png');
    const r = await cli([takeFile, refTxt, '--json', '--png', png]);
    const j = JSON.parse(r.out) as Json;
    expect(j.note.onset.precision).toBeCloseTo(3 / 4, 12);
    expect(j.note.onset.recall).toBeCloseTo(3 / 4, 12);
    expect(j.frame.allKeys.micro.precision).toBeCloseTo(0.8, 1);
    const viaRoll = JSON.parse((await cli([takeFile, refTxt, '--json', '--roll', 'video2roll'])).out) as Json;
    expect(viaRoll.frame.allKeys.micro.f1).toBeCloseTo(j.frame.allKeys.micro.f1, 6);
    expect(existsSync(png)).toBe(true);
    const img = PNG.sync.read(readFileSync(png));
    const seen = new Set<string>();
    for (let i = 0; i < img.data.length; i += 4) seen.add(`${img.data[i]},${img.data[i + 1]},${img.data[i + 2]}`);
    for (const c of [OVERLAY_COLOURS.truePositive, OVERLAY_COLOURS.miss, OVERLAY_COLOURS.falseAlarm]) expect(seen.has(c.join(','))).toBe(true);
    const human = await cli([takeFile, refTxt]);
    expect(human.out).toMatch(/frame, micro \(mir_eval\), 88 keys/);
    expect(human.out).toMatch(/frame, sample-avg \(paper\), 51 keys/);
  });

  it('gives clear errors on bad input', async () => {
    const empty = path.join(dir, 'empty.txt');
    writeFileSync(empty, '');
    let r = await cli([refTxt, empty]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is empty/);
    r = await cli([path.join(dir, 'missing.mid'), refTxt]);
    expect(r.err).toMatch(/cannot read the prediction/);
    const junk = path.join(dir, 'junk.mid');
    writeFileSync(junk, 'not midi');
    r = await cli([junk, refTxt]);
    expect(r.err).toMatch(/not a Standard MIDI File/);
    r = await cli([refTxt, refTxt, '--fps', '0']);
    expect(r.err).toMatch(/--fps 0/);
    r = await cli([refTxt, refTxt, '--roll', 'video2roll']);
    expect(r.err).toMatch(/has no video2roll roll/);
    const wav = path.join(dir, 'x.wav');
    writeFileSync(wav, 'RIFF');
    r = await cli([wav, refTxt]);
    expect(r.err).toMatch(/unknown type ".wav"/);
  });
});
