import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as aq from 'arquero';
import fc from 'fast-check';
import { kaplanMeier, type KaplanMeierOptions, type KmStratum } from '../../src/estimate/kaplanMeier.js';
import { CohorteError } from '../../src/messages/index.js';
import { tabulation } from '../../src/estimate/survivalTable.js';
import { expectAllClose, expectClose, readSharedJson, sharedDir } from '../helpers/approx.js';

// --- reference helpers -------------------------------------------------------------------------

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

interface RefRow { strata: string; time: number; n_risk: number; n_event: number; n_censor: number; surv: number; std_err: number | null; lower: number | null; upper: number | null }

/** Every per-time column of every curve against summary.survfit's rows. */
function expectRows(strata: KmStratum[], rows: RefRow[], label: string): void {
  const labels = [...new Set(rows.map((r) => r.strata))];
  expect(strata.map((s) => s.label), `${label}: curves`).toEqual(labels);
  for (const s of strata) {
    const r = rows.filter((x) => x.strata === s.label);
    const l = `${label} ${s.label}`;
    expectAllClose(s.time, r.map((x) => x.time), `${l} time`);
    expectAllClose(s.nRisk, r.map((x) => x.n_risk), `${l} n.risk`);
    expectAllClose(s.nEvent, r.map((x) => x.n_event), `${l} n.event`);
    expectAllClose(s.nCensor, r.map((x) => x.n_censor), `${l} n.censor`);
    expectAllClose(s.surv, r.map((x) => x.surv), `${l} surv`);
    expectAllClose(s.stdErr, r.map((x) => x.std_err), `${l} std.err`);
    expectAllClose(s.lower, r.map((x) => x.lower), `${l} lower`);
    expectAllClose(s.upper, r.map((x) => x.upper), `${l} upper`);
  }
}

interface RefTable { strata: string; records: number; n: number; events: number; rmean: number; se_rmean: number; median: number | null; median_lower: number | null; median_upper: number | null }

/** Median with CI, restricted mean and its se, records and events against print.survfit's table. */
function expectTable(strata: KmStratum[], table: RefTable[], label: string): void {
  expect(strata.length, `${label}: curves`).toBe(table.length);
  strata.forEach((s, k) => {
    const t = table[k]!;
    const l = `${label} ${s.label}`;
    expect(s.label).toBe(t.strata);
    expect(s.n, `${l} records`).toBe(t.records);
    expectClose(s.events, t.events, `${l} events`);
    expectClose(s.median.estimate, t.median, `${l} median`);
    expectClose(s.median.lower, t.median_lower, `${l} median LCL`);
    expectClose(s.median.upper, t.median_upper, `${l} median UCL`);
    expectClose(s.rmst.estimate, t.rmean, `${l} rmean`);
    expectClose(s.rmst.stdErr, t.se_rmean, `${l} se(rmean)`);
  });
}

// --- R references ------------------------------------------------------------------------------

