import type { KaplanMeierResult } from '../estimate/kaplanMeier.js';
import type { AalenJohansenResult } from '../estimate/aalenJohansen.js';
import { attritionPlot, cumulativeIncidencePlot, forestPlot, forestRowsFromCox, kaplanMeierPlot, type PlotSpec } from '../plot/index.js';
import type { StudyRun } from './runStudy.js';

/** A figure of the study: its file stem, title and spec. */
export interface StudyFigure {
  name: string;
  title: string;
  spec: PlotSpec;
}

/** Keep each curve only while at least `minCell` persons are at risk, as results.csv does. */
function truncateCurves<T extends KaplanMeierResult | AalenJohansenResult>(result: T, minCell: number): T {
  const cut = <A>(a: A[], k: number) => a.slice(0, k);
  const strata = result.strata.map((s) => {
    let k = s.nRisk.findIndex((n) => n < minCell);
    if (k < 0) k = s.nRisk.length;
    const out: Record<string, unknown> = { ...s };
    for (const [key, v] of Object.entries(s)) if (Array.isArray(v) && v.length === s.time.length) out[key] = cut(v, k);
    if ('causes' in s) out.causes = s.causes.map((c) => Object.fromEntries(Object.entries(c).map(([key, v]) => [key, Array.isArray(v) ? cut(v, k) : v])));
    if ('survival' in s) out.survival = Object.fromEntries(Object.entries(s.survival).map(([key, v]) => [key, Array.isArray(v) ? cut(v, k) : v]));
    return out;
  });
  return { ...result, strata } as T;
}

/** The study's figures, built from aggregates with small counts masked by the plot builders. */
export function studyFigures(run: StudyRun): StudyFigure[] {
  const minCell = run.definition.suppression.minCell;
  const suppression = { minCell };
  const figures: StudyFigure[] = run.cohorts.map((c, i) => ({
    name: `attrition-${i + 1}`,
    title: `Attrition: ${c.name}`,
    spec: attritionPlot(c.attrition, { title: `Attrition: ${c.name}`, suppression }),
  }));
  if (run.kaplanMeier) {
    figures.push({
      name: 'event-free-survival',
      title: 'Event-free survival (outcome or death), Kaplan-Meier',
      spec: kaplanMeierPlot(truncateCurves(run.kaplanMeier, minCell), { title: 'Event-free survival', xlab: 'days since index', suppression }),
    });
  }
  if (run.aalenJohansen) {
    figures.push({
      name: 'cumulative-incidence',
      title: 'Cumulative incidence of the outcome, death competing (Aalen-Johansen)',
      spec: cumulativeIncidencePlot(truncateCurves(run.aalenJohansen, minCell), { title: 'Cumulative incidence', xlab: 'days since index', causes: [1], causeLabels: { 1: 'outcome', 2: 'death' }, suppression }),
    });
  }
  if (run.cox.length) {
    // A bound that underflowed to 0 (an infinite coefficient) cannot sit on a log axis: show it as missing.
    const positive = (v: number | null) => (v !== null && v > 0 && Number.isFinite(v) ? v : null);
    const rows = run.cox.flatMap((m) =>
      forestRowsFromCox(m.fit).map((r) => ({ label: `${m.name}: ${r.label}`, estimate: positive(r.estimate), lower: positive(r.lower), upper: positive(r.upper) })),
    );
    figures.push({ name: 'hazard-ratios', title: 'Hazard ratios (Cox models)', spec: forestPlot(rows, { title: 'Hazard ratios' }) });
  }
  return figures;
}
