/**
 * What a video file holds, read from `ffmpeg -i` (the npm ffmpeg build ships no ffprobe). The parser is pure;
 * `probeVideo` runs ffmpeg and checks the file first so that every bad input ends in one InputError line.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { InputError } from '../core/errors';
import { ffmpegPath } from './ffmpeg-path';

export interface VideoInfo {
  readonly path: string;
  readonly sizeBytes: number;
  /** Container duration in seconds (0 when unknown). */
  readonly durationSec: number;
  /** Container start time in seconds. */
  readonly startSec: number;
  /** The video stream's average frame rate (e.g. 29.97). */
  readonly fps: number;
  /** Width and height as displayed: ffmpeg turns decoded frames by the stream's rotation, and so do we. */
  readonly width: number;
  readonly height: number;
  /** Clockwise display rotation in degrees (0, 90, 180, 270) from the rotate tag or display matrix; absent when 0. */
  readonly rotationDeg?: number;
  readonly codec: string;
  /** Start timecode "HH:MM:SS:FF" (or ";" for drop-frame) when the container carries one. */
  readonly startTimecode?: string;
  readonly hasAudio: boolean;
}

const EXPECTED = 'expected a video file (mp4, mov, mkv, webm, ...) with a video stream';

/** Parses the stderr of `ffmpeg -i <file>`. Throws InputError when there is no usable video stream. */
export function parseFfmpegInfo(stderr: string, file: string, sizeBytes = 0): VideoInfo {
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters/i.test(stderr) && !/Stream #\d+:\d+.*Video:/.test(stderr)) {
    throw new InputError(`${file} is not a readable video (ffmpeg: ${lastLine(stderr)}); ${EXPECTED}`);
  }
  const video = /Stream #\d+:\d+[^:]*: Video: ([^\n]*)/.exec(stderr);
  if (!video) {
    const hasInput = /Input #0/.test(stderr);
    throw new InputError(hasInput ? `${file} has no video stream; ${EXPECTED}` : `${file} is not a video (ffmpeg: ${lastLine(stderr)}); ${EXPECTED}`);
  }
  const line = video[1] ?? '';
  const format = /Input #0, ([\w,]+), from/.exec(stderr)?.[1] ?? '';
  // ffmpeg opens any text file as an "ansi art" video (tty demuxer): that is not a video
  if (/^tty$/.test(format) || /^ansi\b/.test(line)) throw new InputError(`${file} is not a video (ffmpeg reads it as text); ${EXPECTED}`);
  const codec = (/^(\w+)/.exec(line)?.[1] ?? 'unknown').toLowerCase();
  const size = /(\d{2,5})x(\d{2,5})/.exec(line);
  const fpsM = /([\d.]+)(k?) fps/.exec(line) ?? /([\d.]+)(k?) tbr/.exec(line);
  const dur = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  const start = /start: (-?[\d.]+)/.exec(stderr);
  const tc = /timecode\s*:\s*(\d\d:\d\d:\d\d[:;.]\d\d)/.exec(stderr);
  const rotationDeg = streamRotation(stderr.slice(video.index + video[0].length));
  const turned = rotationDeg === 90 || rotationDeg === 270;
  const width = Number(size?.[turned ? 2 : 1] ?? 0);
  const height = Number(size?.[turned ? 1 : 2] ?? 0);
  if (!width || !height) throw new InputError(`${file}: cannot read the video size from ffmpeg; ${EXPECTED}`);
  const fps = fpsM ? Number(fpsM[1]) * (fpsM[2] === 'k' ? 1000 : 1) : 0;
  return {
    path: file,
    sizeBytes,
    durationSec: dur ? Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3]) : 0,
    startSec: start ? Number(start[1]) : 0,
    fps: Number.isFinite(fps) ? fps : 0,
    width,
    height,
    ...(rotationDeg ? { rotationDeg } : {}),
    codec,
    ...(tc?.[1] ? { startTimecode: tc[1] } : {}),
    hasAudio: /Stream #\d+:\d+[^:]*: Audio:/.test(stderr),
  };
}

/**
 * The display rotation of the stream whose lines follow `rest` (its Metadata / Side data, up to the next stream):
 * "displaymatrix: rotation of -90.00 degrees" (counter-clockwise, ffmpeg's sign) or the older "rotate : 90"
 * (clockwise), as clockwise degrees in 0..359 rounded to a quarter turn.
 */
function streamRotation(rest: string): number {
  const block = rest.split(/\n(?=\s*Stream #|Output #|At least one output)/)[0] ?? '';
  const matrix = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(block);
  const tag = /^\s*rotate\s*:\s*(-?[\d.]+)\s*$/m.exec(block);
  const cw = matrix ? -Number(matrix[1]) : tag ? Number(tag[1]) : 0;
  if (!Number.isFinite(cw)) return 0;
  return (((Math.round(cw / 90) * 90) % 360) + 360) % 360;
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^At least one output file/.test(l));
  return (lines[lines.length - 1] ?? 'no output').replace(/^.*?: /, '');
}

/** Checks that `file` is a non-empty regular file and probes it. */
export async function probeVideo(file: string): Promise<VideoInfo> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new InputError(`${file} does not exist; ${EXPECTED}`);
  }
  if (!stat.isFile()) throw new InputError(`${file} is not a file; ${EXPECTED}`);
  if (stat.size === 0) throw new InputError(`${file} is empty (0 bytes); ${EXPECTED}`);
  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(ffmpegPath(), ['-hide_banner', '-i', file], { maxBuffer: 4 << 20 }, (err, _stdout, errText) => {
      // `ffmpeg -i` without an output always exits 1; only a failure to start is an error here.
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new InputError(`ffmpeg not found at ${ffmpegPath()}; expected ffmpeg on PATH or the @ffmpeg-installer/ffmpeg package`));
      else resolve(String(errText));
    });
  });
  return parseFfmpegInfo(stderr, file, stat.size);
}
