// Hospital (OMOP warehouse) + claims (SNDS) linkage: one person timeline from two loaded models and a
// linkage table (hospital person id, claims pseudonym).
//
// Rules (also recorded in the result's settings):
// - linkage rows: `missing-key` (an id empty), `duplicate-row` (the same pair again), `ambiguous-link` (an id
//   paired with several different ids on the other side: every row of that id is quarantined, and its persons
//   stay unlinked), `orphan-key` (an id absent from its side's person table). The other rows link one hospital
//   person to one claims person;
// - person ids: a linked person takes the claims pseudonym; unlinked persons are KEPT, with prefixed ids
//   `H:<hospital person_id>` and `C:<claims person_id>` (table `person_link` maps every id back);
// - person attributes of a linked person: claims first (birth year, sex, death date — SNDS death comes from the
//   national death registry), hospital values filling what claims lacks; the exact hospital birth date is kept
//   when its year equals the reconciled birth year. Disagreements are counted in `conflicts`;
// - events of both sides are copied as they are, person id mapped, `source_table` prefixed with the layout
//   (`omop.drug_exposure`, `snds.ER_PRS_F`) and stay ids prefixed `<layout>:` so stays of the two sources never
//   collide. Events present in both sources (the same stay in PMSI and in the warehouse) are NOT deduplicated
//   at this stage: the same stay or death may appear twice, once per source;
// - both sources' quarantine rows are copied with their source_table prefixed; the linkage's own quarantined
//   rows have source_table 'linkage'.
import { replaceView, type Engine } from '../engine/index.js';
import { modelTables, type ModelTableName, type RowAccount } from '../model/index.js';
import { loadMessages as msg } from '../messages/index.js';
import { countModelTables, createModelTables, schemaPrefix } from './model.js';
import type { LoadResult } from './result.js';
import { classifyRows } from './rules.js';
import { stageFile, stageTable } from './stage.js';

export interface LinkPersonsOptions {
  /** The hospital model (e.g. loadOmop's result): its schema and layout. */
  hospital: Pick<LoadResult, 'schema' | 'layout'>;
  /** The claims model (e.g. the SNDS loader's result): its schema and layout. */
  claims: Pick<LoadResult, 'schema' | 'layout'>;
  /**
   * The linkage table, one row per (hospital person id, claims pseudonym) pair: a CSV or Parquet file (DuckDB
   * engine), or `{ table }`, a table already on the engine (e.g. `warehouse.linkage` in PostgreSQL), whose
   * source_row is then the row's rank in (hospital id, claims id) order, as text (see `stageTable`).
   */
  linkage: string | { table: string };
  /** Column of the hospital person id in the linkage table (default 'hospital_person_id'; case ignored). */
  hospitalIdColumn?: string;
  /** Column of the claims pseudonym in the linkage table (default 'claims_person_id'; case ignored). */
  claimsIdColumn?: string;
  /** Schema receiving the merged model (default: the engine's default schema); must differ from both sources and be empty. */
  into?: string;
}

/** Disagreements between the two sources for linked persons (the claims value is kept). */
export interface LinkageConflicts {
  birthYear: number;
  sex: number;
  /** Both sources have a death date and they differ. */
  deathDate: number;
  /** Death date known only in the hospital source (used). */
  deathOnlyInHospital: number;
}

export interface LinkageResult extends LoadResult {
  layout: 'linked';
  /** Persons present in both sources and linked (one claims pseudonym each). */
  linked: number;
  /** Hospital persons not linked (kept as `H:<id>`). */
  hospitalOnly: number;
  /** Claims persons not linked (kept as `C:<id>`). */
  claimsOnly: number;
  /** Rows of the linkage table. */
  linkageRows: number;
  /** Linkage rows quarantined as `ambiguous-link` (an id mapped to several ids on the other side). */
  ambiguous: number;
  conflicts: LinkageConflicts;
}

