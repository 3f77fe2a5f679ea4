/**
 * The internal renderer: notes -> audio (SoundFont, or the PerfNet deep synthesizer) -> WAV, optionally muxed into
 * the source video. `renderTakeToWav` is the entry point other commands (audeo demo) call.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../core/errors';
import type { Take } from '../core/take';
import type { NoteEvent } from '../core/types';
import { checkWritable as checkOutputWritable } from '../io/atomic';
import { lockOutputs } from '../io/lock';
import { renderNotesStreaming, renderNotesToWav, validateRenderInput, type RenderSampleRate, type SoundFontRenderOptions } from './soundfont';
import { writeWav, writeWavStreaming } from './wav';

export { renderNotesToWav, renderNotesStreaming, defaultSoundFontPath, validateRenderInput, type SoundFontRenderOptions, type RenderSampleRate } from './soundfont';
export { writeWav, writeWavStreaming, encodeWav, decodeWav } from './wav';
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
  const samples = await renderNotesToWav(notes, soundFontOptions(opts));
  return { samples, sampleRate };
}

function soundFontOptions(opts: RenderOptions): SoundFontRenderOptions {
  return {
    sampleRate: opts.sampleRate ?? 44100,
    ...(opts.program !== undefined ? { program: opts.program } : {}),
    ...(opts.soundfont !== undefined ? { soundfont: opts.soundfont } : {}),
    ...(opts.tailSec !== undefined ? { tailSec: opts.tailSec } : {}),
    ...(opts.durationSec !== undefined ? { durationSec: opts.durationSec } : {}),
  };
}

/** Fails early (before any rendering) when `file` cannot be written; the one check and wording of src/io/atomic.ts. */
export const checkWritable = checkOutputWritable;

/** Renders a Take's notes to a WAV file (atomic). */
export async function renderTakeToWav(take: Take, outWav: string, opts: RenderOptions = {}): Promise<RenderResult> {
  return renderNotesToFile(take.notes, outWav, opts);
}

export async function renderNotesToFile(notes: readonly NoteEvent[], outWav: string, opts: RenderOptions = {}): Promise<RenderResult> {
  if ((opts.synth ?? 'soundfont') === 'soundfont') validateRenderInput(notes, opts);
  await checkWritable(outWav);
  // one run per output: a second render to the same file stops here, naming the lock (exit 5)
  const unlock = lockOutputs([outWav]);
  try {
    const t0 = performance.now();
    let sampleRate: number;
    let totalSamples: number;
    if ((opts.synth ?? 'soundfont') === 'soundfont') {
      // streamed to the file: an hour of 44.1 kHz audio is never whole in memory (issue 20: < 1 GB for 500k notes)
      let r: { totalSamples: number; sampleRate: number } = { totalSamples: 0, sampleRate: opts.sampleRate ?? 44100 };
      await writeWavStreaming(outWav, async (out) => {
        r = await renderNotesStreaming(notes, soundFontOptions(opts), { onStart: out.start, onChunk: out.chunk });
      });
      ({ sampleRate, totalSamples } = r);
    } else {
      const { samples, sampleRate: sr } = await renderNotes(notes, opts);
      await writeWav(outWav, samples, sr);
      sampleRate = sr;
      totalSamples = samples.length;
    }
    const renderSec = (performance.now() - t0) / 1000;
    const durationSec = totalSamples / sampleRate;
    return { out: outWav, synth: opts.synth ?? 'soundfont', sampleRate, durationSec, notes: notes.length, renderSec, xRealTime: durationSec / Math.max(renderSec, 1e-9) };
  } finally {
    unlock();
  }
}

/** Renders notes and muxes them into `video` as `outVideo`; the audio is exactly as long as the video. */
export async function renderIntoVideo(notes: readonly NoteEvent[], video: string, outVideo: string, opts: RenderOptions = {}): Promise<RenderResult & { video: string }> {
  const { probeVideo } = await import('../extractor/probe');
  const { muxAudioIntoVideo } = await import('./mux');
  const info = await probeVideo(video);
  if (!(info.durationSec > 0)) throw new InputError(`${video}: ffmpeg reports no duration; expected a video with a known duration`);
  if ((opts.synth ?? 'soundfont') === 'soundfont') validateRenderInput(notes, opts);
  await checkWritable(outVideo);
  const unlock = lockOutputs([outVideo]);
  const tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'audeo-render-'));
  try {
    const wav = path.join(tmpDir, 'audio.wav');
    const r = await renderNotesToFile(notes, wav, { ...opts, durationSec: info.durationSec });
    await muxAudioIntoVideo({ video, wav, out: outVideo });
    return { ...r, out: outVideo, video };
  } finally {
    unlock();
    await fs.rm(tmpDir, { recursive: true, force: true });
  }
}
