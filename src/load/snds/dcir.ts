// DCIR drug dispensings: ER_PRS_F (prestations: person, care date, DCIR filters) joined to ER_PHA_F (pharmacy lines:
// CIP13 and number of packs) on the 9 DCIR join keys. One dispensing per pharmacy line, or per (person, care date,
// CIP13) once returns are netted.
//
// Accounts: ER_PRS_F counts prestation lines (loaded = lines passed on to their pharmacy lines, those not removed); ER_PHA_F counts
// pharmacy lines (loaded = dispensing rows). A pharmacy line whose prestation was removed is removed with the same
// kind and reason, so each rule's effect on dispensings shows in ER_PHA_F's account.
//
// Joins on the 9 keys go through the dialect's 64-bit key hash when it has one (DuckDB): a false link needs two
// different key tuples with the same hash, of probability about n_PRS × n_PHA / 2^64 (5e-6 for 10M × 10M lines).
// A collision that would duplicate rows stops the load instead (sndsKeyCollision).
import type { RowAccount } from '../../model/index.js';
import { loadMessages as msg } from '../../messages/index.js';
import {
  account,
  classified,
  classify,
  compositeKey,
  findDuplicates,
  keptRows,
  mergeRemovals,
  override,
  quarantine,
  stage,
  text,
  tmp,
  yearOf,
  type SndsContext,
  type SndsRule,
} from './steps.js';

/** The 9 keys joining ER_PRS_F and ER_PHA_F (and ER_ETE_F). */
export const dcirJoinKeys = ['DCT_ORD_NUM', 'FLX_DIS_DTD', 'FLX_EMT_NUM', 'FLX_EMT_ORD', 'FLX_EMT_TYP', 'FLX_TRT_DTD', 'ORG_CLE_NUM', 'PRS_ORD_NUM', 'REM_TYP_AFF'];

export interface DcirInputs {
  prs: string;
  pha: string;
  ete?: string;
  /** Temp table (psa, rng, pidx, person_id, birth_year, death_date). */
  personKeys: string;
  /** Temp table of persons (pidx, person_id). */
  persons: string;
  /** Temp table (ref_id, cip, atc, units) from IR_PHA_R, when given. */
  referential?: string;
}

