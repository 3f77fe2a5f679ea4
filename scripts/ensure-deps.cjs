#!/usr/bin/env node
/*
 * `npm run demo` on a fresh clone: installs the locked dependencies (npm ci) when node_modules is missing or older
 * than package-lock.json, so the README's quick start is one command. No root, no apt: ffmpeg comes from
 * @ffmpeg-installer/ffmpeg, onnxruntime-node ships its CPU binary. Its postinstall only fetches optional GPU (CUDA)
 * binaries: package.json's allowScripts denies it (npm 11), and ONNXRUNTIME_NODE_INSTALL=skip stops it under npm 10.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.package-lock.json');
const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(marker).mtimeMs < fs.statSync(lock).mtimeMs);
if (stale) {
  process.stderr.write('audeo: installing dependencies (npm ci) ...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip' };
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) {
    process.stderr.write('error: npm ci failed; expected network access to the npm registry\n');
    process.exit(r.status || 1);
  }
}
