/**
 * @jest-environment ./test/extractor/ort-environment.ts
 *
 * Video2Roll parity: the torch logits exported by training/audeo_training/video2roll/export.py, replayed through
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
  readonly shape: [number, number, number, number];
  readonly uint8ZlibBase64: string;
}
interface ModelFixture {
  readonly model: string;
  readonly version: string;
  readonly sha256: string;
  readonly tolerance: number;
  readonly torchLogits: number[][];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

const modelFixtures = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((f) => f.startsWith('video2roll-') && f.endsWith('.json') && f !== 'video2roll-inputs.json')
  : [];

describe('video2roll parity (torch vs onnxruntime-node)', () => {
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
    it(`${fx.model}@${fx.version} matches the torch logits within ${fx.tolerance}`, async () => {
      const bytes = readFileSync(onnxPath);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(fx.sha256);
      const inputs = readJson<InputsFixture>(path.join(FIXTURES, 'video2roll-inputs.json'));
      const raw = inflateSync(Buffer.from(inputs.uint8ZlibBase64, 'base64'));
      const [n, frames, height, width] = inputs.shape;
      expect(raw.length).toBe(n * frames * height * width);
      const x = new Float32Array(raw.length);
      for (let i = 0; i < raw.length; i++) x[i] = (raw[i] ?? 0) / 255;
      const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
      try {
        const out = await session.run({ frames: new ort.Tensor('float32', x, [n, frames, height, width]) });
        const logits = out.logits;
        if (!logits) throw new Error(`model ${fx.model} has no "logits" output`);
        expect(logits.dims).toEqual([n, 88]);
        const got = logits.data as Float32Array;
        let maxErr = 0;
        fx.torchLogits.forEach((row, i) => row.forEach((v, k) => {
          maxErr = Math.max(maxErr, Math.abs((got[i * 88 + k] ?? Number.NaN) - v));
        }));
        expect(maxErr).toBeLessThanOrEqual(fx.tolerance);
      } finally {
        await session.release();
      }
    });
  }
});
