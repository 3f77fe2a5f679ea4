/**
 * One video of an adaptation: the shipped pipeline's own extraction (keyboard locator, rectification, Video2Roll,
 * decoder: exactly what `audeo extract` does), plus the key features the head reads, captured per frame.
 */
import { InputError } from '../core/errors';
import { decodeRoll, type Take } from '../core/take';
import type { Roll } from '../core/types';
import { extractTake, type ExtractOptions } from '../extractor/pipeline';
import { probeVideo } from '../extractor/probe';
import { toKeyMajor } from './head';

export interface Footage {
  readonly video: string;
  readonly take: Take;
  /** The Take's Video2Roll roll (key-down probabilities, as extract wrote it). */
  readonly roll: Roll;
  readonly frames: number;
  /** [frames, keys, channels] key-major features. */
  readonly feats: Float32Array;
  /** Keys the camera cannot see. */
  readonly hiddenKeys: readonly number[];
}

export async function extractFootage(
  video: string,
  tap: { readonly model: Uint8Array; readonly output: string; readonly channels: number; readonly keys: number },
  opts: Omit<ExtractOptions, 'tap' | 'takePath'> = {},
): Promise<Footage> {
  const info = await probeVideo(video);
  const per = tap.keys * tap.channels;
  let feats = new Float32Array(Math.max(16, Math.round(info.durationSec * 25) + 16) * per);
  let hiddenKeys: readonly number[] = [];
  let frames = 0;
  const take = await extractTake(video, {
    ...opts,
    tap: {
      model: tap.model,
      output: tap.output,
      receive: (group, data, hidden) => {
        hiddenKeys = hidden;
        const last = group[group.length - 1] ?? 0;
        if ((last + 1) * per > feats.length) {
          const bigger = new Float32Array(Math.max((last + 1) * per, feats.length * 2));
          bigger.set(feats);
          feats = bigger;
        }
        // a batch is consecutive frames
        if (group.length * per !== data.length) throw new InputError(`feature batch of ${data.length} values; expected ${group.length * per}`);
        toKeyMajor(data, group.length, tap.channels, tap.keys, feats, group[0] ?? 0);
        frames = Math.max(frames, last + 1);
      },
    },
  });
  const enc = take.rolls.video2roll;
  if (!enc) throw new InputError(`${video}: the extraction made no Video2Roll roll`);
  const roll = decodeRoll(enc);
  return { video, take, roll, frames: Math.min(frames, roll.frames), feats: feats.subarray(0, frames * per), hiddenKeys };
}
