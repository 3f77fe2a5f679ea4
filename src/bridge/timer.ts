/**
 * Host time: what the scheduler waits on. RealTimer waits precisely (coarse setTimeout, then setImmediate spin for
 * the last `spinSec`); FakeTimer is advanced by hand, for deterministic tests and offline export.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface HostTimer {
  /** Monotonic seconds (process.hrtime for RealTimer: the same clock in every process on the machine). */
  nowSec(): number;
  /** Calls `cb` at host time `atSec` (at once when already past). */
  at(atSec: number, cb: () => void): TimerHandle;
  cancel(h: TimerHandle | undefined): void;
}

export function hrtimeSec(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export interface RealTimerOptions {
  /** Busy-wait (yielding with setImmediate) for the last `spinSec` before a deadline; default 0.003 s. */
  spinSec?: number;
}

export class RealTimer implements HostTimer {
  private readonly spinSec: number;
  private next = 1;
  private readonly live = new Map<number, NodeJS.Timeout | NodeJS.Immediate>();

  constructor(opts: RealTimerOptions = {}) {
    this.spinSec = opts.spinSec ?? 0.003;
  }

  nowSec(): number {
    return hrtimeSec();
  }

  at(atSec: number, cb: () => void): TimerHandle {
    const id = this.next++;
    const step = (): void => {
      if (!this.live.has(id)) return;
      const left = atSec - hrtimeSec();
      if (left <= 0) {
        this.live.delete(id);
        cb();
      } else if (left > this.spinSec) {
        this.live.set(id, setTimeout(step, Math.max(0, (left - this.spinSec) * 1000)));
      } else {
        this.live.set(id, setImmediate(step));
      }
    };
    this.live.set(id, setImmediate(step));
    return { id };
  }

  cancel(h: TimerHandle | undefined): void {
    if (!h) return;
    const t = this.live.get(h.id);
    if (t === undefined) return;
    this.live.delete(h.id);
    clearTimeout(t as NodeJS.Timeout);
    clearImmediate(t as NodeJS.Immediate);
  }
}

/** Manually advanced host time. Callbacks run in time order (ties in insertion order), with `nowSec()` at their time. */
export class FakeTimer implements HostTimer {
  private now: number;
  private next = 1;
  private queue: Array<{ id: number; atSec: number; cb: () => void }> = [];

  constructor(startSec = 0) {
    this.now = startSec;
  }

  nowSec(): number {
    return this.now;
  }

  at(atSec: number, cb: () => void): TimerHandle {
    const id = this.next++;
    this.queue.push({ id, atSec: Math.max(atSec, this.now), cb });
    return { id };
  }

  cancel(h: TimerHandle | undefined): void {
    if (h) this.queue = this.queue.filter((q) => q.id !== h.id);
  }

  /** Runs every callback due up to `toSec`, then sets the time to `toSec`. */
  advanceTo(toSec: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.queue.length; i++) {
        const q = this.queue[i]!;
        const b = best >= 0 ? this.queue[best]! : undefined;
        if (q.atSec <= toSec && (b === undefined || q.atSec < b.atSec || (q.atSec === b.atSec && q.id < b.id))) best = i;
      }
      if (best < 0) break;
      const [q] = this.queue.splice(best, 1);
      this.now = Math.max(this.now, q!.atSec);
      q!.cb();
    }
    this.now = Math.max(this.now, toSec);
  }

  advanceBy(dSec: number): void {
    this.advanceTo(this.now + dSec);
  }

  /** Runs everything queued (offline export); stops after `maxSec` of host time. */
  runAll(maxSec = 1e7): void {
    while (this.queue.length > 0) {
      const t = Math.min(...this.queue.map((q) => q.atSec));
      if (t > maxSec) break;
      this.advanceTo(t);
    }
  }

  get pending(): number {
    return this.queue.length;
  }
}
