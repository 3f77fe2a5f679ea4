/**
 * What "now" is on the video's timeline. A Clock maps host time to media position with a snapshot
 * (running, rate, position at an anchor host time) and tells its listeners when that mapping changes.
 */
export interface TransportState {
  readonly running: boolean;
  /** Media seconds per host second (> 0). */
  readonly rate: number;
  /** Media position (video seconds) at `anchorHostSec`. */
  readonly positionSec: number;
  readonly anchorHostSec: number;
}

/**
 * Why the mapping changed. `sync` is a small correction of a running chase clock (no notes are re-struck);
 * `locate` and a running `jump` re-chase held notes.
 */
export type TransportReason = 'play' | 'stop' | 'locate' | 'rate' | 'sync';

export type TransportListener = (state: TransportState, reason: TransportReason) => void;

export interface Clock {
  readonly name: string;
  state(): TransportState;
  onChange(listener: TransportListener): () => void;
  /** Transport control (from the CLI, OSC /audeo/transport/*); a chasing clock may ignore play/rate. */
  play(): void;
  stop(): void;
  locate(positionSec: number): void;
  setRate(rate: number): void;
  close(): void;
}

export function positionAt(s: TransportState, hostSec: number): number {
  return s.running ? s.positionSec + (hostSec - s.anchorHostSec) * s.rate : s.positionSec;
}

/** Host time at which a running transport reaches `mediaSec`. */
export function hostTimeOf(s: TransportState, mediaSec: number): number {
  return s.anchorHostSec + (mediaSec - s.positionSec) / s.rate;
}

export function checkRate(rate: number): number {
  if (!Number.isFinite(rate) || rate <= 0 || rate > 16) throw new RangeError(`rate ${rate} is out of range; expected 0 < rate <= 16`);
  return rate;
}

export function checkPosition(sec: number): number {
  if (!Number.isFinite(sec)) throw new RangeError(`position ${sec} is not a finite number of seconds`);
  return sec;
}

/** Shared listener plumbing. */
export class ClockBase {
  private readonly listeners = new Set<TransportListener>();
  protected current: TransportState;

  constructor(initial: TransportState) {
    this.current = initial;
  }

  state(): TransportState {
    return this.current;
  }

  onChange(listener: TransportListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected set(next: TransportState, reason: TransportReason): void {
    this.current = next;
    for (const l of [...this.listeners]) l(next, reason);
  }
}