describe('kaplanMeier against R survival 3.5.3 (lung)', () => {
  const lung = readLung();
  const ref = readSharedJson('reference/lung.json');

  const lungCases: Array<[string, Partial<KaplanMeierOptions>, string]> = [
    // summary(survfit(Surv(time, event) ~ sex, data = lung), censored = TRUE); print(fit)
    ['km_by_sex_log', { strata: 'sex', confType: 'log' }, 'survfit(Surv(time, event) ~ sex, data = lung)'],
    // summary(survfit(Surv(time, event) ~ sex, data = lung, conf.type = "log-log"), censored = TRUE)
    ['km_by_sex_loglog', { strata: 'sex', confType: 'log-log' }, 'survfit(..., conf.type = "log-log")'],
    // summary(survfit(Surv(time, event) ~ 1, data = lung, conf.type = "plain"), censored = TRUE)
    ['km_all_plain', { confType: 'plain' }, 'survfit(Surv(time, event) ~ 1, data = lung, conf.type = "plain")'],
  ];
  for (const [key, opts, call] of lungCases) {
    it(`${key}: ${call}`, () => {
      const fit = kaplanMeier(lung, { time: 'time', event: 'event', ...opts });
      expectRows(fit.strata, ref[key].rows, key);
      for (const [k, m] of (ref[key].median as any[]).entries()) {
        const s = fit.strata[k]!;
        expect(s.label).toBe(m.strata);
        expect(s.n).toBe(m.n);
        expect(s.events).toBe(m.events);
        expectClose(s.median.estimate, m.median, `${key} median`);
        expectClose(s.median.lower, m.lower, `${key} median lower`);
        expectClose(s.median.upper, m.upper, `${key} median upper`);
      }
      expect(fit.nMissing).toBe(0);
    });
  }

  it('strata from two variables: survfit(Surv(time, event) ~ sex + ph_ecog, data = d)', () => {
    const ref2 = readRef('km-strata2.json');
    // summary(survfit(Surv(time, event) ~ sex + ph_ecog, data = d), censored = TRUE)
    const fit = kaplanMeier(ref2.data, { time: 'time', event: 'event', strata: ['sex', 'ph_ecog'] });
    expectRows(fit.strata, ref2.by_sex_ecog.rows, 'sex+ph_ecog');
    expectTable(fit.strata, ref2.by_sex_ecog.table, 'sex+ph_ecog');
    expect(fit.nMissing).toBe(ref2.n_missing); // length(fit$na.action) = 1
    expect(fit.strata.map((s) => s.label)).toContain('sex=1, ph_ecog=3');
    expect(fit.strata.map((s) => s.label)).not.toContain('sex=2, ph_ecog=3'); // absent combination dropped
  });

  it('restricted mean: print(fit, rmean = "common" | 365 | 2000)', () => {
    const r = readRef('km-rmst.json');
    const base = { time: 'time', event: 'event' };
    // summary(survfit(Surv(time, event) ~ sex, data = d), rmean = "common")$table
    expectTable(kaplanMeier(r.data, { ...base, strata: 'sex' }).strata, r.by_sex_common, 'rmean common');
    // summary(survfit(Surv(time, event) ~ sex, data = d), rmean = 365)$table
    expectTable(kaplanMeier(r.data, { ...base, strata: 'sex', rmstTau: 365 }).strata, r.by_sex_365, 'rmean 365');
    // summary(survfit(Surv(time, event) ~ sex, data = d), rmean = 2000)$table  (past the last time)
    expectTable(kaplanMeier(r.data, { ...base, strata: 'sex', rmstTau: 2000 }).strata, r.by_sex_2000, 'rmean 2000');
    // summary(survfit(Surv(time, event) ~ 1, data = d), rmean = "common")$table
    expectTable(kaplanMeier(r.data, base).strata, r.all_common, 'rmean all');
    // summary(survfit(Surv(time, event) ~ ph_ecog, data = d), rmean = "common")$table: tau = 1022 for every curve
    const ecog = kaplanMeier(r.data, { ...base, strata: 'ph_ecog' });
    expectTable(ecog.strata, r.by_ecog_common, 'rmean ecog');
    expect(ecog.settings.rmstTau).toBe(1022);
    expect(ecog.nMissing).toBe(1);
  });

  it('times=: summary(survfit(Surv(time, event) ~ sex, data = d), times = times [, extend = TRUE])', () => {
    const r = readRef('km-times.json');
    const base = { time: 'time', event: 'event', times: r.times as number[] };
    expectRows(kaplanMeier(r.data, { ...base, strata: 'sex' }).strata, r.by_sex_log.rows, 'times');
    expectRows(kaplanMeier(r.data, { ...base, strata: 'sex', extend: true }).strata, r.by_sex_log_extend.rows, 'times extend');
    // summary(survfit(Surv(time, event) ~ 1, data = d, conf.type = "plain"), times = times)
    expectRows(kaplanMeier(r.data, { ...base, confType: 'plain' }).strata, r.all_plain.rows, 'times plain');
  });
});

