// IR_IMB_R → long_term_registration: long-term disease registrations (ALD), with their ICD-10 condition
// (MED_MTF_COD), list number (IMB_ALD_NUM) and exoneration dates (IMB_ALD_DTD, IMB_ALD_DTF). Rows link to persons
// through (BEN_NIR_PSA, BEN_RNG_GEM) like the DCIR. A missing or placeholder end date (1600-01-01) is an open
// registration; a non-empty end date that cannot be read is bad input and quarantined.
import type { RowAccount } from '../../model/index.js';
import { account, classify, findDuplicates, icd10, isPlaceholderDate, keptRows, quarantine, rank, stage, text, tmp, yearOf, type SndsContext, type SndsRule } from './steps.js';

export async function loadAld(ctx: SndsContext, file: string, personKeys: string): Promise<RowAccount> {
  const { engine, p } = ctx;
  const d = engine.dialect;
  const imb = await stage(ctx, file, 'IR_IMB_R', ['BEN_NIR_PSA', 'BEN_RNG_GEM', 'IMB_ALD_DTD', 'MED_MTF_COD']);
  const col = (c: string, a = 's') => (imb.columns.includes(c) ? `${a}.${d.ident(c)}` : 'CAST(NULL AS VARCHAR)');

  const dups = tmp(ctx, 'imb_dups');
  await findDuplicates(ctx, { staged: imb, into: dups, candidate: (a) => imb.columns.map((c) => col(c, a)) });
  const c = tmp(ctx, 'imb_c');
  const rules: SndsRule[] = [
    { reason: 'missing-key', kind: 'quarantine', when: 's.psa IS NULL OR s.rng IS NULL', detail: `CASE WHEN ${text(col('BEN_NIR_PSA'))} IS NULL THEN 'BEN_NIR_PSA' ELSE 'BEN_RNG_GEM' END` },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'u.dup_row' },
    { reason: 'orphan-key', kind: 'quarantine', when: 'pk.person_id IS NULL', detail: `'BEN_NIR_PSA, BEN_RNG_GEM not in IR_BEN_R'` },
    { reason: 'unparseable-date', kind: 'quarantine', when: 's.start_date IS NULL', detail: `'IMB_ALD_DTD'` },
    { reason: 'unparseable-date', kind: 'quarantine', when: 's.end_raw IS NOT NULL AND s.end_date IS NULL', detail: `'IMB_ALD_DTF'` },
    { reason: 'missing-code', kind: 'quarantine', when: 's.code IS NULL', detail: `'MED_MTF_COD'` },
    { reason: 'end-before-start', kind: 'quarantine', when: `s.end_date < s.start_date AND NOT ${isPlaceholderDate('s.end_date')}`, detail: `'IMB_ALD_DTF before IMB_ALD_DTD'` },
    {
      reason: 'date-outside-life',
      kind: 'quarantine',
      when: `${yearOf('s.start_date')} < pk.birth_year OR s.start_date > pk.death_date`,
      detail: `CASE WHEN ${yearOf('c.start_date')} < c.birth_year THEN 'IMB_ALD_DTD before birth year' ELSE 'IMB_ALD_DTD after death' END`,
    },
  ];
  await classify(ctx, {
    into: c,
    from:
      `(SELECT s.source_row, ${text(col('BEN_NIR_PSA'))} AS psa, ${rank(col('BEN_RNG_GEM'))} AS rng, ${d.parseDate(col('IMB_ALD_DTD'))} AS start_date, ` +
      `${text(col('IMB_ALD_DTF'))} AS end_raw, ${d.parseDate(col('IMB_ALD_DTF'))} AS end_date, ${icd10(col('MED_MTF_COD'))} AS code, ` +
      `${text(col('IMB_ALD_NUM'))} AS ald_number FROM ${imb.table} AS s) AS s ` +
      `LEFT JOIN ${dups} AS u ON u.source_row = s.source_row LEFT JOIN ${personKeys} AS pk ON pk.psa = s.psa AND pk.rng = s.rng`,
    columns: [
      's.source_row AS source_row',
      'pk.person_id AS person_id',
      's.start_date AS start_date',
      `CASE WHEN ${isPlaceholderDate('s.end_date')} THEN NULL ELSE s.end_date END AS end_date`,
      's.code AS code',
      's.ald_number AS ald_number',
      'pk.birth_year AS birth_year',
    ],
    rules,
  });
  await engine.run(
    `INSERT INTO ${p}long_term_registration (person_id, start_date, end_date, icd10, ald_number, source_table, source_row) ` +
      `SELECT person_id, start_date, end_date, code, ald_number, 'IR_IMB_R', source_row FROM ${c} WHERE _rule IS NULL`,
  );
  const removed = await quarantine(ctx, { source: 'IR_IMB_R', staged: imb, table: c, rules });
  return account('IR_IMB_R', [imb.file], imb.rows, await keptRows(ctx, c), ['long_term_registration'], removed);
}
