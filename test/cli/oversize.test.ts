/**
 * Oversize inputs (issue 20): a 500k-note MIDI file (an hour of music) plays (`play --dry-run --fast`) in linear
 * time under 1 GB, and `render` streams its WAV to disk (memory flat in the length of the audio). Each command runs
 * in a child Node process so that its peak RSS is its own. bench/oversize.ts measures the full set (render and eval
 * of 500k notes too) and writes the figures into docs/reliability.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bigSmf } from '../../bench/big-inputs';
import { runTs, tmpDir } from '../render/helpers';

interface Measured {
  code: number;
  cpuSec: number;
  maxRssMB: number;
}

describe('oversize inputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function measure(...args: string[]): Promise<Measured> {
    const out = path.join(dir, 'result.json');
    fs.rmSync(out, { force: true });
    const r = await runTs(path.join(__dirname, 'oversize-child.ts'), [out, ...args], { timeoutMs: 120_000 });
    expect({ code: r.code, err: r.err.split('\n').filter((l) => l.startsWith('error')) }).toEqual({ code: 0, err: [] });
    return JSON.parse(fs.readFileSync(out, 'utf8')) as Measured;
  }

  it('play --dry-run --fast: 500k notes under 1 GB, in linear time (CPU per note within 2x of 100k notes)', async () => {
    const big = path.join(dir, 'big.mid');
    const small = path.join(dir, 'small.mid');
    fs.writeFileSync(big, bigSmf(500_000, 3600));
    fs.writeFileSync(small, bigSmf(100_000, 720));
    const s = await measure('play', small, '--dry-run', '--fast', '--quiet');
    const b = await measure('play', big, '--dry-run', '--fast', '--quiet');
    console.log(`play --dry-run --fast: 100k notes ${s.cpuSec.toFixed(1)} s CPU, ${s.maxRssMB.toFixed(0)} MB; 500k notes ${b.cpuSec.toFixed(1)} s CPU, ${b.maxRssMB.toFixed(0)} MB`);
    expect(b.maxRssMB).toBeLessThan(1024);
    expect(b.cpuSec / 500_000 / (s.cpuSec / 100_000)).toBeLessThan(2);
  }, 180_000);

  it('render streams the WAV: 15 minutes of 44.1 kHz audio without holding it (the whole-buffer render peaked above 400 MB)', async () => {
    const notes = Array.from({ length: 30 }, (_, i) => ({ pitch: 48 + i, onsetSec: i * 30, offsetSec: i * 30 + 0.5, velocity: 100 }));
    const take = path.join(dir, 'sparse.audeo.json');
    fs.writeFileSync(take, JSON.stringify({ format: 'audeo.take', version: 1, source: {}, notes }));
    const wav = path.join(dir, 'sparse.wav');
    const m = await measure('render', take, '-o', wav);
    console.log(`render of 15 min (30 notes): ${m.cpuSec.toFixed(1)} s CPU, ${m.maxRssMB.toFixed(0)} MB`);
    const bytes = fs.statSync(wav).size;
    expect(bytes).toBe(44 + 2 * Math.round((29 * 30 + 0.5 + 1.5) * 44100));
    expect(m.maxRssMB).toBeLessThan(300);
  }, 120_000);
});
