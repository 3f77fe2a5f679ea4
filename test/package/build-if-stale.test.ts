/**
 * scripts/build-if-stale.cjs (`npm run demo`, prepack): dist/ is rebuilt only when a source is newer than the build.
 * Runs the script's --check mode on a scratch tree (no tsc).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'build-if-stale.cjs');

describe('scripts/build-if-stale.cjs', () => {
  let root: string;
  const write = (rel: string, sec: number): void => {
    const f = path.join(root, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '');
    fs.utimesSync(f, sec, sec);
  };
  const check = (): string => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-if-stale.cjs'), '--check'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout.trim();
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'audeo-stale-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(SCRIPT, path.join(root, 'scripts', 'build-if-stale.cjs'));
    write('src/cli/main.ts', 1000);
    write('src/core/notes.ts', 1000);
    write('tsconfig.json', 1000);
    write('tsconfig.build.json', 1000);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is stale without a build', () => {
    expect(check()).toBe('stale');
  });

  it('is fresh when every built file is newer than every source, stale when one source changes after', () => {
    write('dist/cli/main.js', 2000);
    write('dist/core/notes.js', 2000);
    expect(check()).toBe('fresh');
    write('src/core/notes.ts', 3000);
    expect(check()).toBe('stale');
  });

  it('is stale when the build config changed, or a built file is older than a source (a half build)', () => {
    write('dist/cli/main.js', 2000);
    write('dist/core/notes.js', 2000);
    write('tsconfig.build.json', 3000);
    expect(check()).toBe('stale');
    write('tsconfig.build.json', 1000);
    write('dist/core/notes.js', 500);
    expect(check()).toBe('stale');
  });
});
