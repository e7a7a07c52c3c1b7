// Baseline covariates for every code seen in a look-back window before index (the idea of OHDSI's
// FeatureExtraction): one flag per ATC class dispensed, per ICD-10 code diagnosed in hospital, per
// long-term disease (ALD) registration active, and the number of hospital stays, written in long format
// (person_id, index_date, covariate_name, value) with only the non-zero rows. covariateMatrix pivots it.
//
// Names: 'atc:C10AA' (ATC truncated to the level), 'icd10:I21' (ICD-10 without the dot, truncated),
// 'ald:E11' (the registration's ICD-10, truncated), 'hospitalisations' (a count). One SQL statement per
// table, portable between DuckDB and PostgreSQL.
import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import { estimateMessages as msg } from '../messages/index.js';

export type CovariateDomain = 'drug' | 'diagnosis' | 'longTermRegistration' | 'hospitalisations';

export interface CovariateTableOptions {
  /** Schema of the model tables ('' or undefined = default schema). */
  schema?: string;
  /** Cohort (or analysis) table with person_id and index_date; one covariate set per distinct (person_id, index_date). */
  cohort: { table: string };
  /** [start, end] days relative to index, both inclusive, end <= 0. Default [-365, -1]. */
  lookback?: [number, number];
  /** ATC level of the drug flags: 1 (1 character), 2 (3), 3 (4), 4 (5), 5 (7). Default 4. */
  atcLevel?: 1 | 2 | 3 | 4 | 5;
  /** Characters of the ICD-10 codes kept (3 = category such as I21, 4 = subcategory such as I210). Default 3. */
  icd10Level?: 3 | 4;
  /** Keep covariates present in at least this share of the entries, in [0, 1]. Default 0 (all). */
  minPrevalence?: number;
  /** Domains to build. Default all four. */
  domains?: CovariateDomain[];
  /** Table to create (replaced). Default `covariates_<cohort>`. */
  into?: string;
}

export interface CovariateTableResult {
  /** Engine table: person_id, index_date, covariate_name, value (non-zero rows only). */
  table: string;
  /** Each covariate kept, with the number and share of entries having it, sorted by name. */
  covariates: Array<{ name: string; domain: CovariateDomain; code: string | null; entries: number; prevalence: number }>;
  /** Distinct (person_id, index_date) entries of the cohort. */
  entries: number;
  settings: { lookback: [number, number]; atcLevel: number; icd10Level: number; minPrevalence: number; domains: CovariateDomain[]; minEntries: number };
}

const ATC_CHARS: Record<number, number> = { 1: 1, 2: 3, 3: 4, 4: 5, 5: 7 };
const ALL_DOMAINS: CovariateDomain[] = ['drug', 'diagnosis', 'longTermRegistration', 'hospitalisations'];

