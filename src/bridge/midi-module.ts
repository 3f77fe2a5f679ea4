/**
 * Lazy access to @julusian/midi (RtMidi). Loaded only when a MIDI sink or `audeo ports` needs it.
 * AUDEO_MIDI_MODULE may name another build of the same package (the JACK-only test build in .cache/midi-jack).
 */
import { spawnSync } from 'node:child_process';
import { SinkError } from '../core/errors';

export type MidiModule = typeof import('@julusian/midi');
export type MidiOutput = InstanceType<MidiModule['Output']>;
export type MidiInput = InstanceType<MidiModule['Input']>;

/** Loads the MIDI library and checks (once, on Linux, see probeMidiSystem) that a MIDI system is there. */
export async function loadMidi(): Promise<MidiModule> {
  const alt = process.env.AUDEO_MIDI_MODULE;
  let midi: MidiModule;
  try {
    midi = alt ? (require(alt) as MidiModule) : await import('@julusian/midi'); // eslint-disable-line @typescript-eslint/no-require-imports
  } catch (e) {
    throw new SinkError(`cannot load the MIDI library ${alt ?? '@julusian/midi'}: ${(e as Error).message}`);
  }
  if (process.platform === 'linux') {
    probed ??= probeMidiSystem(alt ?? require.resolve('@julusian/midi'));
    if (probed.ok === false) throw noMidiSystem(new Error(probed.reason));
  }
  return midi;
}

let probed: { ok: true } | { ok: false; reason: string } | undefined;

const PROBE = `try { new (require(process.env.AUDEO_MIDI_PROBE).Output)().destroy(); } catch (e) { process.stdout.write(String((e && e.message) || e)); process.exitCode = 3; }`;

/**
 * Starts the MIDI library once in a child process. Without a MIDI system (no /dev/snd/seq) the native code writes
 * "ALSA lib seq_hw.c:... open /dev/snd/seq failed" and RtMidi's own lines straight to file descriptor 2, which no
 * JavaScript can hold back; in the child they stay there, and the user sees audeo's one line instead.
 */
export function probeMidiSystem(modulePath: string): { ok: true } | { ok: false; reason: string } {
  const r = spawnSync(process.execPath, ['-e', PROBE], { env: { ...process.env, AUDEO_MIDI_PROBE: modulePath }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
  if (r.status === 0 || r.error) return { ok: true }; // (a probe that could not run says nothing: try in-process)
  const seq = /open \/dev\/snd\/seq failed: ([^\n]*)/.exec(r.stderr);
  return { ok: false, reason: `${r.stdout.trim() || `exit ${r.status ?? r.signal}`}${seq ? `; /dev/snd/seq: ${seq[1]!.trim()}` : ''}` };
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
