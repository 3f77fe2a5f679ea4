/**
 * The streaming extraction: video -> gray frames (ffmpeg, model fps) -> keyboard strip -> Video2Roll (batched
 * 5-frame windows) -> Roll2Midi (overlapping windows) -> notes -> Take. The Take is checkpointed atomically every
 * few seconds of video; a run that finds a matching incomplete Take resumes after its last finished frame.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { InputError, KeyboardNotFoundError, ModelError } from '../core/errors';
import { decodeStages, suppressStaticKeys, type AnchorOptions, type DecodeOptions, type StageDecoder } from '../core/notes';
import { decodeRoll, encodeRoll, toRollGrid, TAKE_FORMAT, TAKE_VERSION, type Take, type TakeModelRef, type TakeSource } from '../core/take';
import type { Roll } from '../core/types';
import { readTake, writeTake } from '../io/take-file';
import { firstFrameSec, sampleFrames, streamFrames } from './frames';
import type { GrayFrame, KeyboardLocation, LocateOptions } from './locator-types';
import { loadModel, type LoadedModel } from './models';
import { probeVideo, type VideoInfo } from './probe';
import { buildStripMap, rectify, visibleKeys } from './rectify';
import { Roll2MidiRunner, Video2RollRunner } from './runners';
import { stackIndices } from './windows';

export type LocateFn = (frames: GrayFrame[], opts: LocateOptions) => KeyboardLocation | Promise<KeyboardLocation>;

export interface ExtractProgress {
  readonly stage: 'probe' | 'locate' | 'video2roll' | 'roll2midi' | 'done';
  readonly framesDone: number;
  readonly framesTotal: number;
}

export interface ExtractOptions {
  /** Video2Roll model NAME[@VERSION]; default: models/index.json's default. */
  readonly model?: string;
  /** Roll2Midi model NAME[@VERSION], or 'none' to skip the stage; default: the index's default, skipped if none. */
  readonly refiner?: string;
  /** models/ folder (default: the package's). */
  readonly modelsRoot?: string;
  /** Keyboard search box in source pixels. */
  readonly crop?: [number, number, number, number];
  /** MIDI note of the leftmost fully visible white key (partial keyboards). */
  readonly lowestKey?: number;
  /** Manual keyboard overrides (src/extractor/keyboard LocateOptions): turn, mirror, corners and their highest key. */
  readonly rotate?: 0 | 90 | 180 | 270;
  readonly flip?: boolean;
  readonly corners?: readonly (readonly [number, number])[];
  readonly highestKey?: number;
  /** Note threshold; default: the card's thresholds.default, else 0.4. */
  readonly threshold?: number;
  /** Checkpoint/resume file. Without it the Take is only returned. */
  readonly takePath?: string;
  /** Checkpoint interval in seconds of video (default 10). */
  readonly checkpointSec?: number;
  /** Windows per Video2Roll batch (default 8). */
  readonly batch?: number;
  /** onnxruntime intra-op threads (default 2). */
  readonly threads?: number;
  /** Keyboard locator (default: src/extractor/keyboard's locateKeyboard). */
  readonly locate?: LocateFn;
  /** Sample frames given to the locator (default 5). */
  readonly locateFrames?: number;
  readonly onProgress?: (p: ExtractProgress) => void;
  /**
   * Also fetch a graph output per batch (`audeo adapt`: the key features its head trains on): `model` is the
   * Video2Roll ONNX with that output added (src/adapt/onnx-proto.ts withGraphOutput); `receive` gets each batch's
   * frame indices, the output (batch-major) and the keys the camera cannot see.
   */
  readonly tap?: { readonly output: string; readonly model: Uint8Array; readonly receive: (frames: readonly number[], data: Float32Array, hiddenKeys: readonly number[]) => void };
  /** Stop after this many video2roll frames, leaving an incomplete checkpoint (for tests of resume). */
  readonly stopAfterFrames?: number;
}

const MIB = 1 << 20;

async function headSha256(file: string): Promise<string> {
  const h = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(MIB);
    const { bytesRead } = await h.read(buf, 0, MIB, 0);
    return createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex');
  } finally {
    await h.close();
  }
}

function modelRef(m: LoadedModel): TakeModelRef {
  return { name: m.card.name, version: m.card.version, sha256: m.card.sha256 };
}

