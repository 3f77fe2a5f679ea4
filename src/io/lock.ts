/**
 * Output locks: `<file>.lock`, created exclusively, holding the owner's pid, host and start time, removed when the
 * owner ends (also on process.exit). A second run that would write the same file stops with one line naming the
 * lock; a lock whose process is gone (same host, pid not running) is stale and taken over.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import * as os from 'node:os';
import { SinkError } from '../core/errors';

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
  readonly command: string;
  /** Tells two runs of one process apart. */
  readonly token: string;
}

function readLock(file: string): LockInfo | undefined {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof j.pid !== 'number' || typeof j.host !== 'string') return undefined;
    return { pid: j.pid, host: j.host, startedAt: String(j.startedAt ?? '?'), command: String(j.command ?? '?'), token: String(j.token ?? '') };
  } catch {
    return undefined;
  }
}

/** Whether process `pid` exists on this host (EPERM: it does, owned by someone else). */
export function processRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stale: its process is gone (on this host), or it is unreadable and older than a minute (a writer that died). */
function isStale(lock: string, info: LockInfo | undefined): boolean {
  if (info) return info.host === os.hostname() && !processRunning(info.pid);
  try {
    return Date.now() - statSync(lock).mtimeMs > 60_000;
  } catch {
    return true;
  }
}

function tryCreate(lock: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new SinkError(`cannot create the lock ${lock}: ${(e as Error).message}; expected a writable output folder`);
  }
  try {
    writeSync(fd, JSON.stringify(info));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes a stale lock away: renamed aside first, so that a live lock created meanwhile by another run is put back. */
function removeStale(lock: string, seen: LockInfo | undefined): void {
  const aside = `${lock}.stale.${process.pid}`;
  try {
    renameSync(lock, aside);
  } catch {
    return; // already gone
  }
  const moved = readLock(aside);
  if (moved && (!seen || moved.token !== seen.token) && !isStale(aside, moved)) {
    try {
      linkSync(aside, lock); // not ours to take: put it back
    } catch {
      // a third run holds the name now; it stays
    }
  }
  rmSync(aside, { force: true });
}

function busy(lock: string, info: LockInfo | undefined): SinkError {
  const who = info ? `pid ${info.pid} on ${info.host} since ${info.startedAt}` : 'another run';
  return new SinkError(`another audeo run (${who}) is writing this output: lock ${lock}; expected one run per output (wait for it to end, or remove the lock if that run is gone)`);
}

/** Locks `files` (each `<file>.lock`); returns the release function. Throws SinkError (exit 5) when one is held. */
export function lockOutputs(files: readonly string[], command = process.argv.slice(1).join(' ')): () => void {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command, token: randomUUID() };
  const held: string[] = [];
  const release = (): void => {
    for (const l of held.splice(0)) if (readLock(l)?.token === info.token) rmSync(l, { force: true });
    process.off('exit', release);
  };
  process.on('exit', release);
  try {
    for (const file of [...new Set(files)].sort()) {
      const lock = `${file}.lock`;
      let ok = tryCreate(lock, info);
      if (!ok) {
        const other = readLock(lock);
        if (!isStale(lock, other)) throw busy(lock, other);
        removeStale(lock, other);
        ok = tryCreate(lock, info);
        if (!ok) throw busy(lock, readLock(lock));
      }
      held.push(lock);
    }
  } catch (e) {
    release();
    throw e;
  }
  return release;
}