/** Model tables holding person-level events, copied from both sources. */
const eventTables: ModelTableName[] = ['observation_period', 'dispensing', 'hospital_stay', 'diagnosis', 'procedure', 'long_term_registration', 'death'];
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
let linkCounter = 0;

/**
 * Merge a hospital model and a claims model into one person timeline in `into`, through a linkage table.
 * Every linkage row and every source model row is accounted for.
 */
export async function linkPersons(engine: Engine, options: LinkPersonsOptions): Promise<LinkageResult> {
  const d = engine.dialect;
  const into = options.into ?? '';
  const hCol = (options.hospitalIdColumn ?? 'hospital_person_id').toLowerCase();
  const cCol = (options.claimsIdColumn ?? 'claims_person_id').toLowerCase();
  const { hospital, claims } = options;
  for (const [name, s] of [['into', into], ['hospital.schema', hospital.schema], ['claims.schema', claims.schema]] as const) {
    if (s && !identifier.test(s)) throw msg.linkageInvalidOption(`${name} '${s}' is not a plain SQL identifier (letters, digits, _).`);
  }
  if (hospital.schema === claims.schema) throw msg.linkageInvalidOption(`hospital and claims are in the same schema '${hospital.schema}'; load them into two schemas.`);
  if (into === hospital.schema || into === claims.schema)
    throw msg.linkageInvalidOption(`the target schema '${into || '(default)'}' is a source schema; give \`into\` another schema.`);
  if (hospital.layout === claims.layout)
    throw msg.linkageInvalidOption(`both sources have layout '${hospital.layout}'; source_table prefixes would not tell them apart.`);

  const t = schemaPrefix(into || undefined);
  const sides = [
    { side: 'hospital' as const, p: schemaPrefix(hospital.schema || undefined), layout: hospital.layout, schema: hospital.schema, idCol: 'hospital_person_id' },
    { side: 'claims' as const, p: schemaPrefix(claims.schema || undefined), layout: claims.layout, schema: claims.schema, idCol: 'claims_person_id' },
  ];
  const [H, C] = sides;
  await createModelTables(engine, into || undefined);
  for (const [table, n] of Object.entries(await countModelTables(engine, into || undefined))) if (n > 0) throw msg.targetNotEmpty(into, table, n);
  await engine.run(`DROP TABLE IF EXISTS ${t}person_link`);
  await engine.run(`CREATE TABLE ${t}person_link (person_id VARCHAR, hospital_person_id VARCHAR, claims_person_id VARCHAR, status VARCHAR)`);

  // Ids as the loaders wrote them: OMOP ids are canonical integer text, other ids trimmed text.
  const idOf = (layout: string, expr: string) =>
    layout === 'omop' ? `COALESCE(CAST(${d.parseInteger(expr)} AS VARCHAR), NULLIF(trim(${expr}), ''))` : `NULLIF(trim(${expr}), '')`;
  const tag = `link${++linkCounter}`;
  const linkageLabel = typeof options.linkage === 'string' ? options.linkage : options.linkage.table;
  const staged =
    typeof options.linkage === 'string'
      ? await stageFile(engine, options.linkage, 'linkage', { required: [hCol, cCol], caseOf: 'lower' })
      : // No file row number: source_row is the rank in (hospital id, claims id) order; an empty table links nobody.
        await stageTable(engine, options.linkage.table, 'linkage', { required: [hCol, cCol], caseOf: 'lower', allowEmpty: true });
  const accounts: RowAccount[] = [];
  await engine.run('BEGIN TRANSACTION');
  try {
    // 1. Classify the linkage rows.
    const n = `SELECT s.*, ${idOf(H.layout, `s.${d.ident(hCol)}`)} AS _h, ${idOf(C.layout, `s.${d.ident(cCol)}`)} AS _c FROM ${staged.table} AS s`;
    await replaceView(
      engine,
      `${tag}_prepared`,
      `WITH n AS (${n}), ` +
        `pairs AS (SELECT DISTINCT _h, _c FROM n WHERE _h IS NOT NULL AND _c IS NOT NULL), ` +
        `hn AS (SELECT _h, count(*) AS k FROM pairs GROUP BY _h), cn AS (SELECT _c, count(*) AS k FROM pairs GROUP BY _c) ` +
        `SELECT n.*, ROW_NUMBER() OVER (PARTITION BY n._h, n._c ORDER BY n.source_row) AS _dup, ` +
        `COALESCE(hn.k, 0) AS _h_links, COALESCE(cn.k, 0) AS _c_links, ` +
        `EXISTS (SELECT 1 FROM ${H.p}person AS hp WHERE hp.person_id = n._h) AS _h_known, ` +
        `EXISTS (SELECT 1 FROM ${C.p}person AS cp WHERE cp.person_id = n._c) AS _c_known ` +
        `FROM n LEFT JOIN hn ON hn._h = n._h LEFT JOIN cn ON cn._c = n._c`,
    );
    const lr = await classifyRows(engine, {
      sourceTable: 'linkage',
      from: `${tag}_prepared`,
      into: `${tag}_links`,
      quarantine: `${t}quarantine`,
      rawColumns: staged.columns,
      rules: [
        {
          reason: 'missing-key',
          kind: 'quarantine',
          when: '_h IS NULL OR _c IS NULL',
          detail: `CASE WHEN _h IS NULL THEN '${hCol} is empty' ELSE '${cCol} is empty' END`,
        },
        { reason: 'duplicate-row', kind: 'quarantine', when: '_dup > 1', detail: `'same pair as an earlier row'` },
        {
          reason: 'ambiguous-link',
          kind: 'quarantine',
          when: '_h_links > 1 OR _c_links > 1',
          detail: `CASE WHEN _h_links > 1 THEN '${hCol} linked to several ${cCol}' ELSE '${cCol} linked to several ${hCol}' END`,
        },
        {
          reason: 'orphan-key',
          kind: 'quarantine',
          when: 'NOT _h_known OR NOT _c_known',
          detail: `CASE WHEN NOT _h_known THEN '${hCol} not in the hospital person table' ELSE '${cCol} not in the claims person table' END`,
        },
      ],
    });
    await engine.run(`DROP VIEW ${tag}_prepared`);
    const ambiguous = lr.removed.find((r) => r.reason === 'ambiguous-link')?.rows ?? 0;
    accounts.push({ source: 'linkage', files: [linkageLabel], rowsRead: staged.rows, rowsLoaded: lr.keptRows, target: ['person_link'], removed: lr.removed });

    // 2. The person map: linked pairs, then unlinked persons of each side with prefixed ids.
    await engine.run(`INSERT INTO ${t}person_link SELECT _c, _h, _c, 'linked' FROM ${lr.kept}`);
    await engine.run(`DROP TABLE ${lr.kept}`);
    await engine.run(
      `INSERT INTO ${t}person_link SELECT 'H:' || hp.person_id, hp.person_id, NULL, 'hospital-only' FROM ${H.p}person AS hp ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${t}person_link AS l WHERE l.hospital_person_id = hp.person_id)`,
    );
    await engine.run(
      `INSERT INTO ${t}person_link SELECT 'C:' || cp.person_id, NULL, cp.person_id, 'claims-only' FROM ${C.p}person AS cp ` +
        `WHERE NOT EXISTS (SELECT 1 FROM ${t}person_link AS l WHERE l.claims_person_id = cp.person_id)`,
    );
    const status = Object.fromEntries(
      (await engine.rows<{ status: string; n: number }>(`SELECT status, count(*) AS n FROM ${t}person_link GROUP BY status`)).map((r) => [r.status, Number(r.n)]),
    );
    const linked = status['linked'] ?? 0;
    const hospitalOnly = status['hospital-only'] ?? 0;
    const claimsOnly = status['claims-only'] ?? 0;

    // 3. Persons, reconciled: claims first, hospital filling the gaps; the exact hospital birth date when consistent.
    const year = 'COALESCE(c.birth_year, h.birth_year)';
    await engine.run(
      `INSERT INTO ${t}person (person_id, birth_year, birth_date, sex, death_date, source_table, source_row) ` +
        `SELECT l.person_id, ${year}, COALESCE(c.birth_date, CASE WHEN EXTRACT(YEAR FROM h.birth_date) = ${year} THEN h.birth_date END), ` +
        `COALESCE(c.sex, h.sex), COALESCE(c.death_date, h.death_date), ` +
        `CASE WHEN c.person_id IS NOT NULL THEN ${d.literal(C.layout + '.')} || c.source_table ELSE ${d.literal(H.layout + '.')} || h.source_table END, ` +
        `CASE WHEN c.person_id IS NOT NULL THEN c.source_row ELSE h.source_row END ` +
        `FROM ${t}person_link AS l LEFT JOIN ${H.p}person AS h ON h.person_id = l.hospital_person_id LEFT JOIN ${C.p}person AS c ON c.person_id = l.claims_person_id`,
    );
    const conflictRow = (
      await engine.rows<Record<string, number>>(
        `SELECT count(CASE WHEN c.birth_year <> h.birth_year THEN 1 END) AS birth_year, count(CASE WHEN c.sex <> h.sex THEN 1 END) AS sex, ` +
          `count(CASE WHEN c.death_date <> h.death_date THEN 1 END) AS death_date, ` +
          `count(CASE WHEN c.death_date IS NULL AND h.death_date IS NOT NULL THEN 1 END) AS death_only_hospital ` +
          `FROM ${t}person_link AS l JOIN ${H.p}person AS h ON h.person_id = l.hospital_person_id JOIN ${C.p}person AS c ON c.person_id = l.claims_person_id`,
      )
    )[0]!;
    const conflicts: LinkageConflicts = {
      birthYear: Number(conflictRow['birth_year']),
      sex: Number(conflictRow['sex']),
      deathDate: Number(conflictRow['death_date']),
      deathOnlyInHospital: Number(conflictRow['death_only_hospital']),
    };
    const personRows = { hospital: linked + hospitalOnly, claims: linked + claimsOnly };
    accounts.push({
      source: `${H.layout}.person`,
      files: [`${H.schema || '(default)'}.person`],
      rowsRead: personRows.hospital,
      rowsLoaded: hospitalOnly,
      target: ['person', 'person_link'],
      removed: linked ? [{ kind: 'merged', reason: 'linked-person', rows: linked }] : [],
    });
    accounts.push({ source: `${C.layout}.person`, files: [`${C.schema || '(default)'}.person`], rowsRead: personRows.claims, rowsLoaded: personRows.claims, target: ['person', 'person_link'], removed: [] });

    // 4. Events of both sides, person id mapped, provenance prefixed.
    for (const table of eventTables) {
      for (const s of sides) {
        const src = `${s.p}${table}`;
        const rowsRead = Number(await engine.scalar<number>(`SELECT count(*) FROM ${src}`));
        if (rowsRead === 0) continue;
        const cols = modelTables[table].map((c) => c.name);
        const select = cols.map((c) =>
          c === 'person_id'
            ? 'l.person_id'
            : c === 'stay_id'
              ? `CASE WHEN e.stay_id IS NULL THEN NULL ELSE ${d.literal(s.layout + ':')} || e.stay_id END`
              : c === 'source_table'
                ? `${d.literal(s.layout + '.')} || e.source_table`
                : `e.${c}`,
        );
        const unmatched = `NOT EXISTS (SELECT 1 FROM ${t}person_link AS l WHERE l.${s.idCol} = e.person_id)`;
        await engine.run(
          `INSERT INTO ${t}${table} (${cols.join(', ')}) SELECT ${select.join(', ')} FROM ${src} AS e JOIN ${t}person_link AS l ON l.${s.idCol} = e.person_id`,
        );
        // Events of a person missing from the source's own person table: quarantined, never dropped silently.
        await engine.run(
          `INSERT INTO ${t}quarantine (source_table, source_row, kind, reason, detail, raw) ` +
            `SELECT ${d.literal(`${s.layout}.`)} || e.source_table, e.source_row, 'quarantine', 'orphan-key', ` +
            `${d.literal(`person_id not in the ${s.side} person table`)}, ${d.rowToJson('e')} FROM ${src} AS e WHERE ${unmatched}`,
        );
        const orphans = Number(await engine.scalar<number>(`SELECT count(*) FROM ${src} AS e WHERE ${unmatched}`));
        accounts.push({
          source: `${s.layout}.${table}`,
          files: [`${s.schema || '(default)'}.${table}`],
          rowsRead,
          rowsLoaded: rowsRead - orphans,
          target: [table],
          removed: orphans ? [{ kind: 'quarantine', reason: 'orphan-key', rows: orphans }] : [],
        });
      }
    }

    // 5. Vocabulary: the union of both hierarchies (a row of the second already in the first is merged).
    let first = true;
    for (const s of sides) {
      const rowsRead = Number(await engine.scalar<number>(`SELECT count(*) FROM ${s.p}concept_ancestor`));
      if (rowsRead === 0) continue;
      const cols = modelTables.concept_ancestor.map((c) => c.name);
      const same = cols.map((c) => `(x.${c} = a.${c} OR (x.${c} IS NULL AND a.${c} IS NULL))`).join(' AND ');
      const fresh = first ? 'TRUE' : `NOT EXISTS (SELECT 1 FROM ${t}concept_ancestor AS x WHERE ${same})`;
      const before = Number(await engine.scalar<number>(`SELECT count(*) FROM ${t}concept_ancestor`));
      await engine.run(`INSERT INTO ${t}concept_ancestor (${cols.join(', ')}) SELECT ${cols.map((c) => `a.${c}`).join(', ')} FROM ${s.p}concept_ancestor AS a WHERE ${fresh}`);
      const loaded = Number(await engine.scalar<number>(`SELECT count(*) FROM ${t}concept_ancestor`)) - before;
      accounts.push({
        source: `${s.layout}.concept_ancestor`,
        files: [`${s.schema || '(default)'}.concept_ancestor`],
        rowsRead,
        rowsLoaded: loaded,
        target: ['concept_ancestor'],
        removed: rowsRead > loaded ? [{ kind: 'merged', reason: 'duplicate-row', rows: rowsRead - loaded }] : [],
      });
      first = false;
    }

    // 6. The sources' own quarantine, provenance prefixed.
    const carried: Record<string, number> = {};
    for (const s of sides) {
      carried[s.side] = Number(await engine.scalar<number>(`SELECT count(*) FROM ${s.p}quarantine`));
      await engine.run(
        `INSERT INTO ${t}quarantine (source_table, source_row, kind, reason, detail, raw) ` +
          `SELECT ${d.literal(`${s.layout}.`)} || source_table, source_row, kind, reason, detail, raw FROM ${s.p}quarantine`,
      );
    }
    const counts = await countModelTables(engine, into || undefined);
    await engine.run('COMMIT');

    return {
      layout: 'linked',
      schema: into,
      accounts,
      counts,
      settings: {
        hospital: { schema: hospital.schema, layout: hospital.layout },
        claims: { schema: claims.schema, layout: claims.layout },
        linkage: linkageLabel,
        hospitalIdColumn: hCol,
        claimsIdColumn: cCol,
        personId: 'linked: claims pseudonym; unlinked kept as H:<hospital id> / C:<claims id>',
        attributes: 'claims first (birth year, birth date, sex, death date), hospital fills gaps; hospital birth date kept when its year matches',
        duplicatesAcrossSources: 'not deduplicated',
        carriedQuarantineRows: carried,
      },
      linked,
      hospitalOnly,
      claimsOnly,
      linkageRows: staged.rows,
      ambiguous,
      conflicts,
    };
  } catch (e) {
    await engine.run('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await engine.run(`DROP VIEW IF EXISTS ${staged.table}`);
    await engine.run(`DROP TABLE IF EXISTS ${staged.table}_raw`);
  }
}
