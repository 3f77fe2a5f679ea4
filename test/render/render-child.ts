/** Test child: renders jobs (JSON file argv[2]) to WAVs with the real renderer; prints one JSON result per job. */
import { readFileSync } from 'node:fs';
import type { NoteEvent } from '../../src/core/types';
import { renderNotesToFile, type RenderOptions } from '../../src/render';

interface Job {
  readonly notes: NoteEvent[];
  readonly out: string;
  readonly opts?: RenderOptions;
}

async function main(): Promise<void> {
  const jobs = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Job[];
  const results: unknown[] = [];
  for (const job of jobs) {
    try {
      results.push(await renderNotesToFile(job.notes, job.out, job.opts ?? {}));
    } catch (e) {
      results.push({ error: (e as Error).message, name: (e as Error).name });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

void main();
