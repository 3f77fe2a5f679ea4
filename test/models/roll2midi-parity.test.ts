/**
 * @jest-environment ./test/extractor/ort-environment.ts
 *
 * Roll2Midi parity: the torch outputs exported by training/audeo_training/roll2midi/export.py, replayed through
 * onnxruntime-node on the shipped models/<name>/<version>/model.onnx, within the fixture's tolerance (1e-4).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'parity');

interface InputsFixture {
  readonly shape: [number, number, number];
  readonly uint8ZlibBase64: string;
}
interface ModelFixture {
  readonly model: string;
  readonly version: string;
  readonly sha256: string;
  readonly tolerance: number;
  readonly shape: [number, number, number];
  readonly outputs: Readonly<Record<string, { readonly float32ZlibBase64: string }>>;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function float32(b64: string): Float32Array {
  const buf = inflateSync(Buffer.from(b64, 'base64'));
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const modelFixtures = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((f) => f.startsWith('roll2midi-') && f.endsWith('.json') && f !== 'roll2midi-inputs.json')
  : [];

describe('roll2midi parity (torch vs onnxruntime-node)', () => {
  it('has parity fixtures', () => {
    expect(modelFixtures.length).toBeGreaterThan(0);
  });

  for (const file of modelFixtures) {
    const fx = readJson<ModelFixture>(path.join(FIXTURES, file));
    const onnxPath = path.join(ROOT, 'models', fx.model, fx.version, 'model.onnx');
    if (!existsSync(onnxPath)) {
      it.skip(`${fx.model}@${fx.version}: model file missing (${onnxPath}); export it to run this test`, () => undefined);
      continue;
    }
    it(`${fx.model}@${fx.version} matches the torch outputs within ${fx.tolerance}`, async () => {
      const bytes = readFileSync(onnxPath);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(fx.sha256);
      const inputs = readJson<InputsFixture>(path.join(FIXTURES, 'roll2midi-inputs.json'));
      const raw = inflateSync(Buffer.from(inputs.uint8ZlibBase64, 'base64'));
      const [n, frames, keys] = inputs.shape;
      expect(raw.length).toBe(n * frames * keys);
      const x = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) x[i] = (raw[i] ?? 0) / 255;
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      try {
        const out = await session.run({ roll_in: new ort.Tensor('float32', x, [n, frames, keys]) });
        const names = Object.keys(fx.outputs);
        expect(names).toContain('frame');
        for (const name of names) {
          const t = out[name];
          if (!t) throw new Error(`model ${fx.model} has no "${name}" output`);
          expect(t.dims).toEqual([n, frames, keys]);
          const want = float32(fx.outputs[name]!.float32ZlibBase64);
          const got = t.data as Float32Array;
          expect(got.length).toBe(want.length);
          let maxErr = 0;
          for (let i = 0; i < want.length; i++) maxErr = Math.max(maxErr, Math.abs((got[i] ?? Number.NaN) - (want[i] ?? 0)));
          expect(maxErr).toBeLessThanOrEqual(fx.tolerance);
        }
      } finally {
        await session.release();
      }
    });
  }
});
