/**
 * `audeo adapt`: fits the shipped Video2Roll model's key head to a user's own piano, light and camera from takes with
 * their sound (or a MIDI recording), in Node on the CPU, and writes a user model (user-model.ts).
 *
 *   per video: labels (soundtrack via basic-pitch, or MIDI aligned to the video) + the extract pipeline's own roll,
 *   notes and key features  ->  split by time: the first 80 % trains the head (head.ts, a fixed number of epochs)
 *   and then picks the decoder threshold, the last 20 % is held out  ->  held-out note-onset F1 and frame F1 before
 *   (the base model as extract runs it), with the base head and the picked threshold, and after.
 *
 * The held-out part never influences the model: it only gives the before/after figures the user sees.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, ModelError } from '../core/errors';
import { evaluate } from '../core/metrics';
import { decodeStages, notesToRoll, suppressStaticKeys } from '../core/notes';
import { toRollGrid } from '../core/take';
import type { NoteEvent, Roll } from '../core/types';
import { loadModel, sha256File, type LoadedModel } from '../extractor/models';
import { STATIC_WINDOW_SEC, stageDecoder, type ExtractOptions } from '../extractor/pipeline';
import { notesToBinaryRoll } from '../label/roll';
import { extractFootage, type Footage } from './footage';
import { ADAPT_DEFAULTS, frameF1At, KeyHead, trainHead, type EpochLog, type KeyFrames, type TrainOptions } from './head';
import { midiLabels, soundtrackLabels, type Labels } from './labels';
import { withGraphOutput } from './onnx-proto';
import type { HeldOutPart } from './picture';

/** Shares of each video by time: training (the head and the decoder threshold) | held out. */
export const SPLIT = { train: 0.8, heldOut: 0.2 } as const;
/** Least footage (all videos together) adapt learns from. */
export const MIN_FOOTAGE_SEC = 10;
/** Least label notes in the training part. */
export const MIN_TRAIN_NOTES = 20;

export type AdaptStage = 'label' | 'extract' | 'align' | 'train' | 'score';

export interface AdaptProgress {
  readonly stage: AdaptStage;
  readonly done: number;
  readonly total: number;
  readonly unit: string;
  readonly video?: string;
}

export interface AdaptOptions {
  readonly videos: readonly string[];
  /** One MIDI file per video (recorded during that take); without them, each video's soundtrack is labelled. */
  readonly midi?: readonly string[];
  /** Base Video2Roll model (default: the bundled default). */
  readonly from?: string;
  readonly modelsRoot?: string;
  /** Training budget in minutes (wall); training also stops when the choice part stops improving. */
  readonly minutes?: number;
  /** Keyboard overrides etc. for every video (as extract takes them). */
  readonly extract?: Omit<ExtractOptions, 'tap' | 'takePath' | 'model' | 'modelsRoot' | 'onProgress'>;
  readonly train?: TrainOptions;
  readonly onProgress?: (p: AdaptProgress) => void;
  readonly onEpoch?: (e: EpochLog) => void;
  /** Polled during training: true stops it (the result is then not written). */
  readonly shouldStop?: () => boolean;
}

export interface HeldOutScores {
  readonly onset: { readonly precision: number; readonly recall: number; readonly f1: number };
  readonly frameF1: number;
  readonly referenceNotes: number;
  readonly estimatedNotes: number;
}

export interface ClipRecord {
  readonly file: string;
  readonly sha256: string;
  readonly durationSec: number;
  readonly labels: { readonly source: 'soundtrack' | 'midi'; readonly file: string; readonly notes: number; readonly lagFrames: number; readonly offsetSec?: number; readonly pitchShift?: number; readonly contrast?: number };
  readonly heldOutFromSec: number;
  readonly before: HeldOutScores;
  /** The base head with the decoder threshold picked on the training part: what the threshold alone gains. */
  readonly thresholdOnly: HeldOutScores;
  readonly after: HeldOutScores;
}

