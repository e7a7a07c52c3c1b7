// Turn the toolkit's results into summarised-result rows (one row per estimate).
import { summarisedRow, type SummarisedRow } from '../results/index.js';
import type { AttritionRow } from '../cohort/attrition.js';
import type { KaplanMeierResult } from '../estimate/kaplanMeier.js';
import type { AalenJohansenResult } from '../estimate/aalenJohansen.js';
import type { CoxphResult } from '../estimate/coxph.js';
import type { IncidenceRatesResult } from '../estimate/incidenceRates.js';

interface Common {
  resultId: number;
  cdmName: string;
}

export function summariseAttrition(rows: AttritionRow[], cohort: string, c: Common): SummarisedRow[] {
  return rows.flatMap((a) =>
    (
      [
        ['number_records', a.records],
        ['number_subjects', a.persons],
        ['excluded_records', a.excludedRecords],
        ['excluded_subjects', a.excludedPersons],
      ] as const
    ).map(([name, value]) =>
      summarisedRow({
        result_id: c.resultId,
        cdm_name: c.cdmName,
        group_name: 'cohort_name',
        group_level: cohort,
        strata_name: 'reason',
        strata_level: a.description,
        variable_name: name,
        estimate_name: 'count',
        estimate_type: 'integer',
        value,
        additional_name: 'reason_id',
        additional_level: String(a.step),
      }),
    ),
  );
}

/** Survival (or cumulative incidence) at each time of each stratum, with the numbers at risk and events. */
export function summariseKaplanMeier(km: KaplanMeierResult, c: Common & { groupName: string; variable: string }): SummarisedRow[] {
  const out: SummarisedRow[] = [];
  for (const s of km.strata) {
    const base = { result_id: c.resultId, cdm_name: c.cdmName, group_name: c.groupName, group_level: s.label, variable_name: c.variable, additional_name: 'time' };
    s.time.forEach((t, i) => {
      const additional_level = String(t);
      out.push(
        summarisedRow({ ...base, additional_level, estimate_name: 'estimate', estimate_type: 'numeric', value: s.surv[i] }),
        summarisedRow({ ...base, additional_level, estimate_name: 'estimate_95CI_lower', estimate_type: 'numeric', value: s.lower[i] }),
        summarisedRow({ ...base, additional_level, estimate_name: 'estimate_95CI_upper', estimate_type: 'numeric', value: s.upper[i] }),
        summarisedRow({ ...base, additional_level, estimate_name: 'n_risk', estimate_type: 'integer', value: s.nRisk[i] }),
        // Events in their own cell: a small event count is masked alone, while the curve is masked where
        // fewer than minCell persons are at risk (n_risk shares the curve's cell).
        summarisedRow({ ...base, variable_name: `${c.variable} events`, additional_level, estimate_name: 'n_event', estimate_type: 'integer', value: s.nEvent[i] }),
      );
    });
    const summary = { ...base, variable_name: `${c.variable} summary`, additional_name: 'overall', additional_level: 'overall' };
    out.push(
      summarisedRow({ ...summary, estimate_name: 'number_subjects', estimate_type: 'integer', value: s.n }),
      summarisedRow({ ...summary, estimate_name: 'events', estimate_type: 'integer', value: s.events }),
      summarisedRow({ ...summary, estimate_name: 'median_survival', estimate_type: 'numeric', value: s.median.estimate }),
      summarisedRow({ ...summary, estimate_name: 'median_survival_95CI_lower', estimate_type: 'numeric', value: s.median.lower }),
      summarisedRow({ ...summary, estimate_name: 'median_survival_95CI_upper', estimate_type: 'numeric', value: s.median.upper }),
      summarisedRow({ ...summary, estimate_name: 'restricted_mean_survival', estimate_type: 'numeric', value: s.rmst?.estimate }),
    );
  }
  return out;
}

