/**
 * The reliability table (issue 20): bad inputs and bad conditions, tried by test/cli/reliability-rows.ts in a child
 * Node process (each made there, each run through the CLI); every row must be handled cleanly, and the table is the
 * `inputs` section of docs/reliability.md, beside the exit codes of src/core/errors.ts in its `exit-codes` section.
 * AUDEO_WRITE_DOCS=1 rewrites both sections; without it the test fails when the page differs from what it produces.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_CODES } from '../../src/core/errors';
import { readSection, RELIABILITY_DOC, replaceSection } from '../../bench/doc-sections';
import { runTs, tmpDir } from '../render/helpers';
import type { RowResult } from './reliability-rows';

const esc = (s: string): string => s.replace(/\|/g, '\\|');

/** The `inputs` section: the count handled cleanly, then one row per input or condition. */
function inputsTable(rows: readonly RowResult[]): string {
  const clean = rows.filter((r) => r.clean).length;
  return [
    `**${clean} of ${rows.length} inputs and conditions handled cleanly.**`,
    '',
    '| # | input or condition | command | exit | what the user gets (the one line) | clean |',
    '| ---: | --- | --- | ---: | --- | :---: |',
    ...rows.map((r, i) => `| ${i + 1} | ${esc(r.what)} | \`${esc(r.command)}\` | ${r.exit} | ${esc(r.line)} | ${r.clean ? 'yes' : `**no**: ${esc(r.why.join('; '))}`} |`),
  ].join('\n');
}

/** The `exit-codes` section, from EXIT_CODES. */
function exitCodesTable(): string {
  return ['| exit | name | cause |', '| ---: | --- | --- |', ...EXIT_CODES.map((e) => `| ${e.code} | ${e.name} | ${esc(e.cause)} |`)].join('\n');
}

describe('the reliability table (docs/reliability.md)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tmpDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('tries every input and condition; each is handled cleanly; the page shows what the runs printed', async () => {
    const out = path.join(dir, 'rows.json');
    const r = await runTs(path.join(__dirname, 'reliability-rows.ts'), [out], { timeoutMs: 240_000 });
    expect({ code: r.code, err: r.code === 0 ? '' : r.err }).toEqual({ code: 0, err: '' });
    const rows = JSON.parse(fs.readFileSync(out, 'utf8')) as RowResult[];
    expect(rows.length).toBeGreaterThan(40);
    const table = inputsTable(rows);
    const exitCodes = exitCodesTable();
    if (process.env.AUDEO_WRITE_DOCS === '1') {
      const text = fs.readFileSync(RELIABILITY_DOC, 'utf8');
      fs.writeFileSync(RELIABILITY_DOC, replaceSection(replaceSection(text, 'inputs', table), 'exit-codes', exitCodes));
    }
    expect(rows.filter((x) => !x.clean).map((x) => `${x.what}: ${x.why.join('; ')}`)).toEqual([]);
    const doc = fs.readFileSync(RELIABILITY_DOC, 'utf8');
    const hint = 'docs/reliability.md differs from what the suite produces: run AUDEO_WRITE_DOCS=1 npx jest test/cli/reliability-table';
    expect({ hint, section: readSection(doc, 'exit-codes') }).toEqual({ hint, section: exitCodes });
    expect({ hint, section: readSection(doc, 'inputs') }).toEqual({ hint, section: table });
  }, 300_000);
});
