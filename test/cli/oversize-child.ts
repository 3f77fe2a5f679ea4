/**
 * Test child for test/cli/oversize.test.ts: `node -r <ts hook> oversize-child.ts <result.json> <audeo args...>` runs
 * the CLI in this process with stdout dropped (a dry run prints every event) and writes the exit code, the CPU time
 * of the command alone and the process's peak RSS to result.json.
 */
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../../src/cli/main';

async function main(): Promise<void> {
  const [out, ...args] = process.argv.slice(2);
  if (!out) throw new Error('usage: oversize-child.ts <result.json> <audeo args...>');
  process.stdout.write = (() => true);
  const cpu0 = process.cpuUsage();
  await buildProgram().parseAsync(['node', 'audeo', ...args]);
  const cpu = process.cpuUsage(cpu0);
  const code = Number(process.exitCode ?? 0);
  writeFileSync(out, JSON.stringify({ code, cpuSec: (cpu.user + cpu.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

main().then(
  () => process.exit(Number(process.exitCode ?? 0)),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
