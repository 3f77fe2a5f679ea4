/** Black-key pattern assignment under perspective (spacing varying along the keyboard) and with hidden keys. */
import { assignSemitones } from '../../../src/extractor/keyboard/pattern';
import { pianoWindow } from '../../../src/extractor/keyboard';

/** x centres of the given black-key semitones seen through a 1-D projective map (keys narrower toward one end). */
function projected(semis: number[], strength: number): number[] {
  return semis.map((s) => (600 * (s / 90)) / (1 + strength * (s / 90)));
}

function blackSemis(from: number, to: number): number[] {
  const out: number[] = [];
  for (let s = from; s <= to; s++) if ([1, 3, 6, 8, 10].includes(s % 12)) out.push(s);
  return out;
}

describe('assignSemitones', () => {
  it('names the 36 black keys of a full keyboard whose spacing shrinks by half from one end to the other', () => {
    const truth = blackSemis(10, 94); // A#0..A#7 relative to C0 = 0 of the strip's octave numbering
    const fit = assignSemitones(projected(truth, 1));
    expect(fit.semitones).toEqual(truth);
    expect(fit.cost).toBeLessThan(0.02);
  });

  it('keeps the phase across a long run of hidden keys at the narrow end (a hand over 4 keys)', () => {
    const truth = blackSemis(10, 94).filter((s) => s < 70 || s > 80);
    const fit = assignSemitones(projected(truth, 1));
    expect(fit.semitones).toEqual(truth);
  });

  it('keeps the phase when the first key is far from the others (measured gaps of a +45-degree view)', () => {
    // gaps (px) of piece10_p45_2 seen turned over: a lone key, 14 semitones of hidden keys, then the keys' pattern
    const gaps = [70.3, 10.2, 15.1, 10.1, 10.1, 15.7, 11.1, 16.3, 10.8, 11.0, 17.1, 12.0, 17.9, 11.8, 12.1, 18.7, 13.2, 19.2];
    const xs = [0];
    for (const g of gaps) xs.push(xs[xs.length - 1]! + g);
    const fit = assignSemitones(xs);
    expect(fit.cost).toBeLessThan(0.05);
    // after the long gap: C# D# F# G# A# C# ... (steps 2 3 2 2 3)
    const s = fit.semitones;
    expect(s.slice(2, 7).map((v, i) => v - s[i + 1]!)).toEqual([2, 3, 2, 2, 3]);
    expect(s[1]! % 12).toBe(1);
  });
});

describe('pianoWindow', () => {
  it('drops a dark mark beyond the A#0..A#7 run', () => {
    const full = blackSemis(10, 94);
    expect(pianoWindow([1, ...full.map((s) => s + 12)])).toEqual([1, 36]);
    expect(pianoWindow(full)).toEqual([0, 35]);
  });
  it('keeps everything when nothing spans more than a piano', () => {
    expect(pianoWindow(blackSemis(25, 60))).toEqual([0, blackSemis(25, 60).length - 1]);
  });
});
