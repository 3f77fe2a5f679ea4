/**
 * Lazy access to @julusian/midi (RtMidi). Loaded only when a MIDI sink or `audeo ports` needs it.
 * AUDEO_MIDI_MODULE may name another build of the same package (the JACK-only test build in .cache/midi-jack).
 */
import { SinkError } from '../core/errors';

export type MidiModule = typeof import('@julusian/midi');
export type MidiOutput = InstanceType<MidiModule['Output']>;
export type MidiInput = InstanceType<MidiModule['Input']>;

export async function loadMidi(): Promise<MidiModule> {
  const alt = process.env.AUDEO_MIDI_MODULE;
  try {
    if (alt) return require(alt) as MidiModule; // eslint-disable-line @typescript-eslint/no-require-imports
    return await import('@julusian/midi');
  } catch (e) {
    throw new SinkError(`cannot load the MIDI library ${alt ?? '@julusian/midi'}: ${(e as Error).message}`);
  }
}

export function noMidiSystem(e: unknown): SinkError {
  const msg = e instanceof Error ? e.message : String(e);
  return new SinkError(
    `no MIDI system is available (${msg}); expected ALSA sequencer (/dev/snd/seq) on Linux, CoreMIDI on macOS or Windows MIDI. ` +
      'Use --osc HOST:PORT or --dry-run instead, or run where a MIDI system exists.',
  );
}

/** Creates an RtMidi Output or Input, turning "Failed to initialise RtMidi" into a clear SinkError. */
export function createPort<T>(make: () => T): T {
  try {
    return make();
  } catch (e) {
    throw noMidiSystem(e);
  }
}

/** Port names of an Output/Input instance. */
export function portNames(p: { getPortCount(): number; getPortName(i: number): string }): string[] {
  const n = p.getPortCount();
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(p.getPortName(i));
  return out;
}

/** Finds a port by index ("2") or by name (exact, then case-insensitive substring). */
export function findPort(names: readonly string[], wanted: string): number {
  if (/^\d+$/.test(wanted)) {
    const i = Number(wanted);
    if (i < names.length) return i;
  }
  const exact = names.indexOf(wanted);
  if (exact >= 0) return exact;
  const lower = wanted.toLowerCase();
  const i = names.findIndex((n) => n.toLowerCase().includes(lower));
  if (i >= 0) return i;
  throw new SinkError(`MIDI port "${wanted}" not found; available: ${names.length ? names.map((n, k) => `${k}: ${n}`).join(', ') : '(none)'}`);
}
