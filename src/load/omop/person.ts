// OMOP person and death → model person (with its death date) and death.
import { replaceTable } from '../../engine/index.js';
import type { RowAccount } from '../../model/index.js';
import type { StagedTable } from '../stage.js';
import {
  classifyStaged,
  col,
  dateOrDatetime,
  duplicateRowRule,
  idOf,
  integerOf,
  missingKeyRule,
  omopDate,
  orphanRule,
  outsideLifeRule,
  unparseableDateRule,
  type LoadContext,
} from './sql.js';

/** OMOP gender concepts: 8507 MALE → 1, 8532 FEMALE → 2 (the SNDS coding); any other concept → NULL. */
export const genderConcepts = { male: '8507', female: '8532' } as const;

/**
 * Load person then death. Persons are classified first (so deaths can be checked against them), and written
 * to the model once their death date is known.
 *
 * - birth_year: year_of_birth, else the year of birth_datetime;
 * - birth_date: birth_datetime when its year is the birth year, else year/month/day_of_birth when they make a
 *   valid date of that year, else NULL (an inconsistent exact date is dropped, the year kept);
 * - a person with neither a readable year_of_birth nor birth_datetime is quarantined (`unparseable-date`);
 * - one death per person (THEMIS convention): a later death row of the same person is `duplicate-key`.
 */
export async function loadPersonAndDeath(ctx: LoadContext, person: StagedTable, death: StagedTable): Promise<RowAccount[]> {
  const { engine, d, p, tag } = ctx;
  const birthYear = `COALESCE(_year, CAST(EXTRACT(YEAR FROM _bdt) AS BIGINT))`;
  const pr = await classifyStaged(ctx, {
    staged: person,
    source: 'person',
    derived: {
      _pid: idOf(d, person, 'person_id'),
      _year: integerOf(d, person, 'year_of_birth'),
      _month: integerOf(d, person, 'month_of_birth'),
      _day: integerOf(d, person, 'day_of_birth'),
      _bdt: omopDate(d, col(person, 'birth_datetime')),
      _gender: idOf(d, person, 'gender_concept_id'),
    },
    rules: [missingKeyRule([['_pid', 'person_id']]), duplicateRowRule, unparseableDateRule([{ derived: birthYear, column: 'year_of_birth' }])],
    uniqueKey: { derived: '_pid', column: 'person_id' },
  });
  const persons = `${tag}_persons`;
  const ymdText = `lpad(CAST(_year AS VARCHAR), 4, '0') || '-' || lpad(CAST(_month AS VARCHAR), 2, '0') || '-' || lpad(CAST(_day AS VARCHAR), 2, '0')`;
  await replaceTable(
    engine,
    persons,
    `SELECT person_id, birth_year, ` +
      `CASE WHEN _bdt IS NOT NULL AND EXTRACT(YEAR FROM _bdt) = birth_year THEN _bdt ` +
      `WHEN EXTRACT(YEAR FROM _ymd) = birth_year THEN _ymd END AS birth_date, sex, CAST(NULL AS DATE) AS death_date, source_row ` +
      `FROM (SELECT _pid AS person_id, CAST(${birthYear} AS INTEGER) AS birth_year, _bdt, ${d.parseDate(ymdText)} AS _ymd, ` +
      `CAST(CASE _gender WHEN '${genderConcepts.male}' THEN 1 WHEN '${genderConcepts.female}' THEN 2 END AS SMALLINT) AS sex, source_row ` +
      `FROM ${pr.kept}) AS x`,
  );
  for (const sql of pr.dropKept) await engine.run(sql);

  const dr = await classifyStaged(ctx, {
    staged: death,
    source: 'death',
    derived: {
      _pid: idOf(d, death, 'person_id'),
      _start: dateOrDatetime(d, death, 'death_date', 'death_datetime'),
      _cause: idOf(d, death, 'cause_concept_id'),
    },
    persons,
    rules: [
      missingKeyRule([['_pid', 'person_id']]),
      duplicateRowRule,
      orphanRule,
      unparseableDateRule([{ derived: '_start', column: 'death_date' }]),
      // death_date of `persons` is still NULL here: only "before the birth year" can apply.
      outsideLifeRule(ctx, 'death_date'),
    ],
    uniqueKey: { derived: '_pid', column: 'person_id' },
  });
  await engine.run(
    `INSERT INTO ${p}death (person_id, death_date, cause_code, source_table, source_row) ` +
      `SELECT _pid, _start, CASE WHEN _cause = '0' THEN NULL ELSE _cause END, 'death', source_row FROM ${dr.kept}`,
  );
  for (const sql of dr.dropKept) await engine.run(sql);
  await engine.run(
    `INSERT INTO ${p}person (person_id, birth_year, birth_date, sex, death_date, source_table, source_row) ` +
      `SELECT pe.person_id, pe.birth_year, pe.birth_date, pe.sex, de.death_date, 'person', pe.source_row ` +
      `FROM ${persons} AS pe LEFT JOIN ${p}death AS de ON de.person_id = pe.person_id`,
  );
  await engine.run(`DROP TABLE ${persons}`);
  return [
    { source: 'person', files: [person.file], rowsRead: person.rows, rowsLoaded: pr.keptRows, target: ['person'], removed: pr.removed },
    { source: 'death', files: [death.file], rowsRead: death.rows, rowsLoaded: dr.keptRows, target: ['death', 'person.death_date'], removed: dr.removed },
  ];
}
