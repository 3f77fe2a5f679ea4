/**
 * The npm package as others get it: `npm pack` from a clean copy of the repository (what git has, no dist/, so the
 * prepack build is what makes the tarball work), `npm install <tarball>` into an empty project with npm alone, then
 * the `audeo` bin (--help, models, extract on the bundled sample), the README's library examples (CommonJS and ESM)
 * and the published types. Skips with a message when npm cannot run or cannot fetch the dependencies
 * (no registry, no cache); AUDEO_SKIP_PACK_TEST=1 skips it on purpose.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const STEP_MS = 300_000;

/** npm's own variables (npm_config_*, npm_package_*) from a surrounding `npm test` would steer the child npm. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', NO_UPDATE_NOTIFIER: '1' };
}

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs = STEP_MS): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
}

function output(r: SpawnSyncReturns<string>): string {
  return `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
}

/** What a clean clone holds: git's tracked and not-ignored files (node_modules is linked, not copied). */
function stageCleanCopy(dest: string): void {
  const ls = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
  if (ls.status !== 0) throw new Error(`git ls-files failed: ${output(ls)}`);
  for (const rel of ls.stdout.split('\0')) {
    if (!rel || rel === 'node_modules' || rel.startsWith('node_modules/')) continue;
    const from = path.join(ROOT, rel);
    if (!fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted in the work tree
    fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(dest, rel));
  }
  fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(dest, 'node_modules'), 'dir');
}

