// PMSI MCO hospital stays, one set of tables per year: T_MCOaaB (stay: diagnoses, GHM, type), T_MCOaaC (patient
// key NIR_ANO_17, linkage return codes, dates EXE_SOI_DTD/DTF), T_MCOaaD (associated diagnoses), T_MCOaaA (CCAM
// procedures), joined on (ETA_NUM, RSA_NUM). RSA_NUM repeats across years, so the stay id carries the year:
// `<year>:<ETA_NUM>:<RSA_NUM>`. The patient links to IR_BEN_R through NIR_ANO_17 = BEN_NIR_PSA; a key matching
// several persons (twins of the same sex share BEN_NIR_PSA) is ambiguous and quarantined.
//
// Stay-level rules run once on B joined to C; each B and C row then gets its stay's fate, and the D and A rows of a
// removed stay are removed with the same kind and reason.
import type { RowAccount } from '../../model/index.js';
import { pmsiDummyPatientKeys, pmsiDuplicateFiness, pmsiLinkageCodes } from './cleaning.js';
import { mcoTableName, type SndsMcoYear } from './files.js';
import {
  account,
  classify,
  findDuplicates,
  icd10,
  keptRows,
  mergeRemovals,
  padKey,
  quarantine,
  stage,
  text,
  tmp,
  yearOf,
  type SndsContext,
  type SndsRule,
} from './steps.js';

