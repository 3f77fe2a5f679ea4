/**
 * Ctrl-C during a long command: one line on stderr saying what is kept and how to go on, then exit 130 (SIGINT) or
 * 143 (SIGTERM) at once, instead of a silent death.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { exitCodeFor } from '../core/errors';

/** Runs `run` with SIGINT/SIGTERM handlers that print `message()` and exit; the handlers go when `run` ends. */
export async function withInterruptNotice<T>(message: () => string, run: () => Promise<T>): Promise<T> {
  const onSignal = (sig: NodeJS.Signals): void => {
    let line: string;
    try {
      line = message();
    } catch (e) {
      line = `interrupted (${(e as Error).message})`;
    }
    process.stderr.write(`\n${line}\n`);
    process.exit(exitCodeFor(sig === 'SIGINT' ? 'sigint' : 'sigterm'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await run();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Removes the temp files of this process's atomic writes in `dir` (a checkpoint being written when the signal came). */
function removeOwnTempFiles(dir: string): void {
  try {
    for (const f of readdirSync(dir)) if (f.startsWith('.') && f.endsWith('.tmp') && f.includes(`.${process.pid}.`)) rmSync(path.join(dir, f), { force: true });
  } catch {
    // nothing to clean
  }
}

/** What an interrupted `audeo extract` leaves in its Take (the checkpoint) and how to resume. */
export function extractInterruptMessage(video: string, take: string): string {
  removeOwnTempFiles(path.dirname(path.resolve(take)));
  let progress: { framesDone?: number; framesTotal?: number; complete?: boolean } | undefined;
  try {
    progress = (JSON.parse(readFileSync(take, 'utf8')) as { progress?: typeof progress }).progress;
  } catch {
    progress = undefined;
  }
  const again = `\`audeo extract ${video} --take ${take}\` (with the same --model)`;
  if (!progress || progress.complete || !progress.framesDone) {
    return `interrupted before the first checkpoint (every 10 s of video) was saved in ${take}: ${again} starts again from the beginning`;
  }
  return `interrupted: the checkpoint ${take} holds ${progress.framesDone} of ~${progress.framesTotal ?? '?'} frames; run ${again} again to resume from there`;
}
