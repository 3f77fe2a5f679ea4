/**
 * ONNX runners: they only move tensors. onnxruntime-node is loaded lazily (heavy).
 * Video2Roll: [batch, frames(5), height, width] float32 (gray * scale - mean) / std -> [batch, keys] (sigmoid when logits).
 * Roll2Midi: [batch, window, keys] probabilities -> [batch, window, keys] (+ optional "onset" output).
 */
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelError } from '../core/errors';
import type { Roll } from '../core/types';
import type { LoadedModel, TensorSpec } from './models';
import { runWindowed, sigmoidInPlace } from './windows';

export interface RunnerOptions {
  /** Threads for one inference (default: 2, this project's reference machine). */
  readonly threads?: number;
  /** Run these bytes instead of model.onnxPath (the same model with an extra graph output: src/adapt/onnx-proto.ts). */
  readonly modelBytes?: Uint8Array;
  /** Video2Roll: graph outputs fetched besides the card's output (e.g. the key features `audeo adapt` trains on). */
  readonly extraOutputs?: readonly string[];
}

async function openSession(model: LoadedModel, opts: RunnerOptions): Promise<{ ort: typeof import('onnxruntime-node'); session: InferenceSession }> {
  const ort = await import('onnxruntime-node');
  const sessionOptions: InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.threads ?? 2,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  try {
    const session = opts.modelBytes ? await ort.InferenceSession.create(opts.modelBytes, sessionOptions) : await ort.InferenceSession.create(model.onnxPath, sessionOptions);
    return { ort, session };
  } catch (e) {
    throw new ModelError(`model ${model.card.name}@${model.card.version}: onnxruntime cannot load ${model.onnxPath} (${(e as Error).message.split('\n')[0]}); expected a valid ONNX file`);
  }
}

function checkName(model: LoadedModel, names: readonly string[], spec: TensorSpec | undefined, what: string): string {
  if (!spec) throw new ModelError(`model ${model.card.name}@${model.card.version}: card lists no ${what}`);
  if (!names.includes(spec.name)) throw new ModelError(`model ${model.card.name}@${model.card.version}: card ${what} "${spec.name}" is not in the ONNX graph (${names.join(', ')})`);
  return spec.name;
}

function floatData(t: Tensor | undefined, what: string): Float32Array {
  if (!t || !(t.data instanceof Float32Array)) throw new ModelError(`model output ${what} is not float32; expected float32 probabilities or logits`);
  return t.data;
}

export class Video2RollRunner {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly keys: number;
  readonly lowestMidi: number;
  readonly fps: number;
  private readonly scale: number;
  private readonly mean: number;
  private readonly std: number;
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly extraOutputs: readonly string[];
  /** Reused input tensor storage (the previous run has finished with it when the next starts). */
  private inputBuf: Float32Array | undefined;

  private constructor(
    readonly model: LoadedModel,
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: InferenceSession,
    extraOutputs: readonly string[] = [],
  ) {
    const c = model.card;
    const pre = c.preprocessing ?? {};
    const shape = c.inputs[0]?.shape ?? [];
    this.frames = pre.frames ?? (typeof shape[1] === 'number' ? shape[1] : 5);
    this.height = pre.height ?? (typeof shape[2] === 'number' ? shape[2] : 100);
    this.width = pre.width ?? (typeof shape[3] === 'number' ? shape[3] : 900);
    this.keys = c.keys?.count ?? 88;
    this.lowestMidi = c.keys?.lowestMidi ?? 21;
    this.fps = c.fps ?? 25;
    this.scale = pre.scale ?? 1 / 255;
    this.mean = pre.mean ?? 0;
    this.std = pre.std ?? 1;
    this.inputName = checkName(model, session.inputNames, c.inputs[0], 'input');
    this.outputName = checkName(model, session.outputNames, c.outputs[0], 'output');
    for (const name of extraOutputs) if (!session.outputNames.includes(name)) throw new ModelError(`model ${c.name}@${c.version}: the graph has no output "${name}" (${session.outputNames.join(', ')})`);
    this.extraOutputs = extraOutputs;
    if (this.frames % 2 !== 1) throw new ModelError(`model ${c.name}@${c.version}: preprocessing.frames = ${this.frames}; expected an odd stack size (5)`);
  }

  static async create(model: LoadedModel, opts: RunnerOptions = {}): Promise<Video2RollRunner> {
    const { ort, session } = await openSession(model, opts);
    return new Video2RollRunner(model, ort, session, opts.extraOutputs);
  }

  /** Frames of context on each side of the centre frame. */
  get radius(): number {
    return (this.frames - 1) / 2;
  }

