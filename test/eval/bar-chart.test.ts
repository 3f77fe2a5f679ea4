import { Image } from '../../src/io/png';
import { barChart, drawText, textWidth } from '../../src/viz/bar-chart';

function inkPixels(img: Image): number {
  let n = 0;
  for (let i = 0; i < img.data.length; i += 3) if (img.data[i] === 0 && img.data[i + 1] === 0 && img.data[i + 2] === 0) n++;
  return n;
}

describe('bar chart with the built-in pixel font', () => {
  it('draws glyphs: "1" has 10 font pixels, "." 4; lowercase maps to capitals', () => {
    const a = new Image(20, 20);
    drawText(a, 0, 0, '1', [0, 0, 0], 1);
    expect(inkPixels(a)).toBe(10);
    const b = new Image(20, 20);
    drawText(b, 0, 0, '.', [0, 0, 0], 1);
    expect(inkPixels(b)).toBe(4);
    const c = new Image(40, 20);
    const d = new Image(40, 20);
    drawText(c, 0, 0, 'ab', [0, 0, 0], 1);
    drawText(d, 0, 0, 'AB', [0, 0, 0], 1);
    expect(Buffer.from(c.data).equals(Buffer.from(d.data))).toBe(true);
    expect(textWidth('abc', 2)).toBe(36);
  });
  it('bar lengths follow the values', () => {
    const img = barChart('t', [
      { label: 'half', value: 0.5, group: 'g' },
      { label: 'full', value: 1, group: 'g' },
    ]);
    const blue = (y: number): number => {
      let n = 0;
      for (let x = 0; x < img.width; x++) {
        const i = (y * img.width + x) * 3;
        if (img.data[i] === 40 && img.data[i + 1] === 110 && img.data[i + 2] === 230) n++;
      }
      return n;
    };
    const rowH = 9 * 2 + 6;
    const top = 12 + 18 + 10;
    const half = blue(top + rowH / 2);
    const full = blue(top + rowH + rowH / 2);
    expect(full).toBeGreaterThan(0);
    expect(half / full).toBeCloseTo(0.5, 2);
  });
});