export interface AdaptResult {
  readonly base: LoadedModel;
  readonly head: KeyHead;
  readonly threshold: number;
  readonly clips: readonly ClipRecord[];
  readonly before: HeldOutScores;
  readonly thresholdOnly: HeldOutScores;
  readonly after: HeldOutScores;
  /** The threshold picked for the base head (thresholdOnly). */
  readonly baseThreshold: number;
  readonly epochs: readonly EpochLog[];
  readonly trainSec: number;
  readonly footageSec: number;
  readonly stopped: boolean;
  /** The held-out notes of each take (for the picture; not on the card). */
  readonly heldOut: readonly HeldOutPart[];
}

/** The note decoder of `extract` (static-key suppression, the card's decoder) with another threshold. */
export function decodeLikeExtract(roll: Roll, base: LoadedModel, threshold?: number): NoteEvent[] {
  const r = suppressStaticKeys(roll, STATIC_WINDOW_SEC * roll.fps);
  return decodeStages({ keyDown: r }, stageDecoder(base, undefined, threshold));
}

/** Note-onset P/R/F1 (50 ms) and micro frame F1 over notes starting in [t0, t1) (frames of both built from notes). */
export function scoreWindow(est: readonly NoteEvent[], ref: readonly NoteEvent[], t0: number, t1: number, fps = 25): HeldOutScores {
  const inside = (n: NoteEvent): boolean => n.onsetSec >= t0 && n.onsetSec < t1;
  const clip = (n: NoteEvent): NoteEvent => ({ ...n, offsetSec: Math.min(n.offsetSec, t1) });
  const e = est.filter(inside).map(clip);
  const r = ref.filter(inside).map(clip);
  const frames = Math.max(1, Math.ceil((t1 - t0) * fps));
  const rep = evaluate({ notes: e, roll: notesToBinaryRoll(e, { fps, frames, startSec: t0 }) }, { notes: r, roll: notesToBinaryRoll(r, { fps, frames, startSec: t0 }) });
  const o = rep.note.onset;
  return { onset: { precision: o.precision, recall: o.recall, f1: o.f1 }, frameF1: rep.frame.allKeys.micro.f1, referenceNotes: r.length, estimatedNotes: e.length };
}

/** Scores pooled over clips (counts summed: onset P/R from matched counts, frame F1 re-weighted by clip length). */
function pool(parts: ReadonlyArray<{ s: HeldOutScores; weight: number }>): HeldOutScores {
  let matchedP = 0;
  let matchedR = 0;
  let est = 0;
  let ref = 0;
  let fw = 0;
  let w = 0;
  for (const { s, weight } of parts) {
    matchedP += s.onset.precision * s.estimatedNotes;
    matchedR += s.onset.recall * s.referenceNotes;
    est += s.estimatedNotes;
    ref += s.referenceNotes;
    fw += s.frameF1 * weight;
    w += weight;
  }
  const precision = est ? matchedP / est : 0;
  const recall = ref ? matchedR / ref : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { onset: { precision, recall, f1 }, frameF1: w ? fw / w : 0, referenceNotes: ref, estimatedNotes: est };
}

/** Key-down targets: the label notes moved earlier by the key lead (a key is seen down before it sounds). */
function keyDownRoll(labels: Labels, roll: Roll, shiftSec: number): Roll {
  const moved = labels.notes.map((n) => ({ ...n, onsetSec: n.onsetSec - shiftSec, offsetSec: n.offsetSec - shiftSec }));
  return notesToRoll(moved, { fps: roll.fps, frames: roll.frames, startSec: roll.startSec, lowestMidi: roll.lowestMidi, keys: roll.keys });
}

/** Frames the targets are moved by, at most: labels a frame off the frames the model calls "down" teach it to lag. */
export const MAX_LAG_FRAMES = 3;

/**
 * The lag (frames, + = targets later) at which the model's own roll best matches the targets over the training part:
 * basic-pitch onsets, a MIDI alignment's rounding and the frame convention each move labels by a frame or so, and a
 * head trained on targets a frame early learns to fire early (measured: the demo's held-out F1 fell from 0.62 to 0.38).
 */
