/**
 * @jest-environment ./test/extractor/ort-environment.ts
 *
 * The adapt head: the TypeScript forward pass equals onnxruntime's logits on the shipped model (so the weights it
 * writes back mean what it trained); its gradients match finite differences; training learns a planted rule.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { KeyHead, accumulateGradient, bestFrameF1, sigmoid, toKeyMajor, trainHead, type KeyFrames } from '../../src/adapt/head';
import { readFloatInitializers, replaceFloatInitializers, withGraphOutput } from '../../src/adapt/onnx-proto';
import { mulberry32 } from '../../src/core/random';

const MODEL = path.join(__dirname, '..', '..', 'models', 'v2r-strip', '2.1.0', 'model.onnx');

describe('KeyHead', () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const { head, featureTensor } = KeyHead.fromOnnx(bytes);

  it('reads StripNet head: 96 channels, 64 hidden, 88 keys, 36 black', () => {
    expect([head.channels, head.hidden, head.keys]).toEqual([96, 64, 88]);
    expect([...head.blackKey].reduce((a, b) => a + b, 0)).toBe(36);
  });

  it('its forward pass equals onnxruntime on the tapped model, before and after its weights are written back', async () => {
    const ort = await import('onnxruntime-node');
    const rnd = mulberry32(3);
    const frames = new Float32Array(2 * 5 * 100 * 900).map(() => rnd());
    const changed = head.clone();
    for (let i = 0; i < changed.params.length; i++) changed.params[i]! += 0.05 * (rnd() - 0.5);
    for (const h of [head, changed]) {
      const model = withGraphOutput(replaceFloatInitializers(bytes, h.toInitializers()), featureTensor);
      const s = await ort.InferenceSession.create(model);
      const out = await s.run({ frames: new ort.Tensor('float32', frames, [2, 5, 100, 900]) });
      const feats = new Float32Array(2 * 88 * 96);
      toKeyMajor(out[featureTensor]!.data as Float32Array, 2, 96, 88, feats, 0);
      const probs = h.probabilities(feats, 2);
      const logits = out.logits!.data as Float32Array;
      let err = 0;
      for (let i = 0; i < probs.length; i++) err = Math.max(err, Math.abs(probs[i]! - sigmoid(logits[i]!)));
      expect(err).toBeLessThan(1e-5);
      await s.release();
    }
    // the written file holds exactly the trained values
    const back = readFloatInitializers(replaceFloatInitializers(bytes, changed.toInitializers()), ['key_bias']).get('key_bias')!;
    expect(Array.from(back)).toEqual(Array.from(changed.params.subarray(changed.keyBiasOffset)));
  });
});

/** Data where a key is down when its feature channel 0 is high (one rule for every key). */
function planted(frames: number, seed: number, h: KeyHead): KeyFrames {
  const rnd = mulberry32(seed);
  const K = h.keys;
  const C = h.channels;
  const feats = new Float32Array(frames * K * C).map(() => rnd());
  const labels = new Uint8Array(frames * K);
  for (let t = 0; t < frames; t++) for (let k = 0; k < K; k++) labels[t * K + k] = feats[(t * K + k) * C]! > 0.8 ? 1 : 0;
  const use = new Uint8Array(frames * K).fill(1);
  return { frames, feats, labels, use, baseProbs: h.probabilities(feats, frames) };
}

describe('trainHead', () => {
  const C = 4;
  const H = 6;
  const K = 8;
  const black = Uint8Array.from({ length: K }, (_, k) => k % 2);
  const init = (): KeyHead => {
    const rnd = mulberry32(9);
    return new KeyHead(C, H, K, black, new Float32Array(KeyHead.size(C, H, K)).map(() => 0.3 * (rnd() - 0.5)));
  };

  it('gradients match finite differences', () => {
    const h = init();
    const data = planted(3, 1, h);
    const scratch = new Float32Array(H);
    for (const [t, k] of [[0, 1], [1, 2], [2, 5]] as const) {
      const at = (t * K + k) * C;
      const y = data.labels[t * K + k]!;
      const grad = new Float32Array(h.params.length);
      accumulateGradient(h, data.feats, at, k, y, 1, grad, scratch);
      const lossAt = (): number => accumulateGradient(h, data.feats, at, k, y, 0, new Float32Array(h.params.length), scratch);
      let checked = 0;
      let mismatched = 0;
      for (let q = 0; q < h.params.length; q++) {
        const keep = h.params[q]!;
        h.params[q] = keep + 1e-4;
        const up = lossAt();
        h.params[q] = keep - 1e-4;
        const down = lossAt();
        h.params[q] = keep;
        const numeric = (up - down) / (Math.fround(keep + 1e-4) - Math.fround(keep - 1e-4)); // the float32 step taken
        // a hidden unit sitting on its ReLU kink can differ; there may be one or two of those
        if (Math.abs(numeric - grad[q]!) > 1e-4 + 1e-2 * Math.abs(numeric)) mismatched++;
        if (grad[q] !== 0) checked++;
      }
      expect(checked).toBeGreaterThan(5);
      expect(mismatched).toBeLessThanOrEqual(2);
    }
  });

  it('learns a planted rule: validation frame F1 rises well above the start', async () => {
    const h = init();
    const train = planted(400, 2, h);
    const val = planted(100, 3, h);
    const start = bestFrameF1(h.probabilities(val.feats, val.frames), val).f1;
    const r = await trainHead(h, train, val, { epochs: 40, lr: 0.02, l2sp: 0, patience: 40 });
    expect(r.baseValFrameF1).toBeCloseTo(start, 6);
    expect(r.valFrameF1).toBeGreaterThan(Math.max(0.8, start + 0.3));
  });

  it('stops when asked and returns the best head so far', async () => {
    const h = init();
    const d = planted(50, 4, h);
    const r = await trainHead(h, d, d, { epochs: 10, shouldStop: () => true });
    expect(r.epochs).toHaveLength(0);
    expect(Array.from(r.head.params)).toEqual(Array.from(h.params));
  });
});
