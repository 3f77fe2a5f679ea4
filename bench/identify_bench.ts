/**
 * Offline identification test (issue 8.2): see src/eval/identification-test.ts.
 * Usage: node <build>/bench/identify_bench.js [omapsDir] [maxPieces]
 */
import { existsSync } from 'node:fs';
import { runIdentificationTest } from '../src/eval/identification-test';

async function main(): Promise<void> {
  const dir = process.argv[2] ?? '/work/shared/data/audio/omaps50';
  if (!existsSync(dir)) {
    process.stderr.write(`${dir} is absent: nothing to do\n`);
    return;
  }
  const r = await runIdentificationTest(dir, { maxPieces: Number(process.argv[3] ?? 50), log: (s) => process.stderr.write(`${s}\r`) });
  process.stderr.write('\n');
  process.stdout.write(`${r.markdown}\n(${r.seconds.toFixed(0)} s)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
