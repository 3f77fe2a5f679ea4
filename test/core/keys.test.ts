import { isBlackKey, midiToName, parseNoteName } from '../../src/core/keys';

describe('note names', () => {
  it('parses names and numbers', () => {
    expect(parseNoteName('A0')).toBe(21);
    expect(parseNoteName('C4')).toBe(60);
    expect(parseNoteName('C#4')).toBe(61);
    expect(parseNoteName('Db4')).toBe(61);
    expect(parseNoteName('c8')).toBe(108);
    expect(parseNoteName('60')).toBe(60);
  });
  it('round-trips every piano key', () => {
    for (let m = 21; m <= 108; m++) expect(parseNoteName(midiToName(m))).toBe(m);
  });
  it('rejects garbage with what was expected', () => {
    expect(() => parseNoteName('H2')).toThrow(/expected a note name/);
    expect(() => parseNoteName('200')).toThrow(RangeError);
  });
  it('knows the black keys', () => {
    expect([60, 61, 62, 63, 64, 65, 66].map(isBlackKey)).toEqual([false, true, false, true, false, false, true]);
  });
});
