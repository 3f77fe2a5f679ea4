/** Audio edge: decode any file ffmpeg reads (video soundtrack, mp3, wav) to mono float32 PCM at a given rate. */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { InputError } from '../core/errors';

export interface DecodedAudio {
  readonly sampleRate: number;
  readonly samples: Float32Array;
  readonly durationSec: number;
}

export function ffmpegPath(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('@ffmpeg-installer/ffmpeg') as { path: string };
  return mod.path;
}

/** Decodes the first audio stream of `file` to mono float32 at `sampleRate` Hz (ffmpeg resampling). */
export async function decodeAudio(file: string, opts: { sampleRate?: number } = {}): Promise<DecodedAudio> {
  const sampleRate = opts.sampleRate ?? 22050;
  try {
    await fs.access(file);
  } catch {
    throw new InputError(`cannot read ${file}: no such file; expected a video or audio file`);
  }
  const args = ['-v', 'error', '-nostdin', '-i', file, '-vn', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-acodec', 'pcm_f32le', '-'];
  const chunks: Buffer[] = [];
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(ffmpegPath(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    p.on('error', reject);
    p.on('close', (c) => resolve(c ?? 1));
  });
  const buf = Buffer.concat(chunks);
  if (code !== 0 || buf.length < 4) {
    const why = stderr.trim().split('\n').slice(-2).join(' ') || 'no audio samples decoded';
    throw new InputError(`${file}: no audio could be decoded (${why}); expected a video with a soundtrack or an audio file`);
  }
  const n = Math.floor(buf.length / 4);
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = buf.readFloatLE(i * 4);
  return { sampleRate, samples, durationSec: n / sampleRate };
}

/** Duration and video frame rate as ffmpeg reports them (the bundled ffmpeg has no ffprobe). */
export async function probeMedia(file: string): Promise<{ durationSec?: number; fps?: number; hasVideo: boolean; hasAudio: boolean }> {
  const stderr = await new Promise<string>((resolve, reject) => {
    const p = spawn(ffmpegPath(), ['-hide_banner', '-nostdin', '-i', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let s = '';
    p.stderr.on('data', (c: Buffer) => {
      s += c.toString();
    });
    p.on('error', reject);
    p.on('close', () => resolve(s));
  });
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const durationSec = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : undefined;
  const video = /Stream #[^\n]*Video:[^\n]*/.exec(stderr);
  const f = video ? /([\d.]+) fps/.exec(video[0]) : null;
  const out: { durationSec?: number; fps?: number; hasVideo: boolean; hasAudio: boolean } = { hasVideo: video !== null, hasAudio: /Stream #[^\n]*Audio:/.test(stderr) };
  if (durationSec !== undefined) out.durationSec = durationSec;
  if (f) out.fps = Number(f[1]);
  return out;
}
