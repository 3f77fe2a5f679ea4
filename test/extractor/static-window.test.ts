/** The extractor's static-key window (pipeline.ts STATIC_WINDOW_SEC) on what real playing holds. */
import { suppressStaticKeys } from '../../src/core/notes';
import { makeRoll } from '../../src/core/types';
import { STATIC_WINDOW_SEC } from '../../src/extractor/pipeline';

describe("the extractor's static-key window", () => {
  it('keeps an 8-s hold in a 40-s video and removes a key that is down throughout', () => {
    const fps = 25;
    const r = makeRoll({ fps, frames: 40 * fps, keys: 2, lowestMidi: 60 });
    for (let t = 0; t < r.frames; t++) r.data[t * 2 + 1] = 0.9;
    for (let t = 5 * fps; t < 13 * fps; t++) r.data[t * 2] = 0.9;
    const s = suppressStaticKeys(r, STATIC_WINDOW_SEC * fps);
    expect(s.data[9 * fps * 2]).toBeCloseTo(0.9, 5);
    expect(s.data[9 * fps * 2 + 1]).toBe(0);
  });
});
