import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb, type Engine } from '../../../src/engine/index.js';
import { loadSnds } from '../../../src/load/snds/index.js';

// Observation periods derived from the extract window and IR_BEN_R, written out person by person.
// Window 2015-01-01 .. 2020-12-31:
// A insured since 2010-01-01, alive           → 2015-01-01 .. 2020-12-31
// B insured since 2017-06-15                  → 2017-06-15 .. 2020-12-31
// C insured since 2000, died 2019-03-10       → 2015-01-01 .. 2019-03-10
// D insurance start unreadable                → 2015-01-01 .. 2020-12-31
// E death date 1600-01-01 (SNDS: alive)       → 2015-01-01 .. 2020-12-31
// F died 2014-01-01, before the window        → no period
const ben = [
  'BEN_NIR_PSA;BEN_RNG_GEM;BEN_IDT_ANO;BEN_NAI_ANN;BEN_SEX_COD;BEN_DCD_DTE;BEN_DTE_INS',
  'PSA_A;1;A;1950;1;;01/01/2010',
  'PSA_B;1;B;1960;2;;15JUN2017:00:00:00',
  'PSA_C;1;C;1940;1;10/03/2019;01/01/2000',
  'PSA_D;1;D;1945;2;;pas de date',
  'PSA_E;1;E;1955;1;01/01/1600;01/01/2001',
  'PSA_F;1;F;1930;2;01/01/2014;01/01/2001',
].join('\n');

let engine: Engine;
const dir = mkdtempSync(join(tmpdir(), 'cohorte-obs-'));
beforeAll(async () => {
  engine = await openDuckDb();
  writeFileSync(join(dir, 'IR_BEN_R.csv'), ben + '\n');
});
afterAll(async () => engine.close());

describe('SNDS observation periods', () => {
  it('run from max(extract start, insurance start) to min(extract end, death)', async () => {
    const r = await loadSnds(engine, { dir, schema: 'obs1', observation: { start: '2015-01-01', end: '2020-12-31' } });
    expect(await engine.rows(`SELECT person_id, start_date, end_date FROM obs1.observation_period ORDER BY person_id`)).toEqual([
      { person_id: 'A', start_date: '2015-01-01', end_date: '2020-12-31' },
      { person_id: 'B', start_date: '2017-06-15', end_date: '2020-12-31' },
      { person_id: 'C', start_date: '2015-01-01', end_date: '2019-03-10' },
      { person_id: 'D', start_date: '2015-01-01', end_date: '2020-12-31' },
      { person_id: 'E', start_date: '2015-01-01', end_date: '2020-12-31' },
    ]);
    expect(r.accounts.find((a) => a.source === 'IR_BEN_R')!.target).toContain('observation_period');
    expect(r.settings.observation).toMatchObject({ extractStart: '2015-01-01', extractEnd: '2020-12-31' });
  });

  it('without dispensings, stays or explicit dates there is no window and no period', async () => {
    const r = await loadSnds(engine, { dir, schema: 'obs2' });
    expect(r.counts.observation_period).toBe(0);
    expect(r.settings.observation).toMatchObject({ extractStart: null, extractEnd: null });
  });
});
