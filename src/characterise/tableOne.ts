// "Table 1": baseline characteristics by group, before and (with weights or matched sets) after
// adjustment. Long format, one row per variable x level x group x sample, with raw numbers: counts
// are NOT suppressed here (the results writers do it), and `countFields` names the fields that hold
// counts of persons, so a writer knows what to suppress.
//
// Binary (0/1) and categorical variables: count and percent of the non-missing values. Continuous:
// mean (SD) and median [Q1, Q3]. Crude quantiles are R's type 7; weighted quantiles are the weighted
// inverse CDF (the smallest value whose cumulative weight reaches p of the total, averaged with the next
// value when it reaches it exactly: type 2 with unit weights). Weighted SD uses reliability weights
// (n - 1 with unit weights). Missing values are counted per variable and left out of its statistics.
import { estimateMessages as msg } from '../messages/index.js';
import { columnSource, groupColumn, numericColumn, type EstimatorData, type GroupColumn } from '../estimate/input.js';
import { quantileSorted } from '../estimate/weightByPropensity.js';
import { adjustmentWeights, standardisedDifference } from './balanceTable.js';

export interface TableOneVariable {
  /** Column name. */
  name: string;
  type: 'binary' | 'categorical' | 'continuous';
  /** Display label; default the name. */
  label?: string;
  /** Categorical: the levels to show, in this order (others are counted as missing). Default: all, in R factor order. */
  levels?: Array<string | number>;
}

export interface TableOneOptions {
  /** Group column (e.g. treatment 1/0). With matchedSet it must be coded 0/1. */
  group: string;
  variables: TableOneVariable[];
  /** Weights for the adjusted sample. */
  weights?: string;
  /** Or matched sets (matchOnPropensity's matchedSet), turned into matching weights. */
  matchedSet?: string;
  /** Add an 'Overall' group. Default false. */
  overall?: boolean;
}

export interface TableOneRow {
  variable: string;
  label: string;
  type: 'binary' | 'categorical' | 'continuous';
  /** Categorical level (as text); '1' for binary variables; null for continuous ones. */
  level: string | null;
  /** Group label (the group value as text, or 'Overall'). */
  group: string;
  sample: 'crude' | 'adjusted';
  /** Persons in the group (unweighted). */
  n: number;
  /** Persons in the group with this variable missing (unweighted). */
  nMissing: number;
  /** Persons with this level (unweighted); null for continuous variables. */
  count: number | null;
  /** Adjusted sample: sum of the weights of the persons with this level; null otherwise. */
  weightedCount: number | null;
  /** Percent of the non-missing values (weighted in the adjusted sample). */
  percent: number | null;
  mean: number | null;
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
}

export interface TableOneResult {
  /** Group labels in R factor order (then 'Overall'). */
  groups: string[];
  rows: TableOneRow[];
  /** With exactly two groups: SMD (second group minus first, as balanceTable's pooled denominator) per variable and level. */
  smd: Array<{ variable: string; level: string | null; crude: number | null; adjusted: number | null }> | null;
  /** Fields of `rows` holding counts of persons (to be suppressed when small by the results writers). */
  countFields: string[];
  /** Rows dropped for a missing group or weight. */
  nMissing: number;
  settings: {
    group: string;
    variables: Array<{ name: string; type: string; label: string; levels: string[] | null }>;
    adjustment: { weights: string } | { matchedSet: string } | null;
    overall: boolean;
  };
}

function weightedQuantile(values: Float64Array, weights: Float64Array, p: number): number {
  // values sorted ascending with their weights.
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  const target = p * total;
  let cum = 0;
  for (let i = 0; i < values.length; i++) {
    cum += weights[i]!;
    if (cum > target * (1 + 1e-12)) return values[i]!;
    if (Math.abs(cum - target) <= 1e-12 * total) {
      let j = i + 1;
      while (j < values.length && weights[j] === 0) j++;
      return j < values.length ? (values[i]! + values[j]!) / 2 : values[i]!;
    }
  }
  return values[values.length - 1]!;
}

