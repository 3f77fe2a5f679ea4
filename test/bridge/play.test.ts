/** `audeo play` end to end: dry runs (offline), presets, MIDI input, errors; the CLI's safety on SIGINT/SIGTERM/crash. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { notesToMidiBytes } from '../../src/core/reference';
import { encodeRoll } from '../../src/core/take';
import { makeRoll } from '../../src/core/types';
import { runPlay } from '../../src/bridge/play';
import { AudeoError } from '../../src/core/errors';
import { listPresetNames, loadPreset } from '../../src/bridge/presets';
import { decodeOsc } from '../../src/osc/codec';
import { listenUdp } from '../../src/osc/udp';
import { cliArgs, makeTake, tmpDir, writeTakeFile } from './helpers';

const n = (pitch: number, onsetSec: number, offsetSec: number, velocity = 100) => ({ pitch, onsetSec, offsetSec, velocity });

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) } };
}

describe('audeo play (library)', () => {
  it('--dry-run --fast prints every note in time order with the preset mapping', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0.5, 1), n(64, 0.25, 2, 127), n(108, 1, 1.5)]));
    const c = io();
    const r = await runPlay({ input: take, dryRun: true, fast: true, preset: 'generic', transpose: '1', channel: '3' }, c.io);
    const notes = c.out.filter((l) => /note-(on|off)/.test(l));
    expect(notes).toEqual([
      '0.250s note-on  ch3 F4 (65) vel 127',
      '0.500s note-on  ch3 C#4 (61) vel 100',
      '1.000s note-off ch3 C#4 (61)',
      '2.000s note-off ch3 F4 (65)',
    ]); // 108 + 1 is outside the piano range: dropped
    expect(r.notes).toBe(2);
    expect(r.stoppedBy).toBe('end');
  });

  it('plays a Standard MIDI File and applies the timecode offset from the take', async () => {
    const dir = tmpDir();
    const mid = path.join(dir, 'x.mid');
    writeFileSync(mid, notesToMidiBytes([n(60, 0, 0.5), n(62, 0.5, 1)]));
    const c = io();
    const r = await runPlay({ input: mid, dryRun: true, fast: true }, c.io);
    expect(r.kind).toBe('midi');
    expect(c.out.filter((l) => l.includes('note-on'))).toHaveLength(2);
    const take = writeTakeFile(dir, makeTake([n(60, 0, 1)], { source: { path: 'v.mp4', sizeBytes: 0, headSha256: '', durationSec: 1, fps: 29.97, startTimecode: '01:00:00;00' } }));
    const r2 = await runPlay({ input: take, dryRun: true, fast: true }, io().io);
    expect(r2.timecode.rate).toBe('29.97df');
    expect(r2.timecode.offsetSec).toBeCloseTo(3599.9964, 4);
    const r3 = await runPlay({ input: take, dryRun: true, fast: true, offset: '10:00:00:00', mtcRate: '25' }, io().io);
    expect(r3.timecode.offsetSec).toBe(36000);
  });

  it('--threshold re-decodes the take\'s roll with the shared decoder', async () => {
    const roll = makeRoll({ fps: 25, frames: 50 });
    for (let t = 5; t < 20; t++) roll.data[t * 88 + (60 - 21)] = 0.9; // C4 sure
    for (let t = 25; t < 40; t++) roll.data[t * 88 + (64 - 21)] = 0.5; // E4 only at low thresholds
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0.2, 0.8)], { rolls: { video2roll: encodeRoll(roll) } }));
    const lo = io();
    expect((await runPlay({ input: take, dryRun: true, fast: true, threshold: '0.3' }, lo.io)).notes).toBe(2);
    expect(lo.out.filter((l) => l.includes('note-on'))).toEqual(['0.200s note-on  ch1 C4 (60) vel 100', '1.000s note-on  ch1 E4 (64) vel 100']);
    expect((await runPlay({ input: take, dryRun: true, fast: true, threshold: '0.7' }, io().io)).notes).toBe(1);
  });

  it('says what it expected for bad input', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0, 1)]));
    await expect(runPlay({ input: take }, io().io)).rejects.toThrow(/nothing to play to/);
    await expect(runPlay({ input: path.join(dir, 'nope.json'), dryRun: true }, io().io)).rejects.toThrow(/does not exist/);
    await expect(runPlay({ input: take, dryRun: true, preset: 'cubase' }, io().io)).rejects.toThrow(/ableton/);
    await expect(runPlay({ input: take, dryRun: true, clock: 'mtc' }, io().io)).rejects.toThrow(/--mtc-in/);
    writeFileSync(path.join(dir, 'v.mp4'), 'x');
    await expect(runPlay({ input: path.join(dir, 'v.mp4'), dryRun: true }, io().io)).rejects.toThrow(/audeo extract|not a readable video/); // no extractor in the build, or a bogus video
  });

  it('--osc to a host that does not resolve: one error before anything plays, exit 2', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0, 0.2)]));
    const c = io();
    const err = await runPlay({ input: take, osc: 'doesnotexist.invalid:7000' }, c.io).then(() => undefined, (e: unknown) => e as AudeoError);
    expect(err).toBeInstanceOf(AudeoError);
    expect(err!.message).toMatch(/^--osc doesnotexist\.invalid:7000: cannot resolve host "doesnotexist\.invalid" \((ENOTFOUND|EAI_\w+)\)/);
    expect(err!.exitCode).toBe(/ENOTFOUND|EAI_NONAME|EAI_NODATA/.test(err!.message) ? 2 : 5);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual([]); // nothing played, nothing warned
    // a name that resolves is used by its address
    const r = await runPlay({ input: take, osc: 'localhost:9', duration: '0.05' }, io().io);
    expect(r.sinks).toEqual([expect.stringMatching(/^osc (127\.0\.0\.1|::1):9$/)]);
  });

  it('a missing MIDI system fails the MIDI sink with a clear error and the others keep playing', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0, 0.2)]));
    const c = io();
    const prev = process.env.AUDEO_MIDI_MODULE;
    process.env.AUDEO_MIDI_MODULE = path.join(dir, 'no-such-midi-module');
    try {
      const r = await runPlay({ input: take, virtual: 'x', osc: '127.0.0.1:9' }, c.io);
      expect(r.stoppedBy).toBe('end');
      expect(c.err.join('\n')).toMatch(/midi virtual "x" failed and was silenced: cannot load the MIDI library/);
    } finally {
      if (prev === undefined) delete process.env.AUDEO_MIDI_MODULE;
      else process.env.AUDEO_MIDI_MODULE = prev;
    }
  });

  it('the Ableton preset and guide do not ask Live for MTC: Live can follow MTC, never send it', async () => {
    const p = await loadPreset('ableton');
    expect(p.clock?.source).toBe('internal');
    expect(p.description).not.toMatch(/--clock mtc|Live can send MTC/);
    expect(p.description).toMatch(/--mtc-out/);
    const guide = readFileSync(path.join(__dirname, '..', '..', 'docs', 'daw-setup.md'), 'utf8');
    const ableton = guide.slice(guide.indexOf('## Ableton Live'), guide.indexOf('## Reaper'));
    expect(ableton).toMatch(/cannot send it/);
    expect(ableton).not.toMatch(/if your Live can follow MTC/);
  });

  it('every bundled preset matches the schema', async () => {
    const names = await listPresetNames();
    expect(names).toEqual(['ableton', 'generic', 'reaper', 'touchdesigner']);
    for (const name of names) expect((await loadPreset(name)).name).toBe(name);
    const dir = tmpDir();
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad', description: 'x', midi: { channel: 17, colour: 'red' } }));
    await expect(loadPreset(path.join(dir, 'bad.json'))).rejects.toThrow(/\$\.midi\.channel: 17 > maximum 16; \$\.midi: unknown property "colour"/);
  });
});

/** A UDP port that was free a moment ago. */
async function freePort(): Promise<number> {
  const rx = await listenUdp({ port: 0, onDatagram: () => undefined });
  const port = rx.port;
  await rx.close();
  return port;
}

