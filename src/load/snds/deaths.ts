// Deaths: KI_CCI_R (causes of death, CépiDc, linked through BEN_IDT_ANO) and BEN_DCD_DTE of IR_BEN_R.
// Precedence when both give a date: IR_BEN_R's BEN_DCD_DTE (the insurance registry fed by the national vital
// status register, known for every beneficiary whether or not a certificate was linked) sets person.death_date and
// the date of the death row; KI_CCI_R gives the cause, and its own date when IR_BEN_R has none (or an invalid one).
// One death row per person: from KI_CCI_R when a certificate links (the IR_BEN_R date is then merged into it,
// 'death-merged-with-cause'), else from IR_BEN_R with no cause.
import type { RowAccount } from '../../model/index.js';
import type { StagedTable } from '../stage.js';
import { account, classify, findDuplicates, icd10, keptRows, quarantine, text, tmp, yearOf, type SndsContext, type SndsRule } from './steps.js';

export const deathColumns = ['BEN_IDT_ANO', 'BEN_DCD_DTE', 'DCD_CIM_COD'];

export interface Deaths {
  accounts: RowAccount[];
  /** Temp table: person_id, death_date (NULL when alive), one row per person. */
  personDeaths: string;
  /** Persons whose IR_BEN_R and KI_CCI_R death dates are both valid and differ (IR_BEN_R's kept). */
  conflicts: number;
}

/** Source name of the derived death account of IR_BEN_R. */
export const irDeathSource = 'IR_BEN_R.BEN_DCD_DTE';
/**
 * The raw row of that account: the person's keys, birth year and death columns (what its rules read). The whole
 * IR_BEN_R row is one source_row away; copying it for every death merged into a certificate took 7.7 s at 10M persons.
 */
const irDeathRawColumns = ['BEN_NIR_PSA', 'BEN_RNG_GEM', 'BEN_IDT_ANO', 'BEN_NAI_ANN', 'BEN_DCD_DTE', 'BEN_DCD_AME'];

