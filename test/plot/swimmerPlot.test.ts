import { describe, expect, it } from 'vitest';
import { compileVega } from '../../src/plot/render.js';
import { swimmerPersonFromTimeline, swimmerPlot } from '../../src/plot/swimmerPlot.js';
import { swimmerFixture, timelineFixture } from './fixtures.js';
import { expectGoldenJson } from './golden.js';

type Row = { person: string; kind: string; x: number; x2?: number; track?: string; text?: string };
type Spec = { description: string; layer: Array<{ mark: { type: string }; data: { values: Row[] } }>; encoding: { x: { axis?: { values: number[] } } } };
const spec = (s: unknown) => s as Spec;
const rows = (s: unknown, type: string) => spec(s).layer.filter((l) => l.mark.type === type).flatMap((l) => l.data.values);
const show = (r: Row) => `${r.person} ${r.kind} ${r.x}${r.x2 === undefined ? '' : `-${r.x2}`}`;

describe('swimmerPlot', () => {
  it('matches the golden spec, compiles without warnings, and is marked person-level', () => {
    const s = swimmerPlot(swimmerFixture(), { title: 'Two persons' });
    expectGoldenJson('swimmerPlot', s);
    expect(compileVega(s).warnings).toEqual([]);
    expect(spec(s).description).toMatch(/^PERSON-LEVEL/);
    expect(spec(s).description).toContain('secure platform');
  });

  it('days since index: episodes and stays as bars to the day after their last day, dispensings, ticks', () => {
    const s = swimmerPlot(swimmerFixture());
    // P001, index 2015-03-01: 2015-04-02 = day 32, 2015-06-03 = day 94, 2015-09-01 = day 184,
    // 2015-09-30 = 213; 2016 is a leap year: 2016-06-28 = 485, 2016-06-30 = 487, 2016-07-05 = 492.
    // P002, index 2015-07-15: 2015-08-14 = 30, 2015-09-12 = 59, 2016-01-10 = 179.
    expect(rows(s, 'bar').map(show)).toEqual([
      'P001 Exposure: statin 0-95',
      'P001 Exposure: statin 184-214',
      'P001 Hospital stay 485-493',
      'P002 Exposure: statin 0-60',
    ]);
    expect(rows(s, 'point').map(show)).toEqual(['P001 Dispensing 0', 'P001 Dispensing 32', 'P001 Dispensing 65', 'P001 Dispensing 184', 'P002 Dispensing 0', 'P002 Dispensing 30']);
    expect(rows(s, 'tick').map(show)).toEqual(['P001 Index date 0', 'P001 End of follow-up 487', 'P002 Index date 0', 'P002 End of follow-up 179', 'P002 Death 179']);
    expect(rows(s, 'text').map((r) => `${r.person} ${r.text} ${r.x}`)).toEqual(['P001 outcome 487', 'P002 death 179']);
  });

  it('from a personTimeline record: index, follow-up and episodes from the study tables; no other ids in the spec', () => {
    const t = timelineFixture();
    const lane = swimmerPersonFromTimeline(t);
    expect(lane).toEqual({
      personId: 'P003',
      indexDate: '2016-02-01',
      endOfFollowUp: '2016-05-01',
      endReason: 'outcome',
      death: null,
      dispensings: [
        { date: '2016-02-01', drug: 'C10AA05' },
        { date: '2016-03-02', drug: 'C10AA05' },
        { date: '2016-03-10', drug: 'N02BE01' },
      ],
      episodes: [{ start: '2016-02-01', end: '2016-04-05', drug: 'statin' }],
      stays: [{ admission: '2016-05-01', discharge: '2016-05-04' }],
    });
    const s = swimmerPlot([t], { atcPrefixes: ['C10'] });
    // Index 2016-02-01 (February 2016 has 29 days): 2016-03-02 = 30, 2016-04-05 = 64, 2016-05-01 = 90, 2016-05-04 = 93.
    expect(rows(s, 'point').map(show)).toEqual(['P003 Dispensing 0', 'P003 Dispensing 30']);
    expect(rows(s, 'bar').map(show)).toEqual(['P003 Exposure: statin 0-65', 'P003 Hospital stay 90-94']);
    const json = JSON.stringify(s);
    for (const other of ['STAY-XYZ-123', 'ER_PHA_F', 'T_MCO_B', 'IR_BEN_R', '3400930000001', 'source_row', '9001', 'stay_id', 'I21']) expect(json).not.toContain(other);
    // Every person field in the data is the given id.
    expect(new Set(spec(s).layer.flatMap((l) => l.data.values.map((r) => r.person)))).toEqual(new Set(['P003']));
  });

  it('episode rows given as an option: only the person’s own are used', () => {
    const [p1] = swimmerFixture();
    const s = swimmerPlot([{ ...p1!, episodes: [] }], {
      episodes: [
        { person_id: 'P001', drug: 'statin', start_date: '2015-03-01', end_date: '2015-03-30' },
        { person_id: 'P999', drug: 'statin', start_date: '2015-03-01', end_date: '2015-12-31' },
      ],
    });
    expect(rows(s, 'bar').map(show)).toEqual(['P001 Exposure: statin 0-30', 'P001 Hospital stay 485-493']);
    expect(JSON.stringify(s)).not.toContain('P999');
  });

  it('calendar alignment: days since 1970 labelled at month starts', () => {
    const s = swimmerPlot(swimmerFixture(), { align: 'calendar' });
    expect(compileVega(s).warnings).toEqual([]);
    // 2015-03-01 is day 16495 since 1970-01-01.
    expect(rows(s, 'tick')[0]).toMatchObject({ kind: 'Index date', x: 16495 });
    const ticks = spec(s).encoding.x.axis!.values.map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    // 2015-03-01 to 2016-08: 18 months -> a tick every 3 months, on calendar quarters.
    expect(ticks).toEqual(['2015-04-01', '2015-07-01', '2015-10-01', '2016-01-01', '2016-04-01', '2016-07-01']);
  });

  it('rejects index alignment without index dates, bad dates and duplicate persons', () => {
    expect(() => swimmerPlot([{ personId: 'A', dispensings: [{ date: '2015-01-01' }] }], { align: 'index' })).toThrow(/align/);
    expect(() => swimmerPlot([{ personId: 'A', dispensings: [{ date: '01/02/2015' }] }])).toThrow(/ISO 'YYYY-MM-DD'/);
    expect(() => swimmerPlot([{ personId: 'A', indexDate: '2015-01-01' }, { personId: 'A', indexDate: '2015-01-01' }])).toThrow(/distinct persons/);
  });
});
