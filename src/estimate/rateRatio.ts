import betaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';
import { estimateMessages as msg } from '../messages/index.js';
import { checkConfLevel, checkCount } from './poissonRate.js';

/**
 * Ratio of two Poisson rates, (events1/personTime1) / (events0/personTime0), with the exact
 * conditional interval and two-sided p-value of R's `poisson.test(c(x1, x0), c(t1, t0))`:
 * given n = x1 + x0, x1 ~ Binomial(n, p) with p = t1/(t1 + t0) under equal rates (binom.test).
 */
export interface RateRatioOptions {
  /** Two-sided confidence level, default 0.95. */
  confLevel?: number;
}

export interface RateRatioResult {
  events1: number;
  personTime1: number;
  events0: number;
  personTime0: number;
  /** null when events0 = 0 (R: Inf, or NaN when both arms have no event). */
  rateRatio: number | null;
  lower: number | null;
  /** null means +Infinity (unbounded): events0 = 0. */
  upper: number | null;
  /** Two-sided exact p-value for rate ratio = 1, R's binom.test rule. */
  p: number;
  confLevel: number;
}

/** Binomial probability mass from the cdf on the side of the mode where the cdf is small (no cancellation). */
function makePmf(n: number, p: number, q: number, m: number): (k: number) => number {
  return (k: number) => {
    if (k < 0 || k > n) return 0;
    if (k <= m) return binomialCdf(k, n, p) - binomialCdf(k - 1, n, p);
    // P(X = k) = P(Y = n - k) with Y ~ Binomial(n, q): its lower tail is the small side here.
    return binomialCdf(n - k, n, q) - binomialCdf(n - k - 1, n, q);
  };
}

/**
 * R's binom.test two-sided p-value: the sum of P(X = i) over all i with P(X = i) <= d * (1 + 1e-7),
 * d = P(X = x). The pmf is unimodal, so the count `y` on the far side of the mean, which R gets by
 * scanning every i, is found by bisection on the monotone side. q = 1 - p is passed exactly.
 */
export function binomTestTwoSidedP(x: number, n: number, p: number, q: number): number {
  if (p === 0) return x === 0 ? 1 : 0;
  if (q === 0) return x === n ? 1 : 0;
  const relErr = 1 + 1e-7;
  const m = n * p;
  if (x === m) return 1;
  const pmf = makePmf(n, p, q, m);
  const d = pmf(x) * relErr;
  if (x < m) {
    // i in [ceil(m), n], pmf non-increasing: find the first i with pmf(i) <= d.
    let lo = Math.ceil(m);
    let hi = n + 1; // sentinel: none
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pmf(mid) <= d) hi = mid;
      else lo = mid + 1;
    }
    const y = n + 1 - lo; // how many i in [lo, n]
    // pbinom(x, n, p) + pbinom(n - y, n, p, lower.tail = FALSE); the upper tail as a lower tail in q.
    return Math.min(1, binomialCdf(x, n, p) + (y > 0 ? binomialCdf(y - 1, n, q) : 0));
  }
  // i in [0, floor(m)], pmf non-decreasing: find the last i with pmf(i) <= d.
  let lo = -1; // sentinel: none
  let hi = Math.floor(m);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (pmf(mid) <= d) lo = mid;
    else hi = mid - 1;
  }
  const y = lo + 1; // how many i in [0, lo]
  // pbinom(y - 1, n, p) + pbinom(x - 1, n, p, lower.tail = FALSE)
  return Math.min(1, (y > 0 ? binomialCdf(y - 1, n, p) : 0) + binomialCdf(n - x, n, q));
}

export function rateRatio(
  events1: number,
  personTime1: number,
  events0: number,
  personTime0: number,
  options: RateRatioOptions = {},
): RateRatioResult {
  const confLevel = options.confLevel ?? 0.95;
  checkConfLevel(confLevel);
  const x1 = checkCount('events1', events1);
  const x0 = checkCount('events0', events0);
  for (const [what, t] of [['personTime1', personTime1], ['personTime0', personTime0]] as const) {
    if (typeof t !== 'number' || !Number.isFinite(t) || t <= 0) throw msg.badPersonTime(what, t, true);
  }
  const t1 = personTime1;
  const t0 = personTime0;
  const base = { events1: x1, personTime1: t1, events0: x0, personTime0: t0, confLevel };
  const n = x1 + x0;
  // R stops here (binom.test needs n >= 1); no events carries no information: (0, Inf), p = 1.
  if (n === 0) return { ...base, rateRatio: null, lower: 0, upper: null, p: 1 };

  const p = t1 / (t1 + t0);
  const q = t0 / (t1 + t0);
  const alpha = (1 - confLevel) / 2;
  // R: pp / (1 - pp) * t0 / t1 with pp = qbeta(...). 1 - qbeta(a, s1, s2) = qbeta(1 - a, s2, s1),
  // so both odds are computed without cancellation (and swapping the arms inverts them exactly).
  const lower = x1 === 0 ? 0 : (betaQuantile(alpha, x1, x0 + 1) / betaQuantile(1 - alpha, x0 + 1, x1)) * (t0 / t1);
  const upper = x0 === 0 ? null : (betaQuantile(1 - alpha, x1 + 1, x0) / betaQuantile(alpha, x0, x1 + 1)) * (t0 / t1);
  const ratio = x0 === 0 ? null : x1 / t1 / (x0 / t0);
  return { ...base, rateRatio: ratio, lower, upper, p: binomTestTwoSidedP(x1, n, p, q) };
}
