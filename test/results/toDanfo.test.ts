import { describe, it, expect, vi, afterEach } from 'vitest';
import { openDuckDb } from '../../src/engine/index.js';
import { kaplanMeier } from '../../src/estimate/kaplanMeier.js';
import { aalenJohansen } from '../../src/estimate/aalenJohansen.js';
import { incidenceRates } from '../../src/estimate/incidenceRates.js';
import { readAnalysisColumns } from '../../src/followup/buildAnalysisTable.js';
import { summarisedRow } from '../../src/results/index.js';
import { danfoColumns, toDanfo } from '../../src/results/toDanfo.js';
import { CohorteError } from '../../src/messages/index.js';

// Frames as plain rows, to compare with values worked out by hand.
const rowsOf = (df: { columns: string[]; values: unknown[][] }) => df.values.map((v) => Object.fromEntries(df.columns.map((c, j) => [c, v[j]])));

describe('toDanfo', () => {
  afterEach(() => {
    vi.doUnmock('danfojs');
    vi.resetModules();
  });

  it('turns summarised rows into a frame, one column per field', async () => {
    const rows = [
      summarisedRow({ result_id: 1, variable_name: 'persons', estimate_name: 'count', estimate_type: 'integer', value: 120 }),
      summarisedRow({ result_id: 1, variable_name: 'events', estimate_name: 'count', estimate_type: 'integer', value: 14 }),
    ];
    const df = await toDanfo(rows);
    expect(df.shape).toEqual([2, Object.keys(rows[0]!).length]);
    expect(df.columns).toEqual(Object.keys(rows[0]!));
    expect(rowsOf(df).map((r) => [r.variable_name, r.estimate_value])).toEqual([
      ['persons', '120'],
      ['events', '14'],
    ]);
  });

  it('fills keys missing from some rows with null and writes dates as ISO days, objects as JSON', async () => {
    const df = await toDanfo([{ a: 1, d: new Date(Date.UTC(2020, 1, 3)) }, { a: 2, b: 'x', o: { k: 1 } }]);
    expect(df.columns).toEqual(['a', 'd', 'b', 'o']);
    expect(df.values).toEqual([
      [1, '2020-02-03', null, null],
      [2, null, 'x', '{"k":1}'],
    ]);
  });

  it('lays a Kaplan-Meier result out one row per stratum and time', async () => {
    // time 1, 2, 2, 3; events 1, 1, 0, 1: S = 3/4 at 1, 3/4 × 2/3 = 1/2 at 2, 0 at 3.
    const km = kaplanMeier({ time: [1, 2, 2, 3], event: [1, 1, 0, 1] }, { time: 'time', event: 'event' });
    const df = await toDanfo(km);
    expect(df.columns).toEqual(['stratum', 'time', 'nRisk', 'nEvent', 'nCensor', 'surv', 'stdErr', 'lower', 'upper']);
    const rows = rowsOf(df);
    expect(rows.map((r) => [r.stratum, r.time, r.nRisk, r.nEvent, r.nCensor])).toEqual([
      ['all', 1, 4, 1, 0],
      ['all', 2, 3, 1, 1],
      ['all', 3, 1, 1, 0],
    ]);
    expect(rows.map((r) => r.surv as number)).toEqual([0.75, 0.5, 0].map((x) => expect.closeTo(x, 12)));
  });

  it('keeps each stratum of a stratified Kaplan-Meier result', async () => {
    const km = kaplanMeier({ time: [1, 2, 3, 4], event: [1, 0, 1, 1], arm: ['a', 'a', 'b', 'b'] }, { time: 'time', event: 'event', strata: 'arm' });
    const rows = rowsOf(await toDanfo(km));
    expect(rows.map((r) => [r.stratum, r.time, r.surv])).toEqual([
      ['arm=a', 1, 0.5],
      ['arm=a', 2, 0.5],
      ['arm=b', 3, 0.5],
      ['arm=b', 4, 0],
    ]);
  });

  it('lays an Aalen-Johansen result out one row per stratum, cause and time', async () => {
    // time 1, 2, 3; cause 1 at 1 (1/3), cause 2 at 2 (2/3 × 1/2 = 1/3), censored at 3.
    const aj = aalenJohansen({ time: [1, 2, 3], event: [1, 2, 0] }, { time: 'time', event: 'event' });
    const rows = rowsOf(await toDanfo(aj));
    expect(rows.map((r) => [r.stratum, r.cause, r.time, r.nRisk, r.nEvent])).toEqual([
      ['all', 1, 1, 3, 1],
      ['all', 1, 2, 2, 0],
      ['all', 1, 3, 1, 0],
      ['all', 2, 1, 3, 0],
      ['all', 2, 2, 2, 1],
      ['all', 2, 3, 1, 0],
    ]);
    expect(rows.map((r) => r.cumulativeIncidence as number)).toEqual([1 / 3, 1 / 3, 1 / 3, 0, 1 / 3, 1 / 3].map((x) => expect.closeTo(x, 12)));
  });

  it('spreads the strata of an incidence result into columns', async () => {
    const ir = incidenceRates({ events: [1, 0, 1], years: [1, 2, 1], arm: ['a', 'a', 'b'] }, { events: 'events', personTime: 'years', strata: ['arm'], per: 1000 });
    const rows = rowsOf(await toDanfo(ir));
    expect(rows.map((r) => [r.arm, r.label, r.events, r.personTime])).toEqual([
      ['a', 'arm=a', 1, 3],
      ['b', 'arm=b', 1, 1],
    ]);
    expect(rows.map((r) => r.rate as number)).toEqual([expect.closeTo(1000 / 3, 9), expect.closeTo(1000, 9)]);
  });

  it("takes an analysis table's typed columns as they are read from the engine", async () => {
    const engine = await openDuckDb();
    try {
      await engine.run(
        `CREATE TABLE analysis AS SELECT * FROM (VALUES ('p2', DATE '2020-01-05', 30, 1, 1, 31), ('p1', DATE '2020-01-01', 365, 0, 0, 365)) ` +
          `AS t(person_id, index_date, time, status, outcome, person_days)`,
      );
      const cols = await readAnalysisColumns(engine, 'analysis');
      expect(cols.time).toBeInstanceOf(Float64Array);
      const df = await toDanfo(cols);
      expect(df.columns).toEqual(['time', 'status', 'outcome', 'person_days']);
      // Ordered by person_id: p1 first.
      expect(df.values).toEqual([
        [365, 0, 0, 365],
        [30, 1, 1, 31],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('gives an empty frame for no rows', async () => {
    expect((await toDanfo([])).shape).toEqual([0, 0]);
    expect((await toDanfo({ a: [], b: [] })).columns).toEqual(['a', 'b']);
  });

  it('rejects what it cannot lay out, naming the column', () => {
    expect(() => danfoColumns({ a: [1, 2], b: [1] })).toThrow(/column 'b' has 1 values, the others 2/);
    expect(() => danfoColumns({ a: 3 } as never)).toThrow(/'a' is not an array/);
    expect(() => danfoColumns('x' as never)).toThrow(CohorteError);
  });

  it('throws a CohorteError saying how to install danfojs when it is missing', async () => {
    vi.doMock('danfojs', () => {
      throw new Error("Cannot find package 'danfojs'");
    });
    vi.resetModules();
    const fresh = await import('../../src/results/toDanfo.js');
    const err = await fresh.toDanfo([{ a: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as CohorteError).name).toBe('CohorteError');
    expect((err as CohorteError).code).toBe('optional-dependency-missing');
    expect((err as Error).message).toMatch(/npm install danfojs/);
  });
});
