/**
 * audeo as a library: the public API a Node program uses (`require('audeo')` / `import ... from 'audeo'`).
 * It only re-exports; the code stays in its modules. The CLI (src/cli/main.ts) does not import this file.
 *
 * Loading it is light: onnxruntime-node, ffmpeg, spessasynth and the PerfNet synth load on first use inside the
 * functions that need them, and the OSC sink (osc-js) through `loadOscSink()`.
 *
 *   const { extractToFiles, readTake, writeMidiFile } = require('audeo');
 *   const { take, summary } = await extractToFiles('clip.mp4', { midiPath: 'clip.mid' });
 */

// errors: every failure a user can cause is one of these, with a one-line message naming what was expected
export { AudeoError, InputError, ModelError, KeyboardNotFoundError, SinkError } from './core/errors';

// domain types
export type { NoteEvent, Roll } from './core/types';
export { makeRoll, rollAt } from './core/types';
export type { Take, TakeSource, TakeModelRef, EncodedRoll } from './core/take';
export { TAKE_FORMAT, TAKE_VERSION, parseTake, parseNoteList, encodeRoll, decodeRoll, redecodeTake } from './core/take';

// extract: video -> Take (+ MIDI file + piano-roll PNG)
export { extractToFiles, defaultOutputs, type ExtractFilesOptions, type ExtractSummary } from './extractor/extract-files';
export { extractTake, type ExtractOptions, type ExtractProgress, type LocateFn } from './extractor/pipeline';
export { probeVideo, type VideoInfo } from './extractor/probe';
export { loadModel, readIndex, defaultModelsRoot, type ModelCard, type ModelIndex, type LoadedModel } from './extractor/models';

// decode: roll -> notes, notes -> roll
export {
  rollToNotes,
  anchorNotes,
  decodeStages,
  notesToRoll,
  suppressStaticKeys,
  sortNotes,
  notesEndSec,
  frameTimeSec,
  type DecodeOptions,
  type AnchorOptions,
  type StageDecoder,
  type StageRolls,
  type NotesToRollOptions,
} from './core/notes';

// read / write Takes and MIDI files
export { readTake, writeTake } from './io/take-file';
export { writeMidiFile, notesToSmf, notesToSmfWithInfo, type MidiFileOptions, type SmfInfo } from './io/midi-file';
// the MIDI file's tempo map and velocities (docs/midi-file.md)
export { estimateTempo, type TempoEstimate, type TempoOptions, type TempoPoint } from './core/tempo';
export { contextVelocities, velocityFeatures, VELOCITY_MODEL, type VelocityModel } from './core/velocity';

// evaluate: notes against reference notes
export {
  readNotesFile,
  evaluateFiles,
  scoreFiles,
  formatReport,
  type NotesFile,
  type EvalFilesOptions,
  type EvalFilesResult,
} from './eval/eval-files';
export { noteMetrics, frameMetrics, evaluate, type NoteScores, type NoteMetricOptions, type FrameMetrics, type EvaluationReport } from './core/metrics';

// play to sinks: `audeo play` as a function, and the parts to build your own
export { runPlay, type PlayOptions, type PlayIO, type PlayResult } from './bridge/play';
export { loadPlayable, fromTake, type Playable } from './bridge/input';
export { loadPreset, listPresetNames, type Preset } from './bridge/presets';
export { mapNotes, type MidiMapping, type VelocityCurve } from './bridge/mapping';
export { Scheduler, type SchedulerOptions } from './bridge/scheduler';
export { NotesSource, TicksSource, RollSource, MtcSource, type EventSource } from './bridge/sources';
export { InternalClock, type InternalClockOptions } from './bridge/clocks/internal';
export type { Clock, TransportState } from './bridge/clock';
export { RealTimer, FakeTimer, type HostTimer } from './bridge/timer';
export type { Sink, SinkContext } from './bridge/sink';
export type { SinkEvent, SinkEventKind, MappedNote } from './bridge/events';
export { MidiPortSink, type MidiPortTarget } from './bridge/sinks/midi-port';
export { MtcOutSink, type MtcOutOptions } from './bridge/sinks/mtc-out';
export { RecordingSink, type Recorded, type RecordingSinkOptions } from './bridge/sinks/recording';
export type { OscSink } from './bridge/sinks/osc';

/** The OSC sink class, loaded on demand (it pulls in osc-js). */
export async function loadOscSink(): Promise<typeof import('./bridge/sinks/osc').OscSink> {
  return (await import('./bridge/sinks/osc')).OscSink;
}

// render: notes -> audio (SoundFont or PerfNet) -> WAV, optionally muxed into the video
export {
  renderNotes,
  renderNotesToFile,
  renderTakeToWav,
  renderIntoVideo,
  renderNotesToWav,
  defaultSoundFontPath,
  writeWav,
  encodeWav,
  decodeWav,
  muxAudioIntoVideo,
  type RenderOptions,
  type RenderResult,
  type SynthKind,
  type RenderSampleRate,
  type MuxOptions,
} from './render';
