// Log-rank test (and its stratified form), as R survival 3.5.3's
// survdiff(Surv(time, event) ~ group [+ strata(...)]) with rho = 0. Strata are labelled `site=x`
// (R's survdiff prints a single strata variable's bare values).
import gammainc from '@stdlib/math-base-special-gammainc';
import { estimateMessages as msg } from '../messages/index.js';
import type { EstimatorData } from './input.js';
import { codeTimes, nameList, orderByStratumTime, readSurvivalRows, useDenseTable } from './survivalTable.js';

export interface LogRankOptions {
  /** Follow-up time column (finite, >= 0). */
  time: string;
  /** Event column: 1/true = event, 0/false = censored. */
  event: string;
  /** Group column(s) to compare; several columns are combined as R's `~ a + b`. */
  group: string | string[];
  /** Stratify the test: expected counts and variances are computed within strata and summed (R's `+ strata(x)`). */
  strata?: string | string[];
}

export interface LogRankSettings {
  time: string;
  event: string;
  group: string[];
  strata: string[];
}

export interface LogRankResult {
  /** Chi-square statistic (O - E)' V^- (O - E) over the groups with expected > 0. */
  chisq: number;
  /** Number of groups with expected > 0, minus 1. */
  df: number;
  /** Upper-tail chi-square probability. */
  p: number;
  /** Group labels (`sex=1`) in factor-level order; the arrays below follow it. */
  groups: string[];
  /** Rows per group. */
  n: number[];
  /** Events per group (summed over strata). */
  observed: number[];
  /** Expected events per group under no difference (summed over strata). */
  expected: number[];
  /** Variance matrix of observed - expected (summed over strata), groups x groups. */
  variance: number[][];
  /** Strata labels and row counts, or null when not stratified. */
  strata: Array<{ label: string; n: number }> | null;
  settings: LogRankSettings;
  /** Rows dropped for a missing value in a used column. */
  nMissing: number;
}

