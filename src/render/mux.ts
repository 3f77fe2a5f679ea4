/**
 * The video with its new soundtrack: the original video stream copied unchanged (-c:v copy), the rendered WAV added
 * as AAC, any original audio dropped. Time zero of the WAV is time zero of the video's own timeline (the timeline the
 * extractor gives note times on: ffmpeg's, where the container's start time is 0), so a note at onsetSec sounds
 * with the frame shown at onsetSec. Written to a temp file and renamed: a failed mux leaves no partial output.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InputError, SinkError } from '../core/errors';
import { ffmpegPath } from '../extractor/ffmpeg-path';

export interface MuxOptions {
  readonly video: string;
  readonly wav: string;
  readonly out: string;
  /** AAC bit rate, default 192k. */
  readonly audioBitrate?: string;
}

function run(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], { maxBuffer: 16 << 20 }, (err, _o, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new InputError(`ffmpeg not found at ${ffmpegPath()}; expected ffmpeg on PATH or the @ffmpeg-installer/ffmpeg package`));
        return;
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stderr: String(stderr) });
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-2).join(' ').trim() || 'no message';
}

export async function muxAudioIntoVideo(opts: MuxOptions): Promise<void> {
  const ext = path.extname(opts.out).toLowerCase();
  if (!['.mp4', '.mov', '.mkv', '.m4v'].includes(ext)) {
    throw new InputError(`mux output ${opts.out} has extension "${ext}"; expected .mp4, .mov, .m4v or .mkv`);
  }
  if (path.resolve(opts.out) === path.resolve(opts.video)) throw new InputError(`mux output ${opts.out} is the input video; expected another path`);
  const dir = path.dirname(path.resolve(opts.out));
  const tmp = path.join(dir, `.${path.basename(opts.out, ext)}.${process.pid}.${Date.now()}.tmp${ext}`);
  try {
    const { code, stderr } = await run([
      '-y', '-v', 'error',
      '-i', opts.video,
      '-i', opts.wav,
      '-map', '0:v:0', '-map', '1:a:0',
      '-c:v', 'copy',
      '-c:a', 'aac', '-b:a', opts.audioBitrate ?? '192k',
      ...(ext === '.mp4' || ext === '.m4v' || ext === '.mov' ? ['-movflags', '+faststart'] : []),
      tmp,
    ]);
    if (code !== 0) {
      const why = lastLines(stderr);
      if (/Permission denied|No such file or directory|Read-only/i.test(why) && !/Error opening input|Invalid data/i.test(why)) {
        throw new SinkError(`cannot write ${opts.out} (ffmpeg: ${why}); expected a writable output path`);
      }
      throw new InputError(`muxing ${opts.video} failed (ffmpeg: ${why}); expected a readable video with a video stream`);
    }
    try {
      await fs.rename(tmp, opts.out);
    } catch (e) {
      throw new SinkError(`cannot write ${opts.out}: ${(e as Error).message}; expected a writable output path`);
    }
  } finally {
    await fs.rm(tmp, { force: true });
  }
}
