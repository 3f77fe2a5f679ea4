/**
 * `audeo render --mux`: the original video stream copied unchanged (same packets), the rendered audio added as AAC
 * aligned to the video's time zero, any original audio dropped. Streams and durations read from `ffmpeg -i`
 * (the npm ffmpeg ships no ffprobe), alignment by onset detection on the decoded soundtrack.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeAudio } from '../../src/label/audio';
import { ffmpegPath } from '../../src/extractor/ffmpeg-path';
import { detectOnsets, note, runCli, tmpDir, writeTakeFile } from './helpers';

const dir = tmpDir();
const video = path.join(dir, 'in.mp4');
const take = path.join(dir, 'take.audeo.json');
const out = path.join(dir, 'out.mp4');
const onsets = [1.0, 2.0];

function ffmpegInfo(file: string): string {
  return spawnSync(ffmpegPath(), ['-hide_banner', '-i', file], { encoding: 'utf8' }).stderr;
}

/** md5 of every packet of the first video stream (stream copy keeps them byte for byte). */
function videoPacketMd5(file: string): string[] {
  const text = execFileSync(ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'framemd5', '-'], { encoding: 'utf8' });
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').pop()?.trim() ?? '');
}

function durationSec(info: string): number {
  const d = /Duration: (\d+):(\d+):([\d.]+)/.exec(info);
  return d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : NaN;
}

let cli: { code: number | null; out: string; err: string };

beforeAll(async () => {
  // 3 s test video (H.264 25 fps) with a 1 kHz tone as its original soundtrack, which the mux must drop
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=1000:duration=3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', video]);
  writeTakeFile(take, onsets.map((t) => note(60, t, t + 0.4)), 3);
  cli = await runCli('render', take, '--mux', video, '-o', out, '--json');
}, 120000);

describe('render --mux', () => {
  it('writes the video with one video and one AAC audio stream', () => {
    expect(cli.err).toBe('');
    expect(cli.code).toBe(0);
    const result = JSON.parse(cli.out) as { out: string; durationSec: number };
    expect(result.out).toBe(out);
    const info = ffmpegInfo(out);
    expect((info.match(/Stream #0:\d+[^:]*: Video: h264/g) ?? []).length).toBe(1);
    expect((info.match(/Stream #0:\d+[^:]*: Audio: aac/g) ?? []).length).toBe(1);
    expect((info.match(/Stream #0:\d+/g) ?? []).length).toBe(2);
  });

  it('copies the video stream unchanged', () => {
    const a = videoPacketMd5(video);
    expect(a.length).toBe(75);
    expect(videoPacketMd5(out)).toEqual(a);
  });

  it('the soundtrack lasts as long as the video', () => {
    expect(Math.abs(durationSec(ffmpegInfo(out)) - durationSec(ffmpegInfo(video)))).toBeLessThan(0.1);
  });

  it('notes sound where the take says on the video timeline (onsets +-20 ms), the old soundtrack is gone', async () => {
    const audio = await decodeAudio(out, { sampleRate: 16000 });
    expect(Math.abs(audio.durationSec - 3)).toBeLessThan(0.1);
    const found = detectOnsets(audio.samples, 16000);
    expect(found.length).toBe(onsets.length);
    onsets.forEach((t, i) => expect(Math.abs((found[i] ?? -1) - t)).toBeLessThan(0.02));
  });

  it('a bad mux input or an unwritable output is a clear error and leaves no file', async () => {
    const notVideo = path.join(dir, 'not-a-video.mp4');
    writeFileSync(notVideo, 'hello');
    const bad = await runCli('render', take, '--mux', notVideo, '-o', path.join(dir, 'bad.mp4'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^error: .*not-a-video\.mp4.*expected a video/m);
    const unwritable = await runCli('render', take, '--mux', video, '-o', path.join(dir, 'missing-dir', 'o.mp4'));
    expect(unwritable.code).toBe(5);
    expect(unwritable.err).toMatch(/^error: cannot write .*o\.mp4/m);
    expect(existsSync(path.join(dir, 'bad.mp4'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('CLI: unknown program and a missing perfnet model are clear errors', async () => {
    const prog = await runCli('render', take, '--program', '200', '-o', path.join(dir, 'p.wav'));
    expect(prog.code).toBe(2);
    expect(prog.err).toMatch(/^error: --program 200 is not valid; expected an integer 0\.\.127/m);
    expect(existsSync(path.join(dir, 'p.wav'))).toBe(false);
  });
});