describe('kaplanMeier against R: ties, censoring at event times, near-ties, flat 0.5 (km-ties.R)', () => {
  const r = readRef('km-ties.json');
  const base = { time: 'time', event: 'status', strata: 'grp' };
  for (const ct of ['log', 'log-log', 'plain'] as const) {
    it(`summary(survfit(Surv(time, status) ~ grp, data = d, conf.type = "${ct}"), censored = TRUE)`, () => {
      const fit = kaplanMeier(r.data, { ...base, confType: ct });
      expectRows(fit.strata, r[`by_grp_${ct}`].rows, ct);
      expectTable(fit.strata, r[`by_grp_${ct}`].table, ct);
    });
  }
  it('summary(survfit(Surv(time, status) ~ 1, data = d, conf.int = 0.9), censored = TRUE)', () => {
    const fit = kaplanMeier(r.data, { time: 'time', event: 'status', confLevel: 0.9 });
    expectRows(fit.strata, r.all_log_90.rows, 'all 90%');
    expectTable(fit.strata, r.all_log_90.table, 'all 90%');
  });
  it('summary(fit, times = c(0, 0.5, 2, 4.5, 8, 12)) with log-log: a time-0 event, rows past a curve\'s end dropped', () => {
    const fit = kaplanMeier(r.data, { ...base, confType: 'log-log', times: [0, 0.5, 2, 4.5, 8, 12] });
    expectRows(fit.strata, r.times_loglog.rows, 'times');
  });
  it('summary(fit, times = c(12, 0.5, 2, 4.5, 8, 0), extend = TRUE): unsorted times, past the end', () => {
    const fit = kaplanMeier(r.data, { ...base, confType: 'log-log', times: [12, 0.5, 2, 4.5, 8, 0], extend: true });
    expectRows(fit.strata, r.times_loglog_extend.rows, 'times extend');
  });
});

describe('kaplanMeier against R: case weights (km-weights.R)', () => {
  const r = readRef('km-weights.json');
  const base = { time: 'time', event: 'event', strata: 'sex' };
  it('non-integer weights use the robust (infinitesimal jackknife) variance, as survfit does', () => {
    // summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_real), censored = TRUE)
    const fit = kaplanMeier(r.data, { ...base, weights: 'w_real' });
    expect(fit.settings.robust).toBe(true);
    expect(r.real_by_sex_log.logse).toBe(false);
    expectRows(fit.strata, r.real_by_sex_log.rows, 'w_real log');
    expectTable(fit.strata, r.real_by_sex_log.table, 'w_real log');
    // summary(survfit(..., weights = w_real, conf.type = "log-log"), censored = TRUE)
    const ll = kaplanMeier(r.data, { ...base, weights: 'w_real', confType: 'log-log' });
    expectRows(ll.strata, r.real_by_sex_loglog.rows, 'w_real log-log');
    expectTable(ll.strata, r.real_by_sex_loglog.table, 'w_real log-log');
    // summary(survfit(Surv(time, event) ~ 1, data = d, weights = w_real, conf.type = "plain"), censored = TRUE)
    const pl = kaplanMeier(r.data, { time: 'time', event: 'event', weights: 'w_real', confType: 'plain' });
    expectRows(pl.strata, r.real_all_plain.rows, 'w_real plain');
    expectTable(pl.strata, r.real_all_plain.table, 'w_real plain');
  });
  it('integer weights keep Greenwood on weighted counts; robust = false forces it', () => {
    // summary(survfit(Surv(time, event) ~ sex, data = d, weights = w_int), censored = TRUE)
    const fit = kaplanMeier(r.data, { ...base, weights: 'w_int' });
    expect(fit.settings.robust).toBe(false);
    expectRows(fit.strata, r.int_by_sex_log.rows, 'w_int');
    expectTable(fit.strata, r.int_by_sex_log.table, 'w_int');
    // summary(survfit(..., weights = w_real, robust = FALSE), censored = TRUE)
    const gw = kaplanMeier(r.data, { ...base, weights: 'w_real', robust: false });
    expectRows(gw.strata, r.real_by_sex_greenwood.rows, 'w_real greenwood');
    expectTable(gw.strata, r.real_by_sex_greenwood.table, 'w_real greenwood');
  });
  it('summary(survfit(..., weights = w_real), times = c(100, 365, 730))', () => {
    const fit = kaplanMeier(r.data, { ...base, weights: 'w_real', times: [100, 365, 730] });
    expectRows(fit.strata, r.real_by_sex_times.rows, 'w_real times');
  });
  it('a weighted curve reaching 0: robust std.err 0 there, log bounds undefined, plain bounds 0', () => {
    // summary(survfit(Surv(time, status) ~ 1, data = s, weights = w, conf.type = "log"|"plain"), censored = TRUE)
    for (const ct of ['log', 'plain'] as const) {
      const fit = kaplanMeier(r.small_data, { time: 'time', event: 'status', weights: 'w', confType: ct });
      expectRows(fit.strata, r[`small_${ct}`].rows, `small ${ct}`);
      expectTable(fit.strata, r[`small_${ct}`].table, `small ${ct}`);
    }
  });
});

