/**
 * `audeo render --synth perfnet`: the installed PerfNet + refiner + Griffin-Lim renders 16 kHz audio of the right length
 * with the notes' pitch class; without a model it is a clear error. Runs the CLI in a child Node.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { chroma, note, readWav, rms, ROOT, runCli, tmpDir, writeTakeFile } from './helpers';

const index = JSON.parse(readFileSync(path.join(ROOT, 'models', 'index.json'), 'utf8')) as { models: { type: string }[] };
const installed = index.models.some((m) => m.type === 'perfnet');
if (!installed) console.warn('perfnet tests skipped: no perfnet model in models/index.json');
const maybe = installed ? it : it.skip;

describe('render --synth perfnet', () => {
  const dir = tmpDir();
  const take = writeTakeFile(path.join(dir, 't.audeo.json'), [note(57, 0.2, 1.6), note(69, 0.2, 1.6), note(64, 0.2, 1.6)]);

  maybe('renders 16 kHz audio whose chroma has the notes (A, E)', async () => {
    const out = path.join(dir, 'p.wav');
    const r = await runCli('render', take, '--synth', 'perfnet', '-o', out, '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as { sampleRate: number; synth: string };
    expect(res).toMatchObject({ sampleRate: 16000, synth: 'perfnet' });
    const { samples, sampleRate } = readWav(out);
    expect(sampleRate).toBe(16000);
    expect(Math.abs(samples.length / sampleRate - 2.6)).toBeLessThan(0.02); // last offset + 1 s tail
    expect(samples.every((v) => Number.isFinite(v))).toBe(true);
    expect(rms(samples, 0.4, 1.4, sampleRate)).toBeGreaterThan(5 * rms(samples, 2.3, 2.6, sampleRate) + 1e-4);
    const c = chroma(samples, sampleRate, 0.4, 8192);
    const top2 = [...c.keys()].sort((a, b) => (c[b] ?? 0) - (c[a] ?? 0)).slice(0, 2).sort((a, b) => a - b);
    expect(top2).toEqual([4, 9]);
  });

  it('without an installed model: "no perfnet model installed", exit 3, no file', async () => {
    const out = path.join(dir, 'none.wav');
    const empty = tmpDir();
    const r = await runCli('render', take, '--synth', 'perfnet', '-o', out, '--models', empty);
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^error: no perfnet model installed/m);
    expect(existsSync(out)).toBe(false);
  });
});
