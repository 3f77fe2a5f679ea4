/**
 * The trainable part of `audeo adapt`: StripNet's key head (training/audeo_training/video2roll/models.py), read from
 * and written back to the ONNX file's initializers, with its forward pass, gradients and an Adam loop in plain
 * TypeScript. Pure (no I/O): features and labels in, weights out.
 *
 * The head reads, for each key k, the key's feature vector x (C = 96 channels, the graph tensor the head's first Conv
 * consumes: [batch, C, 88]) and computes, with the white-key or the black-key weights as the key is:
 *   logit_k = w2 . relu(W1 x + b1) + b2 + keyBias[k]
 * The rest of the network stays frozen: its features come from onnxruntime, the head learns the user's piano,
 * light and camera on top of them. Regularised towards the shipped weights (L2-SP), so a few minutes of footage
 * move it only as far as the data supports.
 */
import { ModelError } from '../core/errors';
import { mulberry32 } from '../core/random';
import { readFloatInitializers, readGraph } from './onnx-proto';

/** StripNet's head initializers (torch module names, kept by torch.onnx.export). */
export const STRIP_HEAD = {
  sets: [
    { w1: 'head_white.0.weight', b1: 'head_white.0.bias', w2: 'head_white.2.weight', b2: 'head_white.2.bias' },
    { w1: 'head_black.0.weight', b1: 'head_black.0.bias', w2: 'head_black.2.weight', b2: 'head_black.2.bias' },
  ],
  keyBias: 'key_bias',
  blackMask: 'black',
} as const;

interface SetOffsets {
  readonly w1: number;
  readonly b1: number;
  readonly w2: number;
  readonly b2: number;
}

/** The head's weights as one flat vector (Adam works on it), with the layout to read them. */
export class KeyHead {
  readonly offsets: readonly [SetOffsets, SetOffsets];
  readonly keyBiasOffset: number;

  constructor(
    readonly channels: number,
    readonly hidden: number,
    readonly keys: number,
    /** 1 where key k uses the black-key weights. */
    readonly blackKey: Uint8Array,
    readonly params: Float32Array,
  ) {
    const setSize = hidden * channels + 2 * hidden + 1;
    const at = (s: number): SetOffsets => ({ w1: s * setSize, b1: s * setSize + hidden * channels, w2: s * setSize + hidden * channels + hidden, b2: s * setSize + hidden * channels + 2 * hidden });
    this.offsets = [at(0), at(1)];
    this.keyBiasOffset = 2 * setSize;
    if (params.length !== 2 * setSize + keys) throw new ModelError(`key head has ${params.length} parameters; expected ${2 * setSize + keys}`);
  }

  static size(channels: number, hidden: number, keys: number): number {
    return 2 * (hidden * channels + 2 * hidden + 1) + keys;
  }

  /** The head of a StripNet ONNX file, and the name of the feature tensor it reads. */
  static fromOnnx(model: Uint8Array): { head: KeyHead; featureTensor: string } {
    const graph = readGraph(model);
    const consumer = graph.nodes.find((n) => n.inputs.includes(STRIP_HEAD.sets[0].w1));
    const featureTensor = consumer?.inputs[0];
    const w1 = graph.initializers.get(STRIP_HEAD.sets[0].w1);
    if (!consumer || !featureTensor || !w1 || w1.dims.length < 2) {
      throw new ModelError(`this Video2Roll model has no StripNet key head (${STRIP_HEAD.sets[0].w1}); audeo adapt fits v2r-strip models`);
    }
    const [hidden, channels] = [w1.dims[0]!, w1.dims[1]!];
    const names = [...STRIP_HEAD.sets.flatMap((s) => [s.w1, s.b1, s.w2, s.b2]), STRIP_HEAD.keyBias, STRIP_HEAD.blackMask];
    const w = readFloatInitializers(model, names);
    const keys = w.get(STRIP_HEAD.keyBias)!.length;
    const blackKey = Uint8Array.from(w.get(STRIP_HEAD.blackMask)!, (v) => (v > 0.5 ? 1 : 0));
    const head = new KeyHead(channels, hidden, keys, blackKey, new Float32Array(KeyHead.size(channels, hidden, keys)));
    STRIP_HEAD.sets.forEach((s, i) => {
      const o = head.offsets[i as 0 | 1];
      head.params.set(w.get(s.w1)!, o.w1);
      head.params.set(w.get(s.b1)!, o.b1);
      head.params.set(w.get(s.w2)!, o.w2);
      head.params.set(w.get(s.b2)!, o.b2);
    });
    head.params.set(w.get(STRIP_HEAD.keyBias)!, head.keyBiasOffset);
    return { head, featureTensor };
  }

