/** Parsing of the manual keyboard overrides (--rotate, --flip, --corners, --highest-key). */
import { InputError } from '../../src/core/errors';
import { parseCorners, parseKeyboardOverrides, parseRotate, parseWhiteKey } from '../../src/cli/keyboard-options';

describe('keyboard overrides', () => {
  it('reads quarter turns, corners and white keys', () => {
    expect([0, 90, 180, 270].map((d) => parseRotate(String(d)))).toEqual([0, 90, 180, 270]);
    expect(parseCorners('40,300, 915,296,925.5,420,30,426')).toEqual([
      [40, 300],
      [915, 296],
      [925.5, 420],
      [30, 426],
    ]);
    expect(parseWhiteKey('--highest-key', 'C7')).toBe(96);
    expect(parseKeyboardOverrides({ rotate: '180', flip: true, corners: '0,0,9,0,9,5,0,5', highestKey: 'B5' })).toEqual({
      rotate: 180,
      flip: true,
      corners: [
        [0, 0],
        [9, 0],
        [9, 5],
        [0, 5],
      ],
      highestKey: 83,
    });
    expect(parseKeyboardOverrides({})).toEqual({});
  });

  it.each([
    ['--rotate 45', () => parseRotate('45'), /--rotate "45" is not a quarter turn; expected 0, 90, 180 or 270/],
    ['--rotate -90', () => parseRotate('-90'), /expected 0, 90, 180 or 270/],
    ['--corners with 6 numbers', () => parseCorners('1,2,3,4,5,6'), /--corners "1,2,3,4,5,6" is not x1,y1,x2,y2,x3,y3,x4,y4; expected eight numbers/],
    ['--corners with a word', () => parseCorners('1,2,3,4,5,6,7,eight'), /expected eight numbers in source pixels/],
    ['--corners with an empty field', () => parseCorners('1,2,3,4,5,6,7,'), /expected eight numbers/],
    ['--corners negative', () => parseCorners('1,2,3,4,5,6,7,-8'), /expected eight numbers/],
    ['a black --highest-key', () => parseWhiteKey('--highest-key', 'C#7'), /--highest-key "C#7" is not a white key of the piano; expected a white key from A0 to C8/],
    ['--highest-key beyond the piano', () => parseWhiteKey('--highest-key', 'D8'), /expected a white key from A0 to C8/],
    ['--highest-key without --corners', () => parseKeyboardOverrides({ highestKey: 'C8' }), /--highest-key C8 is used with --corners only; expected --corners/],
  ])('%s: InputError naming the expected form', (_what, fn, message) => {
    expect(fn).toThrow(InputError);
    expect(fn).toThrow(message);
  });
});