export async function loadDcir(ctx: SndsContext, inputs: DcirInputs): Promise<RowAccount[]> {
  const { engine, p, cleaning: on } = ctx;
  const d = engine.dialect;
  const col = (c: string, a = 's') => `${a}.${d.ident(c)}`;

  const prsRequired = ['BEN_NIR_PSA', 'BEN_RNG_GEM', ...dcirJoinKeys, ...(on['dcir-care-date'] ? ['EXE_SOI_DTD'] : [])];
  if (on['dcir-invalid-nir']) prsRequired.push('BEN_CDI_NIR');
  if (on['dcir-information-only']) prsRequired.push('DPN_QLF');
  if (on['dcir-surcharge']) prsRequired.push('CPL_MAJ_TOP');
  const prs = await stage(ctx, inputs.prs, 'ER_PRS_F', prsRequired);
  const pha = await stage(ctx, inputs.pha, 'ER_PHA_F', [...dcirJoinKeys, 'PHA_PRS_C13', 'PHA_ACT_QSN']);
  const key = compositeKey(engine, dcirJoinKeys);
  const keyCols = (a: string) => dcirJoinKeys.map((k) => col(k, a));
  const anyMissing = (cols: string[]) => cols.map((c) => `${col(c)} IS NULL`).join(' OR ');
  const firstMissing = (cols: string[]) => `CASE ${cols.map((c) => `WHEN ${col(c)} IS NULL THEN ${d.literal(c)}`).join(' ')} END`;

  // Hospital outpatient flag: an ETE_IND_TAA column of ER_PRS_F, else the ER_ETE_F lines joined on the 9 keys.
  let outpatientJoin = '';
  let outpatientWhen = 'FALSE';
  if (on['dcir-hospital-outpatient']) {
    if (prs.columns.includes('ETE_IND_TAA')) {
      outpatientWhen = `${d.parseNumber(col('ETE_IND_TAA'))} = 1`;
    } else if (inputs.ete) {
      const ete = await stage(ctx, inputs.ete, 'ER_ETE_F', [...dcirJoinKeys, 'ETE_IND_TAA']);
      const flags = tmp(ctx, 'ete_flags');
      await engine.run(
        `CREATE TEMP TABLE ${flags} AS SELECT DISTINCT ${key.select('s').join(', ')} FROM ${ete.table} AS s WHERE ${d.parseNumber(col('ETE_IND_TAA'))} = 1`,
      );
      outpatientJoin = `LEFT JOIN ${flags} AS e ON ${key.on('e', 's')}`;
      outpatientWhen = `NOT (${key.isNull('e')})`;
    } else throw msg.sndsNoOutpatientFlag(prs.file);
  }

  // ER_PRS_F: the prestation lines, classified in a subquery that the pharmacy join reads: never stored, as at
  // national scale it would be the largest table of the load. Duplicates and lines without pharmacy detail are found
  // by the join and by cheaper passes; their rules keep their place in the order.
  const date = on['dcir-care-date'] ? col('EXE_SOI_DTD') : col('FLX_DIS_DTD');
  const prsRules: SndsRule[] = [
    { reason: 'missing-key', kind: 'quarantine', when: 's.missing', detail: firstMissing(['BEN_NIR_PSA', 'BEN_RNG_GEM', ...dcirJoinKeys]) },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'FALSE' },
    { reason: 'duplicate-key', kind: 'quarantine', when: 'FALSE', detail: `'the 9 DCIR join keys'` },
    { reason: 'dcir-no-pharmacy-line', kind: 'cleaning', when: 'FALSE', detail: `'no ER_PHA_F line'` },
  ];
  const noPharmacyLine = prsRules.findIndex((r) => r.reason === 'dcir-no-pharmacy-line');
  // '0' is '00' exported as a number.
  if (on['dcir-invalid-nir']) prsRules.push({ reason: 'dcir-invalid-nir', kind: 'cleaning', when: `COALESCE(trim(${col('BEN_CDI_NIR')}), '') NOT IN ('00', '0')` });
  if (on['dcir-information-only']) prsRules.push({ reason: 'dcir-information-only', kind: 'cleaning', when: `${d.parseNumber(col('DPN_QLF'))} = 71` });
  if (on['dcir-surcharge']) prsRules.push({ reason: 'dcir-surcharge', kind: 'cleaning', when: `${d.parseNumber(col('CPL_MAJ_TOP'))} >= 2` });
  if (on['dcir-hospital-outpatient']) prsRules.push({ reason: 'dcir-hospital-outpatient', kind: 'cleaning', when: outpatientWhen });
  prsRules.push(
    { reason: 'orphan-key', kind: 'quarantine', when: 'pk.pidx IS NULL', detail: `'BEN_NIR_PSA, BEN_RNG_GEM not in IR_BEN_R'` },
    { reason: 'unparseable-date', kind: 'quarantine', when: 's.care_date IS NULL', detail: d.literal(on['dcir-care-date'] ? 'EXE_SOI_DTD' : 'FLX_DIS_DTD') },
    {
      reason: 'date-outside-life',
      kind: 'quarantine',
      when: `${yearOf('s.care_date')} < pk.birth_year OR s.care_date > pk.death_date`,
      detail: `'care date before the birth year or after death'`,
    },
  );
  // `dups` (source_row, dup_row, dup_key): duplicate lines found after a first join. They lose their keys, so that
  // pharmacy lines attach to the first line of their keys only, whatever its fate.
  const prsLines = (dups?: string) => {
    const dup = dups ? 'COALESCE(dp.dup_row OR dp.dup_key, FALSE)' : 'FALSE';
    const rules = prsRules.map((r) => (dups && r.reason === 'duplicate-row' ? { ...r, when: 'dp.dup_row' } : dups && r.reason === 'duplicate-key' ? { ...r, when: 'dp.dup_key' } : r));
    // Person keys compared as written in the DCIR (IR_BEN_R's are trimmed, birth rank without leading zeros).
    return classified({
      from:
        `(SELECT s.*, ${key.select('s').join(', ')}, ${d.parseDate(date)} AS care_date, ` +
        `(${anyMissing(['BEN_NIR_PSA', 'BEN_RNG_GEM', ...dcirJoinKeys])}) AS missing FROM ${prs.table} AS s) AS s ` +
        `LEFT JOIN ${inputs.personKeys} AS pk ON pk.psa = ${col('BEN_NIR_PSA')} AND pk.rng = ${col('BEN_RNG_GEM')} ${outpatientJoin}` +
        (dups ? ` LEFT JOIN ${dups} AS dp ON dp.source_row = s.source_row` : ''),
      columns: ['s.source_row AS source_row', ...key.names.map((n) => `CASE WHEN ${dup} THEN NULL ELSE s.${n} END AS ${n}`), 'pk.pidx AS pidx', 's.care_date AS date'],
      rules,
    });
  };
  // ER_PHA_F: each pharmacy line joined to its prestation line, inheriting its fate. The full join also yields, in
  // the same pass, the prestation lines no pharmacy line attached to (rows with no ER_PHA_F side), so every
  // prestation line has a row per pharmacy line, or one row.
  const dcirC = tmp(ctx, 'dcir_c');
  const ref = inputs.referential;
  // The product of a pharmacy line: with a referential, its integer row there (CIP13 ↔ ref_id one to one, and a
  // CIP13 missing from it is removed), which keeps the 170M-line tables of a national extract narrow; the CIP13,
  // ATC code and units come back from the referential at the insert.
  const phaRules: SndsRule[] = [
    // Rows with no ER_PHA_F side stand for prestation lines without pharmacy line: counted in ER_PRS_F's account only.
    { reason: 'dcir-no-pharmacy-line', kind: 'cleaning', when: 's.source_row IS NULL' },
    { reason: 'missing-key', kind: 'quarantine', when: 's.missing', detail: firstMissing(dcirJoinKeys) },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'FALSE' },
    { reason: 'orphan-key', kind: 'quarantine', when: 'pr.source_row IS NULL', detail: `'no ER_PRS_F line with these 9 DCIR keys'` },
    { reason: 'inherited', kind: 'quarantine', when: 'pr._rule IS NOT NULL', inherit: prsRules, detail: `'ER_PRS_F row ' || CAST(c.parent_row AS VARCHAR)` },
    { reason: 'missing-code', kind: 'quarantine', when: 's.cip IS NULL', detail: `'PHA_PRS_C13'` },
    { reason: 'unparseable-number', kind: 'quarantine', when: 's.qty IS NULL', detail: `'PHA_ACT_QSN'` },
  ];
  // Without a drug referential, ATC codes stay unknown and no product code can be called unknown.
  if (ref) phaRules.push({ reason: 'unknown-product-code', kind: 'quarantine', when: 'r.cip IS NULL', detail: `'PHA_PRS_C13 not in IR_PHA_R'` });
  const joinPha = async (dups?: string) => {
    await classify(ctx, {
      into: dcirC,
      from:
        `(SELECT s.source_row, ${key.select('s').join(', ')}, ${text(col('PHA_PRS_C13'))} AS cip, ` +
        `${d.parseNumber(col('PHA_ACT_QSN'))} AS qty, (${anyMissing(dcirJoinKeys)}) AS missing FROM ${pha.table} AS s) AS s ` +
        `FULL OUTER JOIN (${prsLines(dups)}) AS pr ON ${key.on('pr', 's')} ` +
        (ref ? `LEFT JOIN ${ref} AS r ON r.cip = s.cip` : ''),
      columns: [
        's.source_row AS source_row',
        'pr.pidx AS pidx',
        'pr.date AS date',
        `${ref ? 'r.ref_id' : 's.cip'} AS product`,
        's.qty AS qty',
        'pr.source_row AS parent_row',
        // The keys of prestation lines without pharmacy line, to find their duplicates.
        ...key.names.map((n) => `CASE WHEN s.source_row IS NULL THEN pr.${n} END AS ${n}`),
      ],
      rules: phaRules,
      // The prestation line's fate, on each of its rows (what a pharmacy line inherits); having no pharmacy line
      // ranks after the key rules.
      sub: `CASE WHEN pr._rule < ${noPharmacyLine} THEN pr._rule WHEN pr.source_row IS NOT NULL AND s.source_row IS NULL THEN ${noPharmacyLine} ELSE pr._rule END`,
    });
    return Number(await engine.scalar<number>(`SELECT count(*) FROM ${dcirC} WHERE source_row IS NOT NULL`));
  };

  // Exact duplicates of ER_PRS_F lines share their 9 keys (its primary key). Found without a pass of their own:
  // lines with pharmacy lines multiply them in the join (more joined rows than pharmacy lines), and lines without
  // are few.
  const prsDuplicates = async (candidates: string) => {
    const prsDups = tmp(ctx, `prs_dups${ctx.temps.length}`);
    await findDuplicates(ctx, { staged: prs, into: prsDups, candidateRows: candidates, key: keyCols });
    return prsDups;
  };
  if ((await joinPha()) !== pha.rows) {
    const multiplied = `SELECT source_row FROM ${dcirC} WHERE source_row IS NOT NULL GROUP BY source_row HAVING count(*) > 1`;
    const rows = await joinPha(await prsDuplicates(`SELECT parent_row FROM ${dcirC} WHERE source_row IN (${multiplied})`));
    if (rows !== pha.rows) throw msg.sndsKeyCollision(pha.file, rows, pha.rows);
  }
  const childlessDups =
    `SELECT c.parent_row FROM ${dcirC} AS c JOIN (SELECT ${key.names.join(', ')} FROM ${dcirC} AS x WHERE NOT (${key.isNull('x')}) ` +
    `GROUP BY ${key.names.join(', ')} HAVING count(*) > 1) AS g ON ${key.on('c', 'g')}`;
  if (Number(await engine.scalar(`SELECT count(*) FROM (${childlessDups}) AS t`)) > 0) {
    const prsDups = await prsDuplicates(childlessDups);
    for (const reason of ['duplicate-row', 'duplicate-key']) {
      const which = reason === 'duplicate-row' ? 'dup_row' : 'dup_key';
      const where = `source_row IS NULL AND parent_row IN (SELECT source_row FROM ${prsDups} WHERE ${which})`;
      await override(ctx, { table: dcirC, rules: prsRules, reason, where, column: '_sub' });
    }
  }

  // Groups of the same person, care date and CIP13 that need netting: several lines, or a line of no packs or fewer.
  const netting = on['dcir-return-netting'];
  const groups = tmp(ctx, 'net_groups');
  const kept = (select: (alias: string) => string[]) => `(SELECT c.source_row, ${select('c').join(', ')} FROM ${dcirC} AS c WHERE c._rule IS NULL) AS c`;
  let inGroups = '';
  if (netting && d.keyHash && d.hashBucket) {
    // Neighbours in key order (one sort) cost less than grouping every key, and a 32-bit bucket of the key's hash
    // sorts twice as fast as the hash. Two groups sharing a bucket (about n²/2³³ pairs) make false candidates: the
    // hash itself, on the candidate buckets only, gives the groups.
    const hashOf = (a: string) => d.keyHash!([`${a}.pidx`, `${a}.date`, `${a}.product`]);
    const candidates =
      `SELECT b FROM (SELECT b, LAG(b) OVER (ORDER BY b) AS prev FROM ${kept((a) => [`${d.hashBucket!(hashOf(a))} AS b`])}) AS y WHERE b = prev ` +
      `UNION ALL SELECT ${d.hashBucket(hashOf('c'))} FROM ${dcirC} AS c WHERE c._rule IS NULL AND c.qty <= 0`;
    await engine.run(
      `CREATE TEMP TABLE ${groups} AS SELECT kh FROM ${kept((a) => [`${hashOf(a)} AS kh`, `${a}.qty`])} ` +
        `WHERE ${d.hashBucket('c.kh')} IN (${candidates}) GROUP BY kh HAVING count(*) > 1 OR min(c.qty) <= 0`,
    );
    inGroups = `SELECT c.source_row FROM ${kept((a) => [`${hashOf(a)} AS kh`])} JOIN ${groups} AS g ON g.kh = c.kh`;
  } else if (netting) {
    const groupKey = compositeKey(engine, ['pidx', 'date', 'product']);
    await engine.run(
      `CREATE TEMP TABLE ${groups} AS SELECT ${groupKey.select('c').join(', ')} FROM ${dcirC} AS c WHERE c._rule IS NULL ` +
        `GROUP BY ${groupKey.names.map((_, i) => i + 1).join(', ')} HAVING count(*) > 1 OR min(c.qty) <= 0`,
    );
    inGroups = `SELECT c.source_row FROM ${kept((a) => groupKey.select(a))} JOIN ${groups} AS g ON ${groupKey.on('g', 'c')}`;
  }

  // Exact duplicate pharmacy lines: identical lines get the same fate, so both are removed, or both are kept in the
  // same (person, care date, CIP13) group of several lines. Without netting groups, look for them directly.
  const phaDups = tmp(ctx, 'pha_dups');
  if (netting) {
    await findDuplicates(ctx, {
      staged: pha,
      into: phaDups,
      candidateRows: `SELECT source_row FROM ${dcirC} WHERE _rule IS NOT NULL AND source_row IS NOT NULL UNION ALL ${inGroups}`,
    });
  } else await findDuplicates(ctx, { staged: pha, into: phaDups, candidate: (a) => pha.columns.map((c) => col(c, a)) });
  await override(ctx, { table: dcirC, rules: phaRules, reason: 'duplicate-row', where: `source_row IN (SELECT source_row FROM ${phaDups} WHERE dup_row)` });

  // Returns netting, only on the groups that need it.
  const phaN = tmp(ctx, 'pha_net');
  const netRules: SndsRule[] = [
    { reason: 'dcir-return-netted', kind: 'merged', when: 's.npos > 0 AND s.net > 0 AND s.source_row <> s.rep AND s.qty < 0', detail: `'into ER_PHA_F row ' || CAST(c.rep AS VARCHAR)` },
    { reason: 'dcir-same-dispensing-line', kind: 'merged', when: 's.npos > 0 AND s.net > 0 AND s.source_row <> s.rep', detail: `'into ER_PHA_F row ' || CAST(c.rep AS VARCHAR)` },
    { reason: 'dcir-cancelled-dispensing', kind: 'cleaning', when: 's.npos > 0 AND s.net <= 0' },
    { reason: 'return-without-dispensing', kind: 'quarantine', when: 's.qty < 0', detail: `'no dispensing of the same person, care date and CIP13'` },
    { reason: 'dcir-zero-quantity', kind: 'cleaning', when: 's.qty = 0' },
  ];
  if (netting) {
    await classify(ctx, {
      into: phaN,
      from:
        `(SELECT c.source_row, c.qty, sum(c.qty) OVER w AS net, count(CASE WHEN c.qty > 0 THEN 1 END) OVER w AS npos, ` +
        `min(CASE WHEN c.qty > 0 THEN c.source_row END) OVER w AS rep ` +
        `FROM ${dcirC} AS c WHERE c._rule IS NULL AND c.source_row IN (${inGroups}) ` +
        `WINDOW w AS (PARTITION BY c.pidx, c.date, c.product)) AS s`,
      columns: ['s.source_row AS source_row', 's.net AS net', 's.rep AS rep'],
      rules: netRules,
    });
  } else {
    await engine.run(`CREATE TEMP TABLE ${phaN} AS SELECT CAST(NULL AS BIGINT) AS source_row, CAST(NULL AS DOUBLE) AS net, CAST(NULL AS INTEGER) AS _rule WHERE FALSE`);
  }

  const dispensingRows =
    `FROM ${dcirC} AS c LEFT JOIN ${phaN} AS n ON n.source_row = c.source_row JOIN ${inputs.persons} AS pe ON pe.pidx = c.pidx ` +
    `${ref ? `JOIN ${ref} AS r ON r.ref_id = c.product ` : ''}WHERE c._rule IS NULL AND n._rule IS NULL`;
  const dispensings = await engine.changed(
    `INSERT INTO ${p}dispensing (person_id, date, product_code, product_vocabulary, atc_code, packs, units_per_pack, days_supply, source_table, source_row) ` +
      `SELECT pe.person_id, c.date, ${ref ? 'r.cip' : 'c.product'}, 'CIP13', ${ref ? 'r.atc' : 'NULL'}, COALESCE(n.net, c.qty), ${ref ? 'r.units' : 'NULL'}, NULL, 'ER_PHA_F', c.source_row ${dispensingRows}`,
  );

  // Each removed prestation line once: a line's rows in the join (one per pharmacy line) share its fate.
  const prsC = tmp(ctx, 'prs_removed');
  await engine.run(
    `CREATE TEMP TABLE ${prsC} AS SELECT parent_row AS source_row, _sub AS _rule, CAST(NULL AS INTEGER) AS _sub FROM ${dcirC} WHERE _sub IS NOT NULL AND source_row IS NULL ` +
      `UNION ALL SELECT DISTINCT parent_row, _sub, CAST(NULL AS INTEGER) FROM ${dcirC} WHERE _sub IS NOT NULL AND source_row IS NOT NULL`,
  );
  const prsRemoved = await quarantine(ctx, { source: 'ER_PRS_F', staged: prs, table: prsC, rules: prsRules });
  const phaRemoved = mergeRemovals(
    await quarantine(ctx, { source: 'ER_PHA_F', staged: pha, table: dcirC, rules: phaRules }),
    netting ? await quarantine(ctx, { source: 'ER_PHA_F', staged: pha, table: phaN, rules: netRules }) : [],
  );
  // Kept prestation lines are those not removed: every line has a row in the full join, and counting the distinct
  // kept ones would cost a grouping of every line (the removed ones are counted one by one above).
  const prsKept = prs.rows - prsRemoved.reduce((n, r) => n + r.rows, 0);
  return [
    account('ER_PRS_F', [prs.file], prs.rows, prsKept, ['dispensing'], prsRemoved),
    account('ER_PHA_F', [pha.file], pha.rows, dispensings, ['dispensing'], phaRemoved),
  ];
}