export function logRank(data: EstimatorData, options: LogRankOptions): LogRankResult {
  const groupNames = nameList(options.group);
  const strataNames = nameList(options.strata);
  const rows = readSurvivalRows(data, 'logRank', options, [groupNames, strataNames]);
  const { time, event } = rows;
  const group = rows.factors[0]!;
  const strata = rows.factors[1]!;
  const G = group.count;
  if (G < 2) throw msg.logRankOneGroup(groupNames.join(', '));

  const tc = codeTimes(time);
  const S = strata.count, U = tc.values.length, n = time.length;
  const gcode = group.code, tcode = tc.code, scode = strata.code;
  const observed = new Float64Array(G);
  const expected = new Float64Array(G);
  const v = new Float64Array(G * G);
  const risk = new Float64Array(G);
  const nGroup = new Float64Array(G);
  const strataN = new Array<number>(S).fill(0);

  /** One distinct time of a stratum, walked from the last back (survdiff2.c): risk already includes its rows. */
  const addTime = (deaths: number, nrisk: number) => {
    for (let g = 0; g < G; g++) expected[g]! += (deaths * risk[g]!) / nrisk;
    if (nrisk > 1) {
      // Hypergeometric variance of the deaths' split among groups.
      for (let a = 0; a < G; a++) {
        const tmp = (deaths * risk[a]! * (nrisk - deaths)) / (nrisk * (nrisk - 1));
        v[a * G + a]! += tmp;
        for (let b = 0; b < G; b++) v[a * G + b]! -= (tmp * risk[b]!) / nrisk;
      }
    }
  };

  if (useDenseTable(S * U * G, n)) {
    // Few cells (integer days x a few groups): one pass fills a dense stratum x time x group table.
    const rowsAt = new Int32Array(S * U * G), deathsAt = new Int32Array(S * U * G);
    for (let i = 0; i < n; i++) {
      const cell = (scode[i]! * U + tcode[i]!) * G + gcode[i]!;
      rowsAt[cell]!++;
      deathsAt[cell]! += event[i]!;
    }
    for (let s = 0; s < S; s++) {
      risk.fill(0);
      let nrisk = 0;
      for (let t = U - 1; t >= 0; t--) {
        let deaths = 0;
        for (let g = 0, cell = (s * U + t) * G; g < G; g++, cell++) {
          const r = rowsAt[cell]!;
          if (r === 0) continue;
          risk[g]! += r;
          nGroup[g]! += r;
          nrisk += r;
          deaths += deathsAt[cell]!;
          observed[g]! += deathsAt[cell]!;
        }
        if (deaths > 0) addTime(deaths, nrisk);
      }
      strataN[s] = nrisk;
    }
  } else {
    const { order, start } = orderByStratumTime(scode, S, tcode, U);
    for (let s = 0; s < S; s++) {
      const from = start[s]!, to = start[s + 1]!;
      strataN[s] = to - from;
      risk.fill(0);
      let k = to - 1;
      while (k >= from) {
        const c = tcode[order[k]!]!;
        let deaths = 0;
        for (; k >= from; k--) {
          const i = order[k]!;
          if (tcode[i] !== c) break;
          const g = gcode[i]!;
          risk[g]!++;
          nGroup[g]!++;
          if (event[i] === 1) {
            deaths++;
            observed[g]!++;
          }
        }
        if (deaths > 0) addTime(deaths, to - 1 - k);
      }
    }
  }

  // survdiff: drop groups with no expected events, then the first remaining one, and solve.
  const used: number[] = [];
  for (let g = 0; g < G; g++) if (expected[g]! > 0) used.push(g);
  const df = used.length - 1;
  let chisq = 0;
  if (used.length >= 2) {
    const idx = used.slice(1);
    const r = idx.length;
    const a = new Float64Array(r * r);
    const b = new Float64Array(r);
    for (let i = 0; i < r; i++) {
      b[i] = observed[idx[i]!]! - expected[idx[i]!]!;
      for (let j = 0; j < r; j++) a[i * r + j] = v[idx[i]! * G + idx[j]!]!;
    }
    const x = solve(a, b, r);
    for (let i = 0; i < r; i++) chisq += x[i]! * b[i]!;
  }
  // Upper tail of the chi-square through the regularised upper incomplete gamma: keeps relative
  // accuracy for tiny p where 1 - cdf would round to 0. pchisq(0, 0, lower = FALSE) is 1 in R, and
  // so is the tail at a statistic that rounding left a hair below 0.
  const p = df > 0 && chisq > 0 ? gammainc(chisq / 2, df / 2, true, true) : 1;

  const variance: number[][] = [];
  for (let a = 0; a < G; a++) variance.push(Array.from(v.subarray(a * G, a * G + G)));
  return {
    chisq,
    df,
    p,
    groups: group.labels,
    n: Array.from(nGroup),
    observed: Array.from(observed),
    expected: Array.from(expected),
    variance,
    strata: strataNames.length ? strata.labels.map((label, s) => ({ label, n: strataN[s]! })) : null,
    settings: { time: options.time, event: options.event, group: groupNames, strata: strataNames },
    nMissing: rows.nMissing,
  };
}

/** Solve a x = b (r x r, row-major) by Gaussian elimination with partial pivoting, as LAPACK's dgesv. */
function solve(a: Float64Array, b: Float64Array, r: number): Float64Array {
  const m = a.slice();
  const x = b.slice();
  let scale = 0;
  for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i]!));
  for (let col = 0; col < r; col++) {
    let piv = col;
    for (let i = col + 1; i < r; i++) if (Math.abs(m[i * r + col]!) > Math.abs(m[piv * r + col]!)) piv = i;
    // R's solve() refuses a reciprocal condition number below machine epsilon; a pivot that small
    // relative to the matrix is the same verdict here.
    if (!(Math.abs(m[piv * r + col]!) > scale * Number.EPSILON * r)) throw msg.logRankSingular();
    if (piv !== col) {
      for (let j = 0; j < r; j++) {
        const t = m[col * r + j]!;
        m[col * r + j] = m[piv * r + j]!;
        m[piv * r + j] = t;
      }
      const t = x[col]!;
      x[col] = x[piv]!;
      x[piv] = t;
    }
    for (let i = col + 1; i < r; i++) {
      const f = m[i * r + col]! / m[col * r + col]!;
      if (f === 0) continue;
      for (let j = col; j < r; j++) m[i * r + j]! -= f * m[col * r + j]!;
      x[i]! -= f * x[col]!;
    }
  }
  for (let i = r - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < r; j++) s -= m[i * r + j]! * x[j]!;
    x[i] = s / m[i * r + i]!;
  }
  return x;
}
