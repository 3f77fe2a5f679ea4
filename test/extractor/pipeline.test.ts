/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractTake } from '../../src/extractor/pipeline';
import { boxLocator, FIXTURE_MODELS, makeKeysVideo, tmpDir, type SyntheticVideo } from './helpers';

describe('extract pipeline (tiny fixture models, synthetic video)', () => {
  let dir: string;
  let video: SyntheticVideo;
  beforeAll(() => {
    dir = tmpDir();
    video = makeKeysVideo(path.join(dir, 'keys.mp4'), {
      durationSec: 4,
      fps: 30,
      notes: [
        { pitch: 60, onsetSec: 0.5, offsetSec: 1.5 },
        { pitch: 64, onsetSec: 1.0, offsetSec: 2.0 },
        { pitch: 61, onsetSec: 2.2, offsetSec: 3.0 },
        { pitch: 21, onsetSec: 3.0, offsetSec: 3.6 },
      ],
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds the drawn notes within a frame', async () => {
    const take = await extractTake(video.file, { modelsRoot: FIXTURE_MODELS, locate: boxLocator(video.box) });
    expect(take.progress.complete).toBe(true);
    expect(take.rolls.video2roll?.fps).toBe(25);
    expect(take.rolls.video2roll?.frames).toBe(100);
    expect(take.models.roll2midi?.name).toBe('tiny-r2m');
    const got = take.notes.map((n) => ({ pitch: n.pitch, on: n.onsetSec, off: n.offsetSec }));
    expect(got.map((n) => n.pitch)).toEqual([60, 64, 61, 21]);
    got.forEach((n, i) => {
      const want = video.notes[i]!;
      expect(Math.abs(n.on - want.onsetSec)).toBeLessThanOrEqual(0.041);
      expect(Math.abs(n.off - want.offsetSec)).toBeLessThanOrEqual(0.081);
    });
  });
});