  /** One strip (uint8 gray, width*height) as model input values: gray * scale - mean) / std. */
  normalize(strip: Uint8Array): Float32Array {
    const out = new Float32Array(strip.length);
    const a = this.scale / this.std;
    const b = -this.mean / this.std;
    for (let i = 0; i < strip.length; i++) out[i] = strip[i]! * a + b;
    return out;
  }

  /** `stacks[b][f]` is normalized strip f of window b (see normalize). Returns [batch * keys] probabilities. */
  async run(stacks: ReadonlyArray<ReadonlyArray<Float32Array>>): Promise<Float32Array> {
    return (await this.runAll(stacks)).probs;
  }

  /** As run, plus the extra outputs asked for at create (each copied: float32, batch-major). */
  async runAll(stacks: ReadonlyArray<ReadonlyArray<Float32Array>>): Promise<{ probs: Float32Array; extra: ReadonlyMap<string, Float32Array> }> {
    const per = this.width * this.height;
    const size = stacks.length * this.frames * per;
    if (this.inputBuf?.length !== size) this.inputBuf = new Float32Array(size);
    const input = this.inputBuf;
    let o = 0;
    for (const stack of stacks) {
      for (const strip of stack) {
        input.set(strip, o);
        o += per;
      }
    }
    const tensor = new this.ort.Tensor('float32', input, [stacks.length, this.frames, this.height, this.width]);
    const out = await this.session.run({ [this.inputName]: tensor });
    const data = floatData(out[this.outputName], this.outputName);
    if (data.length !== stacks.length * this.keys) throw new ModelError(`model ${this.model.card.name}: output has ${data.length} values; expected batch*keys = ${stacks.length * this.keys}`);
    const probs = Float32Array.from(data);
    const extra = new Map(this.extraOutputs.map((name) => [name, Float32Array.from(floatData(out[name], name))] as const));
    return { probs: this.model.card.outputKind === 'logits' ? sigmoidInPlace(probs) : probs, extra };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export class Roll2MidiRunner {
  readonly window: number;
  readonly hop: number;
  readonly blend: 'none' | 'triangular' | 'hann';
  readonly keys: number;
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly onsetName: string | undefined;

  private constructor(
    readonly model: LoadedModel,
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly session: InferenceSession,
  ) {
    const c = model.card;
    const shape = c.inputs[0]?.shape ?? [];
    this.window = c.window?.frames ?? (typeof shape[1] === 'number' ? shape[1] : 100);
    this.hop = c.window?.hopFrames ?? Math.floor(this.window / 2);
    this.blend = c.window?.blend ?? 'triangular';
    this.keys = c.keys?.count ?? (typeof shape[2] === 'number' ? shape[2] : 88);
    this.inputName = checkName(model, session.inputNames, c.inputs[0], 'input');
    this.outputName = checkName(model, session.outputNames, c.outputs[0], 'output');
    const onset = c.outputs.find((o) => o.name === 'onset' || /onset/i.test(o.name));
    this.onsetName = onset && onset !== c.outputs[0] && session.outputNames.includes(onset.name) ? onset.name : undefined;
  }

  static async create(model: LoadedModel, opts: RunnerOptions = {}): Promise<Roll2MidiRunner> {
    const { ort, session } = await openSession(model, opts);
    return new Roll2MidiRunner(model, ort, session);
  }

  /** Refines a whole roll; returns the Pseudo-MIDI roll and, when the model has one, an onset roll. */
  async refine(roll: Roll): Promise<{ roll: Roll; onsets?: Roll }> {
    if (roll.keys !== this.keys) throw new ModelError(`model ${this.model.card.name}: reads ${this.keys} keys; the Video2Roll roll has ${roll.keys}`);
    const logits = this.model.card.outputKind === 'logits';
    const { main, extra } = await runWindowed(roll, { size: this.window, hop: this.hop, blend: this.blend, batch: 8 }, async (input, batch) => {
      const tensor = new this.ort.Tensor('float32', input, [batch, this.window, this.keys]);
      const out = await this.session.run({ [this.inputName]: tensor });
      const main = Float32Array.from(floatData(out[this.outputName], this.outputName));
      const extra = this.onsetName ? Float32Array.from(floatData(out[this.onsetName], this.onsetName)) : undefined;
      if (logits) {
        sigmoidInPlace(main);
        if (extra) sigmoidInPlace(extra);
      }
      return extra ? { main, extra } : { main };
    });
    const refined: Roll = { ...roll, data: main };
    return extra ? { roll: refined, onsets: { ...roll, data: extra } } : { roll: refined };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
