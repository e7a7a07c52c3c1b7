// Small hand-made results in the shape of the estimators' outputs, for the plot tests. The numbers
// are consistent (n.risk(next) = n.risk - events - censored; S multiplies (1 - d/n)) but the
// confidence limits are made up: the plots only draw them.
import type { AalenJohansenResult } from '../../src/estimate/aalenJohansen.js';
import type { KaplanMeierResult } from '../../src/estimate/kaplanMeier.js';
import type { IncidenceRatesResult } from '../../src/estimate/incidenceRates.js';
import type { CoxphResult } from '../../src/estimate/coxph.js';
import type { AttritionRow } from '../../src/cohort/attrition.js';
import type { PersonTimeline } from '../../src/cohort/personTimeline.js';
import type { BalanceRow } from '../../src/plot/lovePlot.js';
import type { SwimmerPerson } from '../../src/plot/swimmerPlot.js';

const rmst = { tau: 7, estimate: 4, stdErr: 0.5 };
const median = { estimate: 6, lower: 3, upper: null };

/** Two arms. A: 12 rows, events 2,1,2,1 at 1,3,4,6; B: 11 rows, events 1,2,1 at 2,5,7. */
export function kmFixture(): KaplanMeierResult {
  return {
    strata: [
      {
        label: 'arm=A',
        n: 12,
        events: 6,
        time: [1, 3, 4, 6],
        nRisk: [12, 10, 7, 3],
        nEvent: [2, 1, 2, 1],
        nCensor: [0, 2, 2, 2],
        surv: [10 / 12, 0.75, 0.75 * (5 / 7), 0.75 * (5 / 7) * (2 / 3)],
        stdErr: [0.11, 0.13, 0.15, 0.16],
        lower: [0.64, 0.54, 0.3, 0.12],
        upper: [1, 1, 0.94, null],
        median,
        rmst,
      },
      {
        label: 'arm=B',
        n: 11,
        events: 4,
        time: [2, 5, 7],
        nRisk: [11, 8, 4],
        nEvent: [1, 2, 1],
        nCensor: [2, 2, 3],
        surv: [10 / 11, (10 / 11) * 0.75, (10 / 11) * 0.75 * 0.75],
        stdErr: [0.09, 0.14, 0.17],
        lower: [0.75, 0.46, 0.25],
        upper: [1, 1, 0.97],
        median,
        rmst,
      },
    ],
    settings: { time: 'time', event: 'status', strata: ['arm'], weights: null, confType: 'log', confLevel: 0.95, times: null, extend: false, rmstTau: 7, robust: false },
    nMissing: 0,
  };
}

/**
 * One stratum, 10 rows: cause 1 at t = 1, cause 2 at t = 2, a censoring at 4, cause 1 at 5 (7 at risk).
 * P(event-free) = 0.9, 0.8, 0.8, 0.8 * 6/7; CIF1 = 0.1, 0.1, 0.1, 0.1 + 0.8/7; CIF2 = 0, 0.1, 0.1, 0.1.
 */
export function ajFixture(strata: string[] = ['all']): AalenJohansenResult {
  const s = 0.8 * (6 / 7);
  const one = (label: string) => ({
    label,
    n: 10,
    time: [1, 2, 4, 5],
    nRisk: [10, 9, 8, 7],
    nEvent: [1, 1, 0, 1],
    nCensor: [0, 0, 1, 0],
    causes: [
      { cause: 1, cumulativeIncidence: [0.1, 0.1, 0.1, 0.1 + 0.8 / 7], stdErr: [0.09, 0.09, 0.09, 0.11], lower: [0.02, 0.02, 0.02, 0.04], upper: [0.6, 0.6, 0.6, 0.7], nEvent: [1, 0, 0, 1] },
      { cause: 2, cumulativeIncidence: [0, 0.1, 0.1, 0.1], stdErr: [0, 0.09, 0.09, 0.09], lower: [null, 0.02, 0.02, 0.02], upper: [null, 0.6, 0.6, 0.6], nEvent: [0, 1, 0, 0] },
    ],
    survival: { surv: [0.9, 0.8, 0.8, s], stdErr: [0.09, 0.13, 0.13, 0.15], lower: [0.74, 0.59, 0.59, 0.5], upper: [1, 1, 1, 0.94] },
  });
  const result: AalenJohansenResult = {
    strata: strata.map(one),
    settings: { time: 'time', event: 'status', strata: strata.length > 1 ? ['arm'] : [], weights: null, confLevel: 0.95, confType: 'log', variance: 'infinitesimal-jackknife', times: null, extend: false, causes: [1, 2] },
    nMissing: 0,
  };
  if (strata.length === 1) {
    result.time = result.strata[0]!.time;
    result.causes = result.strata[0]!.causes;
  }
  return result;
}

/** The parts of a coxph result a forest plot reads; `ecog` aliased (NA), as R's coef NA. */
export function coxFixture(): Pick<CoxphResult, 'terms' | 'hr' | 'lower' | 'upper'> {
  return { terms: ['age', 'sex', 'ph.ecog', 'ecog2'], hr: [1.017, 0.599, 1.59, null], lower: [0.999, 0.431, 1.27, null], upper: [1.036, 0.831, 1.99, null] };
}

export function balanceFixture(): BalanceRow[] {
  return [
    { covariate: 'Age', smdBefore: 0.32, smdAfter: 0.04 },
    { covariate: 'Female', smdBefore: -0.12, smdAfter: 0.02 },
    { covariate: 'Diabetes', smdBefore: 0.05, smdAfter: -0.08 },
    { covariate: 'Prior MI', smdBefore: 0.21, smdAfter: null },
  ];
}

