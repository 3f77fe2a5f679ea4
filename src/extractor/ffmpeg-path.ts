/** Where ffmpeg is: $AUDEO_FFMPEG, then the binary shipped by @ffmpeg-installer/ffmpeg, then `ffmpeg` on PATH. */
import { existsSync } from 'node:fs';

let cached: string | undefined;

export function ffmpegPath(): string {
  if (cached) return cached;
  const env = process.env.AUDEO_FFMPEG;
  if (env) return (cached = env);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const p = (require('@ffmpeg-installer/ffmpeg') as { path?: string }).path;
    if (p && existsSync(p)) return (cached = p);
  } catch {
    // not installed for this platform: fall back to PATH
  }
  return (cached = 'ffmpeg');
}
