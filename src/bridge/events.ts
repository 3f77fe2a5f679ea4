/**
 * What the bridge's scheduler sends to sinks. Times are seconds on the video's own timeline (`timeSec`);
 * channels are 1..16 as musicians count them.
 */
export interface NoteOnEvent {
  readonly kind: 'noteOn';
  readonly timeSec: number;
  readonly pitch: number;
  readonly velocity: number;
  readonly channel: number;
}
export interface NoteOffEvent {
  readonly kind: 'noteOff';
  readonly timeSec: number;
  readonly pitch: number;
  readonly channel: number;
}
/** The playhead, sent at a fixed rate while running (OSC /audeo/time). */
export interface TimeEvent {
  readonly kind: 'time';
  readonly timeSec: number;
}
/** One frame of a raw probability roll (OSC /audeo/roll). */
export interface RollFrameEvent {
  readonly kind: 'roll';
  readonly timeSec: number;
  readonly frame: number;
  readonly lowestMidi: number;
  readonly values: Float32Array;
}
/** Raw MIDI bytes on the timecode stream (MTC quarter frames, full frames). */
export interface MtcBytesEvent {
  readonly kind: 'mtc';
  readonly timeSec: number;
  readonly bytes: readonly number[];
}
/** One MIDI Timing Clock pulse (24 per quarter note of the tempo map; `--midi-clock`). */
export interface ClockPulseEvent {
  readonly kind: 'clock';
  readonly timeSec: number;
  /** Pulses since the map's beat 0. */
  readonly pulse: number;
}
/** Transport changes: play (with the position), stop, locate. */
export interface TransportEvent {
  readonly kind: 'transport';
  readonly timeSec: number;
  readonly state: 'play' | 'stop' | 'locate';
  /** The run's last transport (a stop from Scheduler.halt): nothing follows it. */
  readonly final?: boolean;
}

export type SinkEvent = NoteOnEvent | NoteOffEvent | TimeEvent | RollFrameEvent | MtcBytesEvent | ClockPulseEvent | TransportEvent;
export type SinkEventKind = SinkEvent['kind'];

/** A note already mapped by the preset (channel 1..16, pitch 0..127, velocity 1..127). */
export interface MappedNote {
  readonly pitch: number;
  readonly onsetSec: number;
  readonly offsetSec: number;
  readonly velocity: number;
  readonly channel: number;
}

export const noteKey = (channel: number, pitch: number): number => channel * 128 + pitch;