/** Rates per 1000 person-years by age band (codes 0/1/2 with labels) and calendar period. */
export function ratesFixture(): IncidenceRatesResult {
  const row = (ageBand: string, period: string, events: number, personTime: number, lower: number | null, upper: number | null) => ({
    stratum: { ageBand, period },
    label: `ageBand=${ageBand}, period=${period}`,
    events,
    personTime,
    rate: personTime === 0 ? null : (events / personTime) * 1000,
    lower,
    upper,
  });
  return {
    strata: [
      row('0', '2010-2014', 12, 4000, 1.55, 5.24),
      row('0', '2015-2019', 15, 4200, 2.0, 5.89),
      row('1', '2010-2014', 30, 3000, 6.75, 14.28),
      row('1', '2015-2019', 33, 3100, 7.33, 14.95),
      row('2', '2010-2014', 41, 1500, 19.61, 37.08),
      row('2', '2015-2019', 0, 0, null, null),
    ],
    total: { stratum: {}, label: 'Total', events: 131, personTime: 15800, rate: 8.29, lower: 6.93, upper: 9.84 },
    n: 600,
    nMissing: 0,
    settings: { events: 'event', personTime: 'py', strata: ['ageBand', 'period'], confLevel: 0.95, per: 1000 },
  };
}

export const ageLabels = { ageBand: { '0': '[40,60)', '1': '[60,75)', '2': '[75,Inf)' } };

/** Attrition with an exclusion of 5 persons and a final cohort of 7: both must show as '<10'. */
export function attritionFixture(): AttritionRow[] {
  return [
    { step: 0, description: 'Persons with a statin dispensing in 2010-2019', records: 380000, persons: 125000, excludedRecords: 0, excludedPersons: 0 },
    { step: 1, description: 'first dispensing in the study period (new users, 1-year washout)', records: 98000, persons: 98000, excludedRecords: 282000, excludedPersons: 27000 },
    { step: 2, description: 'at least 365 days of observation before index', records: 97995, persons: 97995, excludedRecords: 5, excludedPersons: 5 },
    { step: 3, description: 'aged 40 or over at index', records: 97995, persons: 97995, excludedRecords: 0, excludedPersons: 0 },
    { step: 4, description: 'with a rare inclusion criterion', records: 7, persons: 7, excludedRecords: 97988, excludedPersons: 97988 },
  ];
}

export function swimmerFixture(): SwimmerPerson[] {
  return [
    {
      personId: 'P001',
      indexDate: '2015-03-01',
      endOfFollowUp: '2016-06-30',
      endReason: 'outcome',
      dispensings: [{ date: '2015-03-01' }, { date: '2015-04-02' }, { date: '2015-05-05' }, { date: '2015-09-01' }],
      episodes: [
        { start: '2015-03-01', end: '2015-06-03', drug: 'statin' },
        { start: '2015-09-01', end: '2015-09-30', drug: 'statin' },
      ],
      stays: [{ admission: '2016-06-28', discharge: '2016-07-05' }],
    },
    {
      personId: 'P002',
      indexDate: '2015-07-15',
      endOfFollowUp: '2016-01-10',
      endReason: 'death',
      death: '2016-01-10',
      dispensings: [{ date: '2015-07-15' }, { date: '2015-08-14' }],
      episodes: [{ start: '2015-07-15', end: '2015-09-12', drug: 'statin' }],
    },
  ];
}

/** A personTimeline() record with the columns the model and study tables carry (ids included). */
export function timelineFixture(): PersonTimeline {
  return {
    personId: 'P003',
    person: { person_id: 'P003', birth_year: 1950, birth_date: null, sex: 2, death_date: null, source_table: 'IR_BEN_R', source_row: 41 },
    observationPeriods: [{ person_id: 'P003', start_date: '2010-01-01', end_date: '2019-12-31', source_table: 'IR_BEN_R', source_row: 41 }],
    dispensings: [
      { person_id: 'P003', date: '2016-02-01', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05', packs: 1, units_per_pack: 30, days_supply: null, source_table: 'ER_PHA_F', source_row: 9001 },
      { person_id: 'P003', date: '2016-03-02', product_code: '3400930000001', product_vocabulary: 'CIP13', atc_code: 'C10AA05', packs: 1, units_per_pack: 30, days_supply: null, source_table: 'ER_PHA_F', source_row: 9002 },
      { person_id: 'P003', date: '2016-03-10', product_code: '3400930000777', product_vocabulary: 'CIP13', atc_code: 'N02BE01', packs: 1, units_per_pack: 8, days_supply: null, source_table: 'ER_PHA_F', source_row: 9003 },
    ],
    stays: [{ stay_id: 'STAY-XYZ-123', person_id: 'P003', admission_date: '2016-05-01', discharge_date: '2016-05-04', primary_diagnosis: 'I21', related_diagnosis: null, source_table: 'T_MCO_B', source_row: 77 }],
    diagnoses: [{ person_id: 'P003', date: '2016-05-01', code: 'I21', vocabulary: 'ICD10', role: 'DP', stay_id: 'STAY-XYZ-123', source_table: 'T_MCO_D', source_row: 78 }],
    procedures: [],
    longTermRegistrations: [],
    deaths: [],
    study: {
      cohort: [{ person_id: 'P003', cohort_name: 'statin new users', index_date: '2016-02-01', observation_start: '2010-01-01', entry_source_table: 'ER_PHA_F', entry_source_row: 9001 }],
      analysis: [{ person_id: 'P003', index_date: '2016-02-01', risk_start: '2016-02-02', end_date: '2016-05-01', end_reason: 'outcome', time: 90 }],
      episodes: [{ person_id: 'P003', drug: 'statin', episode_id: 1, start_date: '2016-02-01', end_date: '2016-04-05' }],
    },
  };
}