describe('the npm package (npm pack -> npm install -> use)', () => {
  let tmp = '';
  let tarball = '';
  let consumer = '';
  let files: string[] = [];
  let skip: string | undefined;

  const skipped = (): boolean => {
    if (skip) console.warn(`package test skipped: ${skip}`);
    return skip !== undefined;
  };
  const audeo = (args: readonly string[]): SpawnSyncReturns<string> => run('npx', ['audeo', ...args], consumer);

  beforeAll(() => {
    if (process.env.AUDEO_SKIP_PACK_TEST === '1') {
      skip = 'AUDEO_SKIP_PACK_TEST=1';
      return;
    }
    const npmVersion = run('npm', ['--version'], ROOT, 60_000);
    if (npmVersion.status !== 0) {
      skip = `npm cannot run here (${output(npmVersion).trim().split('\n')[0] ?? 'no output'})`;
      return;
    }
    if (run('git', ['--version'], ROOT, 60_000).status !== 0) {
      skip = 'git is not available to list the repository\'s files';
      return;
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audeo-pack-'));
    const clone = path.join(tmp, 'clone');
    stageCleanCopy(clone);
    const packs = path.join(tmp, 'packs');
    fs.mkdirSync(packs);
    const pack = run('npm', ['pack', '--json', '--pack-destination', packs], clone);
    if (pack.status !== 0) throw new Error(`npm pack failed (exit ${String(pack.status)}):\n${output(pack)}`);
    const info = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    const meta = info[0]!;
    tarball = path.join(packs, path.basename(meta.filename));
    files = meta.files.map((f) => f.path);
    console.log(`npm pack: ${path.basename(tarball)} ${(meta.size / 1e6).toFixed(2)} MB packed, ${(meta.unpackedSize / 1e6).toFixed(2)} MB unpacked, ${files.length} files`);

    // an empty project that takes the package the way a user does (npm 11 blocks dependency install scripts unless
    // listed; onnxruntime-node's would only fetch optional CUDA binaries)
    consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    const allowScripts = { 'onnxruntime-node': false, 'core-js': false, '@julusian/midi': true, '@ffmpeg-installer/linux-x64': true };
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'audeo-consumer', private: true, allowScripts }, null, 2));
    const install = run('npm', ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline'], consumer);
    if (install.status !== 0) {
      const text = output(install);
      if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ENOTCACHED|ETIMEDOUT|ENETUNREACH/.test(text)) {
        skip = `npm install could not fetch the dependencies (no registry, no cache): ${text.trim().split('\n').slice(-3).join(' ')}`;
        return;
      }
      throw new Error(`npm install ${tarball} failed (exit ${String(install.status)}):\n${text}`);
    }
    for (const f of ['library.cjs', 'library.mjs']) fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(consumer, f));
  }, 2 * STEP_MS);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the README shows the library example the test runs (examples/library.cjs)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = fs.readFileSync(path.join(ROOT, 'examples', 'library.cjs'), 'utf8');
    expect(readme).toContain(`## Use it as a library`);
    expect(readme).toContain(`\`\`\`js\n${example}\`\`\``);
  });

  it('ships the build, models, presets and the demo sample, and nothing of the repository\'s own', () => {
    if (skipped()) return;
    for (const f of ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'models/index.json', 'presets/generic.json', 'samples/demo.mp4', 'samples/demo.expected.json']) {
      expect(files).toContain(f);
    }
    // every model the index names is in the tarball, with its card
    const index = JSON.parse(fs.readFileSync(path.join(ROOT, 'models', 'index.json'), 'utf8')) as { models: Array<{ path: string }> };
    expect(index.models.length).toBeGreaterThan(0);
    for (const m of index.models) {
      const card = JSON.parse(fs.readFileSync(path.join(ROOT, 'models', m.path, 'card.json'), 'utf8')) as { file?: string };
      expect(files).toContain(`models/${m.path}/card.json`);
      expect(files).toContain(`models/${m.path}/${card.file || 'model.onnx'}`);
    }
    const foreign = files.filter((f) => /^(src|test|training|bench|docs|scripts|\.ci|examples)\//.test(f) || f.endsWith('.map') || f.startsWith('.'));
    expect(foreign).toEqual([]);
  });

  it('`audeo --help` and `audeo models` run from the installed package', () => {
    if (skipped()) return;
    const help = audeo(['--help']);
    expect(output(help)).toMatch(/Usage: audeo/);
    expect(help.status).toBe(0);
    const models = audeo(['models']);
    expect(models.status).toBe(0);
    expect(output(models)).toContain(path.join('node_modules', 'audeo', 'models'));
  }, STEP_MS);

  it('`audeo extract` turns the bundled sample into a MIDI file and a Take', () => {
    if (skipped()) return;
    const sample = path.join(consumer, 'node_modules', 'audeo', 'samples', 'demo.mp4');
    const r = audeo(['extract', sample, '-o', 'cli.mid', '--take', 'cli.audeo.json', '--json', '-q']);
    expect(output(r)).not.toMatch(/^\s+at /m); // no stack trace
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { notes: number };
    expect(summary.notes).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(consumer, 'cli.mid')).subarray(0, 4).toString('latin1')).toBe('MThd');
  }, STEP_MS);

  it('the README\'s library example runs as CommonJS and as an ES module', () => {
    if (skipped()) return;
    for (const [file, out] of [['library.cjs', 'out-cjs'], ['library.mjs', 'out-mjs']] as const) {
      const r = run(process.execPath, [file, path.join('node_modules', 'audeo', 'samples', 'demo.mp4'), out], consumer);
      expect(output(r)).toMatch(/^\d+ notes in \d+\.\d s of video -> /m);
      expect(r.status).toBe(0);
      expect(fs.existsSync(path.join(consumer, out, 'take.audeo.json'))).toBe(true);
    }
  }, STEP_MS);

  it('publishes types: a TypeScript program type-checks against the installed package', () => {
    if (skipped()) return;
    fs.writeFileSync(
      path.join(consumer, 'check.ts'),
      [
        "import { extractToFiles, readTake, rollToNotes, writeMidiFile, evaluateFiles, runPlay, renderTakeToWav, InputError, type Take, type NoteEvent } from 'audeo';",
        'async function main(): Promise<number> {',
        "  const { take, summary } = await extractToFiles('v.mp4', { midiPath: 'v.mid' });",
        '  const again: Take = await readTake(summary.take);',
        '  const notes: NoteEvent[] = take.notes.slice();',
        "  await writeMidiFile('x.mid', notes);",
        '  void [rollToNotes, evaluateFiles, runPlay, renderTakeToWav, again];',
        '  return new InputError("x").exitCode;',
        '}',
        'void main;',
        '',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const types = path.join(ROOT, 'node_modules', '@types');
    const r = run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--typeRoots', types, '--types', 'node', 'check.ts'], consumer);
    expect(output(r)).toBe('');
    expect(r.status).toBe(0);
  }, STEP_MS);
});