export function targetLag(roll: Roll, labels: Labels, leadSec: number, frames: number): number {
  let best = { lag: 0, f1: -1 };
  for (let lag = -MAX_LAG_FRAMES; lag <= MAX_LAG_FRAMES; lag++) {
    const target = keyDownRoll(labels, roll, leadSec - lag / roll.fps);
    const f1 = frameF1At(roll.data, target.data, 0.5, frames * roll.keys);
    if (f1 > best.f1 + 1e-9 || (Math.abs(f1 - best.f1) <= 1e-9 && Math.abs(lag) < Math.abs(best.lag))) best = { lag, f1 };
  }
  return best.lag;
}

interface Prepared {
  readonly footage: Footage;
  readonly labels: Labels;
  readonly target: Roll;
  /** Frames the targets were moved by (targetLag). */
  readonly lagFrames: number;
  /** [frames, keys]: 1 = a key-frame to learn from (a key the camera sees, inside the labels' span) */
  readonly use: Uint8Array;
  readonly trainEnd: number;
  readonly heldOutFromSec: number;
  readonly endSec: number;
}

function prepare(footage: Footage, labels: Labels, leadSec: number): Prepared {
  const { roll } = footage;
  const T = footage.frames;
  const K = roll.keys;
  const trainEnd = Math.floor(SPLIT.train * T);
  const lagFrames = targetLag(roll, labels, leadSec, trainEnd);
  const target = keyDownRoll(labels, roll, leadSec - lagFrames / roll.fps);
  const use = new Uint8Array(T * K);
  let first = Infinity;
  let last = -Infinity;
  for (const n of labels.notes) {
    first = Math.min(first, n.onsetSec);
    last = Math.max(last, n.offsetSec);
  }
  // a MIDI recording may start after the video or stop before it: frames more than 1 s outside it teach nothing
  const span = labels.source === 'midi' ? [first - 1, last + 1] : [-Infinity, Infinity];
  const hidden = new Set(footage.hiddenKeys);
  for (let t = 0; t < T; t++) {
    const sec = roll.startSec + t / roll.fps;
    if (sec < span[0]! || sec > span[1]!) continue;
    for (let k = 0; k < K; k++) if (!hidden.has(k)) use[t * K + k] = 1;
  }
  return { footage, labels, target, lagFrames, use, trainEnd, heldOutFromSec: roll.startSec + trainEnd / roll.fps, endSec: roll.startSec + T / roll.fps };
}

/** Frames [from, to) of every prepared video as one KeyFrames (features copied). */
function gather(parts: ReadonlyArray<{ p: Prepared; from: number; to: number }>, head: KeyHead): KeyFrames {
  const K = head.keys;
  const per = K * head.channels;
  const frames = parts.reduce((a, x) => a + (x.to - x.from), 0);
  const feats = new Float32Array(frames * per);
  const labels = new Uint8Array(frames * K);
  const use = new Uint8Array(frames * K);
  let o = 0;
  for (const { p, from, to } of parts) {
    feats.set(p.footage.feats.subarray(from * per, to * per), o * per);
    for (let t = from; t < to; t++) for (let k = 0; k < K; k++) {
      labels[(o + t - from) * K + k] = p.target.data[t * K + k]! >= 0.5 ? 1 : 0;
      use[(o + t - from) * K + k] = p.use[t * K + k]!;
    }
    o += to - from;
  }
  const baseProbs = head.probabilities(feats, frames);
  return { frames, feats, labels, use, baseProbs };
}

/** A probability roll of a whole video from a head (hidden keys 0), shaped like the extract roll. */
function headRoll(head: KeyHead, p: Prepared): Roll {
  const data = head.probabilities(p.footage.feats, p.footage.frames);
  for (let t = 0; t < p.footage.frames; t++) for (const k of p.footage.hiddenKeys) data[t * head.keys + k] = 0;
  toRollGrid(data); // the 8-bit grid extract keeps its roll on
  return { ...p.footage.roll, frames: p.footage.frames, data };
}

/**
 * The decoder threshold (0.10 .. 0.80) with the best pooled note-onset F1 over the training part. The base card's
 * threshold stays unless another beats it there by THRESHOLD_MARGIN. Measured on the demo with a weakened octave:
 * the training part's F1-by-threshold curve followed the held-out one (0.1 best on both).
 */