export async function loadPmsiYear(ctx: SndsContext, mco: SndsMcoYear, psaKeys: string): Promise<RowAccount[]> {
  const { engine, p, cleaning: on } = ctx;
  const d = engine.dialect;
  const col = (c: string, a = 's') => `${a}.${d.ident(c)}`;
  const y = mco.year;
  const names = { B: mcoTableName(y, 'B'), C: mcoTableName(y, 'C'), D: mcoTableName(y, 'D'), A: mcoTableName(y, 'A') };
  const lit = d.literal;
  const inList = (e: string, values: string[]) => `${e} IN (${values.map(lit).join(', ')})`;

  const bRequired = ['ETA_NUM', 'RSA_NUM', 'DGN_PAL'];
  if (on['pmsi-error-ghm']) bRequired.push('GRG_GHM');
  if (on['pmsi-inter-establishment']) bRequired.push('SEJ_TYP');
  const cRequired = ['ETA_NUM', 'RSA_NUM', 'NIR_ANO_17', 'EXE_SOI_DTD', 'EXE_SOI_DTF', ...(on['pmsi-linkage-codes'] ? pmsiLinkageCodes : [])];
  const B = await stage(ctx, mco.B, names.B, bRequired);
  const C = await stage(ctx, mco.C, names.C, cRequired);
  const D = mco.D ? await stage(ctx, mco.D, names.D, ['ETA_NUM', 'RSA_NUM', 'ASS_DGN']) : undefined;
  const A = mco.A ? await stage(ctx, mco.A, names.A, ['ETA_NUM', 'RSA_NUM', 'CDC_ACT']) : undefined;
  const opt = (s: { columns: string[] }, c: string) => (s.columns.includes(c) ? col(c) : 'CAST(NULL AS VARCHAR)');

  // FINESS on 9 characters and RSA index on 10, whatever leading zeros a typed export dropped.
  const eta = (a = 's') => padKey(col('ETA_NUM', a), 9);
  const rsa = (a = 's') => padKey(col('RSA_NUM', a), 10);
  const stayKey = (a: string) => [eta(a), rsa(a)];
  const structural: SndsRule[] = [
    { reason: 'missing-key', kind: 'quarantine', when: 's.eta IS NULL OR s.rsa IS NULL', detail: `CASE WHEN c.eta IS NULL THEN 'ETA_NUM' ELSE 'RSA_NUM' END` },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'u.dup_row' },
    { reason: 'duplicate-key', kind: 'quarantine', when: 'u.dup_key', detail: `'ETA_NUM, RSA_NUM'` },
  ];

  const bDups = tmp(ctx, `b${y}_dups`);
  await findDuplicates(ctx, { staged: B, into: bDups, candidate: stayKey, key: stayKey });
  const bC = tmp(ctx, `b${y}_c`);
  await classify(ctx, {
    into: bC,
    from:
      `(SELECT s.source_row, ${eta()} AS eta, ${rsa()} AS rsa, ${icd10(col('DGN_PAL'))} AS dgn_pal, ${icd10(opt(B, 'DGN_REL'))} AS dgn_rel, ` +
      `${text(opt(B, 'GRG_GHM'))} AS ghm, ${text(opt(B, 'SEJ_TYP'))} AS sej_typ FROM ${B.table} AS s) AS s LEFT JOIN ${bDups} AS u ON u.source_row = s.source_row`,
    columns: ['source_row', 'eta', 'rsa', 'dgn_pal', 'dgn_rel', 'ghm', 'sej_typ'].map((c) => `s.${c} AS ${c}`),
    rules: structural,
  });

  const cDups = tmp(ctx, `c${y}_dups`);
  await findDuplicates(ctx, { staged: C, into: cDups, candidate: stayKey, key: stayKey });
  const cC = tmp(ctx, `c${y}_c`);
  // A return code is clean when '0' (or 'false', the same code exported as a boolean).
  const codesOk = pmsiLinkageCodes.map((c) => `COALESCE(lower(trim(${opt(C, c)})), '') IN ('0', 'false')`).join(' AND ');
  await classify(ctx, {
    into: cC,
    from:
      `(SELECT s.source_row, ${eta()} AS eta, ${rsa()} AS rsa, ${text(col('NIR_ANO_17'))} AS nir, ${d.parseDate(col('EXE_SOI_DTD'))} AS adm, ` +
      `${d.parseDate(col('EXE_SOI_DTF'))} AS dis, ${on['pmsi-linkage-codes'] ? codesOk : 'TRUE'} AS codes_ok FROM ${C.table} AS s) AS s ` +
      `LEFT JOIN ${cDups} AS u ON u.source_row = s.source_row`,
    columns: ['source_row', 'eta', 'rsa', 'nir', 'adm', 'dis', 'codes_ok'].map((c) => `s.${c} AS ${c}`),
    rules: structural,
  });

  // Stays: B and C rows that passed the key checks, matched on (ETA_NUM, RSA_NUM), then the stay-level rules.
  const stays = tmp(ctx, `stays${y}`);
  const stayRules: SndsRule[] = [
    {
      reason: 'orphan-key',
      kind: 'quarantine',
      when: 'b.source_row IS NULL OR c.source_row IS NULL',
      detail: `CASE WHEN c.b_row IS NULL THEN ${lit(`no ${names.B} row for ETA_NUM, RSA_NUM`)} ELSE ${lit(`no ${names.C} row for ETA_NUM, RSA_NUM`)} END`,
    },
    { reason: 'missing-key', kind: 'quarantine', when: 'c.nir IS NULL', detail: `'NIR_ANO_17'` },
  ];
  if (on['pmsi-duplicate-finess']) stayRules.push({ reason: 'pmsi-duplicate-finess', kind: 'cleaning', when: inList('b.eta', pmsiDuplicateFiness) });
  if (on['pmsi-error-ghm']) stayRules.push({ reason: 'pmsi-error-ghm', kind: 'cleaning', when: `b.ghm LIKE '90%'` });
  if (on['pmsi-inter-establishment']) stayRules.push({ reason: 'pmsi-inter-establishment', kind: 'cleaning', when: `b.sej_typ = 'B'` });
  if (on['pmsi-dummy-patient-key']) stayRules.push({ reason: 'pmsi-dummy-patient-key', kind: 'cleaning', when: inList('c.nir', pmsiDummyPatientKeys) });
  if (on['pmsi-linkage-codes']) stayRules.push({ reason: 'pmsi-linkage-codes', kind: 'cleaning', when: 'NOT c.codes_ok' });
  stayRules.push(
    { reason: 'orphan-key', kind: 'quarantine', when: 'k.person_id IS NULL', detail: `'NIR_ANO_17 not in IR_BEN_R.BEN_NIR_PSA'` },
    { reason: 'ambiguous-key', kind: 'quarantine', when: 'k.persons > 1', detail: `'NIR_ANO_17 matches ' || CAST(c.persons AS VARCHAR) || ' persons'` },
    { reason: 'unparseable-date', kind: 'quarantine', when: 'c.adm IS NULL OR c.dis IS NULL', detail: `CASE WHEN c.admission_date IS NULL THEN 'EXE_SOI_DTD' ELSE 'EXE_SOI_DTF' END` },
    { reason: 'end-before-start', kind: 'quarantine', when: 'c.dis < c.adm', detail: `'EXE_SOI_DTF before EXE_SOI_DTD'` },
    {
      reason: 'date-outside-life',
      kind: 'quarantine',
      when: `${yearOf('c.adm')} < k.birth_year OR c.adm > k.death_date`,
      detail: `CASE WHEN ${yearOf('c.admission_date')} < c.birth_year THEN 'admission before birth year' ELSE 'admission after death' END`,
    },
  );
  await classify(ctx, {
    into: stays,
    from:
      `(SELECT * FROM ${bC} WHERE _rule IS NULL) AS b FULL OUTER JOIN (SELECT * FROM ${cC} WHERE _rule IS NULL) AS c ON c.eta = b.eta AND c.rsa = b.rsa ` +
      `LEFT JOIN ${psaKeys} AS k ON k.psa = c.nir`,
    columns: [
      'b.source_row AS b_row',
      'c.source_row AS c_row',
      'COALESCE(b.eta, c.eta) AS eta',
      'COALESCE(b.rsa, c.rsa) AS rsa',
      `${lit(`${y}:`)} || COALESCE(b.eta, c.eta) || ':' || COALESCE(b.rsa, c.rsa) AS stay_id`,
      'k.person_id AS person_id',
      'k.persons AS persons',
      'k.birth_year AS birth_year',
      'c.adm AS admission_date',
      'c.dis AS discharge_date',
      'b.dgn_pal AS dgn_pal',
      'b.dgn_rel AS dgn_rel',
    ],
    rules: stayRules,
  });

  const keptStays = `(SELECT * FROM ${stays} WHERE _rule IS NULL)`;
  await engine.run(
    `INSERT INTO ${p}hospital_stay (stay_id, person_id, admission_date, discharge_date, primary_diagnosis, related_diagnosis, source_table, source_row) ` +
      `SELECT stay_id, person_id, admission_date, discharge_date, dgn_pal, dgn_rel, ${lit(names.B)}, b_row FROM ${keptStays} AS st`,
  );
  for (const [role, c] of [['primary', 'dgn_pal'], ['related', 'dgn_rel']] as const) {
    await engine.run(
      `INSERT INTO ${p}diagnosis (person_id, date, code, vocabulary, role, stay_id, source_table, source_row) ` +
        `SELECT person_id, admission_date, ${c}, 'ICD10', ${lit(role)}, stay_id, ${lit(names.B)}, b_row FROM ${keptStays} AS st WHERE ${c} IS NOT NULL`,
    );
  }

  const accounts: RowAccount[] = [
    account(names.B, [B.file], B.rows, await keptRows(ctx, stays, 'b_row'), ['hospital_stay', 'diagnosis'],
      mergeRemovals(
        await quarantine(ctx, { source: names.B, staged: B, table: bC, rules: structural }),
        await quarantine(ctx, { source: names.B, staged: B, table: stays, rules: stayRules, rowColumn: 'b_row' }),
      )),
    account(names.C, [C.file], C.rows, await keptRows(ctx, stays, 'c_row'), ['hospital_stay'],
      mergeRemovals(
        await quarantine(ctx, { source: names.C, staged: C, table: cC, rules: structural }),
        await quarantine(ctx, { source: names.C, staged: C, table: stays, rules: stayRules, rowColumn: 'c_row' }),
      )),
  ];

  // Child rows (D: associated diagnoses, A: procedures) follow their stay.
  const childRules = (codeColumn: string): SndsRule[] => [
    { reason: 'missing-key', kind: 'quarantine', when: 's.eta IS NULL OR s.rsa IS NULL', detail: `CASE WHEN c.eta IS NULL THEN 'ETA_NUM' ELSE 'RSA_NUM' END` },
    { reason: 'duplicate-row', kind: 'quarantine', when: 'u.dup_row' },
    { reason: 'orphan-key', kind: 'quarantine', when: 'st.b_row IS NULL', detail: lit(`no ${names.B} stay for ETA_NUM, RSA_NUM`) },
    { reason: 'inherited', kind: 'quarantine', when: 'st._rule IS NOT NULL', inherit: stayRules, detail: `${lit(`${names.B} row `)} || CAST(c.stay_row AS VARCHAR)` },
    { reason: 'missing-code', kind: 'quarantine', when: 's.code IS NULL', detail: lit(codeColumn) },
  ];
  const childColumns = [
    's.source_row AS source_row',
    's.eta AS eta',
    's.code AS code',
    's.delay AS delay',
    'st.stay_id AS stay_id',
    'st.person_id AS person_id',
    'st.admission_date AS admission_date',
    'st.discharge_date AS discharge_date',
    'st.b_row AS stay_row',
  ];
  const child = async (staged: typeof D, part: 'D' | 'A', code: string, codeColumn: string, delay: string) => {
    if (!staged) return undefined;
    const dups = tmp(ctx, `${part.toLowerCase()}${y}_dups`);
    await findDuplicates(ctx, { staged, into: dups, candidate: (a) => staged.columns.map((c) => col(c, a)) });
    const into = tmp(ctx, `${part.toLowerCase()}${y}_c`);
    await classify(ctx, {
      into,
      from:
        `(SELECT s.source_row, ${eta()} AS eta, ${rsa()} AS rsa, ${code} AS code, ${delay} AS delay FROM ${staged.table} AS s) AS s ` +
        `LEFT JOIN ${dups} AS u ON u.source_row = s.source_row LEFT JOIN (SELECT * FROM ${stays} WHERE b_row IS NOT NULL) AS st ON st.eta = s.eta AND st.rsa = s.rsa`,
      columns: childColumns,
      rules: childRules(codeColumn),
      sub: 'st._rule',
    });
    return into;
  };

  const dC = await child(D, 'D', D ? icd10(col('ASS_DGN')) : '', 'ASS_DGN', 'CAST(NULL AS DOUBLE)');
  if (D && dC) {
    await engine.run(
      `INSERT INTO ${p}diagnosis (person_id, date, code, vocabulary, role, stay_id, source_table, source_row) ` +
        `SELECT person_id, admission_date, code, 'ICD10', 'associated', stay_id, ${lit(names.D)}, source_row FROM ${dC} WHERE _rule IS NULL`,
    );
    accounts.push(account(names.D, [D.file], D.rows, await keptRows(ctx, dC), ['diagnosis'], await quarantine(ctx, { source: names.D, staged: D, table: dC, rules: childRules('ASS_DGN') })));
  }
  const aC = await child(A, 'A', A ? text(`upper(${col('CDC_ACT')})`) : '', 'CDC_ACT', A ? d.parseNumber(opt(A, 'ENT_DAT_DEL')) : '');
  if (A && aC) {
    // Dated at admission + ENT_DAT_DEL days when that falls within the stay, else at admission (delay missing or inconsistent).
    const inStay = `delay BETWEEN 0 AND ${d.daysBetween('admission_date', 'discharge_date')} AND delay = floor(delay)`;
    await engine.run(
      `INSERT INTO ${p}procedure (person_id, date, code, vocabulary, stay_id, source_table, source_row) ` +
        `SELECT person_id, CASE WHEN ${inStay} THEN ${d.addDays('admission_date', 'delay')} ELSE admission_date END, code, 'CCAM', stay_id, ${lit(names.A)}, source_row ` +
        `FROM ${aC} WHERE _rule IS NULL`,
    );
    accounts.push(account(names.A, [A.file], A.rows, await keptRows(ctx, aC), ['procedure'], await quarantine(ctx, { source: names.A, staged: A, table: aC, rules: childRules('CDC_ACT') })));
  }
  return accounts;
}
