/** Shared CLI plumbing: one-line errors with exit codes, JSON vs human output. */
import { AudeoError, exitCodeFor } from '../core/errors';

/** Wraps a command action: AudeoErrors print one line and set their exit code; others print a stack. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof AudeoError) {
        // one line, whatever a wrapped message (a JSON parser's, ffmpeg's) carries
        process.stderr.write(`error: ${e.message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
        process.exitCode = e.exitCode;
      } else if (e instanceof RangeError || e instanceof TypeError) {
        process.stderr.write(`error: ${e.message.replace(/\s*\n\s*/g, ' ').trim()}\n`);
        process.exitCode = exitCodeFor('input');
      } else {
        process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = exitCodeFor('bug');
      }
    }
  };
}
