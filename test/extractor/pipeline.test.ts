/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractTake } from '../../src/extractor/pipeline';
import { Video2RollRunner } from '../../src/extractor/runners';
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

describe('extract pipeline: checkpoints and resume', () => {
  let dir: string;
  let video: SyntheticVideo;
  beforeAll(() => {
    dir = tmpDir();
    video = makeKeysVideo(path.join(dir, 'keys.mp4'), {
      durationSec: 3,
      fps: 24,
      notes: [
        { pitch: 48, onsetSec: 0.25, offsetSec: 1.0 },
        { pitch: 72, onsetSec: 1.5, offsetSec: 2.75 },
      ],
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('hands the keyboard overrides to the locator and keeps its notice in the Take', async () => {
    let seen: unknown;
    const corners: [number, number][] = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ];
    const take = await extractTake(video.file, {
      modelsRoot: FIXTURE_MODELS,
      rotate: 90,
      flip: true,
      corners,
      lowestKey: 48,
      highestKey: 83,
      locate: async (f, o) => {
        seen = o;
        return { ...(await boxLocator(video.box)(f, o)), notice: 'the camera seems to move: test' };
      },
    });
    expect(seen).toEqual({ rotate: 90, flip: true, corners, lowestKey: 48, highestKey: 83 });
    expect(take.notices).toContain('the camera seems to move: test');
  });

  it('an interrupted run leaves an incomplete Take; the next run resumes from it and ends with the same notes', async () => {
    const takePath = path.join(dir, 'keys.audeo.json');
    const base = { modelsRoot: FIXTURE_MODELS, locate: boxLocator(video.box), takePath, checkpointSec: 0.5, batch: 4 };
    const partial = await extractTake(video.file, { ...base, stopAfterFrames: 40 });
    expect(partial.progress.complete).toBe(false);
    const saved = JSON.parse(fs.readFileSync(takePath, 'utf8')) as { progress: { framesDone: number; complete: boolean } };
    expect(saved.progress.complete).toBe(false);
    expect(saved.progress.framesDone).toBe(40);

    let located = 0;
    const resumed = await extractTake(video.file, {
      ...base,
      locate: (f, o) => {
        located++;
        return boxLocator(video.box)(f, o);
      },
    });
    expect(located).toBe(0); // geometry comes from the checkpoint
    expect(resumed.progress).toEqual({ framesDone: 75, framesTotal: 75, complete: true });
    expect(resumed.notices?.some((n) => /resumed .* after 40 frames/.test(n))).toBe(true);

    const fresh = await extractTake(video.file, { modelsRoot: FIXTURE_MODELS, locate: boxLocator(video.box) });
    expect(resumed.notes).toEqual(fresh.notes);
    expect(resumed.rolls.video2roll?.data).toBe(fresh.rolls.video2roll?.data);
    expect(fresh.notes.map((n) => n.pitch)).toEqual([48, 72]);
  });

  it('does not resume from a Take of another video', async () => {
    const takePath = path.join(dir, 'other.audeo.json');
    const other = makeKeysVideo(path.join(dir, 'other.mp4'), { durationSec: 2, notes: [{ pitch: 60, onsetSec: 0.5, offsetSec: 1 }] });
    await extractTake(other.file, { modelsRoot: FIXTURE_MODELS, locate: boxLocator(other.box), takePath, stopAfterFrames: 20, batch: 4 });
    const take = await extractTake(video.file, { modelsRoot: FIXTURE_MODELS, locate: boxLocator(video.box), takePath });
    expect((take.notices ?? []).some((n) => /resumed/.test(n))).toBe(false);
    expect(take.notes.map((n) => n.pitch)).toEqual([48, 72]);
  });
  it('a Video2Roll batch that fails while the next is being prepared ends the run with its error; the checkpoint before it stays readable', async () => {
    const takePath = path.join(dir, 'failing.audeo.json');
    // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this) by the mock below
    const real = Video2RollRunner.prototype.runAll; // the pipeline's batch call (run = runAll's probabilities)
    let calls = 0;
    const spy = jest.spyOn(Video2RollRunner.prototype, 'runAll').mockImplementation(function (this: Video2RollRunner, stacks) {
      calls++;
      return calls === 6 ? Promise.reject(new Error('onnxruntime: batch failed')) : real.call(this, stacks);
    });
    try {
      await expect(
        extractTake(video.file, { modelsRoot: FIXTURE_MODELS, locate: boxLocator(video.box), takePath, checkpointSec: 0.16, batch: 4 }),
      ).rejects.toThrow('onnxruntime: batch failed');
      expect(calls).toBe(6); // no batch was started after the failing one
      const saved = JSON.parse(fs.readFileSync(takePath, 'utf8')) as { progress: { framesDone: number; complete: boolean } };
      expect(saved.progress.complete).toBe(false);
      expect(saved.progress.framesDone).toBe(20); // a checkpoint after each batch (4 frames): the 5 before the failing one
    } finally {
      spy.mockRestore();
    }
  });
});
