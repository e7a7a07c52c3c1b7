// The Aalen-Johansen recursion for one curve with its infinitesimal-jackknife (IJ) variance, on rows
// already aggregated into (distinct time, status) groups: O(times × states³), independent of the
// number of subjects.
//
// R survival 3.5.3 (survfitci.c) keeps one influence row vector U_i per subject and, at every time
// with a weighted event, updates all of them: U_i ← U_i H, then for subjects at risk
// U_i ← U_i + (S/n)(e_{to(i)} − h), where h is the first row of the transition matrix H (h_0 = 1 − d/n,
// h_k = d_k/n), S the probability of the initial state just before the time, n the weighted number
// at risk and to(i) the state the subject is in just after (0 if no event). The variance of state j
// is Σ_i w_i² U_ij². That costs O(subjects × times). Here:
//   - every subject still at risk has followed the same path, so they share one vector A;
//   - subjects leaving at one time with one status share one vector (A' for censorings, A' + (S/n)(e_k − e_0)
//     for cause k);
//   - after leaving, U only gets multiplied by H, so the leavers need only their second-moment
//     matrix M = Σ w_i² U_iᵀU_i, updated as M ← HᵀMH.
// The variance at each time is then diag(M) + (Σ w² of the subjects at risk) · A'² (with the event
// groups' own vectors), which is exactly R's sum, regrouped.

/** Rows of one curve, aggregated by distinct time (ascending) and status (0 = censored, k = k-th cause). */
export interface AjGroups {
  /** Distinct times, ascending. */
  time: Float64Array;
  /** Number of states: 1 + number of causes. */
  m: number;
  /** Row counts at [i * m + status]. */
  count: Float64Array;
  /** Sums of case weights at [i * m + status] (the counts when unweighted). */
  wsum: Float64Array;
  /** Sums of squared case weights at [i * m + status] (the counts when unweighted). */
  w2sum: Float64Array;
}

/** State-occupation probabilities and their IJ standard errors at each distinct time, at [i * m + state]. */
export interface AjCurve {
  pstate: Float64Array;
  stdErr: Float64Array;
  /** Unweighted number of rows at risk just before each time (survfit's n.risk). */
  nRisk: Float64Array;
}

export function ajCurve(g: AjGroups): AjCurve {
  const { m, wsum, w2sum, count } = g;
  const nt = g.time.length;
  // Suffix sums: weight, squared weight and row count at risk at each time (time >= t_i).
  const wRisk = new Float64Array(nt + 1);
  const w2Risk = new Float64Array(nt + 1);
  const nRisk = new Float64Array(nt + 1);
  for (let i = nt - 1; i >= 0; i--) {
    let w = 0, w2 = 0, c = 0;
    for (let s = 0; s < m; s++) {
      w += wsum[i * m + s]!;
      w2 += w2sum[i * m + s]!;
      c += count[i * m + s]!;
    }
    wRisk[i] = wRisk[i + 1]! + w;
    w2Risk[i] = w2Risk[i + 1]! + w2;
    nRisk[i] = nRisk[i + 1]! + c;
  }

  const pstate = new Float64Array(nt * m);
  const stdErr = new Float64Array(nt * m);
  const p = new Float64Array(m);
  p[0] = 1;
  const A = new Float64Array(m); // common influence vector of the subjects still at risk
  const M = new Float64Array(m * m); // Σ w² UᵀU over the subjects who have left
  const h = new Float64Array(m);
  const row0 = new Float64Array(m);
  const v = new Float64Array(m);

  for (let i = 0; i < nt; i++) {
    const base = i * m;
    const n = wRisk[i]!;
    let d = 0;
    for (let k = 1; k < m; k++) d += wsum[base + k]!;
    // Subjects at risk who stay in the initial state: later times, and censorings at this time.
    const w2Stay = w2Risk[i + 1]! + w2sum[base]!;
    let c = 0; // S / n: the size of this time's influence step
    // M's size before its in-place update: the update's rounding noise is of order eps × that size.
    let mMax = 0;
    for (let q = 0; q < m * m; q++) mMax = Math.max(mMax, Math.abs(M[q]!));
    if (d > 0) {
      const S = p[0]!;
      c = S / n;
      // h_0 from the weight that stays (exactly 0 when nobody does), h_k = d_k / n.
      h[0] = (wRisk[i + 1]! + wsum[base]!) / n;
      for (let k = 1; k < m; k++) h[k] = wsum[base + k]! / n;
      // M ← Hᵀ M H. H is the identity but for row 0 (= h): right-multiplying moves column 0 into
      // every column, left-multiplying moves row 0 into every row.
      for (let r = 0; r < m; r++) {
        const x0 = M[r * m]!;
        M[r * m] = x0 * h[0]!;
        for (let k = 1; k < m; k++) M[r * m + k]! += x0 * h[k]!;
      }
      for (let b = 0; b < m; b++) row0[b] = M[b]!;
      for (let b = 0; b < m; b++) M[b] = h[0]! * row0[b]!;
      for (let k = 1; k < m; k++) {
        const hk = h[k]!;
        for (let b = 0; b < m; b++) M[k * m + b]! += hk * row0[b]!;
      }
      // A' = A H + (S/n)(e_0 − h); 1 − h_0 = d/n.
      const a0 = A[0]!;
      A[0] = a0 * h[0]! + c * (d / n);
      for (let k = 1; k < m; k++) A[k] = A[k]! + (a0 - c) * h[k]!;
      // p ← p H
      for (let k = 1; k < m; k++) p[k] = p[k]! + S * h[k]!;
      p[0] = S * h[0]!;
    }

    // Variance: leavers + stayers (vector A') + each cause's event group (A' + c(e_k − e_0)).
    for (let j = 0; j < m; j++) v[j] = M[j * m + j]! + w2Stay * A[j]! * A[j]!;
    for (let k = 1; k < m; k++) {
      const w2 = w2sum[base + k]!;
      if (w2 === 0) continue;
      for (let j = 0; j < m; j++) {
        const u = A[j]! + (j === 0 ? -c : j === k ? c : 0);
        v[j]! += w2 * u * u;
      }
    }
    // A variance below the rounding floor of M's update is 0: its square root would otherwise turn 1e-18
    // of noise into a standard error of 1e-9 (e.g. when everyone left has had the same event).
    for (let q = 0; q < m * m; q++) mMax = Math.max(mMax, Math.abs(M[q]!));
    const floor = 64 * Number.EPSILON * mMax;
    for (let j = 0; j < m; j++) {
      pstate[base + j] = p[j]!;
      stdErr[base + j] = v[j]! > floor ? Math.sqrt(v[j]!) : 0;
    }

    // The rows leaving at this time join M.
    const w2c = w2sum[base]!;
    if (w2c > 0) {
      for (let a = 0; a < m; a++) {
        const x = w2c * A[a]!;
        for (let b = 0; b < m; b++) M[a * m + b]! += x * A[b]!;
      }
    }
    for (let k = 1; k < m; k++) {
      const w2 = w2sum[base + k]!;
      if (w2 === 0) continue;
      for (let a = 0; a < m; a++) {
        const ua = A[a]! + (a === 0 ? -c : a === k ? c : 0);
        const x = w2 * ua;
        for (let b = 0; b < m; b++) {
          const ub = A[b]! + (b === 0 ? -c : b === k ? c : 0);
          M[a * m + b]! += x * ub;
        }
      }
    }
  }
  return { pstate, stdErr, nRisk: nRisk.subarray(0, nt) };
}
