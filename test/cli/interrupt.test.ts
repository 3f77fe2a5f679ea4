/**
 * @jest-environment ./test/extractor/ort-environment.ts
 */
/** Ctrl-C during `audeo extract`: one line naming the checkpoint and how to resume; the next run resumes. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliArgs } from '../bridge/helpers';
import { ffmpeg, FIXTURE_MODELS, tmpDir } from '../extractor/helpers';

const DEMO = path.join(__dirname, '..', '..', 'samples', 'demo.mp4');

function checkpointFrames(take: string): number {
  try {
    const p = (JSON.parse(fs.readFileSync(take, 'utf8')) as { progress: { framesDone: number; complete: boolean } }).progress;
    return p.complete ? -1 : p.framesDone;
  } catch {
    return 0;
  }
}

describe('audeo extract: SIGINT', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpDir();
    // ~1 min of video, so that the run is still going when the first checkpoint (10 s of video) is there
    ffmpeg(['-stream_loop', '3', '-i', DEMO, '-an', '-c', 'copy', path.join(dir, 'long.mp4')]);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints where the checkpoint is and how to resume, exits 130; running again resumes', async () => {
    const video = path.join(dir, 'long.mp4');
    const take = path.join(dir, 'long.audeo.json');
    const child = spawn(process.execPath, cliArgs('extract', video, '--quiet'), { env: { ...process.env, AUDEO_BUNDLED_MODELS: FIXTURE_MODELS }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const t0 = Date.now();
    while (checkpointFrames(take) <= 0 && Date.now() - t0 < 120_000) {
      if (checkpointFrames(take) < 0) throw new Error('the run ended before it could be interrupted');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    const line = stderr.trim().split('\n').pop() ?? '';
    expect(line).toMatch(/^interrupted: the checkpoint .*long\.audeo\.json holds \d+ of ~\d+ frames; run `audeo extract .*long\.mp4 --take .*long\.audeo\.json` \(with the same --model\) again to resume from there$/);
    const held = Number(/holds (\d+) of/.exec(line)?.[1]);
    expect(held).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // the next run resumes from the checkpoint
    const again = spawn(process.execPath, cliArgs('extract', video, '--quiet', '--json'), { env: { ...process.env, AUDEO_BUNDLED_MODELS: FIXTURE_MODELS }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    again.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const code2 = await new Promise<number | null>((resolve) => again.on('exit', (c) => resolve(c)));
    expect(code2).toBe(0);
    expect((JSON.parse(out) as { notices: string[] }).notices.join('\n')).toMatch(/resumed from .* after \d+ frames/);
  }, 300_000);
});
