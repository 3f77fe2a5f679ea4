/** The PerfNet deep synthesizer (placeholder until a model is installed). */
import { ModelError } from '../core/errors';
import type { NoteEvent } from '../core/types';

export function renderNotesPerfNet(_notes: readonly NoteEvent[], _opts: { model?: string; modelsRoot?: string }): Promise<{ samples: Float32Array; sampleRate: number }> {
  return Promise.reject(new ModelError('no perfnet model installed; expected models/index.json to list a perfnet and a spec-refiner model (use --synth soundfont)'));
}