/** An OSC receiver on 127.0.0.1 that collects every message. */
async function oscReceiver() {
  const got: Array<{ address: string; args: readonly unknown[] }> = [];
  const rx = await listenUdp({ port: 0, onDatagram: (b) => { const d = decodeOsc(b); if (d.ok) got.push(...d.messages); } });
  return { rx, got };
}

function within<T>(p: Promise<T>, sec: number, what: string): Promise<T> {
  let h: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (h = setTimeout(() => reject(new Error(`${what}: still running after ${sec} s`)), sec * 1000)));
  return Promise.race([p, t]).finally(() => clearTimeout(h));
}

describe('audeo play (library, real time)', () => {
  it('with --osc-in the run still ends at the end of the take; the playhead stops there', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0.05, 0.3)])); // a 0.3-s take: ends at 0.3 + 0.25 s
    const { rx, got } = await oscReceiver();
    const r = await within(runPlay({ input: take, dryRun: true, oscIn: String(await freePort()), osc: `127.0.0.1:${rx.port}` }, io().io), 5, 'play --osc-in');
    await new Promise((res) => setTimeout(res, 50));
    await rx.close();
    expect(r.stoppedBy).toBe('end');
    const times = got.filter((m) => m.address === '/audeo/time').map((m) => m.args[0] as number);
    expect(Math.max(...times)).toBeLessThanOrEqual(0.3 + 0.25 + 1e-6);
    expect(got.filter((m) => m.address === '/audeo/transport').at(-1)?.args[0]).toBe('stop');
  });

  it.each([false, true])('--duration ends with the silence and a transport stop (fast %s)', async (fast) => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0.05, 20)]));
    const c = io();
    const r = await within(runPlay({ input: take, dryRun: true, fast, duration: '0.3' }, c.io), 5, 'play --duration');
    expect(r.stoppedBy).toBe('duration');
    expect(c.out.slice(-3)).toEqual([expect.stringContaining('note-off ch1 C4 (60)'), 'all-notes-off ch 1', expect.stringMatching(/^0\.3\d\ds stop$/)]);
  });

  describe('a virtual port (a fake MIDI library)', () => {
    const dir = tmpDir();
    const fake = path.join(dir, 'fake-midi.js');
    writeFileSync(
      fake,
      `const log = () => (globalThis.__fakeMidiLog ??= []);
const now = () => Number(process.hrtime.bigint()) / 1e9;
class Port { getPortCount() { return 1; } getPortName() { return 'fake'; } openPort() { log().push({ t: now(), what: 'open' }); }
  openVirtualPort(name) { log().push({ t: now(), what: 'virtual', name }); } sendMessage(m) { log().push({ t: now(), what: 'send', m }); }
  closePort() {} destroy() {} ignoreTypes() {} on() {} }
module.exports = { Output: class extends Port {}, Input: class extends Port {} };
`,
    );
    const take = writeTakeFile(dir, makeTake([n(60, 0, 0.1)]));
    const g = globalThis as { __fakeMidiLog?: Array<{ t: number; what: string; m?: number[] }> };
    let prev: string | undefined;
    beforeEach(() => {
      prev = process.env.AUDEO_MIDI_MODULE;
      process.env.AUDEO_MIDI_MODULE = fake;
      g.__fakeMidiLog = [];
    });
    afterEach(() => {
      if (prev === undefined) delete process.env.AUDEO_MIDI_MODULE;
      else process.env.AUDEO_MIDI_MODULE = prev;
    });
    const firstNoteOnAfterOpen = (): number => {
      const log = g.__fakeMidiLog!;
      const opened = log.find((e) => e.what === 'virtual' || e.what === 'open')!.t;
      return log.find((e) => e.what === 'send' && (e.m![0]! & 0xf0) === 0x90)!.t - opened;
    };

    it('waits 1 s by default after creating the port, so a DAW connecting late still gets the first note-on', async () => {
      const c = io();
      const r = await within(runPlay({ input: take, virtual: 'x' }, c.io), 10, 'play --virtual');
      expect(r.stoppedBy).toBe('end');
      expect(firstNoteOnAfterOpen()).toBeGreaterThanOrEqual(0.99);
      expect(c.err.join('\n')).toMatch(/waiting 1000 ms before playing/);
    });

    it('--wait-ms 0 plays at once; a named port does not wait by default', async () => {
      await within(runPlay({ input: take, virtual: 'x', waitMs: '0' }, io().io), 10, 'play --wait-ms 0');
      expect(firstNoteOnAfterOpen()).toBeLessThan(0.5);
      g.__fakeMidiLog = [];
      await within(runPlay({ input: take, midiOut: '0' }, io().io), 10, 'play --midi-out');
      expect(firstNoteOnAfterOpen()).toBeLessThan(0.5);
      await expect(runPlay({ input: take, virtual: 'x', waitMs: '-1' }, io().io)).rejects.toThrow(/--wait-ms "-1" is out of range/);
    });

    it('--midi-clock virtual:NAME --bpm 150: Song Position 0, Start, 60 pulses a second, Stop and the position at the end', async () => {
      const c = io();
      const r = await within(runPlay({ input: take, midiClock: 'virtual:clk', bpm: '150', waitMs: '0' }, c.io), 10, 'play --midi-clock');
      expect(r.midiClock).toEqual({ bpm: 150, source: 'forced', minBpm: 150, maxBpm: 150 });
      const log = g.__fakeMidiLog!;
      expect(log.find((e) => e.what === 'virtual')).toMatchObject({ name: 'clk' });
      const sent = log.filter((e) => e.what === 'send');
      expect(sent.slice(0, 2).map((e) => e.m)).toEqual([[0xf2, 0, 0], [0xfa]]);
      const pulses = sent.filter((e) => e.m![0] === 0xf8);
      // the take ends at 0.1 + 0.25 s: pulses at 0, 1/60, ... 0.35 s
      expect(pulses.length).toBeGreaterThanOrEqual(20);
      expect(pulses.length).toBeLessThanOrEqual(23);
      expect(sent.at(-2)!.m).toEqual([0xfc]);
      expect(sent.at(-1)!.m![0]).toBe(0xf2);
      expect(c.err.join('\n')).toMatch(/MIDI clock: 150 BPM \(forced\)/);
      await expect(runPlay({ input: take, dryRun: true, bpm: '96' }, io().io)).rejects.toThrow(/^--bpm sets the MIDI Clock's tempo; expected --midi-clock PORT with it, e\.g\. --midi-clock virtual:audeo-clock --bpm 96$/);
      await expect(runPlay({ input: take, midiClock: 'virtual:clk', bpm: 'fast' }, io().io)).rejects.toThrow(/^--bpm "fast" is not a tempo; expected beats per minute, 10\.\.400, e\.g\. --bpm 96$/);
    });
  });

  it('--stay keeps it listening after the end (here until --duration)', async () => {
    const dir = tmpDir();
    const take = writeTakeFile(dir, makeTake([n(60, 0.05, 0.1)]));
    const c = io();
    const r = await within(runPlay({ input: take, dryRun: true, oscIn: String(await freePort()), stay: true, duration: '0.8' }, c.io), 5, 'play --stay');
    expect(r.stoppedBy).toBe('duration');
    expect(c.out).toContain('0.350s stop'); // stopped at the end, then waited
  });
});

