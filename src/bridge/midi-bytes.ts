/** MIDI 1.0 channel messages (pure). Channels are 1..16. */
function status(base: number, channel: number): number {
  if (!Number.isInteger(channel) || channel < 1 || channel > 16) throw new RangeError(`MIDI channel ${channel} is out of range; expected 1..16`);
  return base | (channel - 1);
}
const data7 = (x: number): number => Math.max(0, Math.min(127, Math.round(x)));

export const noteOnBytes = (channel: number, pitch: number, velocity: number): number[] => [status(0x90, channel), data7(pitch), Math.max(1, data7(velocity))];
export const noteOffBytes = (channel: number, pitch: number): number[] => [status(0x80, channel), data7(pitch), 0];
export const controlChangeBytes = (channel: number, controller: number, value: number): number[] => [status(0xb0, channel), data7(controller), data7(value)];
/** CC 123 All Notes Off. */
export const allNotesOffBytes = (channel: number): number[] => controlChangeBytes(channel, 123, 0);
