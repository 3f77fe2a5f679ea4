/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readFloatInitializers, readGraph, replaceFloatInitializers, withGraphOutput } from '../../src/adapt/onnx-proto';

const MODEL = path.join(__dirname, '..', '..', 'models', 'v2r-strip', '2.1.0', 'model.onnx');

describe('onnx-proto', () => {
  const bytes = new Uint8Array(readFileSync(MODEL));

  it('reads the head initializers and the node that consumes them', () => {
    const g = readGraph(bytes);
    expect(g.outputs).toEqual(['logits']);
    expect(g.initializers.get('head_white.0.weight')?.dims).toEqual([64, 96, 1]);
    const conv = g.nodes.find((n) => n.inputs.includes('head_white.0.weight'));
    expect(conv?.opType).toBe('Conv');
    const w = readFloatInitializers(bytes, ['key_bias', 'black']);
    expect(w.get('key_bias')?.length).toBe(88);
    // black-key mask: 36 black keys on an 88-key piano
    expect([...w.get('black')!].filter((v) => v === 1).length).toBe(36);
  });

  it('replaces values in place and adds a graph output that onnxruntime runs', async () => {
    const g = readGraph(bytes);
    const feats = g.nodes.find((n) => n.inputs.includes('head_white.0.weight'))!.inputs[0]!;
    const bias = new Float32Array(88).fill(-100);
    const edited = withGraphOutput(replaceFloatInitializers(bytes, new Map([['key_bias', bias]])), feats);
    expect(readFloatInitializers(edited, ['key_bias']).get('key_bias')![5]).toBe(-100);
    expect(readGraph(edited).outputs).toEqual(['logits', feats]);
    const ort = await import('onnxruntime-node');
    const s = await ort.InferenceSession.create(edited);
    const x = new ort.Tensor('float32', new Float32Array(5 * 100 * 900).fill(0.5), [1, 5, 100, 900]);
    const out = await s.run({ frames: x });
    expect(out[feats]!.dims).toEqual([1, 96, 88]);
    expect(Math.max(...(out.logits!.data as Float32Array))).toBeLessThan(-50);
    await s.release();
  });

  it('refuses a replacement of the wrong size or name', () => {
    expect(() => replaceFloatInitializers(bytes, new Map([['key_bias', new Float32Array(3)]]))).toThrow(/88 values; got 3/);
    expect(() => replaceFloatInitializers(bytes, new Map([['nope', new Float32Array(3)]]))).toThrow(/no float32 initializer "nope"/);
    expect(() => readGraph(bytes.subarray(0, 1000))).toThrow(/truncated/);
  });
});