function sameRef(a: TakeModelRef | undefined, b: TakeModelRef | undefined): boolean {
  return (!a && !b) || (!!a && !!b && a.name === b.name && a.version === b.version && a.sha256 === b.sha256);
}

/** An incomplete Take at `file` for this very source and these models, or undefined. */
async function resumable(file: string | undefined, source: TakeSource, v2r: TakeModelRef): Promise<Take | undefined> {
  if (!file || !existsSync(file)) return undefined;
  try {
    const t = await readTake(file);
    const ok =
      !t.progress.complete &&
      t.source.sizeBytes === source.sizeBytes &&
      t.source.headSha256 === source.headSha256 &&
      sameRef(t.models.video2roll, v2r) &&
      !!t.rolls.video2roll &&
      !!t.keyboard?.homography &&
      t.progress.framesDone > 0;
    return ok ? t : undefined;
  } catch {
    return undefined;
  }
}

async function defaultLocate(frames: GrayFrame[], opts: LocateOptions): Promise<KeyboardLocation> {
  // resolved at run time so the pipeline builds without the locator module (tests inject a stub)
  const modPath = './keyboard';
  const mod = (await import(modPath)) as { locateKeyboard?: LocateFn };
  if (typeof mod.locateKeyboard !== 'function') throw new KeyboardNotFoundError('the keyboard locator is not available in this build; expected src/extractor/keyboard to export locateKeyboard (or pass --crop)');
  return mod.locateKeyboard(frames, opts);
}

