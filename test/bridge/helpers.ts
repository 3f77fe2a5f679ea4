/** Shared test helpers for the bridge. */
import { InternalClock } from '../../src/bridge/clocks/internal';
import type { MappedNote } from '../../src/bridge/events';
import { Scheduler } from '../../src/bridge/scheduler';
import type { Sink } from '../../src/bridge/sink';
import { RecordingSink, type Recorded } from '../../src/bridge/sinks/recording';
import { NotesSource, type EventSource } from '../../src/bridge/sources';
import { FakeTimer } from '../../src/bridge/timer';

export function note(pitch: number, onsetSec: number, offsetSec: number, channel = 1, velocity = 100): MappedNote {
  return { pitch, onsetSec, offsetSec, velocity, channel };
}

export function rig(notes: MappedNote[], opts: { sinks?: Sink[]; sources?: EventSource[]; loop?: { startSec: number; endSec: number }; endSec?: number } = {}) {
  const timer = new FakeTimer(100);
  const clock = new InternalClock({ timer, ...(opts.loop ? { loop: opts.loop } : {}), ...(opts.endSec !== undefined ? { endSec: opts.endSec } : {}) });
  const rec = new RecordingSink({ nowSec: () => timer.nowSec(), accepts: ['noteOn', 'noteOff', 'transport', 'time', 'mtc', 'roll'] });
  const src = new NotesSource(notes);
  const failures: string[] = [];
  const sched = new Scheduler({
    timer,
    clock,
    notes: src,
    sources: opts.sources ?? [],
    sinks: [rec, ...(opts.sinks ?? [])],
    onSinkFailure: (s, e) => failures.push(`${s.name}: ${e.message}`),
  });
  return { timer, clock, rec, src, sched, failures };
}

/** Notes sounding at the end of a recording (note-on without a later note-off or all-notes-off on its channel). */
export function stuckNotes(events: readonly Recorded[]): string[] {
  const on = new Map<string, number>();
  for (const { event: e } of events) {
    if (e.kind === 'noteOn') on.set(`${e.channel}:${e.pitch}`, 1);
    else if (e.kind === 'noteOff') on.delete(`${e.channel}:${e.pitch}`);
    else if (e.kind === 'allNotesOff') for (const k of [...on.keys()]) if (e.channels.includes(Number(k.split(':')[0]))) on.delete(k);
  }
  return [...on.keys()];
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Take } from '../../src/core/take';
import type { NoteEvent } from '../../src/core/types';

export function tmpDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'audeo-bridge-'));
}

export function makeTake(notes: NoteEvent[], extra: Partial<Take> = {}): Take {
  const end = Math.max(0, ...notes.map((n) => n.offsetSec));
  return {
    format: 'audeo.take',
    version: 1,
    createdAt: '2026-11-25T00:00:00Z',
    source: { path: 'test.mp4', sizeBytes: 0, headSha256: '0'.repeat(64), durationSec: end, fps: 25 },
    models: {},
    threshold: 0.5,
    rolls: {},
    notes,
    progress: { framesDone: 0, framesTotal: 0, complete: true },
    ...extra,
  };
}

export function writeTakeFile(dir: string, take: Take, name = 'take.audeo.json'): string {
  const f = path.join(dir, name);
  writeFileSync(f, JSON.stringify(take));
  return f;
}

/** Arguments that make `node` run the TypeScript CLI from source (transpile-only require hook in a temp file). */
export function cliArgs(...args: string[]): string[] {
  const hook = path.join(tmpDir(), 'ts-register.js');
  writeFileSync(
    hook,
    `const fs = require('node:fs'); const ts = require(${JSON.stringify(require.resolve('typescript'))});
require.extensions['.ts'] = function (m, f) {
  const out = ts.transpileModule(fs.readFileSync(f, 'utf8'), { fileName: f, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
  m._compile(out.outputText, f);
};\n`,
  );
  return ['-r', hook, path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts'), ...args];
}
