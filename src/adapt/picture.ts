/**
 * The picture an adaptation leaves in its model folder (heldout.png): for the held-out part of each take, the notes
 * of the base model ("before") and of the adapted one ("after") over the labels, in the overlay colours of
 * `audeo eval` (black: right, red: missed, blue: false alarm). Pure drawing.
 */
import type { NoteEvent } from '../core/types';
import { Image } from '../io/png';
import { notesToBinaryRoll } from '../label/roll';
import { drawText } from '../viz/bar-chart';
import { drawOverlayPicture } from '../viz/overlay-png';

export interface HeldOutPart {
  readonly title: string;
  readonly fromSec: number;
  readonly toSec: number;
  readonly before: readonly NoteEvent[];
  readonly after: readonly NoteEvent[];
  readonly reference: readonly NoteEvent[];
}

const TITLE_PX = 26;

export function heldOutPicture(parts: readonly HeldOutPart[], fps = 25): Image {
  const panels: { title: string; image: Image }[] = [];
  for (const p of parts) {
    const frames = Math.max(1, Math.ceil((p.toSec - p.fromSec) * fps));
    const inside = (notes: readonly NoteEvent[]): NoteEvent[] => notes.filter((n) => n.onsetSec >= p.fromSec && n.onsetSec < p.toSec);
    const roll = (notes: readonly NoteEvent[]) => notesToBinaryRoll(inside(notes), { fps, frames, startSec: p.fromSec });
    const ref = roll(p.reference);
    const pxPerFrame = Math.max(2, Math.min(12, Math.floor(1200 / frames)));
    panels.push({ title: `${p.title}: before (base model)`, image: drawOverlayPicture(roll(p.before), ref, { maxWidth: 1600, pxPerFrame }) });
    panels.push({ title: `${p.title}: after (adapted)`, image: drawOverlayPicture(roll(p.after), ref, { maxWidth: 1600, pxPerFrame }) });
  }
  const width = Math.max(400, ...panels.map((x) => x.image.width));
  const height = panels.reduce((a, x) => a + TITLE_PX + x.image.height, 0);
  const out = new Image(width, Math.max(1, height));
  let y = 0;
  for (const { title, image } of panels) {
    drawText(out, 6, y + 6, title.slice(0, Math.floor((width - 12) / 12)), [20, 20, 20]);
    y += TITLE_PX;
    for (let r = 0; r < image.height; r++) out.data.set(image.data.subarray(r * image.width * 3, (r + 1) * image.width * 3), ((y + r) * width) * 3);
    y += image.height;
  }
  return out;
}
