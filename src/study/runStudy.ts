import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../engine/index.js';
import { loadSnds } from '../load/snds/loadSnds.js';
import { loadOmop } from '../load/omop/loadOmop.js';
import { linkPersons } from '../load/linkage.js';
import type { LoadResult } from '../load/result.js';
import type { LoadProgress } from '../load/progress.js';
import type { CodeSet } from '../cohort/codeSets.js';
import type { EventSelector } from '../cohort/events.js';
import { buildCohort, type CohortDefinition, type CohortResult, type Criterion } from '../cohort/buildCohort.js';
import { buildComparatorCohorts } from '../cohort/comparatorCohorts.js';
import { buildAnalysisTable, type AnalysisTableResult } from '../followup/buildAnalysisTable.js';
import { kaplanMeier, type KaplanMeierResult } from '../estimate/kaplanMeier.js';
import { aalenJohansen, type AalenJohansenResult } from '../estimate/aalenJohansen.js';
import { coxph, type CoxphResult } from '../estimate/coxph.js';
import { incidenceRates, type IncidenceRatesResult } from '../estimate/incidenceRates.js';
import type { SummarisedRow, ResultSettings } from '../results/index.js';
import { CohorteError } from '../messages/index.js';
import type { StudyDefinition } from './definition.js';
import { summariseAalenJohansen, summariseAttrition, summariseCox, summariseIncidence, summariseKaplanMeier } from './summarise.js';

/** Everything a study run produced, before writing: aggregates only, plus the row accounts of the load. */
export interface StudyRun {
  definition: StudyDefinition;
  loads: LoadResult[];
  cohorts: CohortResult[];
  analysis: AnalysisTableResult;
  kaplanMeier?: KaplanMeierResult;
  aalenJohansen?: AalenJohansenResult;
  cox: Array<{ name: string; fit: CoxphResult }>;
  incidence?: IncidenceRatesResult;
  rows: SummarisedRow[];
  settings: ResultSettings[];
}

export interface RunStudyOptions {
  /**
   * Folder of the data: an SNDS extract, an OMOP CDM, or snds/ + omop/ + linkage.csv (layout 'linked');
   * with `dataIsSchema`, the name of an engine schema holding an OMOP CDM (e.g. a warehouse in PostgreSQL).
   */
  data: string;
  dataIsSchema?: boolean;
  /** Called at the start of each stage, for progress output. */
  onStage?: (stage: string) => void;
  /** Called as each part of a load is done; `load` is 'SNDS' or 'OMOP'. */
  onLoadProgress?: (load: string, progress: LoadProgress) => void;
  packageVersion?: string;
}

const groupLabel = (g: number, def: StudyDefinition) => (g === 1 ? def.target.name : (def.comparator?.name ?? 'comparator'));

async function loadStudyData(
  engine: Engine,
  def: StudyDefinition,
  data: string,
  dataIsSchema: boolean,
  onLoadProgress: RunStudyOptions['onLoadProgress'],
): Promise<{ schema: string; loads: LoadResult[] }> {
  const snds = { onProgress: (p: LoadProgress) => onLoadProgress?.('SNDS', p) };
  const omop = { onProgress: (p: LoadProgress) => onLoadProgress?.('OMOP', p) };
  if (dataIsSchema) {
    if (def.data.layout !== 'omop') {
      throw new CohorteError('data-not-schema', `study ${def.id}: the ${def.data.layout} layout is read from files; only an OMOP CDM can be read from an engine schema ('${data}').`);
    }
    return { schema: 'study_model', loads: [await loadOmop(engine, { cdmSchema: data, schema: 'study_model', drug: def.data.drug, ...omop })] };
  }
  const pha = (dir: string) => (existsSync(join(dir, 'IR_PHA_R.csv')) ? join(dir, 'IR_PHA_R.csv') : undefined);
  switch (def.data.layout) {
    case 'snds':
      return { schema: 'claims', loads: [await loadSnds(engine, { dir: data, schema: 'claims', phaReferential: pha(data), ...snds })] };
    case 'omop':
      return { schema: 'cdm', loads: [await loadOmop(engine, { dir: data, schema: 'cdm', drug: def.data.drug, ...omop })] };
    case 'linked': {
      const claims = await loadSnds(engine, { dir: join(data, 'snds'), schema: 'claims', phaReferential: pha(join(data, 'snds')), ...snds });
      const hospital = await loadOmop(engine, { dir: join(data, 'omop'), schema: 'hospital', drug: def.data.drug, ...omop });
      const linked = await linkPersons(engine, { hospital, claims, linkage: join(data, 'linkage.csv'), into: 'linked' });
      return { schema: 'linked', loads: [claims, hospital, linked] };
    }
  }
}

