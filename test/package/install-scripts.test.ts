/**
 * `npm ci` without warnings: npm 11 blocks (and warns about) every dependency install script that package.json's
 * allowScripts does not name, and warns about unknown keys in .npmrc (the old onnxruntime-node-install=skip).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));

describe('install scripts', () => {
  it('allowScripts decides every locked package that has an install script', () => {
    const pkg = read('package.json') as { allowScripts?: Record<string, boolean> };
    const lock = read('package-lock.json') as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([k, v]) => k !== '' && v.hasInstallScript)
      .map(([k]) => k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const allow = pkg.allowScripts ?? {};
    expect(withScripts.filter((name) => typeof allow[name] !== 'boolean')).toEqual([]);
    // onnxruntime-node's postinstall only downloads CUDA binaries (the CPU binary ships in the package)
    expect(allow['onnxruntime-node']).toBe(false);
  });

  it('has no .npmrc key npm does not know', () => {
    const npmrc = path.join(ROOT, '.npmrc');
    const text = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, 'utf8') : '';
    expect(text).not.toMatch(/onnxruntime-node-install/);
  });
});