  clone(params = Float32Array.from(this.params)): KeyHead {
    return new KeyHead(this.channels, this.hidden, this.keys, this.blackKey, params);
  }

  /** The weights as ONNX initializers (for replaceFloatInitializers). */
  toInitializers(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    const p = this.params;
    STRIP_HEAD.sets.forEach((s, i) => {
      const o = this.offsets[i as 0 | 1];
      out.set(s.w1, p.slice(o.w1, o.b1));
      out.set(s.b1, p.slice(o.b1, o.w2));
      out.set(s.w2, p.slice(o.w2, o.b2));
      out.set(s.b2, p.slice(o.b2, o.b2 + 1));
    });
    out.set(STRIP_HEAD.keyBias, p.slice(this.keyBiasOffset, this.keyBiasOffset + this.keys));
    return out;
  }

  /** Logit of key k from its feature vector feats[at .. at + channels); `h` receives the hidden activations. */
  logit(feats: Float32Array, at: number, k: number, h: Float32Array): number {
    const p = this.params;
    const o = this.offsets[this.blackKey[k] as 0 | 1];
    const C = this.channels;
    let z = p[o.b2]!;
    for (let j = 0; j < this.hidden; j++) {
      let a = p[o.b1 + j]!;
      const row = o.w1 + j * C;
      for (let i = 0; i < C; i++) a += p[row + i]! * feats[at + i]!;
      const r = a > 0 ? a : 0;
      h[j] = r;
      z += p[o.w2 + j]! * r;
    }
    return z + p[this.keyBiasOffset + k]!;
  }