/** A growable frame-major roll buffer. */
class RollBuffer {
  data: Float32Array;
  frames = 0;
  constructor(
    readonly keys: number,
    capacityFrames: number,
  ) {
    this.data = new Float32Array(Math.max(16, capacityFrames) * keys);
  }
  set(frame: number, values: Float32Array, offset: number): void {
    const need = (frame + 1) * this.keys;
    if (need > this.data.length) {
      const bigger = new Float32Array(Math.max(need, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data.set(values.subarray(offset, offset + this.keys), frame * this.keys);
    this.frames = Math.max(this.frames, frame + 1);
  }
  roll(meta: { fps: number; startSec: number; lowestMidi: number }, frames = this.frames): Roll {
    return { ...meta, keys: this.keys, frames, data: this.data.slice(0, frames * this.keys) };
  }
}

/**
 * Decoder options read from a card's `thresholds`: `fields` maps each option to [card field, 'int' | 'real'];
 * fields absent or not finite are left out (the decoder's default applies), 'int' ones are rounded.
 */
function optionsFromCard<K extends string>(model: LoadedModel, fields: Record<K, readonly [string, 'int' | 'real']>): Partial<Record<K, number>> {
  const t = model.card.thresholds ?? {};
  const out: Partial<Record<K, number>> = {};
  for (const key of Object.keys(fields) as K[]) {
    const [field, kind] = fields[key];
    const v = t[field];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = kind === 'int' ? Math.round(v) : v;
  }
  return out;
}

/** Key-down decoder settings a Video2Roll card may carry: thresholds.default, .minFrames, .repressGapFrames. */
export function decodeOptionsFromCard(model: LoadedModel): Omit<DecodeOptions, 'onsets' | 'velocity'> {
  return optionsFromCard(model, { threshold: ['default', 'real'], minFrames: ['minFrames', 'int'], repressGapFrames: ['repressGapFrames', 'int'] });
}

/** Sounding-roll decoder settings of a Roll2Midi card: thresholds.default, .minFrames, .snapFrames, .onset. */
export function anchorOptionsFromCard(model: LoadedModel): Omit<AnchorOptions, 'onsets' | 'velocity'> {
  return optionsFromCard(model, {
    threshold: ['default', 'real'], minFrames: ['minFrames', 'int'], snapFrames: ['snapFrames', 'int'], onsetThreshold: ['onset', 'real'],
  });
}

/**
 * The decoder of an extraction: key-down notes from Video2Roll's card; with Roll2Midi, onset-anchored decoding of
 * its sounding roll with its card's settings. `threshold` (--threshold) replaces the last stage's threshold.
 */
export function stageDecoder(v2r: LoadedModel, r2m: LoadedModel | undefined, threshold?: number): StageDecoder {
  const over = threshold === undefined ? {} : { threshold };
  const keyDown = { threshold: 0.4, ...decodeOptionsFromCard(v2r) };
  const delay = v2r.card.timing?.soundDelaySec;
  const timing = typeof delay === 'number' && Number.isFinite(delay) && delay !== 0 ? { soundDelaySec: delay } : {};
  if (!r2m) return { ...timing, keyDown: { ...keyDown, ...over } };
  return { ...timing, keyDown, sounding: { threshold: 0.4, ...anchorOptionsFromCard(r2m), ...over } };
}

/**
 * Window of the static-key suppression (suppressStaticKeys): seconds. 30 s, not 10: on 40-s synthetic clips 10-s
 * windows erased real holds (micro F1 98.8 -> 97.2) where 20 s and 30 s cost nothing, and on the real clips (both
 * shorter than 30 s, so one window) the two scored within a few notes of each other (docs/video2roll.md).
 */
export const STATIC_WINDOW_SEC = 30;

/** Runs the whole extraction and returns the complete Take (also written to opts.takePath when given). */
export async function extractTake(videoPath: string, opts: ExtractOptions = {}): Promise<Take> {
  const progress = (p: ExtractProgress): void => opts.onProgress?.(p);
  progress({ stage: 'probe', framesDone: 0, framesTotal: 0 });
  const info = await probeVideo(videoPath);
  const v2rModel = await loadModel('video2roll', opts.model, opts.modelsRoot);
  if (!v2rModel) throw new ModelError('no video2roll model is installed; expected models/index.json to list one (or pass --model NAME@VERSION)');
  const notices: string[] = [];
  let r2mModel: LoadedModel | undefined;
  if (opts.refiner !== 'none') {
    r2mModel = await loadModel('roll2midi', opts.refiner, opts.modelsRoot);
    if (!r2mModel) notices.push('no default roll2midi model in the index: the Video2Roll roll went straight to the note decoder (--refiner NAME@VERSION runs one)');
  } else notices.push('roll2midi skipped (--refiner none): the Video2Roll roll went straight to the note decoder');

  const source: TakeSource = {
    path: videoPath,
    sizeBytes: info.sizeBytes,
    headSha256: await headSha256(videoPath),
    durationSec: info.durationSec,
    fps: info.fps,
    ...(info.startTimecode ? { startTimecode: info.startTimecode } : {}),
  };
  const v2rRef = modelRef(v2rModel);
  const previous = await resumable(opts.takePath, source, v2rRef);

  const runner = await Video2RollRunner.create(v2rModel, {
    ...(opts.threads === undefined ? {} : { threads: opts.threads }),
    ...(opts.tap ? { modelBytes: opts.tap.model, extraOutputs: [opts.tap.output] } : {}),
  });
  const fps = runner.fps;
  let createdCheckpoint = false;
  let inflight: Promise<void> | undefined; // the Video2Roll batch being computed (see settle below)
  let r2m: Roll2MidiRunner | undefined;
  try {
    // every model loads before the work starts: a Roll2Midi file onnxruntime cannot read fails now, not after Video2Roll
    if (r2mModel) r2m = await Roll2MidiRunner.create(r2mModel, opts.threads === undefined ? {} : { threads: opts.threads });
    const framesEstimate = Math.max(1, Math.round(info.durationSec * fps));
    // keyboard
    let keyboard: NonNullable<Take['keyboard']>;
    if (previous?.keyboard?.homography) keyboard = previous.keyboard;
    else {
      progress({ stage: 'locate', framesDone: 0, framesTotal: framesEstimate });
      const samples = await sampleFrames(info, opts.locateFrames ?? 5);
      const locOpts: LocateOptions = {
        ...(opts.crop ? { crop: opts.crop } : {}),
        ...(opts.lowestKey !== undefined ? { lowestKey: opts.lowestKey } : {}),
        ...(opts.rotate !== undefined ? { rotate: opts.rotate } : {}),
        ...(opts.flip ? { flip: true } : {}),
        ...(opts.corners ? { corners: opts.corners } : {}),
        ...(opts.highestKey !== undefined ? { highestKey: opts.highestKey } : {}),
      };
      const loc = await (opts.locate ?? defaultLocate)(samples, locOpts);
      keyboard = { box: loc.box, lowestMidi: loc.lowestMidi, highestMidi: loc.highestMidi, homography: loc.homography, confidence: loc.confidence };
      if (loc.notice) notices.push(loc.notice);
    }
    const map = buildStripMap(
      { homography: keyboard.homography ?? [], lowestMidi: keyboard.lowestMidi, highestMidi: keyboard.highestMidi },
      info.width,
      info.height,
      { width: runner.width, height: runner.height },
    );
    // keys outside the picture: the camera cannot see them, their probabilities are 0
    const hidden = visibleKeys(map, runner.lowestMidi, runner.keys).flatMap((v, k) => (v ? [] : [k]));
    const firstSec = previous?.rolls.video2roll?.startSec ?? (await firstFrameSec(info, fps));
    const rollMeta = { fps, startSec: firstSec, lowestMidi: runner.lowestMidi };
    const buffer = new RollBuffer(runner.keys, framesEstimate + 8);
    let framesDone = 0;
    if (previous?.rolls.video2roll) {
      const prev = decodeRoll(previous.rolls.video2roll);
      const done = Math.min(prev.frames, previous.progress.framesDone);
      for (let t = 0; t < done; t++) buffer.set(t, prev.data, t * prev.keys);
      framesDone = done;
      notices.push(`resumed from ${opts.takePath} after ${done} frames`);
    }
    const resumeFrom = framesDone;
    const decoder = stageDecoder(v2rModel, r2mModel, opts.threshold);
    const threshold = (decoder.sounding ?? decoder.keyDown).threshold ?? 0.4;
    const baseTake = (): Omit<Take, 'rolls' | 'notes' | 'progress'> => ({
      format: TAKE_FORMAT,
      version: TAKE_VERSION,
      createdAt: new Date().toISOString(),
      source,
      models: { video2roll: v2rRef, ...(r2mModel ? { roll2midi: modelRef(r2mModel) } : {}) },
      keyboard,
      threshold,
      decoder,
      ...(notices.length ? { notices: [...notices] } : {}),
    });
    const checkpoint = async (): Promise<void> => {
      if (!opts.takePath) return;
      const take: Take = {
        ...baseTake(),
        rolls: { video2roll: encodeRoll(buffer.roll(rollMeta, framesDone)) },
        notes: [],
        progress: { framesDone, framesTotal: Math.max(framesEstimate, framesDone), complete: false },
      };
      await writeTake(opts.takePath, take);
      createdCheckpoint = true;
    };

    // stream: strips of the last few frames, windows in batches
    const radius = runner.radius;
    const strips = new Map<number, Float32Array>();
    const batchSize = Math.max(1, opts.batch ?? 8);
    let queue: number[] = [];
    let lastIndex = -1;
    const checkpointEvery = Math.max(1, Math.round((opts.checkpointSec ?? 10) * fps));
    let nextCheckpoint = framesDone + checkpointEvery;
    let stopped = false;
    // One batch in flight: while onnxruntime computes batch N on its own threads, this thread rectifies the frames
    // of batch N+1 (the two overlap instead of taking turns). Batch N's bookkeeping runs before batch N+1 starts, so
    // the runner's input buffer, the roll and the checkpoints see the batches in order.
    const settle = async (): Promise<void> => {
      const p = inflight;
      inflight = undefined;
      await p;
    };
    const record = async (group: number[], probs: Float32Array, extra: ReadonlyMap<string, Float32Array>): Promise<void> => {
      for (let g = 0; g < group.length; g++) for (const k of hidden) probs[g * runner.keys + k] = 0;
      const tapped = opts.tap && extra.get(opts.tap.output);
      if (tapped) opts.tap?.receive(group, tapped, hidden);
      // the roll kept on the checkpoint's 8-bit grid: a resumed run then refines the same roll as a clean one (issue 20)
      toRollGrid(probs, 0, group.length * runner.keys);
      group.forEach((t, g) => buffer.set(t, probs, g * runner.keys));
      framesDone = (group[group.length - 1] ?? framesDone - 1) + 1;
      progress({ stage: 'video2roll', framesDone, framesTotal: Math.max(framesEstimate, framesDone) });
      if (framesDone >= nextCheckpoint) {
        await checkpoint();
        nextCheckpoint = framesDone + checkpointEvery;
      }
      if (opts.stopAfterFrames !== undefined && framesDone >= opts.stopAfterFrames) stopped = true;
    };
    const flush = async (final: boolean): Promise<void> => {
      while (!stopped && (queue.length >= batchSize || (final && queue.length > 0))) {
        const group = queue.slice(0, batchSize);
        queue = queue.slice(group.length);
        const stacks = group.map((t) => stackIndices(t, radius, lastIndex).map((i) => strips.get(i) ?? new Float32Array(runner.width * runner.height)));
        const oldest = (queue[0] ?? (group[group.length - 1] ?? 0) + 1) - radius;
        for (const k of strips.keys()) if (k < oldest) strips.delete(k);
        await settle();
        if (stopped) return;
        const run = runner.runAll(stacks);
        inflight = run.then(({ probs, extra }) => record(group, probs, extra));
        inflight.catch(() => undefined); // surfaced by the next settle(); this only keeps it from counting as unhandled
      }
      if (final) await settle();
    };
    const stats = { lastError: '' };
    const stripBuf = new Uint8Array(runner.width * runner.height);
    for await (const frame of streamFrames(info, { fps, crop: map.crop, firstSec, stats })) {
      lastIndex = frame.index;
      if (frame.index >= resumeFrom - radius) strips.set(frame.index, runner.normalize(rectify(frame, map, stripBuf)));
      const ready = frame.index - radius;
      if (ready >= resumeFrom) queue.push(ready);
      if (queue.length >= batchSize) await flush(false);
      if (stopped) break;
    }
    await settle();
    if (stopped) {
      await checkpoint();
      return { ...baseTake(), rolls: { video2roll: encodeRoll(buffer.roll(rollMeta, framesDone)) }, notes: [], progress: { framesDone, framesTotal: framesEstimate, complete: false } };
    }
    if (lastIndex < 0) throw new InputError(`${videoPath}: ffmpeg decoded no frame; expected a readable video`);
    for (let t = Math.max(resumeFrom, lastIndex - radius + 1); t <= lastIndex; t++) queue.push(t);
    await flush(true);
    const totalFrames = lastIndex + 1;
    if (stats.lastError && totalFrames < framesEstimate - Math.max(2, 0.02 * framesEstimate)) {
      throw new InputError(`${videoPath} is truncated or corrupt: decoded ${totalFrames} of ~${framesEstimate} frames (ffmpeg: ${stats.lastError.trim()}); expected a complete video`);
    }
    // static keys (a probability that stays up for most of 30 s is the picture, not a press): src/core/notes.ts
    const v2rRoll = suppressStaticKeys(buffer.roll(rollMeta, totalFrames), STATIC_WINDOW_SEC * fps);

    // roll2midi
    let refined: Roll | undefined;
    let onsets: Roll | undefined;
    if (r2m) {
      progress({ stage: 'roll2midi', framesDone: totalFrames, framesTotal: totalFrames });
      const out = await r2m.refine(v2rRoll);
      refined = out.roll;
      onsets = out.onsets;
    }
    const notes = decodeStages({ keyDown: v2rRoll, ...(refined ? { sounding: refined } : {}), ...(onsets ? { onsets } : {}) }, decoder);
    const take: Take = {
      ...baseTake(),
      rolls: { video2roll: encodeRoll(v2rRoll), ...(refined ? { roll2midi: encodeRoll(refined) } : {}), ...(onsets ? { onsets: encodeRoll(onsets) } : {}) },
      notes,
      progress: { framesDone: totalFrames, framesTotal: totalFrames, complete: true },
    };
    if (opts.takePath) await writeTake(opts.takePath, take);
    progress({ stage: 'done', framesDone: totalFrames, framesTotal: totalFrames });
    return take;
  } catch (e) {
    await inflight?.catch(() => undefined); // let a batch in flight finish its checkpoint before the clean-up below
    // a bad input cannot be resumed: leave no checkpoint of it behind
    if (e instanceof InputError && createdCheckpoint && opts.takePath) await fs.rm(opts.takePath, { force: true });
    throw e;
  } finally {
    await r2m?.close();
    await runner.close();
  }
}

export type { VideoInfo };