// --- hand-derived cases ------------------------------------------------------------------------

describe('kaplanMeier: hand-derived cases', () => {
  // Unsorted, with an event and a censoring both at t = 2, tied events at t = 4, and two rows with a
  // missing value (dropped). Sorted complete rows: 1e 2e 2c 3e 4e 4e 5c 6e.
  //   t  n  d  c   S                      Greenwood sum d/(n(n-d))
  //   1  8  1  0   7/8                    1/56
  //   2  7  1  1   7/8 * 6/7 = 3/4        1/56 + 1/42 = 1/24
  //   3  5  1  0   3/4 * 4/5 = 3/5        1/24 + 1/20 = 11/120
  //   4  4  2  0   3/5 * 2/4 = 3/10       11/120 + 2/8 = 41/120
  //   5  2  0  1   3/10                   41/120
  //   6  1  1  0   0                      infinite: std.err and log bounds undefined
  const data = {
    t: [6, 2, 4, 1, 2, 5, 3, 4, null, 7],
    e: [1, 0, 1, 1, 1, 0, 1, true, 1, null],
  };
  const z = 1.959963984540054; // qnorm(0.975)

  it('curve, Greenwood std.err of S and log bounds', () => {
    const fit = kaplanMeier(data, { time: 't', event: 'e' });
    expect(fit.nMissing).toBe(2);
    const s = fit.strata[0]!;
    expect(s.label).toBe('all');
    expect(s.n).toBe(8);
    expect(s.time).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.nRisk).toEqual([8, 7, 5, 4, 2, 1]);
    expect(s.nEvent).toEqual([1, 1, 1, 2, 0, 1]);
    expect(s.nCensor).toEqual([0, 1, 0, 0, 1, 0]);
    expectAllClose(s.surv, [7 / 8, 3 / 4, 3 / 5, 3 / 10, 3 / 10, 0]);
    const g = [1 / 56, 1 / 24, 11 / 120, 41 / 120, 41 / 120];
    const surv = [7 / 8, 3 / 4, 3 / 5, 3 / 10, 3 / 10];
    expectAllClose(s.stdErr, [...surv.map((p, i) => p * Math.sqrt(g[i]!)), null]);
    // log: S exp(±z sqrt(G)), upper capped at 1 (at t = 1: 7/8 e^{1.96 * 0.134} = 1.137 -> 1)
    expectAllClose(s.lower, [...surv.map((p, i) => p * Math.exp(-z * Math.sqrt(g[i]!))), null]);
    expectAllClose(s.upper, [...surv.map((p, i) => Math.min(1, p * Math.exp(z * Math.sqrt(g[i]!)))), null]);
    expect(s.upper[0]).toBe(1);
    // first S < 0.5 is 3/10 at t = 4
    expect(s.median.estimate).toBe(4);
  });

  it('plain and log-log bounds', () => {
    const pl = kaplanMeier(data, { time: 't', event: 'e', confType: 'plain' }).strata[0]!;
    // plain: S ± z S sqrt(G), clipped to [0, 1]; at t = 3: 0.6 ± 1.96 * 0.6 * sqrt(11/120);
    // at t = 4: 0.3 - 1.96 * 0.3 * sqrt(41/120) = -0.044 -> 0
    expectClose(pl.lower[2], 0.6 - z * 0.6 * Math.sqrt(11 / 120));
    expectClose(pl.upper[2], 0.6 + z * 0.6 * Math.sqrt(11 / 120));
    expect(pl.lower[3]).toBe(0);
    expectClose(pl.upper[3], 0.3 + z * 0.3 * Math.sqrt(41 / 120));
    expect(pl.upper[0]).toBe(1); // 7/8 + 1.96 * 7/8 * sqrt(1/56) = 1.104 -> 1
    expect(pl.lower[5]).toBeNull(); // Inf * 0 at S = 0
    const ll = kaplanMeier(data, { time: 't', event: 'e', confType: 'log-log' }).strata[0]!;
    // log-log at t = 3: exp(-exp(log(-log 0.6) ∓ z sqrt(11/120) / log 0.6))
    const a = Math.log(-Math.log(0.6)), b = (z * Math.sqrt(11 / 120)) / Math.log(0.6);
    expectClose(ll.lower[2], Math.exp(-Math.exp(a - b)));
    expectClose(ll.upper[2], Math.exp(-Math.exp(a + b)));
    expect(ll.lower[5]).toBeNull();
  });

  it('restricted mean to the last time and its standard error', () => {
    const s = kaplanMeier(data, { time: 't', event: 'e' }).strata[0]!;
    // area on [0, 6]: 1*1 + 1*7/8 + 1*3/4 + 1*3/5 + 1*3/10 + 1*3/10 = 153/40
    expect(s.rmst.tau).toBe(6);
    expectClose(s.rmst.estimate, 153 / 40);
    // areas after each event time: after 1 = 113/40, after 2 = 39/20, after 3 = 6/5, after 4 = 3/5;
    // the event at 6 has n = d and contributes 0 (R's hh rule)
    const v = (113 / 40) ** 2 / 56 + (39 / 20) ** 2 / 42 + (6 / 5) ** 2 / 20 + (3 / 5) ** 2 * (2 / 8);
    expectClose(s.rmst.stdErr, Math.sqrt(v));
    // tau before the first time: the rectangle 0.5 x 1
    const early = kaplanMeier(data, { time: 't', event: 'e', rmstTau: 0.5 }).strata[0]!;
    expect(early.rmst).toEqual({ tau: 0.5, estimate: 0.5, stdErr: 0 });
  });

  it('times=: S at the last time <= t, at risk at the first time >= t, counts since the previous time', () => {
    const s = kaplanMeier(data, { time: 't', event: 'e', times: [7, 0.5, 2, 3.5, 6], extend: true }).strata[0]!;
    expect(s.time).toEqual([0.5, 2, 3.5, 6, 7]);
    // 0.5: before any time, S = 1, all 8 at risk.  2: S(2) = 3/4, 7 at risk at 2, events at 1 and 2,
    // the censoring at 2.  3.5: S(3) = 3/5, at risk at 4 = 4, one event (3).  6: S = 0, 1 at risk,
    // events at 4, 4, 6 and the censoring at 5.  7 (extend): nobody left.
    expect(s.nRisk).toEqual([8, 7, 4, 1, 0]);
    expect(s.nEvent).toEqual([0, 2, 1, 3, 0]);
    expect(s.nCensor).toEqual([0, 1, 0, 1, 0]);
    expectAllClose(s.surv, [1, 3 / 4, 3 / 5, 0, 0]);
    expectAllClose(s.stdErr, [0, (3 / 4) * Math.sqrt(1 / 24), (3 / 5) * Math.sqrt(11 / 120), null, null]);
    // without extend, 7 is past the last time (6) and dropped
    expect(kaplanMeier(data, { time: 't', event: 'e', times: [7, 2] }).strata[0]!.time).toEqual([2]);
  });

  it('median on a flat stretch at exactly 0.5 is the midpoint to the next drop', () => {
    // 1e 2e 3c 4e: S = 3/4, 1/2, 1/2 (censoring at 3), 0 -> S is 0.5 from 2 until the drop at 4:
    // median = (2 + 4) / 2 = 3.  Area on [0, 4] = 1 + 3/4 + 1/2 + 1/2 = 11/4.
    const s = kaplanMeier({ t: [3, 1, 4, 2], e: [0, 1, 1, 1] }, { time: 't', event: 'e' }).strata[0]!;
    expectAllClose(s.surv, [3 / 4, 1 / 2, 1 / 2, 0]);
    expect(s.median.estimate).toBe(3);
    expectClose(s.rmst.estimate, 11 / 4);
  });

  it('integer weights: Greenwood on weighted counts', () => {
    // 1e (w 2), 2c (w 1), 3e (w 1): at t = 1, n = 4, d = 2 -> S = 1/2, G = 2/(4*2) = 1/4;
    // t = 2: n = 2, one censored; t = 3: n = 1, d = 1 -> S = 0.  S = 0.5 from 1 to the drop at 3:
    // median (1 + 3) / 2 = 2.
    const s = kaplanMeier({ t: [1, 2, 3], e: [1, 0, 1], w: [2, 1, 1] }, { time: 't', event: 'e', weights: 'w' }).strata[0]!;
    expect(s.n).toBe(3);
    expect(s.nRisk).toEqual([4, 2, 1]);
    expect(s.nEvent).toEqual([2, 0, 1]);
    expectAllClose(s.surv, [1 / 2, 1 / 2, 0]);
    expectAllClose(s.stdErr, [1 / 4, 1 / 4, null]); // (1/2) * sqrt(1/4)
    expect(s.median.estimate).toBe(2);
  });

  it('non-integer weights: infinitesimal-jackknife std.err', () => {
    // 1e (w 0.5), 2c (w 1.5): n = 2, d = 0.5 at t = 1 -> S = 3/4, C = 0.5 / (2 * 1.5) = 1/6.
    // Influences on S(1): event row w S (C - 1/(n-d)) = 0.5 * 3/4 * (1/6 - 2/3) = -3/16;
    // row still at risk w S C = 1.5 * 3/4 * 1/6 = 3/16.  Var = 2 (3/16)^2 = 9/128.
    const s = kaplanMeier({ t: [2, 1], e: [0, 1], w: [1.5, 0.5] }, { time: 't', event: 'e', weights: 'w' }).strata[0]!;
    expectAllClose(s.surv, [3 / 4, 3 / 4]);
    expectAllClose(s.stdErr, [Math.sqrt(9 / 128), Math.sqrt(9 / 128)]);
    // log bounds use se(log S) = se / S
    expectClose(s.lower[0], (3 / 4) * Math.exp((-z * Math.sqrt(9 / 128)) / (3 / 4)));
  });

  it('strata labels in R form and the same result from rows, columns and an Arquero table', () => {
    const rows = [
      { t: 3, e: 1, sex: 2 }, { t: 1, e: 0, sex: 1 }, { t: 2, e: 1, sex: 1 }, { t: 5, e: 1, sex: 2 }, { t: 4, e: 0, sex: 1 },
    ];
    const opts = { time: 't', event: 'e', strata: 'sex' };
    const a = kaplanMeier(rows, opts);
    expect(a.strata.map((s) => s.label)).toEqual(['sex=1', 'sex=2']);
    // sex=1: 1c 2e 4c -> S(2) = 1/2; sex=2: 3e 5e -> S = 1/2, 0
    expectAllClose(a.strata[0]!.surv, [1, 1 / 2, 1 / 2]);
    expectAllClose(a.strata[1]!.surv, [1 / 2, 0]);
    const cols = { t: Float64Array.from(rows, (r) => r.t), e: rows.map((r) => r.e === 1), sex: rows.map((r) => r.sex) };
    expect(kaplanMeier(cols, opts)).toEqual(a);
    expect(kaplanMeier(aq.from(rows), opts)).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a); // plain JSON
  });
});

