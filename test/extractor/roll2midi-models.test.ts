/**
 * @jest-environment ./test/extractor/ort-environment.ts
 *
 * The shipped Roll2Midi models (models/r2m-*) through the extractor's own path: registry -> Roll2MidiRunner (windows,
 * blending, sigmoid handling) -> note decoder. One 100-frame window must reproduce the torch outputs stored by
 * training/audeo_training/roll2midi/export.py (test/fixtures/parity/roll2midi-<name>.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { rollToNotes } from '../../src/core/notes';
import type { Roll } from '../../src/core/types';
import { defaultModelsRoot, loadModel, readIndex, type IndexEntry } from '../../src/extractor/models';
import { Roll2MidiRunner } from '../../src/extractor/runners';

const ROOT = path.resolve(__dirname, '..', '..');
const PARITY = path.join(ROOT, 'test', 'fixtures', 'parity');
const MODELS = defaultModelsRoot();

function readIndexSync(): { entries: IndexEntry[]; defaultR2m?: string } {
  const file = path.join(MODELS, 'index.json');
  if (!existsSync(file)) return { entries: [] };
  const idx = JSON.parse(readFileSync(file, 'utf8')) as { defaults?: Record<string, string>; models?: IndexEntry[] };
  const entries = (idx.models ?? []).filter((m) => m.type === 'roll2midi' && m.name.startsWith('r2m-'));
  const d = idx.defaults?.roll2midi;
  return d ? { entries, defaultR2m: d } : { entries };
}

function parityInput(): { shape: [number, number, number]; data: Float32Array } {
  const fx = JSON.parse(readFileSync(path.join(PARITY, 'roll2midi-inputs.json'), 'utf8')) as { shape: [number, number, number]; uint8ZlibBase64: string };
  const raw = inflateSync(Buffer.from(fx.uint8ZlibBase64, 'base64'));
  const data = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) data[i] = (raw[i] ?? 0) / 255;
  return { shape: fx.shape, data };
}

function float32(b64: string): Float32Array {
  const buf = inflateSync(Buffer.from(b64, 'base64'));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function roll(data: Float32Array, frames: number): Roll {
  return { fps: 25, startSec: 0, lowestMidi: 21, keys: 88, frames, data };
}

const { entries, defaultR2m } = readIndexSync();
const describeIf = entries.length > 0 ? describe : describe.skip;
if (entries.length === 0) console.warn(`no r2m-* roll2midi model in ${MODELS}/index.json: export one to run these tests`);

describeIf('shipped Roll2Midi models through the extractor runner', () => {
  it('the index default roll2midi model (if any) resolves and loads', async () => {
    const index = await readIndex(MODELS);
    expect(index.models.some((m) => m.type === 'roll2midi')).toBe(true);
    const m = await loadModel('roll2midi', undefined, MODELS);
    if (defaultR2m) {
      expect(m?.card.type).toBe('roll2midi');
      expect(`${m?.card.name}@${m?.card.version}`).toBe(defaultR2m);
    } else {
      expect(m).toBeUndefined(); // no default refiner named: the extractor skips the stage
    }
  });

  for (const entry of entries) {
    const ref = `${entry.name}@${entry.version}`;

    it(`${ref}: card carries the window and thresholds the runner reads`, async () => {
      const m = await loadModel('roll2midi', ref, MODELS);
      if (!m) throw new Error(`${ref} did not load`);
      expect(m.card.window).toEqual({ frames: 100, hopFrames: 50, blend: 'triangular' });
      expect(m.card.inputs[0]?.name).toBe('roll_in');
      expect(m.card.outputs[0]?.name).toBe('frame');
      expect(m.card.outputKind).toBe('probabilities');
      const th = m.card.thresholds?.default ?? Number.NaN;
      expect(th).toBeGreaterThanOrEqual(0.15);
      expect(th).toBeLessThanOrEqual(0.75);
    });

    it(`${ref}: one window through Roll2MidiRunner equals the torch outputs (1e-4)`, async () => {
      const fxFile = path.join(PARITY, `roll2midi-${entry.name}.json`);
      if (!existsSync(fxFile)) throw new Error(`parity fixture ${fxFile} missing; run the exporter`);
      const fx = JSON.parse(readFileSync(fxFile, 'utf8')) as { version: string; outputs: Record<string, { float32ZlibBase64: string }> };
      expect(fx.version).toBe(entry.version);
      const m = await loadModel('roll2midi', ref, MODELS);
      if (!m) throw new Error(`${ref} did not load`);
      const runner = await Roll2MidiRunner.create(m, { threads: 1 });
      try {
        const { data } = parityInput();
        const win = 100 * 88;
        const out = await runner.refine(roll(data.slice(0, win), 100));
        const check = (got: Float32Array, b64: string): void => {
          const want = float32(b64).subarray(0, win);
          let maxErr = 0;
          for (let i = 0; i < win; i++) maxErr = Math.max(maxErr, Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0)));
          expect(maxErr).toBeLessThanOrEqual(1e-4);
        };
        check(out.roll.data, fx.outputs.frame!.float32ZlibBase64);
        if (fx.outputs.onset) {
          if (!out.onsets) throw new Error(`${ref}: the runner dropped the onset output`);
          check(out.onsets.data, fx.outputs.onset.float32ZlibBase64);
        } else expect(out.onsets).toBeUndefined();
      } finally {
        await runner.close();
      }
    });

    it(`${ref}: refines a 160-frame roll (overlapping windows) into notes inside the clip`, async () => {
      const m = await loadModel('roll2midi', ref, MODELS);
      if (!m) throw new Error(`${ref} did not load`);
      const runner = await Roll2MidiRunner.create(m, { threads: 1 });
      try {
        const { data } = parityInput();
        const frames = 160;
        const input = roll(data.slice(0, frames * 88), frames);
        const out = await runner.refine(input);
        expect(out.roll.frames).toBe(frames);
        expect(out.roll.data.length).toBe(frames * 88);
        expect(out.roll.data.every((v) => v >= 0 && v <= 1)).toBe(true);
        const th = m.card.thresholds?.default ?? 0.4;
        const notes = rollToNotes(out.roll, { threshold: th, ...(out.onsets ? { onsets: out.onsets } : {}) });
        expect(notes.length).toBeGreaterThan(0);
        for (const n of notes) {
          expect(n.onsetSec).toBeGreaterThanOrEqual(0);
          expect(n.offsetSec).toBeLessThanOrEqual(frames / 25 + 1e-9);
          expect(n.pitch).toBeGreaterThanOrEqual(21);
          expect(n.pitch).toBeLessThanOrEqual(108);
        }
        // the refiner keeps the input's strongest notes: most frames >= 0.8 in the input stay on
        let strong = 0;
        let kept = 0;
        for (let i = 0; i < input.data.length; i++) {
          if ((input.data[i] ?? 0) >= 0.8) {
            strong++;
            if ((out.roll.data[i] ?? 0) >= th) kept++;
          }
        }
        expect(strong).toBeGreaterThan(50);
        expect(kept / strong).toBeGreaterThan(0.8);
      } finally {
        await runner.close();
      }
    });
  }
});
