/**
 * Frames out of ffmpeg as 8-bit gray: a few full-resolution sample frames for the keyboard locator, and the
 * streamed, resampled frames (the model's fps whatever the source rate) with their times on the video's timeline.
 * Memory stays bounded: the stream is read frame by frame with backpressure on ffmpeg's pipe.
 */
import { execFile } from 'node:child_process';
import type { Readable } from 'node:stream';
import { InputError } from '../core/errors';
import { ffmpegPath } from './ffmpeg-path';
import type { GrayFrame } from './locator-types';
import type { VideoInfo } from './probe';

export interface TimedFrame extends GrayFrame {
  /** Index in the resampled stream (0-based). */
  readonly index: number;
  /** Seconds on the video's own timeline: firstSec + index / fps. */
  readonly timeSec: number;
}

function runFfmpeg(args: string[], maxBytes: number): Promise<{ stdout: Buffer; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { encoding: 'buffer', maxBuffer: maxBytes }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new InputError(`ffmpeg not found at ${ffmpegPath()}; expected ffmpeg on PATH or the @ffmpeg-installer/ffmpeg package`));
        return;
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ stdout, stderr: stderr.toString('utf8'), code });
    });
  });
}

function fpsFilter(fps: number): string {
  return `fps=fps=${fps}`;
}

/** Time of the first frame of the resampled stream (the fps filter's first output), on the video's timeline. */
export async function firstFrameSec(info: VideoInfo, fps: number): Promise<number> {
  const { stderr } = await runFfmpeg(['-i', info.path, '-map', '0:v:0', '-vf', `${fpsFilter(fps)},showinfo`, '-frames:v', '1', '-f', 'null', '-'], 8 << 20);
  const m = /pts_time:\s*(-?[\d.]+)/.exec(stderr);
  if (!m) throw new InputError(`${info.path}: ffmpeg decoded no video frame (${lastError(stderr)}); expected a video with at least one frame`);
  return Number(m[1]);
}

