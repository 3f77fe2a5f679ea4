/**
 * The internal renderer: notes -> audio (SoundFont, or the PerfNet deep synthesizer) -> WAV, optionally muxed into
 * the source video. `renderTakeToWav` is the entry point other commands (audeo demo) call.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError, SinkError } from '../core/errors';
import type { Take } from '../core/take';
import type { NoteEvent } from '../core/types';
import { renderNotesToWav, validateRenderInput, type RenderSampleRate } from './soundfont';
import { writeWav } from './wav';

export { renderNotesToWav, defaultSoundFontPath, validateRenderInput, type SoundFontRenderOptions, type RenderSampleRate } from './soundfont';
export { writeWav, encodeWav, decodeWav } from './wav';
export { muxAudioIntoVideo, type MuxOptions } from './mux';
export { loadRenderInput, type RenderInput } from './input';

export type SynthKind = 'soundfont' | 'perfnet';

export interface RenderOptions {
  readonly synth?: SynthKind;
  readonly sampleRate?: RenderSampleRate;
  readonly program?: number;
  readonly soundfont?: string;
  readonly tailSec?: number;
  /** Exact output length (pads/cuts), e.g. the video's duration. */
  readonly durationSec?: number;
  /** PerfNet model spec NAME@VERSION (default: the index's perfnet). */
  readonly model?: string;
  readonly modelsRoot?: string;
  readonly log?: (line: string) => void;
}

export interface RenderResult {
  readonly out: string;
  readonly synth: SynthKind;
  readonly sampleRate: number;
  readonly durationSec: number;
  readonly notes: number;
  readonly renderSec: number;
  readonly xRealTime: number;
}

/** Renders notes with the chosen synth to mono samples. */
export async function renderNotes(notes: readonly NoteEvent[], opts: RenderOptions = {}): Promise<{ samples: Float32Array; sampleRate: number }> {
  const synth = opts.synth ?? 'soundfont';
  if (synth === 'perfnet') {
    const { renderNotesPerfNet } = await import('./perfnet');
    return renderNotesPerfNet(notes, opts);
  }
  if (synth !== 'soundfont') throw new InputError(`synth "${String(synth)}" is unknown; expected soundfont or perfnet`);
  const sampleRate = opts.sampleRate ?? 44100;
  const samples = await renderNotesToWav(notes, {
    sampleRate,
    ...(opts.program !== undefined ? { program: opts.program } : {}),
    ...(opts.soundfont !== undefined ? { soundfont: opts.soundfont } : {}),
    ...(opts.tailSec !== undefined ? { tailSec: opts.tailSec } : {}),
    ...(opts.durationSec !== undefined ? { durationSec: opts.durationSec } : {}),
  });
  return { samples, sampleRate };
}

/** Fails early (before any rendering) when `file`'s folder cannot be written. */
export async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
    await fs.access(dir, fs.constants.W_OK);
  } catch (e) {
    throw new SinkError(`cannot write ${file}: ${(e as Error).message}; expected a writable output path`);
  }
  try {
    const st = await fs.stat(file);
    if (st.isDirectory()) throw new SinkError(`cannot write ${file}: it is a folder; expected a file path`);
  } catch (e) {
    if (e instanceof SinkError) throw e;
  }
}

/** Renders a Take's notes to a WAV file (atomic). */
export async function renderTakeToWav(take: Take, outWav: string, opts: RenderOptions = {}): Promise<RenderResult> {
  return renderNotesToFile(take.notes, outWav, opts);
}

export async function renderNotesToFile(notes: readonly NoteEvent[], outWav: string, opts: RenderOptions = {}): Promise<RenderResult> {
  if ((opts.synth ?? 'soundfont') === 'soundfont') validateRenderInput(notes, opts);
  await checkWritable(outWav);
  const t0 = performance.now();
  const { samples, sampleRate } = await renderNotes(notes, opts);
  const renderSec = (performance.now() - t0) / 1000;
  await writeWav(outWav, samples, sampleRate);
  const durationSec = samples.length / sampleRate;
  return { out: outWav, synth: opts.synth ?? 'soundfont', sampleRate, durationSec, notes: notes.length, renderSec, xRealTime: durationSec / Math.max(renderSec, 1e-9) };
}

/** Renders notes and muxes them into `video` as `outVideo`; the audio is exactly as long as the video. */
export async function renderIntoVideo(notes: readonly NoteEvent[], video: string, outVideo: string, opts: RenderOptions = {}): Promise<RenderResult & { video: string }> {
  const { probeVideo } = await import('../extractor/probe');
  const { muxAudioIntoVideo } = await import('./mux');
  const info = await probeVideo(video);
  if (!(info.durationSec > 0)) throw new InputError(`${video}: ffmpeg reports no duration; expected a video with a known duration`);
  if ((opts.synth ?? 'soundfont') === 'soundfont') validateRenderInput(notes, opts);
  await checkWritable(outVideo);
  const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'audeo-render-'));
  try {
    const wav = path.join(tmpDir, 'audio.wav');
    const r = await renderNotesToFile(notes, wav, { ...opts, durationSec: info.durationSec });
    await muxAudioIntoVideo({ video, wav, out: outVideo });
    return { ...r, out: outVideo, video };
  } finally {
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
}
