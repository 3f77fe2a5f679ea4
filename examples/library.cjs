// audeo as a library (CommonJS): extract a video to a Take, a MIDI file and a piano-roll picture, then read
// the Take back. Usage: node library.cjs [video] [out-dir]   (default: the package's bundled sample video)
const path = require('node:path');
const fs = require('node:fs');
const { extractToFiles, readTake, AudeoError } = require('audeo');

async function main() {
  const pkgDir = path.dirname(require.resolve('audeo/package.json'));
  const video = process.argv[2] ?? path.join(pkgDir, 'samples', 'demo.mp4');
  const out = path.resolve(process.argv[3] ?? 'audeo-library-out');
  fs.mkdirSync(out, { recursive: true });
  const { summary } = await extractToFiles(video, {
    takePath: path.join(out, 'take.audeo.json'),
    midiPath: path.join(out, 'take.mid'),
    onProgress: (p) => process.stderr.write(`\r${p.stage} ${p.framesDone}/${p.framesTotal}   `),
  });
  process.stderr.write('\n');
  const take = await readTake(summary.take);
  const first = take.notes[0];
  console.log(`${take.notes.length} notes in ${summary.durationSec.toFixed(1)} s of video -> ${summary.midi}`);
  if (first) console.log(`first note: MIDI ${first.pitch} at ${first.onsetSec.toFixed(2)} s`);
}

main().catch((e) => {
  // audeo's own errors carry one line naming what was expected
  console.error(e instanceof AudeoError ? `error: ${e.message}` : e);
  process.exitCode = 1;
});