/** One full-resolution gray frame at `t` seconds (0: the first frame, no seek); empty stdout when there is none. */
function grabFrame(info: VideoInfo, t: number): Promise<{ stdout: Buffer; stderr: string }> {
  const seek = t > 0 ? ['-ss', t.toFixed(3)] : [];
  return runFfmpeg([...seek, '-i', info.path, '-map', '0:v:0', '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], info.width * info.height * 2 + 1024);
}

/**
 * `count` full-resolution gray frames spread over the video (for the keyboard locator). No sample is taken after
 * the start of the last frame (a seek past it decodes nothing: a 1-frame video has its only frame at 0), and when no
 * seek found a frame (a container longer than its video stream) the first frame is used.
 */
export async function sampleFrames(info: VideoInfo, count = 5): Promise<GrayFrame[]> {
  const bytes = info.width * info.height;
  const dur = info.durationSec > 0 ? info.durationSec : 0;
  const lastStart = Math.max(0, dur - (info.fps > 0 ? 1 / info.fps : 0));
  const frames: GrayFrame[] = [];
  const asFrame = (stdout: Buffer): GrayFrame => ({ width: info.width, height: info.height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, bytes) });
  let firstError = '';
  for (let i = 0; i < count; i++) {
    const t = dur > 0 ? Math.min((dur * (i + 0.5)) / count, lastStart) : 0;
    const { stdout, stderr } = await grabFrame(info, t);
    if (stdout.length === bytes) frames.push(asFrame(stdout));
    else if (stdout.length === 0 && frames.length > 0 && /invalid data|error|truncat|corrupt/i.test(stderr)) {
      throw new InputError(`${info.path} is truncated or corrupt: no frame at ${t.toFixed(1)} s of ${dur.toFixed(1)} s (ffmpeg: ${lastError(stderr)}); expected a complete video`);
    } else if (i === 0) firstError = lastError(stderr);
  }
  if (frames.length === 0) {
    const { stdout, stderr } = await grabFrame(info, 0);
    if (stdout.length === bytes) frames.push(asFrame(stdout));
    else if (stdout.length === 0) throw new InputError(`${info.path}: ffmpeg decoded no video frame (${firstError || lastError(stderr)}); expected a readable video`);
  }
  if (frames.length === 0) throw new InputError(`${info.path}: no ${info.width}x${info.height} frame could be decoded; expected a readable video`);
  return frames;
}

function lastError(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.filter((l) => /error|invalid|failed|truncat/i.test(l)).pop() ?? lines.pop() ?? 'no output';
}

/**
 * Whether fluent-ffmpeg's error at the end of a piped decode means the video failed. It reports "Output stream closed"
 * when ffmpeg's exit comes more than 20 ms after ffmpeg closed its output (lib/processor.js: seen on a loaded machine,
 * after every frame had arrived); that alone is no failure. ffmpeg's own error line (`stderrTail`) always is.
 */
export function isDecodeFailure(failure: Error | undefined, stderrTail: string): failure is Error {
  if (!failure) return false;
  return stderrTail !== '' || failure.message !== 'Output stream closed';
}

export interface StreamOptions {
  /** Output frame rate (the model's). */
  readonly fps: number;
  /** Crop in source pixels before streaming: x, y, w, h (integers). Default: the whole frame. */
  readonly crop?: readonly [number, number, number, number];
  /** Time of frame 0 (see firstFrameSec). */
  readonly firstSec: number;
  /** Filled at the end: the last error line ffmpeg printed ('' when none), e.g. for a truncated file. */
  readonly stats?: { lastError: string };
}

/**
 * Streams gray frames at `fps`. Ends when the video ends; throws InputError when ffmpeg fails before the end
 * (a truncated or corrupt file). Breaking out of the loop stops ffmpeg.
 */
export async function* streamFrames(info: VideoInfo, opts: StreamOptions): AsyncGenerator<TimedFrame> {
  const { default: ffmpeg } = await import('fluent-ffmpeg');
  const [cx, cy, cw, ch] = opts.crop ?? [0, 0, info.width, info.height];
  const filters = [fpsFilter(opts.fps)];
  if (opts.crop) filters.push(`crop=${cw}:${ch}:${cx}:${cy}`);
  let failure: Error | undefined;
  let stderrTail = '';
  let finished = false;
  const cmd = ffmpeg(info.path)
    .setFfmpegPath(ffmpegPath())
    .inputOptions(['-nostdin'])
    .outputOptions(['-map', '0:v:0', '-an', '-sn', '-vf', filters.join(','), '-pix_fmt', 'gray'])
    .format('rawvideo')
    .on('stderr', (line: string) => {
      if (/error|invalid|truncat|corrupt|partial file/i.test(line)) stderrTail = line;
    });
  const done = new Promise<void>((resolve) => {
    cmd.on('end', () => resolve());
    cmd.on('error', (e: Error) => {
      if (!finished) failure = e;
      resolve();
    });
  });
  const out = cmd.pipe() as Readable;
  const frameBytes = cw * ch;
  let buf = new Uint8Array(frameBytes);
  let fill = 0;
  let index = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(frameBytes - fill, chunk.length - off);
        buf.set(chunk.subarray(off, off + n), fill);
        fill += n;
        off += n;
        if (fill === frameBytes) {
          yield { width: cw, height: ch, data: buf, index, timeSec: opts.firstSec + index / opts.fps };
          index++;
          buf = new Uint8Array(frameBytes);
          fill = 0;
        }
      }
    }
    await done;
    if (opts.stats) opts.stats.lastError = stderrTail;
    if (isDecodeFailure(failure, stderrTail)) {
      throw new InputError(`${info.path}: decoding failed after ${index} frames (${stderrTail || failure.message.split('\n')[0]}); expected a complete, readable video`);
    }
  } finally {
    finished = true;
    cmd.kill('SIGKILL');
  }
}
