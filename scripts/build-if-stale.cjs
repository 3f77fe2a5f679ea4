#!/usr/bin/env node
/*
 * Builds dist/ (tsc -p tsconfig.build.json) unless it is already newer than every file it is built from
 * (src/**, tsconfig.json, tsconfig.build.json), so `npm run demo` does not re-run tsc each time.
 *   --clean  always build, into an emptied dist/ (npm pack's prepack: no stale modules in the tarball)
 *   --check  only print "fresh" or "stale" (exit 0), build nothing
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Newest / oldest mtime (ms) of the files under dir whose name passes keep; undefined when there are none. */
function mtimes(dir, keep) {
  let newest;
  let oldest;
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && keep(e.name)) {
        const t = fs.statSync(p).mtimeMs;
        newest = newest === undefined || t > newest ? t : newest;
        oldest = oldest === undefined || t < oldest ? t : oldest;
      }
    }
  };
  walk(dir);
  return { newest, oldest };
}

/** True when dist/ holds a build at least as new as every source file. */
function isFresh() {
  const built = mtimes(path.join(root, 'dist'), (n) => n.endsWith('.js'));
  if (built.oldest === undefined || !fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) return false;
  let newestSource = mtimes(path.join(root, 'src'), () => true).newest ?? 0;
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) newestSource = Math.max(newestSource, fs.statSync(p).mtimeMs);
  }
  return built.oldest > newestSource;
}

const args = new Set(process.argv.slice(2));
if (args.has('--check')) {
  process.stdout.write(`${isFresh() ? 'fresh' : 'stale'}\n`);
  process.exit(0);
}
if (args.has('--clean')) fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
else if (isFresh()) process.exit(0);

const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  // tsc emits even on type errors: mark the build stale so the next run builds again
  const main = path.join(root, 'dist', 'cli', 'main.js');
  if (fs.existsSync(main)) fs.utimesSync(main, 0, 0);
  process.stderr.write('error: the build (tsc -p tsconfig.build.json) failed; expected the TypeScript sources to compile\n');
  process.exit(r.status || 1);
}
