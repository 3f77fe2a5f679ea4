/** Atomic file writes: write a sibling temp file, fsync, rename. A crash never leaves a half-written output. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SinkError } from '../core/errors';

/** Why a write failed, in words (without the temp file's name). */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'its folder does not exist';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return (e as Error).message;
  }
}

/** The one-line error of a failed output write (exit 5). */
export function writeError(file: string, e: unknown): SinkError {
  return e instanceof SinkError ? e : new SinkError(`cannot write ${file}: ${reason(e)}; expected a writable output path`);
}

/** Fails now, before any work, when `file` cannot be written: its folder missing or read-only, or it is a folder. */
export async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await fs.access(dir, fs.constants.W_OK);
  } catch (e) {
    throw writeError(file, e);
  }
  const st = await fs.stat(file).catch(() => undefined);
  if (st?.isDirectory()) throw writeError(file, Object.assign(new Error('is a folder'), { code: 'EISDIR' }));
}

/** Writes `file` atomically; any failure is a SinkError naming `file` (exit 5) and leaves no temp file. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicStreaming(file, (write) => write(typeof data === 'string' ? Buffer.from(data) : data));
}

/**
 * Writes `file` atomically from pieces: `produce` calls `write` in order (a long render streamed to disk, never whole
 * in memory). A failure while producing or writing leaves no temp file and the old `file`, if any, untouched; a write
 * failure is a SinkError naming `file` (exit 5), other errors from `produce` pass through.
 */
export async function writeFileAtomicStreaming(file: string, produce: (write: (data: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(tmp, 'w');
  } catch (e) {
    throw writeError(file, e);
  }
  let written = false;
  try {
    await produce(async (data) => {
      try {
        // write() may take fewer bytes than it is given: go on until all are on disk
        for (let off = 0; off < data.length; ) off += (await handle.write(data, off, data.length - off)).bytesWritten;
      } catch (e) {
        throw writeError(file, e);
      }
    });
    try {
      await handle.sync();
    } catch (e) {
      throw writeError(file, e);
    }
    written = true;
  } finally {
    await handle.close();
    if (!written) await fs.rm(tmp, { force: true });
  }
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw writeError(file, e);
  }
}