const THRESHOLD_MARGIN = 0.02;
export function chooseThreshold(rolls: readonly Roll[], prepared: readonly Prepared[], base: LoadedModel, fallback: number): number {
  const f1At = (th: number): number =>
    pool(prepared.map((p, i) => ({ s: scoreWindow(decodeLikeExtract(rolls[i]!, base, th), p.labels.notes, p.footage.roll.startSec - 1, p.heldOutFromSec), weight: p.trainEnd }))).onset.f1;
  let best = { f1: f1At(fallback) + THRESHOLD_MARGIN, threshold: fallback };
  for (let th = 0.1; th <= 0.8001; th += 0.05) {
    const f1 = f1At(th);
    if (f1 > best.f1 + 1e-9) best = { f1, threshold: Math.round(th * 100) / 100 };
  }
  return best.threshold;
}

export async function adapt(opts: AdaptOptions): Promise<AdaptResult> {
  if (opts.videos.length === 0) throw new InputError('no video given; expected one or more takes: audeo adapt <video>... --name NAME');
  if (opts.midi && opts.midi.length !== opts.videos.length) {
    throw new InputError(`${opts.videos.length} video(s) but ${opts.midi.length} --midi file(s); expected one MIDI file per video, in the same order`);
  }
  const progress = (p: AdaptProgress): void => opts.onProgress?.(p);
  const base = await loadModel('video2roll', opts.from, opts.modelsRoot);
  if (!base) throw new ModelError('no video2roll model is installed; expected models/index.json to list one (or pass --from NAME@VERSION)');
  const baseBytes = new Uint8Array(await fs.readFile(base.onnxPath));
  const { head: baseHead, featureTensor } = KeyHead.fromOnnx(baseBytes);
  const tapModel = withGraphOutput(baseBytes, featureTensor);
  const lead = base.card.timing?.soundDelaySec ?? 0;
  for (const v of [...opts.videos, ...(opts.midi ?? [])]) {
    try {
      await fs.access(v);
    } catch {
      throw new InputError(`cannot read ${v}: no such file; expected a video (or a MIDI file for --midi)`);
    }
  }

  // too little footage fails before any work (the notes are counted again once labelled)
  const { probeVideo } = await import('../extractor/probe');
  let probedSec = 0;
  for (const v of opts.videos) probedSec += (await probeVideo(v)).durationSec;
  if (probedSec < MIN_FOOTAGE_SEC) throw new InputError(`footage too short to learn from: ${probedSec.toFixed(1)} s; expected at least ${MIN_FOOTAGE_SEC} s of playing (a few minutes is better)`);

  // labels first for soundtrack takes: a take without sound fails before the long extraction
  const soundLabels: (Labels | undefined)[] = [];
  for (const [i, video] of opts.videos.entries()) {
    if (opts.midi) soundLabels.push(undefined);
    else {
      progress({ stage: 'label', done: 0, total: 1, unit: 's of audio', video });
      soundLabels.push(await soundtrackLabels(video, (done, total) => progress({ stage: 'label', done: Math.round(done), total: Math.round(total), unit: `s of audio (${i + 1}/${opts.videos.length})`, video })));
    }
  }
  const prepared: Prepared[] = [];
  for (const [i, video] of opts.videos.entries()) {
    const footage = await extractFootage(video, { model: tapModel, output: featureTensor, channels: baseHead.channels, keys: baseHead.keys }, {
      ...opts.extract,
      model: `${base.card.name}@${base.card.version}`,
      ...(opts.modelsRoot ? { modelsRoot: opts.modelsRoot } : {}),
      onProgress: (p) => progress({ stage: 'extract', done: p.framesDone, total: p.framesTotal, unit: `frames (${i + 1}/${opts.videos.length})`, video }),
    });
    let labels = soundLabels[i];
    if (!labels) {
      progress({ stage: 'align', done: 0, total: 1, unit: 'MIDI files', video });
      labels = await midiLabels(opts.midi![i]!, footage.roll, lead);
    }
    prepared.push(prepare(footage, labels, lead));
  }
  const footageSec = prepared.reduce((a, p) => a + p.footage.frames / p.footage.roll.fps, 0);
  const trainNotes = prepared.reduce((a, p) => a + p.labels.notes.filter((n) => n.onsetSec < p.footage.roll.startSec + p.trainEnd / p.footage.roll.fps).length, 0);
  if (footageSec < MIN_FOOTAGE_SEC || trainNotes < MIN_TRAIN_NOTES) {
    throw new InputError(
      `footage too short to learn from: ${footageSec.toFixed(0)} s with ${trainNotes} notes to train on; expected at least ${MIN_FOOTAGE_SEC} s of playing with ${MIN_TRAIN_NOTES}+ notes in its first ${Math.round(SPLIT.train * 100)} % (a few minutes is better)`,
    );
  }

  const train = gather(prepared.map((p) => ({ p, from: 0, to: p.trainEnd })), baseHead);
  const t0 = performance.now();
  const deadline = opts.minutes !== undefined ? t0 + opts.minutes * 60_000 : Infinity;
  let stopped = false;
  const epochs = opts.train?.epochs ?? ADAPT_DEFAULTS.epochs;
  const fit = await trainHead(baseHead, train, undefined, {
    ...opts.train,
    onEpoch: (e) => {
      progress({ stage: 'train', done: e.epoch, total: epochs, unit: 'epochs' });
      opts.onEpoch?.(e);
    },
    shouldStop: () => {
      if (opts.shouldStop?.()) stopped = true;
      return stopped || performance.now() > deadline;
    },
  });
  const trainSec = (performance.now() - t0) / 1000;

  progress({ stage: 'score', done: 0, total: prepared.length, unit: 'videos' });
  const rolls = prepared.map((p) => headRoll(fit.head, p));
  const baseRolls = prepared.map((p) => headRoll(baseHead, p));
  const fallback = typeof base.card.thresholds?.default === 'number' ? base.card.thresholds.default : 0.5;
  const threshold = chooseThreshold(rolls, prepared, base, fallback);
  const baseThreshold = chooseThreshold(baseRolls, prepared, base, fallback);
  const clips: ClipRecord[] = [];
  const heldOut: HeldOutPart[] = [];
  for (const [i, p] of prepared.entries()) {
    const afterNotes = decodeLikeExtract(rolls[i]!, base, threshold);
    const before = scoreWindow(p.footage.take.notes, p.labels.notes, p.heldOutFromSec, p.endSec);
    const after = scoreWindow(afterNotes, p.labels.notes, p.heldOutFromSec, p.endSec);
    heldOut.push({ title: path.basename(p.footage.video), fromSec: p.heldOutFromSec, toSec: p.endSec, before: p.footage.take.notes, after: afterNotes, reference: p.labels.notes });
    const thresholdOnly = scoreWindow(decodeLikeExtract(baseRolls[i]!, base, baseThreshold), p.labels.notes, p.heldOutFromSec, p.endSec);
    const a = p.labels.alignment;
    clips.push({
      file: p.footage.video,
      sha256: await sha256File(p.footage.video),
      durationSec: p.footage.frames / p.footage.roll.fps,
      labels: { source: p.labels.source, file: p.labels.file, notes: p.labels.notes.length, lagFrames: p.lagFrames, ...(a ? { offsetSec: a.offsetSec, pitchShift: a.pitchShift, contrast: a.contrast } : {}) },
      heldOutFromSec: p.heldOutFromSec,
      before,
      thresholdOnly,
      after,
    });
    progress({ stage: 'score', done: i + 1, total: prepared.length, unit: 'videos' });
  }
  const weights = prepared.map((p) => p.footage.frames - p.trainEnd);
  return {
    base,
    head: fit.head,
    threshold,
    clips,
    before: pool(clips.map((c, i) => ({ s: c.before, weight: weights[i]! }))),
    after: pool(clips.map((c, i) => ({ s: c.after, weight: weights[i]! }))),
    thresholdOnly: pool(clips.map((c, i) => ({ s: c.thresholdOnly, weight: weights[i]! }))),
    baseThreshold,
    epochs: fit.epochs,
    trainSec,
    footageSec,
    stopped,
    heldOut,
  };
}