/** Cumulative incidence of each cause, per stratum, at each time. */
export function summariseAalenJohansen(aj: AalenJohansenResult, c: Common & { groupName: string; causeNames: Record<number, string> }): SummarisedRow[] {
  const out: SummarisedRow[] = [];
  for (const s of aj.strata) {
    for (const cause of s.causes) {
      const base = {
        result_id: c.resultId,
        cdm_name: c.cdmName,
        group_name: c.groupName,
        group_level: s.label,
        variable_name: 'cumulative incidence',
        variable_level: c.causeNames[cause.cause] ?? `cause ${cause.cause}`,
        additional_name: 'time',
      };
      s.time.forEach((t, i) => {
        const additional_level = String(t);
        out.push(
          summarisedRow({ ...base, additional_level, estimate_name: 'estimate', estimate_type: 'numeric', value: cause.cumulativeIncidence[i] }),
          summarisedRow({ ...base, additional_level, estimate_name: 'estimate_95CI_lower', estimate_type: 'numeric', value: cause.lower[i] }),
          summarisedRow({ ...base, additional_level, estimate_name: 'estimate_95CI_upper', estimate_type: 'numeric', value: cause.upper[i] }),
          summarisedRow({ ...base, additional_level, estimate_name: 'n_risk', estimate_type: 'integer', value: s.nRisk[i] }),
        );
      });
    }
  }
  return out;
}

/** Hazard ratios of a Cox model, one variable per term, with the model's n and events. */
export function summariseCox(fit: CoxphResult, model: string, c: Common): SummarisedRow[] {
  const base = { result_id: c.resultId, cdm_name: c.cdmName, group_name: 'model', group_level: model };
  const out: SummarisedRow[] = [
    summarisedRow({ ...base, variable_name: 'model', estimate_name: 'number_subjects', estimate_type: 'integer', value: fit.n }),
    summarisedRow({ ...base, variable_name: 'model', estimate_name: 'events', estimate_type: 'integer', value: fit.nEvent }),
    summarisedRow({ ...base, variable_name: 'model', estimate_name: 'converged', estimate_type: 'character', value: String(fit.converged) }),
    ...fit.warnings.map((w, k) => summarisedRow({ ...base, variable_name: 'model', variable_level: `warning ${k + 1}`, estimate_name: 'warning', estimate_type: 'character', value: w })),
  ];
  fit.terms.forEach((term, j) => {
    const t = { ...base, variable_name: 'hazard ratio', variable_level: term };
    out.push(
      summarisedRow({ ...t, estimate_name: 'coef', estimate_type: 'numeric', value: fit.coef[j] }),
      summarisedRow({ ...t, estimate_name: 'se', estimate_type: 'numeric', value: fit.se[j] }),
      summarisedRow({ ...t, estimate_name: 'hr', estimate_type: 'numeric', value: fit.hr[j] }),
      summarisedRow({ ...t, estimate_name: 'hr_95CI_lower', estimate_type: 'numeric', value: fit.lower[j] }),
      summarisedRow({ ...t, estimate_name: 'hr_95CI_upper', estimate_type: 'numeric', value: fit.upper[j] }),
      summarisedRow({ ...t, estimate_name: 'p_value', estimate_type: 'numeric', value: fit.p[j] }),
    );
  });
  return out;
}

/** Events, person-years and rate with its exact interval, per stratum and overall. */
export function summariseIncidence(ir: IncidenceRatesResult, c: Common & { groupName: string }): SummarisedRow[] {
  const rows = [...ir.strata, { ...ir.total, label: 'overall' }];
  return rows.flatMap((r) => {
    const base = { result_id: c.resultId, cdm_name: c.cdmName, group_name: c.groupName, group_level: r.label, variable_name: 'incidence' };
    return [
      summarisedRow({ ...base, estimate_name: 'outcome_count', estimate_type: 'integer', value: r.events }),
      summarisedRow({ ...base, estimate_name: 'person_years', estimate_type: 'numeric', value: r.personTime }),
      summarisedRow({ ...base, estimate_name: `incidence_${ir.settings.per}_pys`, estimate_type: 'numeric', value: r.rate }),
      summarisedRow({ ...base, estimate_name: `incidence_${ir.settings.per}_pys_95CI_lower`, estimate_type: 'numeric', value: r.lower }),
      summarisedRow({ ...base, estimate_name: `incidence_${ir.settings.per}_pys_95CI_upper`, estimate_type: 'numeric', value: r.upper }),
    ];
  });
}