/** Spawns the CLI, waits for the first note-on of the held note, sends `signal`, collects everything. */
function runUntilHeld(args: string[], opts: { signal?: NodeJS.Signals; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(...args), { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let sent = false;
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child timed out; stdout:\n${out}\nstderr:\n${err}`));
    }, 30000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (opts.signal && !sent && out.includes('note-on  ch1 C4 (60)')) {
        sent = true;
        setTimeout(() => child.kill(opts.signal), 100);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => {
      clearTimeout(timeout);
      resolve({ code, out, err });
    });
  });
}

describe('audeo play (process): never a stuck note', () => {
  const dir = tmpDir();
  // C4 held from 0.3 s to 20 s, E4 from 0.35 s to 20 s; the process is interrupted while both are down
  const take = writeTakeFile(dir, makeTake([n(60, 0.3, 20), n(64, 0.35, 20), n(67, 15, 16)]));

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: note-offs for held notes and All Notes Off, on the recording and over OSC', async (signal, code) => {
    const got: Array<{ address: string; args: readonly unknown[] }> = [];
    const rx = await listenUdp({ port: 0, onDatagram: (b) => { const d = decodeOsc(b); if (d.ok) got.push(...d.messages); } });
    const r = await runUntilHeld(['play', take, '--dry-run', '--osc', `127.0.0.1:${rx.port}`], { signal });
    await new Promise((res) => setTimeout(res, 100));
    await rx.close();
    expect(r.code).toBe(code);
    const lines = r.out.trim().split('\n');
    const firstOff = lines.findIndex((l) => l.includes('note-off'));
    expect(lines.slice(firstOff)).toEqual([expect.stringContaining('note-off ch1 C4 (60)'), expect.stringContaining('note-off ch1 E4 (64)'), 'all-notes-off ch 1', expect.stringMatching(/^\d+\.\d{3}s stop$/)]);
    expect(r.err).toContain(`${signal}: all notes off`);
    const notes = got.filter((m) => m.address === '/audeo/note').map((m) => m.args);
    expect(notes).toEqual([[60, 100, 1], [64, 100, 1], [60, 0, 1], [64, 0, 1]]);
    expect(got.some((m) => m.address === '/audeo/allnotesoff' && m.args[0] === 1)).toBe(true);
    expect(got.filter((m) => m.address === '/audeo/key/60').map((m) => m.args[0])).toEqual([0, 100 / 127, 0].map((x) => Math.fround(x))); // announced at 0 on start
    // the last message: /audeo/transport stop, after the silence
    expect(got.at(-1)).toEqual({ address: '/audeo/transport', args: ['stop', expect.any(Number)] });
  });

  it('an uncaught error: all notes off first, exit code 1', async () => {
    const r = await runUntilHeld(['play', take, '--dry-run'], { env: { AUDEO_TEST_THROW_AFTER_SEC: '0.8' } });
    expect(r.code).toBe(1);
    expect(r.err).toContain('simulated crash');
    expect(r.out.trim().split('\n').slice(-4)).toEqual([expect.stringContaining('note-off ch1 C4 (60)'), expect.stringContaining('note-off ch1 E4 (64)'), 'all-notes-off ch 1', expect.stringMatching(/^\d+\.\d{3}s stop$/)]);
  });
});

describe('audeo play (process): stdout', () => {
  const dir = tmpDir();
  const many = writeTakeFile(dir, makeTake(Array.from({ length: 5000 }, (_, i) => n(21 + (i % 88), i * 0.01, i * 0.01 + 0.5))), 'many.audeo.json');
  const held = writeTakeFile(dir, makeTake([n(60, 0.3, 20), n(64, 0.8, 20)]), 'held.audeo.json');

  it('--dry-run --fast | head: a closed stdout ends the run quietly, exit 0', async () => {
    const quoted = cliArgs('play', many, '--dry-run', '--fast').map((a) => `'${a}'`).join(' ');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn('bash', ['-c', `'${process.execPath}' ${quoted} | head -2; exit \${PIPESTATUS[0]}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    expect(r.out.trim().split('\n')).toEqual(['0.000s play', '0.000s note-on  ch1 A0 (21) vel 100']);
    expect(r.err).not.toMatch(/EPIPE|Error|    at /);
    expect(r.code).toBe(0);
  }, 60000);

  it('live: stdout closed while notes are held: the OSC output gets the note-offs and the stop, exit 0', async () => {
    const { rx, got } = await oscReceiver();
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgs('play', held, '--dry-run', '--osc', `127.0.0.1:${rx.port}`), { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('note-on  ch1 C4 (60)')) child.stdout.destroy(); // the reader goes away; E4 at 0.8 s is the next write
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => resolve({ code, err }));
    });
    await new Promise((res) => setTimeout(res, 100));
    await rx.close();
    expect(r.err).not.toMatch(/EPIPE|Error|    at /);
    expect(r.code).toBe(0);
    const notes = got.filter((m) => m.address === '/audeo/note').map((m) => m.args);
    expect(notes).toEqual([[60, 100, 1], [64, 100, 1], [60, 0, 1], [64, 0, 1]]);
    expect(got.at(-1)).toEqual({ address: '/audeo/transport', args: ['stop', expect.any(Number)] });
  }, 60000);

  it('-q: the events on stdout, nothing on stderr', async () => {
    const take = writeTakeFile(dir, makeTake([n(60, 0.5, 1)]), 'quiet.audeo.json');
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgs('play', take, '--dry-run', '--fast', '-q'), { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => resolve({ code, out, err }));
    });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain('0.500s note-on  ch1 C4 (60) vel 100');
  }, 60000);

  it('--dry-run --fast --json: stdout is one JSON object, holding the events', async () => {
    const take = writeTakeFile(dir, makeTake([n(60, 0.5, 1), n(64, 0.25, 2)]), 'json.audeo.json');
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgs('play', take, '--dry-run', '--fast', '--json'), { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(0);
    const obj = JSON.parse(r.out) as { stoppedBy: string; events: Array<{ kind: string; pitch?: number }> };
    expect(obj.stoppedBy).toBe('end');
    expect(obj.events.filter((e) => e.kind === 'noteOn').map((e) => e.pitch)).toEqual([64, 60]);
    expect(obj.events.at(-1)).toEqual({ kind: 'transport', timeSec: 2.25, state: 'stop' });
  }, 60000);
});

// Without an ALSA sequencer the native MIDI library writes "ALSA lib seq_hw.c:... " lines to fd 2 itself
const noAlsa = process.platform === 'linux' && !existsSync('/dev/snd/seq');
if (!noAlsa) console.warn('skipping the no-MIDI-system tests: this machine has a MIDI system');
(noAlsa ? describe : describe.skip)('no MIDI system (process): audeo\'s one line, exit 5', () => {
  const dir = tmpDir();
  const take = writeTakeFile(dir, makeTake([n(60, 0, 0.5)]));
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, cliArgs(...args), { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => resolve({ code, out, err }));
    });

  it.each([[['ports']], [['play', take, '--virtual']], [['play', take, '--midi-out', '0']]])('%j', async (args) => {
    const r = await run(...args);
    expect(r.err.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^error: no MIDI system is available \(.*\/dev\/snd\/seq.*\); expected ALSA sequencer/)]);
    expect(r.code).toBe(5);
    expect(r.out).toBe('');
  }, 60000);
});
