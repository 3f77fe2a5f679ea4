// audeo as a library (ES module): the same as library.cjs, with import. Usage: node library.mjs [video] [out-dir]
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { extractToFiles, readTake } from 'audeo';

const pkgDir = path.dirname(createRequire(import.meta.url).resolve('audeo/package.json'));
const video = process.argv[2] ?? path.join(pkgDir, 'samples', 'demo.mp4');
const out = path.resolve(process.argv[3] ?? 'audeo-library-out');
fs.mkdirSync(out, { recursive: true });
const { summary } = await extractToFiles(video, { takePath: path.join(out, 'take.audeo.json'), midiPath: path.join(out, 'take.mid') });
const take = await readTake(summary.take);
console.log(`${take.notes.length} notes in ${summary.durationSec.toFixed(1)} s of video -> ${summary.midi}`);
