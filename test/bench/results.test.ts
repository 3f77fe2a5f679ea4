import { benchBars, pseudoLabelFallback, tableRows } from '../../bench/results';

const IDENTIFY = `Measured ...

| query (20 s) | queries | identified (top 1) | in top 5 | mean rank | onset F1 of its notes |
| --- | --- | --- | --- | --- | --- |
| (a) true MIDI segment, SoundFont | 10 | 100.0% | 100.0% | 1.0 | 1.000 |
| (b') same, Video2Roll alone (Roll2Midi off), SoundFont | 10 | 90.0% | 100.0% | 1.0 | 0.823 |
| (e) white noise | 10 | 0.0% | 0.0% | 78.0 | - |
| chance (172 references) | - | 0.6% | 2.9% | 86.5 | - |
`;
const REAL = `| clip | video2roll | roll2midi | frame F1 micro 88 | micro 51 | sample-avg 88 | sample-avg 51 | note onset P / R / F1 (50 ms) | notes est / ref | x real time |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| clipA | v2r@1 | none | 0.286 | 0.286 | 0.294 | 0.294 | 0.273 / 0.273 / 0.273 | 33 / 33 | 2.1 |
| clipA | v2r@1 | r2m@1 | 0.245 | 0.245 | 0.276 | 0.276 | 0.250 / 0.212 / 0.230 | 28 / 33 | 2.1 |
`;

describe('results page bars from the bench tables', () => {
  it('reads Markdown table body rows', () => {
    const rows = tableRows(REAL);
    expect(rows).toHaveLength(2);
    expect(rows[1]![2]).toBe('r2m@1');
  });

  it('takes the lettered identification rows (not chance) and the default models’ real-clip row', () => {
    const bars = benchBars(IDENTIFY, REAL, { video2roll: 'v2r@1', roll2midi: 'r2m@1' });
    const ident = bars.filter((b) => b.group === 'identification (video)');
    expect(ident.map((b) => b.value)).toEqual([1, 0.9, 0]);
    expect(ident.map((b) => b.label)).toEqual(['identified, from video: (a) true MIDI segment', "identified, from video: (b') Video2Roll alone", 'identified, from video: (e) white noise']);
    const real = bars.filter((b) => b.group === 'real clips');
    expect(real.map((b) => b.value)).toEqual([0.245, 0.23]);
  });

  it('gives no bars without tables', () => {
    expect(benchBars(undefined, undefined, {})).toEqual([]);
  });
});

describe('results page: pseudo-label section without cached activations', () => {
  it('copies the decoder table of docs/pseudo-labels.md, and only that block', () => {
    const doc = '# Pseudo labels\n\nSome text.\n\n| decoder | onset F1 |\n| --- | --- |\n| tuned | 0.744 |\n\n| other | x |\n| --- | --- |\n';
    const md = pseudoLabelFallback(doc);
    expect(md).toContain('| tuned | 0.744 |');
    expect(md).not.toContain('| other |');
    expect(md).not.toContain('Some text');
  });

  it('says it skipped when the doc or its table is missing', () => {
    for (const doc of [undefined, '# Pseudo labels\n\nNo table yet.\n']) expect(pseudoLabelFallback(doc)).toMatch(/Skipped: no cached basic-pitch activations/);
  });
});