/** Build the long covariate table on the engine (see the header). */
export async function buildCovariateTable(engine: Engine, options: CovariateTableOptions): Promise<CovariateTableResult> {
  const est = 'buildCovariateTable';
  const d = engine.dialect;
  const p = schemaPrefix(options.schema);
  const lookback = options.lookback ?? [-365, -1];
  if (!(Array.isArray(lookback) && lookback.length === 2 && Number.isInteger(lookback[0]) && Number.isInteger(lookback[1]) && lookback[0] <= lookback[1] && lookback[1] <= 0)) {
    throw msg.badLookback(lookback);
  }
  const atcLevel = options.atcLevel ?? 4;
  if (!(atcLevel in ATC_CHARS)) throw msg.badOption(est, 'atcLevel', atcLevel, '1, 2, 3, 4 or 5');
  const icd10Level = options.icd10Level ?? 3;
  if (icd10Level !== 3 && icd10Level !== 4) throw msg.badOption(est, 'icd10Level', icd10Level, '3 or 4');
  const minPrevalence = options.minPrevalence ?? 0;
  if (!(typeof minPrevalence === 'number' && minPrevalence >= 0 && minPrevalence <= 1)) throw msg.badOption(est, 'minPrevalence', minPrevalence, 'a share in [0, 1]');
  const domains = options.domains ?? ALL_DOMAINS;
  for (const dm of domains) if (!ALL_DOMAINS.includes(dm)) throw msg.badOption(est, 'domains', dm, ALL_DOMAINS.join(', '));
  const into = options.into ?? `covariates_${options.cohort.table}`.replace(/[^A-Za-z0-9_]/g, '_').toLowerCase();

  const lo = (col: string) => `${col} >= ${d.addDays('c.index_date', String(lookback[0]))}`;
  const hi = (col: string) => `${col} <= ${d.addDays('c.index_date', String(lookback[1]))}`;
  const L = ATC_CHARS[atcLevel]!;
  const icd = (col: string) => `substr(upper(replace(${col}, '.', '')), 1, ${icd10Level})`;
  const one = 'CAST(1 AS DOUBLE PRECISION)';
  const parts: string[] = [];
  if (domains.includes('drug')) {
    parts.push(
      `SELECT c.person_id, c.index_date, 'atc:' || substr(upper(x.atc_code), 1, ${L}) AS covariate_name, ${one} AS value ` +
        `FROM c JOIN ${p}dispensing x ON x.person_id = c.person_id ` +
        `WHERE x.atc_code IS NOT NULL AND length(x.atc_code) >= ${L} AND ${lo('x.date')} AND ${hi('x.date')} GROUP BY 1, 2, 3`,
    );
  }
  if (domains.includes('diagnosis')) {
    parts.push(
      `SELECT c.person_id, c.index_date, 'icd10:' || ${icd('x.code')} AS covariate_name, ${one} AS value ` +
        `FROM c JOIN ${p}diagnosis x ON x.person_id = c.person_id ` +
        `WHERE x.vocabulary = 'ICD10' AND x.code IS NOT NULL AND length(replace(x.code, '.', '')) >= ${icd10Level} AND ${lo('x.date')} AND ${hi('x.date')} GROUP BY 1, 2, 3`,
    );
  }
  if (domains.includes('longTermRegistration')) {
    // Active at some point of the window: started by its end, not ended before its start.
    parts.push(
      `SELECT c.person_id, c.index_date, 'ald:' || ${icd('x.icd10')} AS covariate_name, ${one} AS value ` +
        `FROM c JOIN ${p}long_term_registration x ON x.person_id = c.person_id ` +
        `WHERE x.icd10 IS NOT NULL AND length(replace(x.icd10, '.', '')) >= ${icd10Level} AND ${hi('x.start_date')} AND (x.end_date IS NULL OR ${lo('x.end_date')}) GROUP BY 1, 2, 3`,
    );
  }
  if (domains.includes('hospitalisations')) {
    parts.push(
      `SELECT c.person_id, c.index_date, 'hospitalisations' AS covariate_name, CAST(count(*) AS DOUBLE PRECISION) AS value ` +
        `FROM c JOIN ${p}hospital_stay x ON x.person_id = c.person_id WHERE ${lo('x.admission_date')} AND ${hi('x.admission_date')} GROUP BY c.person_id, c.index_date`,
    );
  }
  const entries = Number(await engine.scalar(`SELECT count(*) FROM (SELECT DISTINCT person_id, index_date FROM ${options.cohort.table}) e`));
  // Integer threshold so both engines compare whole numbers.
  const minEntries = Math.max(1, Math.ceil(minPrevalence * entries - 1e-9));
  const withC = `WITH c AS (SELECT DISTINCT person_id, index_date FROM ${options.cohort.table}), f AS (${parts.length ? parts.join(' UNION ALL ') : `SELECT person_id, index_date, CAST(NULL AS VARCHAR) AS covariate_name, ${one} AS value FROM c WHERE 1 = 0`})`;
  await engine.run(`DROP TABLE IF EXISTS ${into}`);
  await engine.run(
    `CREATE TABLE ${into} AS ${withC} SELECT f.person_id, f.index_date, f.covariate_name, f.value FROM f ` +
      `WHERE f.covariate_name IN (SELECT covariate_name FROM f GROUP BY covariate_name HAVING count(*) >= ${minEntries})`,
  );
  const counts = await engine.rows<{ covariate_name: string; n: number }>(`SELECT covariate_name, count(*) AS n FROM ${into} GROUP BY covariate_name`);
  const covariates = counts
    .map((r) => {
      const name = String(r.covariate_name);
      const [prefix, code] = name.includes(':') ? [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)] : [name, null];
      const domain: CovariateDomain = prefix === 'atc' ? 'drug' : prefix === 'icd10' ? 'diagnosis' : prefix === 'ald' ? 'longTermRegistration' : 'hospitalisations';
      return { name, domain, code, entries: Number(r.n), prevalence: entries ? Number(r.n) / entries : 0 };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { table: into, covariates, entries, settings: { lookback: [lookback[0], lookback[1]], atcLevel, icd10Level, minPrevalence, domains: [...domains], minEntries } };
}
