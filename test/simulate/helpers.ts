// Shared by the simulator tests: a temp folder, and the generated files as engine views.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { openDuckDb, type Engine } from '../../src/engine/index.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `cohorte-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every file under a folder, by relative path, with its bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const snds = ['IR_BEN_R', 'ER_PRS_F', 'ER_PHA_F', 'IR_PHA_R', 'IR_IMB_R', 'KI_CCI_R'];
const omop = ['person', 'observation_period', 'visit_occurrence', 'condition_occurrence', 'drug_exposure', 'procedure_occurrence', 'death', 'concept', 'concept_ancestor', 'care_site'];

/**
 * Open the engine with a view per generated table, all columns as text: the SNDS tables by their
 * names, T_MCO_A/B/C/D over all years, the OMOP tables by their names, and `linkage` (those written).
 */
export async function openGenerated(out: string, format: 'csv' | 'parquet' = 'csv'): Promise<Engine> {
  const engine = await openDuckDb();
  const d = engine.dialect;
  const read = (path: string, delimiter: string) => (format === 'csv' ? d.readCsv(path, { delimiter }) : `read_parquet(${d.literal(path)})`);
  const ext = format === 'csv' ? 'csv' : 'parquet';
  if (existsSync(join(out, 'snds'))) {
    for (const t of snds) await engine.run(`CREATE VIEW ${t} AS SELECT * FROM ${read(join(out, 'snds', `${t}.${ext}`), ';')}`);
    for (const s of ['A', 'B', 'C', 'D']) {
      await engine.run(`CREATE VIEW T_MCO_${s} AS SELECT * FROM ${read(join(out, 'snds', `T_MCO??${s}.${ext}`), ';')}`);
    }
    // Each claims row with the person's BEN_IDT_ANO.
    await engine.run(`CREATE VIEW ben_key AS SELECT DISTINCT BEN_NIR_PSA, BEN_RNG_GEM, BEN_IDT_ANO FROM IR_BEN_R`);
  }
  if (existsSync(join(out, 'omop'))) {
    for (const t of omop) await engine.run(`CREATE VIEW ${t} AS SELECT * FROM ${read(join(out, 'omop', `${t}.${ext}`), ',')}`);
  }
  // linkage.csv: hospital_person_id (OMOP person_id), claims_person_id (SNDS BEN_IDT_ANO), named here as in each layout.
  if (existsSync(join(out, 'linkage.csv'))) {
    await engine.run(
      `CREATE VIEW linkage AS SELECT hospital_person_id AS person_id, claims_person_id AS BEN_IDT_ANO FROM ${d.readCsv(join(out, 'linkage.csv'), { delimiter: ',' })}`,
    );
  }
  return engine;
}

export async function count(engine: Engine, sql: string): Promise<number> {
  return Number(await engine.scalar(sql));
}
