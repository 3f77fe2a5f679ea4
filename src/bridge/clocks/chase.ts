/**
 * A clock that follows a master from position samples (MTC quarter frames, OSC time feed):
 * locks after consistent samples spanning `lockSec`, free-wheels through drop-outs shorter than `freewheelSec`,
 * stops when the master stops (no samples for `freewheelSec`), follows jumps larger than `jumpSec`.
 * Positions given to `feed` are media seconds (the timecode offset already removed).
 */
import { ClockBase, checkPosition, positionAt, type Clock } from '../clock';
import type { HostTimer, TimerHandle } from '../timer';

export interface ChaseOptions {
  timer: HostTimer;
  name?: string;
  /** Samples must agree over this span before playing (MTC: lockFrames / fps). Default 0.1 s. */
  lockSec?: number;
  /** Keep running this long without samples, then stop. Default 0.4 s. */
  freewheelSec?: number;
  /** A sample this far from the prediction is a jump (locate). Default 0.1 s. */
  jumpSec?: number;
  /** Two samples agree when within this. Default 0.02 s. */
  toleranceSec?: number;
  /** Fraction of a small error corrected per sample. Default 0.2. */
  smoothing?: number;
}

export type ChaseStatus = 'stopped' | 'locking' | 'locked';

export class ChaseClock extends ClockBase implements Clock {
  readonly name: string;
  private readonly timer: HostTimer;
  private readonly lockSec: number;
  private readonly freewheelSec: number;
  private readonly jumpSec: number;
  private readonly toleranceSec: number;
  private readonly smoothing: number;
  status: ChaseStatus = 'stopped';
  private runStart?: { positionSec: number; hostSec: number };
  private last?: { positionSec: number; hostSec: number };
  private watchdog?: TimerHandle;
  /** Counters for reports and tests. */
  readonly stats = { samples: 0, locks: 0, jumps: 0, dropouts: 0 };

  constructor(opts: ChaseOptions) {
    super({ running: false, rate: 1, positionSec: 0, anchorHostSec: opts.timer.nowSec() });
    this.timer = opts.timer;
    this.name = opts.name ?? 'chase';
    this.lockSec = opts.lockSec ?? 0.1;
    this.freewheelSec = opts.freewheelSec ?? 0.4;
    this.jumpSec = opts.jumpSec ?? 0.1;
    this.toleranceSec = opts.toleranceSec ?? 0.02;
    this.smoothing = opts.smoothing ?? 0.2;
  }

  /** A running master's position `positionSec` observed at host time `hostSec`. */
  feed(positionSec: number, hostSec: number): void {
    if (!Number.isFinite(positionSec) || !Number.isFinite(hostSec)) return;
    this.stats.samples++;
    const prev = this.last;
    this.last = { positionSec, hostSec };
    this.armWatchdog(hostSec);
    if (this.status !== 'locked') {
      const consistent = prev !== undefined && Math.abs(prev.positionSec + (hostSec - prev.hostSec) - positionSec) <= this.toleranceSec && hostSec - prev.hostSec <= this.freewheelSec;
      if (!consistent || !this.runStart) this.runStart = { positionSec, hostSec };
      this.status = 'locking';
      if (hostSec - this.runStart.hostSec >= this.lockSec - 1e-9) {
        this.status = 'locked';
        this.stats.locks++;
        this.set({ running: true, rate: 1, positionSec, anchorHostSec: hostSec }, 'play');
      }
      return;
    }
    const predicted = positionAt(this.current, hostSec);
    const err = positionSec - predicted;
    if (Math.abs(err) > this.jumpSec) {
      this.stats.jumps++;
      this.set({ running: true, rate: 1, positionSec, anchorHostSec: hostSec }, 'locate');
    } else if (Math.abs(err) > 1e-4) {
      this.set({ running: true, rate: 1, positionSec: predicted + err * this.smoothing, anchorHostSec: hostSec }, 'sync');
    }
  }

  /** The master located while stopped (MTC full frame): move, stay stopped until samples run again. */
  cue(positionSec: number): void {
    checkPosition(positionSec);
    if (this.status === 'locked') {
      this.set({ running: true, rate: 1, positionSec, anchorHostSec: this.timer.nowSec() }, 'locate');
      return;
    }
    this.runStart = undefined;
    this.set({ ...this.current, running: false, positionSec, anchorHostSec: this.timer.nowSec() }, 'locate');
  }

  play(): void {
    /* the master decides */
  }

  stop(): void {
    this.timer.cancel(this.watchdog);
    this.watchdog = undefined;
    this.runStart = undefined;
    this.status = 'stopped';
    if (!this.current.running) return;
    const now = this.timer.nowSec();
    this.set({ running: false, rate: 1, positionSec: positionAt(this.current, now), anchorHostSec: now }, 'stop');
  }

  locate(positionSec: number): void {
    this.cue(positionSec);
  }

  setRate(): void {
    /* the master decides */
  }

  close(): void {
    this.timer.cancel(this.watchdog);
  }

  private armWatchdog(hostSec: number): void {
    this.timer.cancel(this.watchdog);
    this.watchdog = this.timer.at(hostSec + this.freewheelSec, () => {
      this.watchdog = undefined;
      if (this.status === 'locked') this.stats.dropouts++;
      this.stop();
    });
  }
}