export async function loadDeaths(
  ctx: SndsContext,
  args: { ki?: StagedTable; ben: StagedTable; persons: string; benDeaths: string },
): Promise<Deaths> {
  const { engine, p } = ctx;
  const d = engine.dialect;
  const accounts: RowAccount[] = [];
  const { ki, persons } = args;
  const col = (c: string) => `s.${d.ident(c)}`;

  // KI_CCI_R: one certificate per person, linked through BEN_IDT_ANO.
  const kiC = tmp(ctx, 'ki_c');
  if (ki) {
    const dups = tmp(ctx, 'ki_dups');
    const keyOf = (a: string) => [text(`${a}.${d.ident('BEN_IDT_ANO')}`)];
    await findDuplicates(ctx, { staged: ki, into: dups, candidate: keyOf, key: keyOf });
    const rules: SndsRule[] = [
      { reason: 'missing-key', kind: 'quarantine', when: 's.idt IS NULL', detail: `'BEN_IDT_ANO'` },
      { reason: 'duplicate-row', kind: 'quarantine', when: 'u.dup_row' },
      { reason: 'duplicate-key', kind: 'quarantine', when: 'u.dup_key', detail: `'BEN_IDT_ANO'` },
      { reason: 'orphan-key', kind: 'quarantine', when: 'pe.person_id IS NULL', detail: `'BEN_IDT_ANO not in IR_BEN_R'` },
      { reason: 'unparseable-date', kind: 'quarantine', when: 's.death IS NULL', detail: `'BEN_DCD_DTE'` },
      { reason: 'date-outside-life', kind: 'quarantine', when: `${yearOf('s.death')} < pe.birth_year`, detail: `'BEN_DCD_DTE before birth year'` },
    ];
    await classify(ctx, {
      into: kiC,
      from:
        `(SELECT s.source_row, ${text(col('BEN_IDT_ANO'))} AS idt, ${d.parseDate(col('BEN_DCD_DTE'))} AS death, ${icd10(col('DCD_CIM_COD'))} AS cause ` +
        `FROM ${ki.table} AS s) AS s LEFT JOIN ${dups} AS u ON u.source_row = s.source_row LEFT JOIN ${persons} AS pe ON pe.ben_idt_ano = s.idt`,
      columns: ['s.source_row AS source_row', 'pe.person_id AS person_id', 's.death AS death', 's.cause AS cause'],
      rules,
    });
    const removed = await quarantine(ctx, { source: 'KI_CCI_R', staged: ki, table: kiC, rules });
    accounts.push(account('KI_CCI_R', [ki.file], ki.rows, await keptRows(ctx, kiC), ['death'], removed));
  } else {
    await engine.run(
      `CREATE TEMP TABLE ${kiC} AS SELECT CAST(NULL AS BIGINT) AS source_row, CAST(NULL AS VARCHAR) AS person_id, CAST(NULL AS DATE) AS death, ` +
        `CAST(NULL AS VARCHAR) AS cause, CAST(NULL AS INTEGER) AS _rule WHERE FALSE`,
    );
  }

  // IR_BEN_R's death dates: valid ones reach the model, merged into a linked certificate when there is one.
  const irC = tmp(ctx, 'ir_death_c');
  const irRules: SndsRule[] = [
    { reason: 'unparseable-date', kind: 'quarantine', when: 's.death IS NULL', detail: `'BEN_DCD_DTE'` },
    { reason: 'date-outside-life', kind: 'quarantine', when: `${yearOf('s.death')} < s.birth_year`, detail: `'BEN_DCD_DTE before birth year'` },
    { reason: 'death-merged-with-cause', kind: 'merged', when: 'k.ki_row IS NOT NULL', detail: `'into KI_CCI_R row ' || CAST(c.ki_row AS VARCHAR)` },
  ];
  await classify(ctx, {
    into: irC,
    from: `${args.benDeaths} AS s LEFT JOIN (SELECT person_id, min(source_row) AS ki_row FROM ${kiC} WHERE _rule IS NULL GROUP BY person_id) AS k ON k.person_id = s.person_id`,
    columns: ['s.source_row AS source_row', 's.person_id AS person_id', 's.death AS death', 'k.ki_row AS ki_row'],
    rules: irRules,
  });
  const irRead = Number(await engine.scalar<number>(`SELECT count(*) FROM ${irC}`));
  const irRemoved = await quarantine(ctx, { source: irDeathSource, staged: args.ben, table: irC, rules: irRules, rawColumns: irDeathRawColumns });
  accounts.push(account(irDeathSource, [args.ben.file], irRead, await keptRows(ctx, irC), ['death'], irRemoved));

  // The person's death date, by precedence.
  const irValid = `(SELECT person_id, death FROM ${irC} WHERE _rule IS NULL OR _rule = ${irRules.findIndex((x) => x.reason === 'death-merged-with-cause')})`;
  const kiKept = `(SELECT person_id, death, cause, source_row FROM ${kiC} WHERE _rule IS NULL)`;
  const personDeaths = tmp(ctx, 'person_deaths');
  await engine.run(
    `CREATE TEMP TABLE ${personDeaths} AS SELECT pe.person_id, COALESCE(i.death, k.death) AS death_date, i.death AS ir_death, k.death AS ki_death ` +
      `FROM ${persons} AS pe LEFT JOIN ${irValid} AS i ON i.person_id = pe.person_id LEFT JOIN ${kiKept} AS k ON k.person_id = pe.person_id`,
  );
  await engine.run(
    `INSERT INTO ${p}death (person_id, death_date, cause_code, source_table, source_row) ` +
      `SELECT k.person_id, pd.death_date, k.cause, 'KI_CCI_R', k.source_row FROM ${kiKept} AS k JOIN ${personDeaths} AS pd ON pd.person_id = k.person_id`,
  );
  await engine.run(
    `INSERT INTO ${p}death (person_id, death_date, cause_code, source_table, source_row) ` +
      `SELECT person_id, death, NULL, 'IR_BEN_R', source_row FROM ${irC} WHERE _rule IS NULL`,
  );
  const conflicts = Number(await engine.scalar<number>(`SELECT count(*) FROM ${personDeaths} WHERE ir_death <> ki_death`));
  return { accounts, personDeaths, conflicts };
}
