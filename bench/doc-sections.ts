/**
 * Generated sections of a Markdown page: the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` belongs to
 * whatever generates NAME (a test or a bench); everything else on the page is written by hand.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, from a source or a compiled file below it. */
export function repoRoot(from = __dirname): string {
  let d = from;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(d, 'package.json')) && existsSync(path.join(d, 'samples'))) return d;
    d = path.dirname(d);
  }
  return process.cwd();
}

export const RELIABILITY_DOC = path.join(repoRoot(), 'docs', 'reliability.md');

const markers = (name: string): [string, string] => [`<!-- ${name}:begin -->`, `<!-- ${name}:end -->`];

/** The body of section `name` (without its markers), or undefined when the page has none. */
export function readSection(text: string, name: string): string | undefined {
  const [b, e] = markers(name);
  const i = text.indexOf(b);
  const j = text.indexOf(e);
  if (i < 0 || j < i) return undefined;
  return text.slice(i + b.length, j).replace(/^\n/, '').replace(/\n$/, '');
}

/** `text` with section `name`'s body replaced by `body`; throws when the page has no such section. */
export function replaceSection(text: string, name: string, body: string): string {
  const [b, e] = markers(name);
  const i = text.indexOf(b);
  const j = text.indexOf(e);
  if (i < 0 || j < i) throw new Error(`no section ${b} ... ${e} in the page; expected both markers, in that order`);
  return `${text.slice(0, i + b.length)}\n${body.replace(/\n$/, '')}\n${text.slice(j)}`;
}

/** Rewrites section `name` of `file` in place. */
export function writeSection(file: string, name: string, body: string): void {
  writeFileSync(file, replaceSection(readFileSync(file, 'utf8'), name, body));
}
