import stdlibGammaQuantile from '@stdlib/stats-base-dists-gamma-quantile';
import { estimateMessages as msg } from '../messages/index.js';

/**
 * One incidence rate with its exact (Garwood 1936) interval, as R's `poisson.test(x, T)`:
 *   lower = qgamma(alpha/2, x) / T   (0 when x = 0),   upper = qgamma(1 - alpha/2, x + 1) / T.
 */
export interface PoissonRateOptions {
  /** Two-sided confidence level, default 0.95. */
  confLevel?: number;
  /** Multiplier for rate and limits (1000 gives rates per 1000 person-time units), default 1. */
  per?: number;
}

export interface PoissonRateResult {
  events: number;
  personTime: number;
  /** events / personTime * per; null when personTime is 0 (R gives Inf or NaN). */
  rate: number | null;
  lower: number | null;
  upper: number | null;
  confLevel: number;
  per: number;
}

export function checkConfLevel(confLevel: number): void {
  if (!(typeof confLevel === 'number' && confLevel > 0 && confLevel < 1)) throw msg.badConfLevel(confLevel);
}

export function checkPer(per: number): void {
  if (!(typeof per === 'number' && Number.isFinite(per) && per > 0)) throw msg.badPer(per);
}

/** R's rule for counts: finite, >= 0, integer within 1e-7, then rounded. */
export function checkCount(what: string, x: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || Math.abs(x - Math.round(x)) > 1e-7) throw msg.badCount(what, x);
  return Math.round(x);
}

// --- Gamma quantile, with a correction for @stdlib's large-x incomplete gamma ---
//
// @stdlib/math-base-special-gammainc (0.3.1, and upstream at the time of writing) evaluates Q(a, x)
// for x > 1000 and x > a - 50 with Boost's large-x series but starts its Pochhammer term at a
// instead of a - 1 (Boost: a_poch = a - 1), so it returns (a/x) Q(a+1, x): e.g. Q(1001, 1063.95)
// comes out as 0.02529 instead of 0.025 and qgamma(0.975, 1001) is off by 1.5e-4 (relative).
// Every Garwood limit above about 940 events and every Fay-Feuer limit of a large study falls there.
// Where stdlib's answer lies in that region we polish it by Newton's method on P(a, x) / Q(a, x)
// evaluated with the classic series / continued fraction (Numerical Recipes, gser/gcf) and a
// cancellation-free prefactor (Temme): x^a e^-x / Gamma(a+1) = exp(-a phi(x/a)) / (sqrt(2 pi a) e^theta(a)),
// phi(l) = l - 1 - ln l, theta the Stirling series. Checked against R's qgamma to 1e-12 in the tests.

/** ln(x^a e^-x / Gamma(a + 1)) for a >= 10, without the cancellation of a ln x - x - lgamma(a + 1). */
function logPoissonTerm(a: number, x: number): number {
  const mu = (x - a) / a;
  // a * phi(x/a) = a * (mu - log1p(mu)); for small mu use the series to avoid cancellation.
  let aPhi: number;
  if (Math.abs(mu) < 0.1) {
    // mu - log1p(mu) = mu^2/2 - mu^3/3 + mu^4/4 - ...
    let term = mu * mu;
    let sum = 0;
    for (let k = 2; k < 60; k++) {
      const t = term / k;
      sum += k % 2 === 0 ? t : -t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
      term *= mu;
    }
    aPhi = a * sum;
  } else {
    aPhi = a * (mu - Math.log1p(mu));
  }
  const a2 = a * a;
  const theta = (1 / (12 * a)) * (1 - (1 / (30 * a2)) * (1 - (2 / (7 * a2)) * (1 - 3 / (4 * a2))));
  return -aPhi - 0.5 * Math.log(2 * Math.PI * a) - theta;
}

/** Regularised lower (P) and upper (Q) incomplete gamma, for a >= 10 (the region stdlib gets wrong). */
function incompleteGammaPQ(a: number, x: number): [number, number] {
  const logD = logPoissonTerm(a, x); // D = x^a e^-x / Gamma(a + 1)
  if (x < a + 1) {
    // P = D * sum_{n>=0} x^n / ((a+1)...(a+n))
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 1e7; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    const P = Math.exp(logD + Math.log(sum));
    return [P, 1 - P];
  }
  // Q = a D / x-continued fraction: 1 / (x + 1 - a - 1(1 - a) / (x + 3 - a - 2(2 - a) / ...)), modified Lentz.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1e7; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  const Q = Math.exp(logD + Math.log(a) + Math.log(h));
  return [1 - Q, Q];
}

/** Quantile of Gamma(shape, rate 1): @stdlib's, polished where stdlib's incomplete gamma is wrong. */
export function gammaQuantile(p: number, shape: number): number {
  const x0 = stdlibGammaQuantile(p, shape, 1);
  if (!(x0 > 1000 && x0 > shape - 60 && shape >= 10 && p > 0 && p < 1)) return x0;
  // Newton on the smaller tail (no cancellation), density = a D / x.
  const lowerTail = p < 0.5;
  const target = lowerTail ? p : 1 - p;
  let x = x0;
  for (let it = 0; it < 100; it++) {
    const [P, Q] = incompleteGammaPQ(shape, x);
    const f = lowerTail ? P - target : target - Q;
    const dens = Math.exp(logPoissonTerm(shape, x) + Math.log(shape / x));
    const step = f / dens;
    const next = x - step > 0 ? x - step : x / 2;
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

/** Garwood limits for the expected count (not yet divided by person-time). */
export function garwoodCountLimits(events: number, confLevel: number): [number, number] {
  const alpha = (1 - confLevel) / 2;
  const lo = events === 0 ? 0 : gammaQuantile(alpha, events);
  const hi = gammaQuantile(1 - alpha, events + 1);
  return [lo, hi];
}

export function poissonRate(events: number, personTime: number, options: PoissonRateOptions = {}): PoissonRateResult {
  const confLevel = options.confLevel ?? 0.95;
  const per = options.per ?? 1;
  checkConfLevel(confLevel);
  checkPer(per);
  const x = checkCount('events', events);
  if (typeof personTime !== 'number' || !Number.isFinite(personTime) || personTime < 0) throw msg.badPersonTime('personTime', personTime);
  if (personTime === 0) return { events: x, personTime, rate: null, lower: null, upper: null, confLevel, per };
  const [lo, hi] = garwoodCountLimits(x, confLevel);
  // Divide first, then scale: the same operations as R's x/T, so `per = 1` matches R to the last bit.
  return {
    events: x,
    personTime,
    rate: (x / personTime) * per,
    lower: (lo / personTime) * per,
    upper: (hi / personTime) * per,
    confLevel,
    per,
  };
}