/**
 * The drug referential IR_PHA_R as a temp table (ref_id, cip, atc, units), one row per CIP13, and its row account:
 * a lookup, so rows without a CIP13 and later rows of the same CIP13 (file order) are quarantined, nothing dropped.
 */
export async function loadReferential(ctx: SndsContext, file: string): Promise<{ table: string; account: RowAccount }> {
  const d = ctx.engine.dialect;
  const s = await stage(ctx, file, 'IR_PHA_R', ['PHA_CIP_C13', 'PHA_ATC_C07']);
  const col = (c: string, a = 's') => (s.columns.includes(c) ? `${a}.${d.ident(c)}` : 'CAST(NULL AS VARCHAR)');
  const dups = tmp(ctx, 'referential_dups');
  const keyOf = (a: string) => [text(col('PHA_CIP_C13', a))];
  await findDuplicates(ctx, { staged: s, into: dups, candidate: keyOf, key: keyOf });
  const rules: SndsRule[] = [
    { reason: 'missing-key', kind: 'quarantine', when: 's.cip IS NULL', detail: `'PHA_CIP_C13'` },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'u.dup_row' },
    { reason: 'duplicate-key', kind: 'quarantine', when: 'u.dup_key', detail: `'PHA_CIP_C13: the first row in file order is used'` },
  ];
  const c = tmp(ctx, 'referential_c');
  await classify(ctx, {
    into: c,
    from:
      `(SELECT s.source_row, ${text(col('PHA_CIP_C13'))} AS cip, NULLIF(upper(trim(${col('PHA_ATC_C07')})), '') AS atc, ` +
      `${d.parseNumber(col('PHA_UNT_NBR_DSES'))} AS units FROM ${s.table} AS s) AS s LEFT JOIN ${dups} AS u ON u.source_row = s.source_row`,
    columns: ['s.source_row AS source_row', 's.cip AS cip', 's.atc AS atc', 's.units AS units'],
    rules,
  });
  const table = tmp(ctx, 'referential');
  await ctx.engine.run(`CREATE TEMP TABLE ${table} AS SELECT CAST(row_number() OVER (ORDER BY cip) AS INTEGER) AS ref_id, cip, atc, units FROM ${c} WHERE _rule IS NULL`);
  const removed = await quarantine(ctx, { source: 'IR_PHA_R', staged: s, table: c, rules });
  return { table, account: account('IR_PHA_R', [s.file], s.rows, await keptRows(ctx, c), ['lookup: dispensing.atc_code, dispensing.units_per_pack'], removed) };
}