describe('kaplanMeier: many strata', () => {
  it('combinations of two 3000-level columns (sparse keys) keep R strata() order: first variable slowest', () => {
    // 3000 rows, a = i % 3000 reversed pairs with b: 3000 present combinations out of 9 million.
    const n = 3000;
    const a = Array.from({ length: n }, (_, i) => (i * 7) % n);
    const b = Array.from({ length: n }, (_, i) => n - 1 - ((i * 7) % n));
    const fit = kaplanMeier({ t: a.map((x) => x + 1), e: a.map((x) => x % 2), a, b }, { time: 't', event: 'e', strata: ['a', 'b'] });
    expect(fit.strata.length).toBe(n);
    expect(fit.strata[0]!.label).toBe(`a=0, b=${n - 1}`);
    expect(fit.strata[n - 1]!.label).toBe(`a=${n - 1}, b=0`);
    // a=1 has an event at t=2 (its only row): S = 0
    expect(fit.strata[1]).toMatchObject({ label: `a=1, b=${n - 2}`, n: 1, time: [2], surv: [0] });
  });
});

describe('kaplanMeier: input validation', () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(CohorteError);
      return (e as CohorteError).code;
    }
    return 'no error';
  };
  const base = { time: 't', event: 'e' };
  it('rejects bad values with located errors', () => {
    expect(code(() => kaplanMeier({ t: [1, -2], e: [1, 1] }, base))).toBe('negative-time');
    expect(code(() => kaplanMeier({ t: [1, Infinity], e: [1, 1] }, base))).toBe('non-finite-time');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 2] }, base))).toBe('bad-event-code');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 0], w: [1, -1] }, { ...base, weights: 'w' }))).toBe('negative-weight');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 0] }, { ...base, confType: 'logit' as never }))).toBe('bad-conf-type');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 0] }, { ...base, confLevel: 95 }))).toBe('bad-conf-level');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 0] }, { ...base, rmstTau: -1 }))).toBe('bad-rmst-tau');
    expect(code(() => kaplanMeier({ t: [null, 2], e: [1, null] }, base))).toBe('no-rows');
    expect(code(() => kaplanMeier({ t: [1, 2], e: [1, 0] }, { ...base, strata: 'nope' }))).toBe('missing-column');
    try {
      kaplanMeier({ t: [1, 2, 3], e: [1, 0, 2] }, base);
    } catch (e) {
      expect((e as CohorteError).location).toEqual({ column: 'e', row: 3 });
    }
  });
});

