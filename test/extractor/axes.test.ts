import { Image } from '../../src/io/png';
import { tickStepSec, timeLabel, withRollAxes } from '../../src/viz/axes';

describe('roll picture axes', () => {
  it('picks readable time ticks and labels', () => {
    expect(tickStepSec(14, 700)).toBe(2); // 50 px/s: 2 s = 100 px >= 60
    expect(tickStepSec(600, 3000)).toBe(15);
    expect(tickStepSec(3600 * 3, 3000)).toBe(300); // 0.28 px/s: 300 s = 83 px
    expect(timeLabel(0)).toBe('0');
    expect(timeLabel(2.5)).toBe('2.5');
    expect(timeLabel(65)).toBe('1:05');
    expect(timeLabel(3725)).toBe('1:02:05');
  });

  it('frames the plot unchanged, with labels around it', () => {
    const plot = new Image(100, 88 * 2, [10, 200, 30]);
    const img = withRollAxes(plot, { startSec: 0, endSec: 4, lowMidi: 21, highMidi: 108, pxPerKey: 2, title: 'DEMO', legend: [['NOTES', [220, 20, 20]]] });
    expect(img.width).toBeGreaterThan(plot.width);
    expect(img.height).toBeGreaterThan(plot.height);
    const px = (x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    // find the plot's top-left corner: the first green pixel
    let at = -1;
    for (let i = 0; i < img.width * img.height && at < 0; i++) if (px(i % img.width, Math.floor(i / img.width)).join() === '10,200,30') at = i;
    const x0 = at % img.width;
    const y0 = Math.floor(at / img.width);
    expect(px(x0 + 99, y0 + 175)).toEqual([10, 200, 30]);
    expect(px(x0 + 100, y0 + 175)).not.toEqual([10, 200, 30]);
    // something is drawn left of the plot (note names) and below it (time labels), not only white
    const inked = (xa: number, xb: number, ya: number, yb: number): boolean => {
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) if (px(x, y).some((v) => v < 200)) return true;
      return false;
    };
    expect(inked(0, x0, y0, y0 + 176)).toBe(true);
    expect(inked(x0, x0 + 100, y0 + 177, img.height)).toBe(true);
    expect(inked(0, img.width, 0, y0)).toBe(true); // title + legend
  });
});
