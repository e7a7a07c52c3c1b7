import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as aq from 'arquero';
import { readFileSync } from 'node:fs';
import { aalenJohansen, type AalenJohansenResult, type AjStratum } from '../../src/estimate/aalenJohansen.js';
import { expectAllClose, expectClose, readSharedJson, sharedDir } from '../helpers/approx.js';

const local = (name: string) => JSON.parse(readFileSync(new URL(`../reference/${name}`, import.meta.url), 'utf8'));

/** survival's mgus2 from the shared CSV: etime, event (0/1 pcm/2 death), sex, age. */
function mgus2(): Array<Record<string, unknown>> {
  const lines = readFileSync(`${sharedDir}reference/mgus2.csv`, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',').map((h) => h.replace(/"/g, ''));
  return lines.slice(1).map((line) => {
    const cells = line.split(',');
    const row: Record<string, unknown> = {};
    header.forEach((h, j) => {
      const v = cells[j]!;
      row[h] = v.startsWith('"') ? v.replace(/"/g, '') : v === '' || v === 'NA' ? null : Number(v);
    });
    return row;
  });
}

/** One aj-common.R block (aj_ref): rows of all curves in order; matrix columns follow states. */
interface RRef {
  states: string[];
  strata: string[];
  curves: string | string[];
  n: number | number[];
  time: number[];
  n_risk: number[];
  n_event: number[][];
  n_censor: number[];
  pstate: number[][];
  std_err: number[][];
  lower: Array<Array<number | null>>;
  upper: Array<Array<number | null>>;
}

/**
 * Compare every curve, time and state with R. `preFirst`: rows requested before a curve's first
 * time, where R's summary fills lower = upper = 0 (see the deviation test) — limits not compared there.
 */
function expectMatchesR(res: AalenJohansenResult, ref: RRef, label: string, preFirst = new Set<number>()): void {
  const curves = Array.isArray(ref.curves) ? ref.curves : [ref.curves];
  expect(res.strata.map((s) => s.label)).toEqual(curves);
  expect(res.strata.map((s) => s.n)).toEqual(Array.isArray(ref.n) ? ref.n : [ref.n]);
  expect(res.settings.causes.map(String)).toEqual(ref.states.slice(1));
  let k = 0;
  for (const st of res.strata) {
    for (let i = 0; i < st.time.length; i++, k++) {
      const at = `${label} ${st.label} t=${st.time[i]}`;
      expect(ref.strata[k], at).toBe(st.label);
      expect(st.time[i], at).toBe(ref.time[k]);
      expect(st.nRisk[i], `${at} nRisk`).toBe(ref.n_risk[k]);
      expect(st.nCensor[i], `${at} nCensor`).toBe(ref.n_censor[k]);
      const states = [
        { p: st.survival.surv, se: st.survival.stdErr, lo: st.survival.lower, hi: st.survival.upper, nEvent: null },
        ...st.causes.map((c) => ({ p: c.cumulativeIncidence, se: c.stdErr, lo: c.lower, hi: c.upper, nEvent: c.nEvent })),
      ];
      let total = 0;
      states.forEach((s, j) => {
        expectClose(s.p[i], ref.pstate[k]![j], `${at} pstate[${ref.states[j]}]`);
        expectClose(s.se[i], ref.std_err[k]![j], `${at} std.err[${ref.states[j]}]`);
        if (!preFirst.has(k)) {
          expectClose(s.lo[i], ref.lower[k]![j], `${at} lower[${ref.states[j]}]`);
          expectClose(s.hi[i], ref.upper[k]![j], `${at} upper[${ref.states[j]}]`);
        }
        if (s.nEvent) {
          expect(s.nEvent[i], `${at} nEvent[${ref.states[j]}]`).toBe(ref.n_event[k]![j]);
          total += s.nEvent[i]!;
        }
      });
      expect(st.nEvent[i], `${at} nEvent total`).toBe(total);
    }
  }
  expect(k, `${label}: number of rows`).toBe(ref.time.length);
}

describe('aalenJohansen: R references', () => {
  it('matches the shared mgus2 reference (pstate and IJ std.err at 12, 60, 120, 240, 360 months)', () => {
    // R: summary(survfit(Surv(etime, factor(event)) ~ 1, data = mgus2), times = c(12, 60, 120, 240, 360))
    const ref = readSharedJson('reference/mgus2-aalen-johansen.json');
    const res = aalenJohansen(mgus2(), { time: 'etime', event: 'event', times: ref.times });
    expect(res.time).toEqual(ref.times);
    expect(res.causes.map((c) => c.cause)).toEqual([1, 2]); // states (s0), pcm, death
    expect(res.strata[0]!.nRisk).toEqual(ref.n_risk.map((r: number[]) => r[0]));
    const col = (m: number[][], j: number) => m.map((r) => r[j]!);
    expectAllClose(res.strata[0]!.survival.surv, col(ref.pstate, 0), '(s0)');
    expectAllClose(res.strata[0]!.survival.stdErr, col(ref.std_err, 0), '(s0) se');
    for (const j of [1, 2]) {
      expectAllClose(res.causes[j - 1]!.cumulativeIncidence, col(ref.pstate, j), `${ref.states[j]}`);
      expectAllClose(res.causes[j - 1]!.stdErr, col(ref.std_err, j), `${ref.states[j]} se`);
    }
  });

  it('matches aj-ties.json: ties across causes, censorings at event times, an event at 0, causes 1 and 3', () => {
    const ref = local('aj-ties.json');
    // R: survfit(Surv(time, factor(event)) ~ 1, data = d)
    expectMatchesR(aalenJohansen(ref.data, { time: 'time', event: 'event' }), ref.all, 'all');
    // R: survfit(Surv(time, factor(event)) ~ 1, data = d, conf.int = 0.9)
    expectMatchesR(aalenJohansen(ref.data, { time: 'time', event: 'event', confLevel: 0.9 }), ref.all_90, 'all_90');
    // R: summary(survfit(Surv(time, factor(event)) ~ 1, data = d), times = c(8.5, 0.5, 2, 2, 4.5, 12, 0))
    const times = aalenJohansen(ref.data, { time: 'time', event: 'event', times: [8.5, 0.5, 2, 2, 4.5, 12, 0] });
    expect(times.time).toEqual([0, 0.5, 2, 2, 4.5, 8.5]);
    expectMatchesR(times, ref.times, 'times');
    // R: summary(..., times = c(8.5, 0.5, 2, 4.5, 12, 0), extend = TRUE)
    expectMatchesR(aalenJohansen(ref.data, { time: 'time', event: 'event', times: [8.5, 0.5, 2, 4.5, 12, 0], extend: true }), ref.times_extend, 'times_extend');
  });

  it('single cause: matches R, and equals 1 - KM with the Greenwood error (aj-ties.json)', () => {
    const ref = local('aj-ties.json');
    const d1 = (ref.data as Array<{ time: number; event: number }>).filter((r) => r.event !== 3);
    // R: survfit(Surv(time, factor(event)) ~ 1, data = d[d$event != 3, ])
    const res = aalenJohansen(d1, { time: 'time', event: 'event' });
    expectMatchesR(res, ref.single, 'single');
    // R: km1 <- survfit(Surv(time, event) ~ 1, data = d1); km1$surv, km1$std.err * km1$surv
    expect(res.time).toEqual(ref.single_km.time);
    expectAllClose(res.causes[0]!.cumulativeIncidence, ref.single_km.surv.map((s: number) => 1 - s), '1 - KM');
    expectAllClose(res.causes[0]!.stdErr, ref.single_km.std_err, 'Greenwood se');
  });

  it('matches aj-strata.json: mgus2 by sex, at every time and at chosen times', () => {
    const ref = local('aj-strata.json');
    const data = mgus2();
    // R: survfit(Surv(etime, factor(event)) ~ sex, data = mgus2)
    expectMatchesR(aalenJohansen(data, { time: 'etime', event: 'event', strata: 'sex' }), ref.mgus2_sex, 'mgus2 by sex');
    // R: summary(survfit(Surv(etime, factor(event)) ~ sex, data = mgus2), times = c(12, 60, 120, 240, 360, 400), extend = TRUE)
    const times = aalenJohansen(data, { time: 'etime', event: 'event', strata: 'sex', times: [12, 60, 120, 240, 360, 400], extend: true });
    expectMatchesR(times, ref.mgus2_sex_times, 'mgus2 by sex, times');
    expect(times.time).toBeUndefined(); // stratified: read strata[s]
    expect(times.causes).toBeUndefined();
  });

  it('matches aj-strata.json: two strata variables, a missing stratum value, an absent cause, a censored-only curve', () => {
    const ref = local('aj-strata.json');
    // R: survfit(Surv(time, factor(event)) ~ g + h, data = s)   (the row with g = NA dropped)
    const res = aalenJohansen(ref.small_data, { time: 'time', event: 'event', strata: ['g', 'h'] });
    expect(res.nMissing).toBe(1);
    expectMatchesR(res, ref.small, 'g + h');
  });

  it('matches aj-weights.json: case weights (IJ variance Σ w² U², unweighted counts)', () => {
    const ref = local('aj-weights.json');
    // R: survfit(Surv(time, factor(event)) ~ 1, data = d, weights = w)
    expectMatchesR(aalenJohansen(ref.small_data, { time: 'time', event: 'event', weights: 'w' }), ref.small, 'small');
    // R: summary(survfit(Surv(time, factor(event)) ~ 1, data = d, weights = w), times = c(0.5, 2, 3.5, 7))
    // Row 0 (t = 0.5) lies before the first time: R's summary fills lower = upper = 0 there.
    const times = aalenJohansen(ref.small_data, { time: 'time', event: 'event', weights: 'w', times: [0.5, 2, 3.5, 7] });
    expectMatchesR(times, ref.small_times, 'small times', new Set([0]));
    // R: survfit(Surv(time, factor(event)) ~ grp, data = m, weights = w)
    expectMatchesR(aalenJohansen(ref.medium_data, { time: 'time', event: 'event', weights: 'w', strata: 'grp' }), ref.medium, 'medium');
    // R: survfit(Surv(time, factor(event)) ~ 1, data = m)
    expectMatchesR(aalenJohansen(ref.medium_data, { time: 'time', event: 'event' }), ref.medium_unweighted, 'medium unweighted');
  });

  it('deviation: before the first time the limits are those of p = (1, 0, ...), not R summary\'s zeros', () => {
    const ref = local('aj-weights.json');
    const res = aalenJohansen(ref.small_data, { time: 'time', event: 'event', weights: 'w', times: [0.5] });
    const st = res.strata[0]!;
    // R gives pstate (1, 0, 0), std.err 0, lower = upper = (0, 0, 0). Here: S = 1 is certain
    // (limits 1, 1) and the incidences are 0 (limits undefined, as R's own NA where p = 0).
    expect(ref.small_times.lower[0]).toEqual([0, 0, 0]);
    expect([st.survival.surv[0], st.survival.stdErr[0], st.survival.lower[0], st.survival.upper[0]]).toEqual([1, 0, 1, 1]);
    for (const c of st.causes) expect([c.cumulativeIncidence[0], c.stdErr[0], c.lower[0], c.upper[0]]).toEqual([0, 0, null, null]);
    expect(st.nRisk[0]).toBe(13);
  });
});

describe('aalenJohansen: hand-derived cases', () => {
  // Unsorted rows; two missing. Complete rows, sorted: a (1, cause 2), b (2, censored),
  // c (3, cause 1), d (3, cause 2), e (3, censored), f (5, cause 1).
  const rows = [
    { t: 3, e: 1 }, // c
    { t: 1, e: 2 }, // a
    { t: 5, e: 1 }, // f
    { t: null, e: 1 }, // missing time: dropped
    { t: 3, e: 2 }, // d
    { t: 2, e: 0 }, // b
    { t: 4, e: NaN }, // missing event: dropped
    { t: 3, e: 0 }, // e
  ];
  // t=1: n=6, cause 2: S = 5/6, F2 = 1/6.
  // t=2: a censoring only, nothing moves.
  // t=3: n=4 (c, d, e, f), one of each cause and a censoring: F1 += (5/6)(1/4) = 5/24,
  //      F2 += 5/24 -> 3/8, S = (5/6)(2/4) = 5/12.
  // t=5: n=1, cause 1: F1 += 5/12 -> 5/8, S = 0.
  it('cumulative incidences as exact fractions, ties of two causes and a censoring at one time', () => {
    const res = aalenJohansen(rows, { time: 't', event: 'e' });
    expect(res.nMissing).toBe(2);
    expect(res.time).toEqual([1, 2, 3, 5]);
    const st = res.strata[0]!;
    expect(st.n).toBe(6);
    expect(st.nRisk).toEqual([6, 5, 4, 1]);
    expect(st.nEvent).toEqual([1, 0, 2, 1]);
    expect(st.nCensor).toEqual([0, 1, 1, 0]);
    expect(res.causes.map((c) => c.nEvent)).toEqual([[0, 0, 1, 1], [1, 0, 1, 0]]);
    expectAllClose(res.causes[0]!.cumulativeIncidence, [0, 0, 5 / 24, 5 / 8], 'F1');
    expectAllClose(res.causes[1]!.cumulativeIncidence, [1 / 6, 1 / 6, 3 / 8, 3 / 8], 'F2');
    expectAllClose(st.survival.surv, [5 / 6, 5 / 6, 5 / 12, 0], 'S');
  });

  it('IJ standard errors by hand', () => {
    // Influence rows U_i = (U_S, U_F1, U_F2) (R's survfitci.c recursion):
    // t=1: S=1, n=6, h = (5/6, 0, 1/6). At risk, no event: (1/6)(e0 - h) = (1, 0, -1)/36;
    //      a (cause 2): (1/6)(e2 - h) = (-5, 0, 5)/36.
    //      var S = var F2 = (25 + 5·1)/36² = 5/216 (= Greenwood (5/6)²·1/(6·5)); var F1 = 0.
    // t=3: S=5/6, n=4, h = (1/2, 1/4, 1/4); u ↦ uH = (u0/2, u0/4 + u1, u0/4 + u2) for all, then the
    //      at-risk add (5/24)(e_to - h). In units of 1/288:
    //      a (-40, 0, 40)H = (-20, -10, 30);  b (8, 0, -8)H = (4, 2, -6);
    //      e, f (no event): (4, 2, -6) + (30, -15, -15) = (34, -13, -21);
    //      c (cause 1): (34, -13, -21) + (-60, 60, 0) = (-26, 47, -21);
    //      d (cause 2): (34, -13, -21) + (-60, 0, 60) = (-26, -13, 39).
    //      var S  = (400 + 16 + 676 + 676 + 1156 + 1156)/288² = 4080/82944 = 85/1728
    //               (= Greenwood (5/12)²(1/30 + 2/8)),
    //      var F1 = (100 + 4 + 2209 + 169 + 169 + 169)/82944 = 235/6912,
    //      var F2 = (900 + 36 + 441 + 1521 + 441 + 441)/82944 = 35/768.
    const res = aalenJohansen(rows, { time: 't', event: 'e' });
    const st = res.strata[0]!;
    expectClose(st.survival.stdErr[0], Math.sqrt(5 / 216), 'se S(1)');
    expectClose(res.causes[1]!.stdErr[0], Math.sqrt(5 / 216), 'se F2(1)');
    expectClose(res.causes[0]!.stdErr[0], 0, 'se F1(1)');
    expectClose(st.survival.stdErr[2], Math.sqrt(85 / 1728), 'se S(3)');
    expectClose(res.causes[0]!.stdErr[2], Math.sqrt(235 / 6912), 'se F1(3)');
    expectClose(res.causes[1]!.stdErr[2], Math.sqrt(35 / 768), 'se F2(3)');
    // log limits: p·exp(∓z·se/p), upper capped at 1; null where p = 0.
    const z = 1.959963984540054;
    const F1 = 5 / 24, se = Math.sqrt(235 / 6912);
    expectClose(res.causes[0]!.lower[2], F1 * Math.exp((-z * se) / F1), 'lower F1(3)');
    expectClose(res.causes[0]!.upper[2], Math.min(1, F1 * Math.exp((z * se) / F1)), 'upper F1(3)');
    expect(res.causes[0]!.lower[0]).toBeNull();
    expect(st.survival.lower[3]).toBeNull();
  });

  it('1 - KM for cause 1 (cause 2 treated as censored) overestimates the cumulative incidence', () => {
    // KM_1: t=3: n=4, one cause-1 failure -> 3/4; t=5: n=1, one -> 0. So 1 - KM_1 = 0, 0, 1/4, 1
    // against F1 = 0, 0, 5/24, 5/8.
    const res = aalenJohansen(rows, { time: 't', event: 'e' });
    const oneMinusKm = [0, 0, 1 / 4, 1];
    const f1 = res.causes[0]!.cumulativeIncidence;
    for (let i = 0; i < 4; i++) expect(f1[i]!).toBeLessThanOrEqual(oneMinusKm[i]!);
    expect(f1[2]!).toBeLessThan(1 / 4);
    expect(f1[3]!).toBeLessThan(1);
  });

  it('times read-out: step values, counts since the previous time, extend', () => {
    const res = aalenJohansen(rows, { time: 't', event: 'e', times: [6, 0, 3, 2.5] });
    // 6 is after the last time (5): dropped as R's summary without extend.
    expect(res.time).toEqual([0, 2.5, 3]);
    expectAllClose(res.causes[0]!.cumulativeIncidence, [0, 0, 5 / 24], 'F1');
    expect(res.strata[0]!.nRisk).toEqual([6, 4, 4]);
    expect(res.strata[0]!.nEvent).toEqual([0, 1, 2]);
    expect(res.strata[0]!.nCensor).toEqual([0, 1, 1]);
    const ext = aalenJohansen(rows, { time: 't', event: 'e', times: [6], extend: true });
    expect(ext.time).toEqual([6]);
    expectAllClose(ext.causes[0]!.cumulativeIncidence, [5 / 8], 'F1(6)');
    expect(ext.strata[0]!.nRisk).toEqual([0]);
    expect(ext.strata[0]!.nEvent).toEqual([4]);
  });

  it('weights: integer weights give the same curve as repeated rows (not the same IJ error)', () => {
    // Curve: weight 2 on a row counts it twice. The IJ variance is Σ w²U², one cluster per row,
    // so it is not that of the replicated data (R behaves the same).
    const w = rows.map((r, i) => ({ ...r, w: i % 2 === 0 ? 2 : 1 }));
    const rep = w.flatMap((r) => (r.w === 2 ? [r, r] : [r]));
    const a = aalenJohansen(w, { time: 't', event: 'e', weights: 'w' });
    const b = aalenJohansen(rep, { time: 't', event: 'e' });
    for (let k = 0; k < 2; k++) expectAllClose(a.causes[k]!.cumulativeIncidence, b.causes[k]!.cumulativeIncidence, `F${k + 1}`);
    expect(a.strata[0]!.nRisk).toEqual([6, 5, 4, 1]); // unweighted row counts, as survfit's multi-state n.risk
  });
});

describe('aalenJohansen: input, validation and result shape', () => {
  const cols = { t: [3, 1, 5, 3, 2, 3], e: [1, 2, 1, 2, 0, 0], g: ['x', 'y', 'x', 'y', 'x', 'y'] };

  it('row objects, column object, typed columns and an Arquero table agree', () => {
    const rowsIn = cols.t.map((t, i) => ({ t, e: cols.e[i], g: cols.g[i] }));
    const a = aalenJohansen(cols, { time: 't', event: 'e', strata: 'g' });
    expect(aalenJohansen(rowsIn, { time: 't', event: 'e', strata: 'g' })).toEqual(a);
    expect(aalenJohansen(aq.table(cols), { time: 't', event: 'e', strata: 'g' })).toEqual(a);
    expect(aalenJohansen({ t: Float64Array.from(cols.t), e: Int32Array.from(cols.e), g: cols.g }, { time: 't', event: 'e', strata: 'g' })).toEqual(a);
    expect(a.strata.map((s) => s.label)).toEqual(['g=x', 'g=y']);
  });

  it('top-level time/causes only without strata; settings echo the options; JSON-safe', () => {
    const one = aalenJohansen(cols, { time: 't', event: 'e' });
    expect(one.time).toBe(one.strata[0]!.time);
    expect(one.causes).toBe(one.strata[0]!.causes);
    expect(one.settings).toEqual({
      time: 't', event: 'e', strata: [], weights: null, confLevel: 0.95, confType: 'log',
      variance: 'infinitesimal-jackknife', times: null, extend: false, causes: [1, 2],
    });
    const many = aalenJohansen(cols, { time: 't', event: 'e', strata: ['g'], times: [4, 1] });
    expect('time' in many).toBe(false);
    expect('causes' in many).toBe(false);
    expect(many.settings.times).toEqual([1, 4]);
    for (const r of [one, many]) expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a cause absent from one stratum is still listed there, at 0', () => {
    const res = aalenJohansen({ t: [1, 2, 3, 1, 2], e: [1, 0, 2, 1, 0], g: [0, 0, 0, 1, 1] }, { time: 't', event: 'e', strata: 'g' });
    expect(res.strata[1]!.causes.map((c) => c.cause)).toEqual([1, 2]);
    expect(res.strata[1]!.causes[1]!.cumulativeIncidence).toEqual([0, 0]);
    expect(res.strata[1]!.causes[1]!.lower).toEqual([null, null]);
  });

  it('rejects bad input with the shared messages', () => {
    const run = (data: Record<string, unknown[]>, extra: object = {}) => () => aalenJohansen(data, { time: 't', event: 'e', ...extra });
    expect(run({ t: [1, -1], e: [1, 0] })).toThrow(/time must be >= 0/);
    expect(run({ t: [1, Infinity], e: [1, 0] })).toThrow(/finite/);
    expect(run({ t: [1, 2], e: [1, 1.5] })).toThrow(/whole number/);
    expect(run({ t: [1, 2], e: [1, -2] })).toThrow(/whole number/);
    expect(run({ t: [1, 2], e: [1, 0], w: [1, -0.5] }, { weights: 'w' })).toThrow(/>= 0/);
    expect(run({ t: [1, 2], e: [1, 0] }, { confLevel: 1 })).toThrow(/confLevel/);
    expect(run({ t: [1, 2], e: [1, 0] }, { times: [1, NaN] })).toThrow(/times/);
    expect(run({ t: [null, NaN], e: [1, 0] })).toThrow(/no complete rows/);
    expect(run({ t: [1, 2], e: [1, 0] }, { strata: 'nope' })).toThrow(/not found/);
  });

  it('all rows censored: S stays 1 and no cause is listed', () => {
    const res = aalenJohansen({ t: [2, 1, 3], e: [0, 0, 0] }, { time: 't', event: 'e' });
    expect(res.causes).toEqual([]);
    expect(res.strata[0]!.survival.surv).toEqual([1, 1, 1]);
    expect(res.strata[0]!.survival.stdErr).toEqual([0, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties, and the fast algorithm against a literal O(subjects × times) transcription of R's
// survfitci.c recursion (one influence vector per subject, updated at every event time).

interface Sample {
  time: number[];
  event: number[];
  w: number[];
  g: number[];
}

/** R's recursion, subject by subject. Returns per distinct time: p (states) and se. */
function naiveAj(time: number[], event: number[], w: number[]): { time: number[]; p: number[][]; se: number[][] } {
  const causes = [...new Set(event.filter((e) => e > 0))].sort((a, b) => a - b);
  const m = causes.length + 1;
  const st = event.map((e) => (e === 0 ? 0 : causes.indexOf(e) + 1));
  const n = time.length;
  const times = [...new Set(time)].sort((a, b) => a - b);
  const U = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  let p = new Array<number>(m).fill(0);
  p[0] = 1;
  const outP: number[][] = [], outSe: number[][] = [];
  for (const t of times) {
    const atRisk = time.map((ti) => ti >= t);
    let nw = 0;
    const d = new Array<number>(m).fill(0);
    for (let i = 0; i < n; i++) {
      if (atRisk[i]) nw += w[i]!;
      if (time[i] === t && st[i]! > 0) d[st[i]!]! += w[i]!;
    }
    const dTot = d.reduce((a, b) => a + b, 0);
    if (dTot > 0) {
      const h = d.map((x) => x / nw);
      h[0] = 1 - dTot / nw;
      const S = p[0]!;
      for (let i = 0; i < n; i++) {
        const u = U[i]!;
        const v = u.map((_, b) => (b === 0 ? u[0]! * h[0]! : u[0]! * h[b]! + u[b]!));
        if (atRisk[i]) {
          const to = time[i] === t ? st[i]! : 0;
          for (let b = 0; b < m; b++) v[b]! -= (h[b]! * S) / nw;
          v[to]! += S / nw;
        }
        U[i] = v;
      }
      p = p.map((x, b) => (b === 0 ? S * h[0]! : x + S * h[b]!));
    }
    outP.push(p.slice());
    outSe.push(p.map((_, j) => Math.sqrt(U.reduce((acc, u, i) => acc + w[i]! * w[i]! * u[j]! * u[j]!, 0))));
  }
  return { time: times, p: outP, se: outSe };
}

/** Product-limit estimate of P(T > t) for `event` = 1 as the only failure, at each distinct time. */
function kmSurv(time: number[], failed: boolean[]): { time: number[]; surv: number[] } {
  const times = [...new Set(time)].sort((a, b) => a - b);
  let s = 1;
  const surv = times.map((t) => {
    const n = time.filter((x) => x >= t).length;
    const d = time.filter((x, i) => x === t && failed[i]).length;
    s *= 1 - d / n;
    return s;
  });
  return { time: times, surv };
}

const sampleArb = (maxN: number, maxTime: number, maxCause: number, nGroups = 1): fc.Arbitrary<Sample> =>
  fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.record({
      time: fc.array(fc.integer({ min: 0, max: maxTime }), { minLength: n, maxLength: n }),
      event: fc.array(fc.integer({ min: 0, max: maxCause }), { minLength: n, maxLength: n }),
      w: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 400 }).map((x) => x / 100)), { minLength: n, maxLength: n }),
      g: fc.array(fc.integer({ min: 0, max: nGroups - 1 }), { minLength: n, maxLength: n }),
    }),
  );

function statesOf(st: AjStratum, i: number): { p: number[]; se: number[] } {
  return {
    p: [st.survival.surv[i]!, ...st.causes.map((c) => c.cumulativeIncidence[i]!)],
    se: [st.survival.stdErr[i]!, ...st.causes.map((c) => c.stdErr[i]!)],
  };
}

describe('aalenJohansen: properties', () => {
  it('equals the per-subject O(n × times) IJ recursion (weighted and unweighted)', () => {
    fc.assert(
      fc.property(sampleArb(25, 8, 3), fc.boolean(), (s, weighted) => {
        const w = weighted ? s.w : s.time.map(() => 1);
        const res = aalenJohansen({ t: s.time, e: s.event, w }, { time: 't', event: 'e', weights: 'w' });
        const ref = naiveAj(s.time, s.event, w);
        const st = res.strata[0]!;
        expect(st.time).toEqual(ref.time);
        for (let i = 0; i < ref.time.length; i++) {
          const got = statesOf(st, i);
          expectAllClose(got.p, ref.p[i]!, `p at ${ref.time[i]}`);
          expectAllClose(got.se, ref.se[i]!, `se at ${ref.time[i]}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives a zero standard error, not rounding noise, where the variance is 0 (a case fast-check found)', () => {
    const s = { time: [0, 1, 0, 5, 1, 6, 3, 0, 3, 3, 0], event: [0, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1] };
    const w = s.time.map(() => 1);
    const res = aalenJohansen({ t: s.time, e: s.event, w }, { time: 't', event: 'e', weights: 'w' });
    const ref = naiveAj(s.time, s.event, w);
    for (let i = 0; i < ref.time.length; i++) {
      expectAllClose(statesOf(res.strata[0]!, i).se, ref.se[i]!, `se at ${ref.time[i]}`);
    }
  });

  it('incidences non-decreasing; incidences + event-free probability = 1; within [0, 1]', () => {
    fc.assert(
      fc.property(sampleArb(60, 15, 3, 3), (s) => {
        const res = aalenJohansen({ t: s.time, e: s.event, w: s.w, g: s.g }, { time: 't', event: 'e', weights: 'w', strata: 'g' });
        for (const st of res.strata) {
          for (let i = 0; i < st.time.length; i++) {
            let total = st.survival.surv[i]!;
            for (const c of st.causes) {
              const f = c.cumulativeIncidence;
              if (i > 0) expect(f[i]!).toBeGreaterThanOrEqual(f[i - 1]!);
              expect(f[i]!).toBeGreaterThanOrEqual(0);
              expect(f[i]!).toBeLessThanOrEqual(1 + 1e-12);
              total += f[i]!;
            }
            expect(Math.abs(total - 1)).toBeLessThan(1e-12);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('with a single cause, the incidence is 1 - KM (independent product-limit)', () => {
    fc.assert(
      fc.property(sampleArb(50, 12, 1), (s) => {
        const res = aalenJohansen({ t: s.time, e: s.event }, { time: 't', event: 'e' });
        const km = kmSurv(s.time, s.event.map((e) => e === 1));
        expect(res.time).toEqual(km.time);
        if (res.causes.length === 0) return; // no failure at all
        expectAllClose(res.causes[0]!.cumulativeIncidence, km.surv.map((x) => 1 - x), 'F = 1 - KM');
        expectAllClose(res.strata[0]!.survival.surv, km.surv, 'S = KM');
      }),
      { numRuns: 150 },
    );
  });

  it('CIF_k <= 1 - KM_k (competing failures treated as censored)', () => {
    fc.assert(
      fc.property(sampleArb(50, 12, 3), (s) => {
        const res = aalenJohansen({ t: s.time, e: s.event }, { time: 't', event: 'e' });
        for (const c of res.causes) {
          const km = kmSurv(s.time, s.event.map((e) => e === c.cause));
          for (let i = 0; i < km.time.length; i++) expect(c.cumulativeIncidence[i]!).toBeLessThanOrEqual(1 - km.surv[i]! + 1e-12);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('invariant to the order of the rows', () => {
    fc.assert(
      fc.property(
        sampleArb(40, 10, 2, 2).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray([...s.time.keys()], { minLength: s.time.length, maxLength: s.time.length }))),
        ([s, perm]) => {
          const pick = <T,>(a: T[]) => perm.map((i) => a[i]!);
          const opts = { time: 't', event: 'e', weights: 'w', strata: 'g' };
          const a = aalenJohansen({ t: s.time, e: s.event, w: s.w, g: s.g }, opts);
          const b = aalenJohansen({ t: pick(s.time), e: pick(s.event), w: pick(s.w), g: pick(s.g) }, opts);
          expect(b.strata.map((x) => [x.label, x.time, x.nRisk, x.nEvent, x.nCensor])).toEqual(a.strata.map((x) => [x.label, x.time, x.nRisk, x.nEvent, x.nCensor]));
          a.strata.forEach((sa, k) => {
            const sb = b.strata[k]!;
            expectAllClose(sb.survival.stdErr, sa.survival.stdErr, 'se S');
            sa.causes.forEach((c, j) => {
              expectAllClose(sb.causes[j]!.cumulativeIncidence, c.cumulativeIncidence, 'F');
              expectAllClose(sb.causes[j]!.stdErr, c.stdErr, 'se F');
            });
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('many strata × many distinct times (sorted aggregation) equals each stratum run alone (dense aggregation)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 150, max: 300 }).chain((n) =>
          fc.record({
            time: fc.array(fc.integer({ min: 0, max: 100_000 }).map((x) => x / 100), { minLength: n, maxLength: n }),
            event: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: n, maxLength: n }),
            g: fc.array(fc.integer({ min: 0, max: 39 }), { minLength: n, maxLength: n }),
          }),
        ),
        (s) => {
          const all = aalenJohansen({ t: s.time, e: s.event, g: s.g }, { time: 't', event: 'e', strata: 'g' });
          for (const st of all.strata) {
            const code = Number(st.label.slice(2));
            const idx = s.g.flatMap((g, i) => (g === code ? [i] : []));
            const alone = aalenJohansen({ t: idx.map((i) => s.time[i]!), e: idx.map((i) => s.event[i]!) }, { time: 't', event: 'e' });
            expect(st.time).toEqual(alone.time);
            expect(st.nRisk).toEqual(alone.strata[0]!.nRisk);
            for (const c of alone.causes) {
              const mine = st.causes.find((x) => x.cause === c.cause)!;
              expectAllClose(mine.cumulativeIncidence, c.cumulativeIncidence, 'F');
              expectAllClose(mine.stdErr, c.stdErr, 'se');
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
