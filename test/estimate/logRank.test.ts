import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as aq from 'arquero';
import fc from 'fast-check';
import { logRank, type LogRankResult } from '../../src/estimate/logRank.js';
import { CohorteError } from '../../src/messages/index.js';
import { tabulation } from '../../src/estimate/survivalTable.js';
import { expectAllClose, expectClose, readSharedJson, sharedDir } from '../helpers/approx.js';

/** A JSON file written by one of the test/reference/*.R scripts. */
function readRef(name: string): any {
  return JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));
}

/** survival's lung data as shared in /work/shared/reference/lung.csv (empty cell = missing). */
function readLung(): Record<string, Array<number | null>> {
  const [head, ...lines] = readFileSync(sharedDir + 'reference/lung.csv', 'utf8').trim().split('\n');
  const names = head!.split(',').map((s) => s.replace(/"/g, ''));
  const cols: Record<string, Array<number | null>> = Object.fromEntries(names.map((n) => [n, []]));
  for (const line of lines) line.split(',').forEach((v, j) => cols[names[j]!]!.push(v === '' ? null : Number(v)));
  return cols;
}

/** Everything survdiff reports, from the logrank-common.R list. */
function expectSurvdiff(res: LogRankResult, ref: any, label: string): void {
  expect(res.groups, `${label} groups`).toEqual(ref.groups);
  expect(res.n, `${label} n`).toEqual(ref.n);
  expectAllClose(res.observed, ref.observed, `${label} observed`);
  expectAllClose(res.expected, ref.expected, `${label} expected`);
  expectAllClose(res.variance.flat(), (ref.variance as number[][]).flat(), `${label} variance`);
  expectClose(res.chisq, ref.chisq, `${label} chisq`);
  expect(res.df, `${label} df`).toBe(ref.df);
  expectClose(res.p, ref.p, `${label} p`);
  expect(res.nMissing, `${label} nMissing`).toBe(ref.n_missing);
  if (ref.strata && ref.strata.n) expect(res.strata!.map((s) => s.n), `${label} strata n`).toEqual(ref.strata.n);
}

describe('logRank against R survival 3.5.3', () => {
  it('survdiff(Surv(time, event) ~ sex, data = lung)', () => {
    const ref = readSharedJson('reference/lung.json').logrank_by_sex;
    const res = logRank(readLung(), { time: 'time', event: 'event', group: 'sex' });
    expect(res.groups).toEqual(['sex=1', 'sex=2']);
    expectAllClose(res.observed, ref.observed, 'observed');
    expectAllClose(res.expected, ref.expected, 'expected');
    expectClose(res.chisq, ref.chisq, 'chisq');
    expect(res.df).toBe(ref.df);
    expectClose(res.p, ref.p, 'p');
    expect(res.strata).toBeNull();
  });

  it('3 groups: survdiff(Surv(time, event) ~ agegrp, data = d)', () => {
    const r = readRef('logrank-groups.json');
    expectSurvdiff(logRank(r.data, { time: 'time', event: 'event', group: 'agegrp' }), r.agegrp, 'agegrp');
  });

  it('4 groups, one of a single subject: survdiff(Surv(time, event) ~ ph_ecog, data = d)', () => {
    const r = readRef('logrank-groups.json');
    expectSurvdiff(logRank(r.data, { time: 'time', event: 'event', group: 'ph_ecog' }), r.ecog, 'ecog');
  });

  it('small tied case with a near-tie (2 + 1e-10): survdiff(Surv(time, event) ~ g, data = s)', () => {
    const r = readRef('logrank-groups.json');
    expectSurvdiff(logRank(r.small_data, { time: 'time', event: 'event', group: 'g' }), r.small_3, 'small');
  });

  it('stratified: survdiff(Surv(time, event) ~ sex + strata(ph_ecog), data = d)', () => {
    const r = readRef('logrank-strata.json');
    const res = logRank(r.data, { time: 'time', event: 'event', group: 'sex', strata: 'ph_ecog' });
    expectSurvdiff(res, r.sex_strata_ecog, 'strata(ph_ecog)');
    expect(res.strata!.map((s) => s.label)).toEqual(['ph_ecog=0', 'ph_ecog=1', 'ph_ecog=2', 'ph_ecog=3']);
  });

  it('stratified by two variables: survdiff(Surv(time, event) ~ sex + strata(ph_ecog, old), data = d)', () => {
    const r = readRef('logrank-strata.json');
    const res = logRank(r.data, { time: 'time', event: 'event', group: 'sex', strata: ['ph_ecog', 'old'] });
    expectSurvdiff(res, r.sex_strata_ecog_old, 'strata(ph_ecog, old)');
    expect(res.strata!.map((s) => s.label)).toEqual(r.sex_strata_ecog_old.strata.labels);
  });

  it('small stratified case: survdiff(Surv(time, event) ~ arm + strata(site), data = s)', () => {
    const r = readRef('logrank-strata.json');
    expectSurvdiff(logRank(r.small_data, { time: 'time', event: 'event', group: 'arm', strata: 'site' }), r.small_strata, 'small strata');
  });
});

describe('logRank: hand-derived cases', () => {
  // Group A: 1e 3e; group B: 2e 3c 4e (unsorted, plus a row with a missing group).
  //   t  at risk (A, B)  d  E_A    E_B    V = d (n-d)/(n-1) * nA nB / n^2
  //   1  5 (2, 3)        1  2/5    3/5    1 * 4/4 * 6/25 = 6/25
  //   2  4 (1, 3)        1  1/4    3/4    1 * 3/3 * 3/16 = 3/16
  //   3  3 (1, 2)        1  1/3    2/3    1 * 2/2 * 2/9  = 2/9   (B's censoring at 3 is still at risk)
  //   4  1 (0, 1)        1  0      1      n = 1: no variance
  // O = (2, 2), E = (59/60, 181/60), V_AA = 6/25 + 3/16 + 2/9 = 2339/3600,
  // chisq = (O_B - E_B)^2 / V = (61/60)^2 / (2339/3600) = 3721/2339.
  const data = [
    { t: 3, e: 1, g: 'A' },
    { t: 4, e: 1, g: 'B' },
    { t: 1, e: 1, g: 'A' },
    { t: 3, e: 0, g: 'B' },
    { t: 2, e: true, g: 'B' },
    { t: 2, e: 1, g: null },
  ];

  it('two groups with a censoring at an event time', () => {
    const res = logRank(data, { time: 't', event: 'e', group: 'g' });
    expect(res.nMissing).toBe(1);
    expect(res.groups).toEqual(['g=A', 'g=B']);
    expect(res.n).toEqual([2, 3]);
    expect(res.observed).toEqual([2, 2]);
    expectAllClose(res.expected, [59 / 60, 181 / 60]);
    expectAllClose(res.variance.flat(), [2339 / 3600, -2339 / 3600, -2339 / 3600, 2339 / 3600]);
    expectClose(res.chisq, 3721 / 2339);
    expect(res.df).toBe(1);
    // R: print(pchisq(3721/2339, 1, lower.tail = FALSE), digits = 16)
    expectClose(res.p, 0.2072046216443403, 'p');
  });

  it('stratified: expected and variance within strata, then summed', () => {
    // Stratum x: A 1e, B 2e.  t=1: n=2 (1,1), d=1: E = (1/2, 1/2), V = 1*1/1 * 1/4 = 1/4; t=2: n=1, E_B += 1.
    // Stratum y: A 2e, B 1e 3c.  t=1: n=3 (1,2), d=1: E = (1/3, 2/3), V = 1*2/2 * 2/9 = 2/9;
    //   t=2: n=2 (1,1), d=1: E = (1/2, 1/2), V = 1/4; t=3: no death.
    // O = (2, 2), E = (4/3, 8/3), V = 1/4 + 2/9 + 1/4 = 13/18, chisq = (2/3)^2 / (13/18) = 8/13.
    const rows = {
      t: [1, 2, 2, 1, 3],
      e: [1, 1, 1, 1, 0],
      arm: ['A', 'B', 'A', 'B', 'B'],
      site: ['x', 'x', 'y', 'y', 'y'],
    };
    const res = logRank(rows, { time: 't', event: 'e', group: 'arm', strata: 'site' });
    expectAllClose(res.observed, [2, 2]);
    expectAllClose(res.expected, [4 / 3, 8 / 3]);
    expectClose(res.variance[0]![0]!, 13 / 18);
    expectClose(res.chisq, 8 / 13);
    expect(res.strata).toEqual([{ label: 'site=x', n: 2 }, { label: 'site=y', n: 3 }]);
    // the same rows from an Arquero table
    expect(logRank(aq.table(rows), { time: 't', event: 'e', group: 'arm', strata: 'site' })).toEqual(res);
  });

  it('a group with no expected events is left out of the test (df counts groups with E > 0)', () => {
    // Group C's only row is censored at time 0.5, before any event: E_C = 0, so df = 1 as in survdiff.
    const res = logRank({ t: [1, 2, 3, 0.5], e: [1, 1, 0, 0], g: ['A', 'B', 'A', 'C'] }, { time: 't', event: 'e', group: 'g' });
    expect(res.groups).toEqual(['g=A', 'g=B', 'g=C']);
    expect(res.expected[2]).toBe(0);
    expect(res.df).toBe(1);
  });

  it('rejects a single group and bad input', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(CohorteError);
        return (e as CohorteError).code;
      }
      return 'no error';
    };
    expect(code(() => logRank({ t: [1, 2], e: [1, 0], g: [1, 1] }, { time: 't', event: 'e', group: 'g' }))).toBe('logrank-one-group');
    expect(code(() => logRank({ t: [1, -2], e: [1, 0], g: [1, 2] }, { time: 't', event: 'e', group: 'g' }))).toBe('negative-time');
    expect(code(() => logRank({ t: [1, 2], e: [1, 3], g: [1, 2] }, { time: 't', event: 'e', group: 'g' }))).toBe('bad-event-code');
    // all deaths at one time when everyone dies: V = 0 -> singular, as R's solve()
    expect(code(() => logRank({ t: [1, 1], e: [1, 1], g: [1, 2] }, { time: 't', event: 'e', group: 'g' }))).toBe('logrank-singular');
  });
});