/** Baseline characteristics by group, crude and adjusted. */
export function tableOne(data: EstimatorData, options: TableOneOptions): TableOneResult {
  const est = 'tableOne';
  const src = columnSource(data);
  const seen = new Set<string>();
  for (const v of options.variables) {
    if (seen.has(v.name)) throw msg.duplicateName(est, v.name);
    seen.add(v.name);
    if (!['binary', 'categorical', 'continuous'].includes(v.type)) throw msg.badOption(est, `variables (${v.name}).type`, v.type, "'binary', 'categorical' or 'continuous'");
  }
  const g: GroupColumn = groupColumn(src, options.group);
  let treatment: Float64Array | null = null;
  if (options.matchedSet !== undefined) {
    treatment = numericColumn(src, options.group);
    for (let i = 0; i < treatment.length; i++) if (!Number.isNaN(treatment[i]!) && treatment[i] !== 0 && treatment[i] !== 1) throw msg.notBinary(options.group, i + 1, 'the group (with matchedSet)');
  }
  const w = adjustmentWeights(est, src, options, treatment);
  const overall = options.overall ?? false;
  const labels = g.levels.map(String);
  const nG = labels.length;
  const groups = overall ? [...labels, 'Overall'] : labels;
  // Persons kept: group and (if any) weight present.
  const keep: number[] = [];
  for (let i = 0; i < src.n; i++) if (g.codes[i]! >= 0 && (!w || !Number.isNaN(w[i]!))) keep.push(i);
  const nMissing = src.n - keep.length;
  const members: Int32Array[] = [];
  for (let k = 0; k < nG; k++) members.push(Int32Array.from(keep.filter((i) => g.codes[i] === k)));
  if (overall) members.push(Int32Array.from(keep));
  const samples: Array<'crude' | 'adjusted'> = w ? ['crude', 'adjusted'] : ['crude'];
  const rows: TableOneRow[] = [];
  const smd: NonNullable<TableOneResult['smd']> = [];
  const num = (v: number) => (Number.isFinite(v) ? v : null);

  for (const v of options.variables) {
    const label = v.label ?? v.name;
    const base = { variable: v.name, label, type: v.type };
    if (v.type === 'continuous') {
      const x = numericColumn(src, v.name);
      const stats: Record<string, { mean: number; variance: number }> = {};
      for (const sample of samples) {
        members.forEach((idx, k) => {
          const vals: number[] = [];
          const ws: number[] = [];
          let miss = 0;
          for (const i of idx) {
            if (Number.isNaN(x[i]!)) {
              miss++;
              continue;
            }
            if (!Number.isFinite(x[i]!)) throw msg.nonFiniteValue(v.name, i + 1);
            vals.push(x[i]!);
            ws.push(sample === 'adjusted' ? w![i]! : 1);
          }
          const order = vals.map((_, j) => j).sort((a, b) => vals[a]! - vals[b]!);
          const sv = Float64Array.from(order, (j) => vals[j]!);
          const sw = Float64Array.from(order, (j) => ws[j]!);
          let W = 0, W2 = 0, S = 0;
          for (let j = 0; j < sv.length; j++) {
            W += sw[j]!;
            W2 += sw[j]! * sw[j]!;
            S += sw[j]! * sv[j]!;
          }
          const mean = S / W;
          let ss = 0;
          for (let j = 0; j < sv.length; j++) ss += sw[j]! * (sv[j]! - mean) ** 2;
          const variance = ss / (W - W2 / W);
          stats[`${sample}:${k}`] = { mean, variance };
          const q = (p: number) => (sv.length === 0 ? NaN : sample === 'crude' ? quantileSorted(sv, p) : weightedQuantile(sv, sw, p));
          rows.push({
            ...base,
            level: null,
            group: groups[k]!,
            sample,
            n: idx.length,
            nMissing: miss,
            count: null,
            weightedCount: null,
            percent: null,
            mean: num(mean),
            sd: num(Math.sqrt(variance)),
            median: num(q(0.5)),
            q1: num(q(0.25)),
            q3: num(q(0.75)),
          });
        });
      }
      if (nG === 2) {
        const c0 = stats['crude:0']!, c1 = stats['crude:1']!;
        const den = Math.sqrt((c0.variance + c1.variance) / 2);
        const a0 = stats['adjusted:0'], a1 = stats['adjusted:1'];
        smd.push({ variable: v.name, level: null, crude: standardisedDifference(c1.mean, c0.mean, den), adjusted: a0 && a1 ? standardisedDifference(a1.mean, a0.mean, den) : null });
      }
      continue;
    }
    // Binary and categorical: one row per level.
    let codes: Int32Array;
    let levelLabels: string[];
    if (v.type === 'binary') {
      const x = numericColumn(src, v.name);
      codes = new Int32Array(src.n);
      for (let i = 0; i < src.n; i++) {
        const val = x[i]!;
        if (Number.isNaN(val)) codes[i] = -1;
        else if (val === 0 || val === 1) codes[i] = val === 1 ? 0 : 1;
        else throw msg.notBinary(v.name, i + 1, `variable '${v.name}' (binary)`);
      }
      levelLabels = ['1']; // code 0 = level '1'; code 1 = the 0s, not shown
    } else {
      const gc = groupColumn(src, v.name);
      if (v.levels) {
        const wanted = v.levels.map(String);
        const map = gc.levels.map((l) => wanted.indexOf(String(l)));
        codes = Int32Array.from(gc.codes, (c) => (c < 0 ? -1 : map[c]!));
        levelLabels = wanted;
      } else {
        codes = gc.codes;
        levelLabels = gc.levels.map(String);
      }
    }
    const nL = levelLabels.length;
    const props: Record<string, number[]> = {};
    for (const sample of samples) {
      members.forEach((idx, k) => {
        const cnt = new Float64Array(nL);
        const wcnt = new Float64Array(nL);
        let miss = 0;
        let W = 0;
        for (const i of idx) {
          const c = codes[i]!;
          if (c < 0) {
            miss++;
            continue;
          }
          const wi = sample === 'adjusted' ? w![i]! : 1;
          W += wi;
          if (c < nL) {
            cnt[c]++;
            wcnt[c] += wi;
          }
        }
        const pr: number[] = [];
        for (let l = 0; l < nL; l++) {
          const p = W > 0 ? wcnt[l]! / W : NaN;
          pr.push(p);
          rows.push({
            ...base,
            level: levelLabels[l]!,
            group: groups[k]!,
            sample,
            n: idx.length,
            nMissing: miss,
            count: cnt[l]!,
            weightedCount: sample === 'adjusted' ? wcnt[l]! : null,
            percent: num(100 * p),
            mean: null,
            sd: null,
            median: null,
            q1: null,
            q3: null,
          });
        }
        props[`${sample}:${k}`] = pr;
      });
    }
    if (nG === 2) {
      for (let l = 0; l < nL; l++) {
        const p0 = props['crude:0']![l]!, p1 = props['crude:1']![l]!;
        const den = Math.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / 2);
        const a0 = props['adjusted:0']?.[l], a1 = props['adjusted:1']?.[l];
        smd.push({ variable: v.name, level: levelLabels[l]!, crude: standardisedDifference(p1, p0, den), adjusted: a0 !== undefined && a1 !== undefined ? standardisedDifference(a1, a0, den) : null });
      }
    }
  }
  return {
    groups,
    rows,
    smd: nG === 2 ? smd : null,
    countFields: ['n', 'nMissing', 'count', 'weightedCount'],
    nMissing,
    settings: {
      group: options.group,
      variables: options.variables.map((v) => ({ name: v.name, type: v.type, label: v.label ?? v.name, levels: v.levels ? v.levels.map(String) : null })),
      adjustment: options.weights !== undefined ? { weights: options.weights } : options.matchedSet !== undefined ? { matchedSet: options.matchedSet } : null,
      overall,
    },
  };
}
