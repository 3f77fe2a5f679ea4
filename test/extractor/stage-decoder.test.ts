/** stageDecoder: which decoder settings an extraction takes from its models' cards. */
import type { LoadedModel, ModelCard } from '../../src/extractor/models';
import { stageDecoder } from '../../src/extractor/pipeline';

function model(thresholds: Record<string, number> | undefined, extra: Partial<ModelCard> = {}): LoadedModel {
  const card = { thresholds, ...extra } as unknown as ModelCard;
  return { card, dir: '/nowhere', onnxPath: '/nowhere/model.onnx' };
}

describe('stageDecoder', () => {
  it('reads the Video2Roll card (integer fields rounded) and defaults the threshold to 0.4', () => {
    expect(stageDecoder(model({ default: 0.7, minFrames: 2.6, repressGapFrames: 2 }), undefined)).toEqual({
      keyDown: { threshold: 0.7, minFrames: 3, repressGapFrames: 2 },
    });
    expect(stageDecoder(model(undefined), undefined)).toEqual({ keyDown: { threshold: 0.4 } });
  });

  it('ignores fields that are not finite numbers and fields of the other stage', () => {
    const v2r = model({ default: Number.NaN, minFrames: Number.POSITIVE_INFINITY, snapFrames: 4, onset: 0.2 });
    expect(stageDecoder(v2r, undefined)).toEqual({ keyDown: { threshold: 0.4 } });
  });

  it('with Roll2Midi, decodes its sounding roll with its card; --threshold replaces only the last stage', () => {
    const v2r = model({ default: 0.7 }, { timing: { soundDelaySec: 0.04 } });
    const r2m = model({ default: 0.5, minFrames: 1, snapFrames: 3, onset: 0.6, repressGapFrames: 9 });
    expect(stageDecoder(v2r, r2m, 0.3)).toEqual({
      soundDelaySec: 0.04,
      keyDown: { threshold: 0.7 },
      sounding: { threshold: 0.3, minFrames: 1, snapFrames: 3, onsetThreshold: 0.6 },
    });
    expect(stageDecoder(v2r, undefined, 0.3).keyDown.threshold).toBe(0.3);
  });
});
