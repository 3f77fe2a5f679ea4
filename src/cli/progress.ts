/**
 * Progress on stderr: a redrawn bar when stderr is a TTY, otherwise a plain line every `everySec` seconds
 * (and at each new stage). Never writes to stdout (that is for --json).
 */
export interface ProgressSink {
  update(stage: string, done: number, total: number): void;
  /** Ends the bar (newline on a TTY). */
  end(): void;
}

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Force bar (true) or line (false) mode; default: the stream's isTTY. */
  readonly tty?: boolean;
  /** Line mode: seconds between lines (default 5). */
  readonly everySec?: number;
  /** Unit shown with the counts (default "frames"). */
  readonly unit?: string;
  readonly now?: () => number;
  /** Quiet: print nothing. */
  readonly quiet?: boolean;
}

function bar(fraction: number, width: number): string {
  const n = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return '#'.repeat(n) + '-'.repeat(width - n);
}

export function formatEta(sec: number): string {
  if (!Number.isFinite(sec) || sec < 0) return '--:--';
  const s = Math.round(sec);
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function makeProgress(opts: ProgressOptions = {}): ProgressSink {
  const stream = opts.stream ?? process.stderr;
  const tty = opts.tty ?? Boolean(stream.isTTY);
  const now = opts.now ?? (() => performance.now() / 1000);
  const every = opts.everySec ?? 5;
  const unit = opts.unit ?? 'frames';
  const t0 = now();
  let lastLine = -Infinity;
  let lastStage = '';
  let stageStart = t0;
  let stageStartDone = 0;
  let drawn = false;
  if (opts.quiet) return { update: () => undefined, end: () => undefined };
  return {
    update(stage, done, total) {
      const t = now();
      if (stage !== lastStage) {
        stageStart = t;
        stageStartDone = done;
      }
      const rate = (done - stageStartDone) / Math.max(t - stageStart, 1e-6);
      const frac = total > 0 ? done / total : 0;
      const eta = rate > 0 && total > done ? (total - done) / rate : NaN;
      const text = `${stage.padEnd(10)} ${total > 0 ? `${done}/${total} ${unit}` : ''}${rate > 0 ? ` ${rate.toFixed(1)}/s` : ''}${Number.isFinite(eta) ? ` eta ${formatEta(eta)}` : ''}`;
      if (tty) {
        const cols = Math.max(40, (stream.columns || 80) - 1);
        const line = `[${bar(frac, 24)}] ${(frac * 100).toFixed(0).padStart(3)}% ${text}`;
        stream.write(`\r${line.slice(0, cols).padEnd(cols)}`);
        drawn = true;
      } else if (stage !== lastStage || t - lastLine >= every) {
        stream.write(`${total > 0 ? `${(frac * 100).toFixed(0).padStart(3)}% ` : ''}${text.trimEnd()}\n`);
        lastLine = t;
      }
      lastStage = stage;
    },
    end() {
      if (tty && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
