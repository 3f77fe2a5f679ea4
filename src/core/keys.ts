/**
 * Piano key constants and note-name helpers. Pure.
 * The 88-key piano spans MIDI 21 (A0) to 108 (C8); key index k (0..87) is MIDI 21 + k.
 */
export const PIANO_KEYS = 88 as const;
export const LOWEST_PIANO_MIDI = 21 as const;
export const HIGHEST_PIANO_MIDI = 108 as const;
/** The paper's 51 scored keys: MIDI 36..86 (C2..D6), key indices 15..65. */
export const PAPER_KEY_RANGE = { lowMidi: 36, highMidi: 86 } as const;

const NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
const BLACK_PITCH_CLASSES = new Set([1, 3, 6, 8, 10]);

export function isBlackKey(midi: number): boolean {
  return BLACK_PITCH_CLASSES.has(((midi % 12) + 12) % 12);
}

export function midiToName(midi: number): string {
  const pc = ((midi % 12) + 12) % 12;
  return `${NAMES[pc]}${Math.floor(midi / 12) - 1}`;
}

/** Parses "A0", "C#4", "Db3", "c4" or a plain MIDI number ("60"). Throws RangeError with what was expected. */
export function parseNoteName(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n >= 0 && n <= 127) return n;
    throw new RangeError(`note number ${t} is outside 0..127`);
  }
  const m = /^([A-Ga-g])([#b]?)(-?\d)$/.exec(t);
  if (!m) throw new RangeError(`expected a note name like A0, C#4 or Db3 (or a MIDI number), got "${text}"`);
  const base: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };
  const letter = (m[1] ?? 'C').toUpperCase();
  const acc = m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0;
  const midi = (Number(m[3]) + 1) * 12 + (base[letter] ?? 0) + acc;
  if (midi < 0 || midi > 127) throw new RangeError(`note ${text} is outside MIDI 0..127`);
  return midi;
}