// --- properties --------------------------------------------------------------------------------

describe('kaplanMeier: properties', () => {
  const record = fc.record({
    t: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.double({ min: 0, max: 50, noNaN: true })),
    e: fc.boolean(),
    g: fc.integer({ min: 0, max: 2 }),
    w: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 3 }), fc.double({ min: 0.01, max: 5, noNaN: true })),
  });
  const opts = { time: 't', event: 'e', strata: 'g' };

  it('surv non-increasing in [0, 1]; nRisk non-increasing; events + censorings = n; nRisk steps by them', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), (rows) => {
        const fit = kaplanMeier(rows, opts);
        let total = 0;
        for (const s of fit.strata) {
          total += s.n;
          let sum = 0;
          for (let i = 0; i < s.time.length; i++) {
            expect(s.surv[i]).toBeGreaterThanOrEqual(0);
            expect(s.surv[i]).toBeLessThanOrEqual(1);
            if (i > 0) {
              expect(s.surv[i]).toBeLessThanOrEqual(s.surv[i - 1]!);
              expect(s.nRisk[i]).toBeLessThanOrEqual(s.nRisk[i - 1]!);
              expect(s.nRisk[i]).toBe(s.nRisk[i - 1]! - s.nEvent[i - 1]! - s.nCensor[i - 1]!);
              expect(s.time[i]).toBeGreaterThan(s.time[i - 1]!);
            }
            sum += s.nEvent[i]! + s.nCensor[i]!;
            const lo = s.lower[i], up = s.upper[i];
            if (lo !== null && up !== null) {
              expect(lo).toBeLessThanOrEqual(s.surv[i]! + 1e-12);
              expect(up).toBeGreaterThanOrEqual(s.surv[i]! - 1e-12);
            }
          }
          expect(sum).toBe(s.n);
          expect(s.nRisk[0]).toBe(s.n);
        }
        expect(total).toBe(rows.length);
      }),
      { numRuns: 200 },
    );
  });

  it('permuting the rows does not change the result (exactly, unweighted)', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 60 }).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
        ([rows, shuffled]) => {
          expect(kaplanMeier(shuffled, opts)).toEqual(kaplanMeier(rows, opts));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('integer times (bucketed) and the same times shifted by 0.5 or 1e7 (radix-sorted) give the same curves', () => {
    const intRecord = fc.record({ t: fc.integer({ min: 0, max: 30 }), e: fc.boolean(), g: fc.integer({ min: 0, max: 2 }), w: fc.constant(1) });
    fc.assert(
      fc.property(fc.array(intRecord, { minLength: 1, maxLength: 60 }), fc.constantFrom(0.5, 1e7), (rows, shift) => {
        const a = kaplanMeier(rows, opts);
        const b = kaplanMeier(rows.map((r) => ({ ...r, t: r.t + shift })), opts);
        b.strata.forEach((s, k) => {
          expect(s.time).toEqual(a.strata[k]!.time.map((t) => t + shift));
          expect(s.surv).toEqual(a.strata[k]!.surv);
          expect(s.nRisk).toEqual(a.strata[k]!.nRisk);
          expect(s.stdErr).toEqual(a.strata[k]!.stdErr);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('dense stratum x time table and sorted rows give identical results', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), fc.boolean(), (rows, weighted) => {
        const o = { ...opts, weights: weighted ? 'w' : undefined };
        try {
          tabulation.force = 'dense';
          const a = kaplanMeier(rows, o);
          tabulation.force = 'sorted';
          expect(kaplanMeier(rows, o)).toEqual(a);
        } finally {
          tabulation.force = null;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('permuting weighted rows changes nothing beyond rounding', () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 60 }).chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length }))),
        ([rows, shuffled]) => {
          const a = kaplanMeier(rows, { ...opts, weights: 'w' });
          const b = kaplanMeier(shuffled, { ...opts, weights: 'w' });
          expect(b.strata.length).toBe(a.strata.length);
          a.strata.forEach((s, k) => {
            const t = b.strata[k]!;
            expect(t.time).toEqual(s.time);
            // rel 1e-9 / abs 1e-12: a different summation order only
            expectAllClose(t.nRisk, s.nRisk, 'nRisk', 1e-9, 1e-12);
            expectAllClose(t.surv, s.surv, 'surv', 1e-9, 1e-12);
            expect(t.median).toEqual(s.median);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