describe('logRank: properties', () => {
  const record = fc.record({
    t: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.double({ min: 0, max: 30, noNaN: true })),
    e: fc.boolean(),
    g: fc.integer({ min: 0, max: 2 }),
    s: fc.integer({ min: 0, max: 1 }),
  });
  // At least two groups and one event, so the test is defined.
  const rowsArb = fc.array(record, { minLength: 4, maxLength: 50 }).filter((rows) => new Set(rows.map((r) => r.g)).size >= 2 && rows.some((r) => r.e));
  const run = (rows: unknown[], strata: boolean) => {
    try {
      return logRank(rows as never, { time: 't', event: 'e', group: 'g', strata: strata ? 's' : undefined });
    } catch (e) {
      if ((e as CohorteError).code === 'logrank-singular') return null; // a degenerate draw
      throw e;
    }
  };

  it('sum of observed = sum of expected; variance rows sum to 0; chisq >= 0; p in [0, 1]', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, strata) => {
        const res = run(rows, strata);
        if (!res) return;
        const o = res.observed.reduce((a, b) => a + b, 0);
        const e = res.expected.reduce((a, b) => a + b, 0);
        expectClose(e, o, 'sum E', 1e-9, 1e-9);
        for (const row of res.variance) expect(Math.abs(row.reduce((a, b) => a + b, 0))).toBeLessThan(1e-9);
        expect(res.chisq).toBeGreaterThanOrEqual(-1e-12);
        expect(res.p).toBeGreaterThanOrEqual(0);
        expect(res.p).toBeLessThanOrEqual(1);
        expect(res.n.reduce((a, b) => a + b, 0)).toBe(rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('dense stratum x time x group table and sorted rows give identical results', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), (rows, strata) => {
        try {
          tabulation.force = 'dense';
          const a = run(rows, strata);
          tabulation.force = 'sorted';
          expect(run(rows, strata)).toEqual(a);
        } finally {
          tabulation.force = null;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('permuting the rows does not change the result beyond rounding', () => {
    fc.assert(
      fc.property(
        rowsArb.chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
        fc.boolean(),
        ([rows, shuffled], strata) => {
          const a = run(rows, strata);
          const b = run(shuffled, strata);
          if (!a || !b) return;
          expect(b.groups).toEqual(a.groups);
          expect(b.observed).toEqual(a.observed);
          // rel 1e-9 / abs 1e-12: the per-time sums are the same, only their float order may differ
          expectAllClose(b.expected, a.expected, 'E', 1e-9, 1e-12);
          expectClose(b.chisq, a.chisq, 'chisq', 1e-9, 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});