  /** Probabilities of every key of frames [0, frames) of key-major features (frame, key, channel). */
  probabilities(feats: Float32Array, frames: number): Float32Array {
    const K = this.keys;
    const out = new Float32Array(frames * K);
    const h = new Float32Array(this.hidden);
    for (let t = 0; t < frames; t++) for (let k = 0; k < K; k++) out[t * K + k] = sigmoid(this.logit(feats, (t * K + k) * this.channels, k, h));
    return out;
  }
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** [batch, C, K] (the ONNX feature tensor) -> key-major [batch, K, C] written into `out` at frame `frameOffset`. */
export function toKeyMajor(src: Float32Array, batch: number, channels: number, keys: number, out: Float32Array, frameOffset: number): void {
  for (let b = 0; b < batch; b++) {
    const s0 = b * channels * keys;
    const d0 = (frameOffset + b) * keys * channels;
    for (let c = 0; c < channels; c++) for (let k = 0; k < keys; k++) out[d0 + k * channels + c] = src[s0 + c * keys + k]!;
  }
}

/** Frames of one stretch of footage: key-major features, key-down labels, and which key-frames count. */
export interface KeyFrames {
  readonly frames: number;
  /** [frames, keys, channels] */
  readonly feats: Float32Array;
  /** [frames, keys]: 1 = key down */
  readonly labels: Uint8Array;
  /** [frames, keys]: 1 = use this key-frame (keys the camera sees, frames not left out) */
  readonly use: Uint8Array;
  /** [frames, keys]: the shipped head's probabilities (picks the negatives worth keeping) */
  readonly baseProbs: Float32Array;
}

export interface TrainOptions {
  readonly epochs?: number;
  readonly batch?: number;
  readonly lr?: number;
  /** L2 pull towards the shipped weights. */
  readonly l2sp?: number;
  /** Learning-rate factor of the per-key biases (one number per key: a lighter key, a shadowed one, needs a big move). */
  readonly biasLrScale?: number;
  /** Share of the easy negatives (shipped probability < hardBelow) sampled each epoch; weighted back up. */
  readonly negativeRate?: number;
  readonly hardBelow?: number;
  readonly seed?: number;
  /** Epochs without a better validation score before stopping. */
  readonly patience?: number;
  readonly onEpoch?: (e: EpochLog) => void;
  /** Checked between batches: true stops training (keeps the best head so far). */
  readonly shouldStop?: () => boolean;
}

export interface EpochLog {
  readonly epoch: number;
  readonly epochs: number;
  readonly trainLoss: number;
  readonly valFrameF1: number;
  readonly valThreshold: number;
}

export const ADAPT_DEFAULTS = { epochs: 10, batch: 256, lr: 3e-3, l2sp: 1e-4, biasLrScale: 10, negativeRate: 0.25, hardBelow: 0.05, seed: 1, patience: 6 } as const;

/** Micro frame F1 of `probs` >= threshold against `labels` (>= 0.5 is down) over the first `n` values where `use` is set. */
export function frameF1At(probs: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, n = probs.length, use?: ArrayLike<number>): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < n; i++) {
    if (use && !use[i]) continue;
    const on = probs[i]! >= threshold;
    const y = labels[i]! >= 0.5;
    if (on && y) tp++;
    else if (on) fp++;
    else if (y) fn++;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** Best micro frame F1 over thresholds 0.10, 0.15, ..., 0.90, and that threshold. */
export function bestFrameF1(probs: Float32Array, data: Pick<KeyFrames, 'labels' | 'use'>): { f1: number; threshold: number } {
  let best = { f1: 0, threshold: 0.5 };
  for (let th = 0.1; th <= 0.9001; th += 0.05) {
    const f1 = frameF1At(probs, data.labels, th, probs.length, data.use);
    if (f1 > best.f1) best = { f1, threshold: Math.round(th * 100) / 100 };
  }
  return best;
}

function samples(data: KeyFrames, rate: number, hardBelow: number, rnd: () => number): { idx: Int32Array; weight: Float32Array } {
  const idx: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < data.labels.length; i++) {
    if (!data.use[i]) continue;
    if (data.labels[i] === 1 || data.baseProbs[i]! >= hardBelow) {
      idx.push(i);
      weight.push(1);
    } else if (rnd() < rate) {
      idx.push(i);
      weight.push(1 / rate);
    }
  }
  // shuffle (Fisher-Yates)
  for (let i = idx.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    [weight[i], weight[j]] = [weight[j]!, weight[i]!];
  }
  return { idx: Int32Array.from(idx), weight: Float32Array.from(weight) };
}

/**
 * Fits the head to `train` (weighted binary cross-entropy, Adam, L2-SP towards `init`), scores it on `val` after
 * each epoch (best micro frame F1 over thresholds) and returns the best head with its threshold.
 */
/**
 * Adds w * d(BCE)/d(params) of one key-frame (features feats[at..], key k, label y) to `grad`; returns its
 * unweighted loss. `h` is scratch for the hidden activations.
 */
export function accumulateGradient(head: KeyHead, feats: Float32Array, at: number, k: number, y: number, w: number, grad: Float32Array, h: Float32Array): number {
  const p = head.params;
  const C = head.channels;
  const z = head.logit(feats, at, k, h);
  const g = w * (sigmoid(z) - y);
  const off = head.offsets[head.blackKey[k] as 0 | 1];
  grad[head.keyBiasOffset + k]! += g;
  grad[off.b2]! += g;
  for (let j = 0; j < head.hidden; j++) {
    const hj = h[j]!;
    if (hj <= 0) continue;
    grad[off.w2 + j]! += g * hj;
    const d = g * p[off.w2 + j]!;
    grad[off.b1 + j]! += d;
    const row = off.w1 + j * C;
    for (let c = 0; c < C; c++) grad[row + c]! += d * feats[at + c]!;
  }
  // BCE with logits: softplus(z) - y z
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}

