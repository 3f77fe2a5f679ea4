/**
 * Rectified keyboard strips of a video, exactly as `audeo extract` makes them (its ffmpeg stream at the model's fps,
 * its keyboard locator, its rectification), written for the Python training side:
 *
 *   node .cache/build/bench/dump_strips.js <video> <out-prefix> [--fps 25] [--width 900] [--height 100]
 *        [--homography h0,...,h8 --lowest-midi 21 --highest-midi 108] [--locate-frames 9]
 *
 * writes <out-prefix>.u8 (uint8, frames x height x width, row-major) and <out-prefix>.json (frames, fps, firstSec,
 * the keyboard location). With --homography the locator is skipped (a location found before, or a hand-made one).
 */
import { promises as fs } from 'node:fs';
import { firstFrameSec, sampleFrames, streamFrames } from '../src/extractor/frames';
import { locateKeyboard, type KeyboardLocation } from '../src/extractor/keyboard';
import { probeVideo } from '../src/extractor/probe';
import { buildStripMap, rectify } from '../src/extractor/rectify';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const [video, prefix] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
  if (!video || !prefix) throw new Error('usage: dump_strips <video> <out-prefix> [--fps 25] [--homography h0..h8 --lowest-midi N --highest-midi N]');
  const fps = Number(arg('fps') ?? 25);
  const width = Number(arg('width') ?? 900);
  const height = Number(arg('height') ?? 100);
  const info = await probeVideo(video);
  let loc: Pick<KeyboardLocation, 'homography' | 'lowestMidi' | 'highestMidi'> & Partial<KeyboardLocation>;
  const given = arg('homography');
  if (given) loc = { homography: given.split(',').map(Number), lowestMidi: Number(arg('lowest-midi') ?? 21), highestMidi: Number(arg('highest-midi') ?? 108) };
  else loc = locateKeyboard(await sampleFrames(info, Number(arg('locate-frames') ?? 9)));
  const map = buildStripMap(loc, info.width, info.height, { width, height });
  const firstSec = await firstFrameSec(info, fps);
  const handle = await fs.open(`${prefix}.u8`, 'w');
  let frames = 0;
  try {
    const strip = new Uint8Array(width * height);
    for await (const frame of streamFrames(info, { fps, crop: map.crop, firstSec })) {
      await handle.write(rectify(frame, map, strip));
      frames++;
    }
  } finally {
    await handle.close();
  }
  const meta = { video, frames, fps, firstSec, width, height, durationSec: info.durationSec, sourceFps: info.fps, keyboard: loc };
  await fs.writeFile(`${prefix}.json`, `${JSON.stringify(meta, null, 1)}\n`);
  process.stdout.write(`${prefix}: ${frames} strips, keys ${loc.lowestMidi}..${loc.highestMidi}, confidence ${loc.confidence?.toFixed(2) ?? 'given'}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