/** Resolve the code set names of a definition into the design core's selectors. */
function resolver(def: StudyDefinition): (e: StudyDefinition['outcome']['event']) => EventSelector {
  const sets = new Map<string, CodeSet>(def.codeSets.map((c) => [c.name, c as CodeSet]));
  return (e) => {
    const codeSet = sets.get(e.codeSet);
    if (!codeSet) throw new CohorteError('unknown-code-set', `study ${def.id}: code set '${e.codeSet}' is used but not defined in codeSets (defined: ${[...sets.keys()].join(', ')}).`);
    return { ...e, codeSet } as EventSelector;
  };
}

function cohortDefinition(c: NonNullable<StudyDefinition['comparator']>, resolve: ReturnType<typeof resolver>): CohortDefinition {
  return {
    name: c.name,
    entry: resolve(c.entry),
    entries: c.entries,
    washoutDays: c.washoutDays,
    priorObservationDays: c.priorObservationDays,
    criteria: (c.criteria ?? []).map((k) => (k.type === 'require' || k.type === 'exclude' ? { ...k, event: resolve(k.event) } : k) as Criterion),
  };
}

const flatten = (o: unknown): string => JSON.stringify(o);

/** Run a study definition on the engine: load, cohorts, follow-up, estimates; returns summarised rows. */
export async function runStudy(engine: Engine, def: StudyDefinition, options: RunStudyOptions): Promise<StudyRun> {
  const stage = options.onStage ?? (() => {});
  const resolve = resolver(def);
  const common = { cdmName: def.cdmName };
  const pkg = {
    package_name: 'cohorte',
    package_version: options.packageVersion ?? '0.0.0',
    min_cell_count: def.suppression.minCell,
    ...(def.suppression.override ? { suppression_override: `${def.suppression.override.approvedBy}: ${def.suppression.override.reason}` } : {}),
  };

  stage(`loading ${def.data.layout} data`);
  const { schema, loads } = await loadStudyData(engine, def, options.data, options.dataIsSchema ?? false, options.onLoadProgress);

  stage('building cohorts');
  const target = await buildCohort(engine, cohortDefinition(def.target, resolve), { schema, into: 'study_target' });
  const cohorts = [target];
  let cohortTable = target.table;
  if (def.comparator) {
    const comparator = await buildCohort(engine, cohortDefinition(def.comparator, resolve), { schema, into: 'study_comparator' });
    cohorts.push(comparator);
    const both = await buildComparatorCohorts(engine, target, comparator, { inBoth: def.inBoth, into: 'study_cohorts' });
    target.attrition = both.attrition.target;
    comparator.attrition = both.attrition.comparator;
    cohortTable = both.table;
  }

  stage('following up');
  const analysis = await buildAnalysisTable(engine, {
    schema,
    cohort: { table: cohortTable },
    outcome: { event: resolve(def.outcome.event), priorOutcomeDays: def.outcome.priorOutcomeDays },
    timeAtRisk: def.timeAtRisk,
    competingDeath: def.competingDeath,
    covariates: def.covariates.map((c) => ({ name: c.name, event: resolve(c.event), window: c.window })),
    into: 'study_analysis',
  });

  stage('estimating');
  const covNames = def.covariates.map((c) => c.name);
  const hasGroup = Boolean(def.comparator);
  const cols = await engine.columns(
    `SELECT time, status, person_days, age_at_index, sex${hasGroup ? ', "group"' : ''}${covNames.map((c) => `, ${engine.dialect.ident(c)}`).join('')} FROM ${analysis.table} ORDER BY person_id, index_date`,
  );
  const status = cols.status as Float64Array;
  const n = status.length;
  const outcome = new Float64Array(n);
  const anyEvent = new Float64Array(n);
  const years = new Float64Array(n);
  const personDays = cols.person_days as Float64Array;
  for (let i = 0; i < n; i++) {
    outcome[i] = status[i] === 1 ? 1 : 0;
    anyEvent[i] = status[i] !== 0 ? 1 : 0;
    years[i] = personDays[i]! / 365.25;
  }
  const group = hasGroup ? (cols.group as Float64Array) : new Float64Array(n).fill(1);
  const arm = Array.from(group, (g) => groupLabel(g, def));
  const data = { ...cols, outcome, anyEvent, years, arm, treated: group };

  const rows: SummarisedRow[] = [];
  const settings: ResultSettings[] = [];
  let id = 0;
  const add = (type: string, extra: Record<string, string | number>, produce: (resultId: number) => SummarisedRow[]) => {
    const resultId = ++id;
    settings.push({ result_id: resultId, result_type: type, ...pkg, ...extra });
    rows.push(...produce(resultId));
  };

  for (const c of cohorts) add('summarise_cohort_attrition', { cohort_definition: flatten(c.settings) }, (resultId) => summariseAttrition(c.attrition, c.name, { resultId, ...common }));
  add('summarise_analysis_attrition', { time_at_risk: flatten(analysis.settings) }, (resultId) => summariseAttrition(analysis.attrition, 'analysis table', { resultId, ...common }));

  const result: StudyRun = { definition: def, loads, cohorts, analysis, cox: [], rows, settings };
  if (n === 0) return result;

  if (def.analyses.incidence) {
    const ir = incidenceRates(data, { events: 'outcome', personTime: 'years', strata: ['arm'], per: def.analyses.incidence.per });
    result.incidence = ir;
    add('incidence', { per: ir.settings.per, outcome: analysis.settings.outcome }, (resultId) => summariseIncidence(ir, { resultId, ...common, groupName: 'cohort_name' }));
  }
  if (def.analyses.kaplanMeier) {
    // Event-free survival (outcome or death): with death competing, 1 - KM of the outcome alone would overstate its risk.
    const km = kaplanMeier(data, { time: 'time', event: 'anyEvent', strata: 'arm', confType: def.analyses.kaplanMeier.confType, times: def.analyses.kaplanMeier.times });
    result.kaplanMeier = km;
    add('survival_probability', { event: 'outcome or death', conf_type: km.settings.confType }, (resultId) =>
      summariseKaplanMeier(km, { resultId, ...common, groupName: 'cohort_name', variable: 'event-free survival' }),
    );
  }
  if (def.analyses.aalenJohansen) {
    const aj = aalenJohansen(data, { time: 'time', event: 'status', strata: 'arm', times: def.analyses.aalenJohansen.times });
    result.aalenJohansen = aj;
    add('cumulative_incidence', { competing_event: 'death', outcome: analysis.settings.outcome }, (resultId) =>
      summariseAalenJohansen(aj, { resultId, ...common, groupName: 'cohort_name', causeNames: { 1: 'outcome', 2: 'death' } }),
    );
  }
  for (const model of def.analyses.cox ?? []) {
    // Cause-specific hazard of the outcome (death censored), target vs comparator, plus adjustment covariates.
    const covariates = [...(hasGroup ? ['treated'] : []), ...model.covariates];
    const fit = coxph(data, { time: 'time', event: 'outcome', covariates, ties: model.ties });
    result.cox.push({ name: model.name, fit });
    add('cox_regression', { model: model.name, covariates: covariates.join(' + '), ties: model.ties, hazard: 'cause-specific (death censored)' }, (resultId) =>
      summariseCox(fit, model.name, { resultId, ...common }),
    );
  }
  return result;
}
