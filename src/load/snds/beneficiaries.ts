// IR_BEN_R → persons. Person id: BEN_IDT_ANO (the stable individual id) when present, else BEN_NIR_PSA:BEN_RNG_GEM.
// One person may have several IR_BEN_R rows (one per (BEN_NIR_PSA, BEN_RNG_GEM): each insured person who opened
// rights for them); all are kept in `snds_person_key` so DCIR and ALD rows of any of them reach the person.
// Attributes come from one representative row: the most recently updated (BEN_DTE_MAJ, latest first), ties and
// missing dates broken by file order; the other rows are merged into it ('beneficiary-merged').
import type { RowAccount } from '../../model/index.js';
import type { StagedTable } from '../stage.js';
import { account, classify, findDuplicates, isPlaceholderDate, keptRows, quarantine, rank, text, tmp, type SndsContext, type SndsRule } from './steps.js';

export interface Beneficiaries {
  account: RowAccount;
  /** Temp table, one row per person: pidx (integer index), person_id, ben_idt_ano, birth_year, sex, source_row. */
  persons: string;
  /** Temp table of IR_BEN_R death dates, one per person at most: person_id, source_row, death_raw, death, birth_year. */
  deaths: string;
}

export const beneficiaryColumns = ['BEN_NIR_PSA', 'BEN_RNG_GEM', 'BEN_NAI_ANN', 'BEN_SEX_COD'];

export async function loadBeneficiaries(ctx: SndsContext, ben: StagedTable): Promise<Beneficiaries> {
  const { engine, p } = ctx;
  const d = engine.dialect;
  const has = (c: string) => ben.columns.includes(c);
  const col = (c: string) => (has(c) ? `s.${d.ident(c)}` : 'CAST(NULL AS VARCHAR)');

  const dups = tmp(ctx, 'ben_dups');
  const keyOf = (a: string) => [text(`${a}.${d.ident('BEN_NIR_PSA')}`), rank(`${a}.${d.ident('BEN_RNG_GEM')}`)];
  await findDuplicates(ctx, { staged: ben, into: dups, candidate: keyOf, key: keyOf });

  // One pass: key checks, every column the later steps need parsed once, and one person per person id, whose
  // representative row is the most recently updated among the rows that pass the key checks.
  const c = tmp(ctx, 'ben_m');
  const year = d.parseNumber('s.nai');
  const rules: SndsRule[] = [
    { reason: 'missing-key', kind: 'quarantine', when: 's.r1 = 0', detail: `CASE WHEN c.psa IS NULL THEN 'BEN_NIR_PSA' ELSE 'BEN_RNG_GEM' END` },
    { reason: 'duplicate-row', kind: 'quarantine', when: 's.r1 = 1' },
    { reason: 'duplicate-key', kind: 'quarantine', when: 's.r1 = 2', detail: `'BEN_NIR_PSA, BEN_RNG_GEM'` },
    { reason: 'beneficiary-merged', kind: 'merged', when: 's.prank > 1', detail: `'into IR_BEN_R row ' || CAST(c.rep_row AS VARCHAR)` },
  ];
  const merged = rules.length - 1;
  const parsed =
    `SELECT s.source_row, ${text(col('BEN_NIR_PSA'))} AS psa, ${rank(col('BEN_RNG_GEM'))} AS rng, ${text(col('BEN_IDT_ANO'))} AS idt, ` +
    `${col('BEN_NAI_ANN')} AS nai, ${col('BEN_SEX_COD')} AS sex, ${d.parseDate(col('BEN_DTE_MAJ'))} AS maj, ` +
    `${text(col('BEN_DCD_DTE'))} AS death_raw, ${d.parseDate(col('BEN_DCD_DTE'))} AS death FROM ${ben.table} AS s`;
  const checked =
    `SELECT s.*, COALESCE(s.idt, s.psa || ':' || s.rng) AS person_id, ` +
    `CASE WHEN s.psa IS NULL OR s.rng IS NULL THEN 0 WHEN u.dup_row THEN 1 WHEN u.dup_key THEN 2 END AS r1 ` +
    `FROM (${parsed}) AS s LEFT JOIN ${dups} AS u ON u.source_row = s.source_row`;
  // Rows removed by the key checks rank in partitions of their own, apart from the person's others.
  const order = 'PARTITION BY s.person_id, s.r1 ORDER BY s.maj DESC NULLS LAST, s.source_row';
  await classify(ctx, {
    into: c,
    from: `(SELECT s.*, row_number() OVER (${order}) AS prank, first_value(s.source_row) OVER (${order}) AS rep_row FROM (${checked}) AS s) AS s`,
    columns: [
      's.source_row AS source_row',
      's.psa AS psa',
      's.rng AS rng',
      's.idt AS idt',
      's.person_id AS person_id',
      // Birth years outside 1800-2100 are not years: unknown.
      `CASE WHEN ${year} BETWEEN 1800 AND 2100 THEN CAST(${year} AS INTEGER) END AS birth_year`,
      // BEN_SEX_COD: 1 male, 2 female; 0 and 9 mean unknown.
      `CASE trim(s.sex) WHEN '1' THEN 1 WHEN '2' THEN 2 END AS sex`,
      // A placeholder death date (1600-01-01, 0001-01-01) means alive: no death.
      `CASE WHEN s.death IS NOT NULL AND ${isPlaceholderDate('s.death')} THEN NULL ELSE s.death_raw END AS death_raw`,
      `CASE WHEN s.death IS NOT NULL AND ${isPlaceholderDate('s.death')} THEN NULL ELSE s.death END AS death`,
      's.prank AS prank',
      's.rep_row AS rep_row',
    ],
    rules,
  });
  // The rows that passed the key checks: the persons' own and those merged into them.
  const linked = `FROM ${c} WHERE (_rule IS NULL OR _rule = ${merged})`;

  // Every kept key, merged rows included, maps to its person.
  await engine.run(`CREATE TABLE IF NOT EXISTS ${p}snds_person_key (ben_nir_psa VARCHAR, ben_rng_gem VARCHAR, person_id VARCHAR, source_row BIGINT)`);
  await engine.run(`INSERT INTO ${p}snds_person_key SELECT psa, rng, person_id, source_row ${linked}`);

  // pidx: a small integer standing for the person in the big intermediate tables.
  const persons = tmp(ctx, 'persons');
  await engine.run(
    `CREATE TEMP TABLE ${persons} AS SELECT CAST(row_number() OVER (ORDER BY source_row) AS INTEGER) AS pidx, person_id, idt AS ben_idt_ano, birth_year, sex, source_row ` +
      `FROM ${c} WHERE _rule IS NULL`,
  );
  // The person's IR_BEN_R death: from the first row, in representative order, that has one.
  const deaths = tmp(ctx, 'ben_deaths');
  await engine.run(
    `CREATE TEMP TABLE ${deaths} AS SELECT x.person_id, x.source_row, x.death_raw, x.death, p.birth_year FROM (` +
      `SELECT person_id, source_row, death_raw, death, row_number() OVER (PARTITION BY person_id ORDER BY prank) AS drank ${linked} AND death_raw IS NOT NULL` +
      `) AS x JOIN ${persons} AS p ON p.person_id = x.person_id WHERE x.drank = 1`,
  );

  return {
    account: account('IR_BEN_R', [ben.file], ben.rows, await keptRows(ctx, c), ['person'], await quarantine(ctx, { source: 'IR_BEN_R', staged: ben, table: c, rules })),
    persons,
    deaths,
  };
}
