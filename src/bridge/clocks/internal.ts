/** The internal clock: play, stop, locate, loop and rate, on host time. */
import { ClockBase, checkPosition, checkRate, positionAt, type Clock } from '../clock';
import type { HostTimer, TimerHandle } from '../timer';

export interface InternalClockOptions {
  timer: HostTimer;
  startSec?: number;
  rate?: number;
  /** Loop [startSec, endSec): reaching endSec locates to startSec. */
  loop?: { startSec: number; endSec: number };
  /** Stop when the position reaches this (e.g. the end of the take); `ended` then says so. */
  endSec?: number;
}

export class InternalClock extends ClockBase implements Clock {
  readonly name = 'internal';
  private readonly timer: HostTimer;
  private readonly loop?: { startSec: number; endSec: number };
  private readonly endSec?: number;
  private edge?: TimerHandle;
  private reachedEnd = false;

  constructor(opts: InternalClockOptions) {
    super({ running: false, rate: checkRate(opts.rate ?? 1), positionSec: opts.startSec ?? 0, anchorHostSec: opts.timer.nowSec() });
    this.timer = opts.timer;
    if (opts.loop) {
      if (!(opts.loop.endSec > opts.loop.startSec)) throw new RangeError(`loop end ${opts.loop.endSec} must be after its start ${opts.loop.startSec}`);
      this.loop = opts.loop;
    }
    if (opts.endSec !== undefined) this.endSec = opts.endSec;
  }

  /** True after the clock stopped because it reached `endSec` (until the next play or locate). */
  get ended(): boolean {
    return this.reachedEnd;
  }

  private now(): number {
    return positionAt(this.current, this.timer.nowSec());
  }

  play(): void {
    if (this.current.running) return;
    this.reachedEnd = false;
    this.set({ ...this.current, running: true, anchorHostSec: this.timer.nowSec() }, 'play');
    this.armEdge();
  }

  stop(): void {
    this.stopAt(this.now());
  }

  private stopAt(positionSec: number): void {
    if (!this.current.running) return;
    this.timer.cancel(this.edge);
    this.set({ ...this.current, running: false, positionSec, anchorHostSec: this.timer.nowSec() }, 'stop');
  }

  locate(positionSec: number): void {
    checkPosition(positionSec);
    this.reachedEnd = false;
    this.set({ ...this.current, positionSec, anchorHostSec: this.timer.nowSec() }, 'locate');
    this.armEdge();
  }

  setRate(rate: number): void {
    checkRate(rate);
    this.set({ ...this.current, rate, positionSec: this.now(), anchorHostSec: this.timer.nowSec() }, 'rate');
    this.armEdge();
  }

  close(): void {
    this.timer.cancel(this.edge);
  }

  /** Wakes at the loop end (locate back) or at the end (stop). */
  private armEdge(): void {
    this.timer.cancel(this.edge);
    this.edge = undefined;
    const s = this.current;
    if (!s.running) return;
    const pos = this.now();
    const loopEnd = this.loop && pos < this.loop.endSec ? this.loop.endSec : undefined;
    // at or past the end (a locate there, then play): stop at once
    const end = this.endSec !== undefined ? Math.max(pos, this.endSec) : undefined;
    const target = loopEnd !== undefined ? loopEnd : end;
    if (target === undefined) return;
    const at = s.anchorHostSec + (target - s.positionSec) / s.rate;
    this.edge = this.timer.at(at, () => {
      this.edge = undefined;
      if (loopEnd !== undefined && this.loop) this.locate(this.loop.startSec);
      else {
        this.reachedEnd = true;
        this.stopAt(target); // exactly at the end, however late the wake-up
      }
    });
  }
}