export interface TrainResult {
  readonly head: KeyHead;
  readonly threshold: number;
  readonly valFrameF1: number;
  readonly baseValFrameF1: number;
  readonly epochs: EpochLog[];
}

/** Yields to the event loop every this many batches (signals and timers run during a long fit). */
const YIELD_EVERY = 16;

/**
 * Without `val`, trains the fixed number of epochs and returns the last head (valFrameF1 and baseValFrameF1 NaN).
 */
export async function trainHead(init: KeyHead, train: KeyFrames, val: KeyFrames | undefined, opts: TrainOptions = {}): Promise<TrainResult> {
  const o = { ...ADAPT_DEFAULTS, ...opts };
  const rnd = mulberry32(o.seed);
  const head = init.clone();
  const theta0 = init.params;
  const p = head.params;
  const n = p.length;
  const grad = new Float32Array(n);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const C = head.channels;
  const H = head.hidden;
  const K = head.keys;
  const h = new Float32Array(H);
  const [b1, b2] = [0.9, 0.999];
  let step = 0;
  const base = val ? bestFrameF1(init.probabilities(val.feats, val.frames), val) : { f1: NaN, threshold: NaN };
  let best = { params: Float32Array.from(p), f1: base.f1, threshold: base.threshold };
  const log: EpochLog[] = [];
  let since = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const { idx, weight } = samples(train, o.negativeRate, o.hardBelow, rnd);
    let lossSum = 0;
    let wSum = 0;
    for (let s0 = 0; s0 < idx.length; s0 += o.batch) {
      if (step % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (o.shouldStop?.()) return { head: init.clone(best.params), threshold: best.threshold, valFrameF1: best.f1, baseValFrameF1: base.f1, epochs: log };
      grad.fill(0);
      const s1 = Math.min(idx.length, s0 + o.batch);
      let bw = 0;
      for (let s = s0; s < s1; s++) bw += weight[s]!;
      for (let s = s0; s < s1; s++) {
        const i = idx[s]!;
        const k = i % K;
        const at = i * C;
        const y = train.labels[i]!;
        lossSum += weight[s]! * accumulateGradient(head, train.feats, at, k, y, weight[s]! / bw, grad, h);
        wSum += weight[s]!;
      }
      step++;
      const lr = o.lr * Math.sqrt(1 - b2 ** step) / (1 - b1 ** step);
      for (let q = 0; q < n; q++) {
        const gq = grad[q]! + o.l2sp * (p[q]! - theta0[q]!);
        m[q] = b1 * m[q]! + (1 - b1) * gq;
        v[q] = b2 * v[q]! + (1 - b2) * gq * gq;
        p[q]! -= ((q >= head.keyBiasOffset ? lr * o.biasLrScale : lr) * m[q]!) / (Math.sqrt(v[q]!) + 1e-8);
      }
    }
    if (!val) {
      const e: EpochLog = { epoch, epochs: o.epochs, trainLoss: wSum ? lossSum / wSum : 0, valFrameF1: NaN, valThreshold: NaN };
      log.push(e);
      o.onEpoch?.(e);
      best = { params: Float32Array.from(p), f1: NaN, threshold: NaN };
      continue;
    }
    const score = bestFrameF1(head.probabilities(val.feats, val.frames), val);
    const e: EpochLog = { epoch, epochs: o.epochs, trainLoss: wSum ? lossSum / wSum : 0, valFrameF1: score.f1, valThreshold: score.threshold };
    log.push(e);
    o.onEpoch?.(e);
    if (score.f1 > best.f1 + 1e-4) {
      best = { params: Float32Array.from(p), f1: score.f1, threshold: score.threshold };
      since = 0;
    } else if (++since >= o.patience) break;
  }
  return { head: init.clone(best.params), threshold: best.threshold, valFrameF1: best.f1, baseValFrameF1: base.f1, epochs: log };
}
