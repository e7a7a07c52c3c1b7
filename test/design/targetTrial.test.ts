import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { assertNoImmortalTime, formatProtocol, protocolTable, targetTrialProtocol, type TargetTrialProtocolInput } from '../../src/design/targetTrial.js';
import { buildCohort } from '../../src/cohort/buildCohort.js';
import { buildComparatorCohorts } from '../../src/cohort/comparatorCohorts.js';
import { buildAnalysisTable } from '../../src/followup/buildAnalysisTable.js';
import type { AtcCodeSet, Icd10CodeSet } from '../../src/cohort/codeSets.js';
import { CohorteError } from '../../src/messages/index.js';
import { testEngines } from '../helpers/engines.js';
import { freshModelSchema, insertModelRows } from '../helpers/model.js';

const newUser: TargetTrialProtocolInput = {
  eligibility: { criteria: ['Adults with type 2 diabetes', 'No use of either drug in the previous year', 'At least one year in the database'] },
  treatmentStrategies: [
    { name: 'SGLT2 inhibitor', description: 'Initiate an SGLT2 inhibitor', initiation: { event: 'first-dispensing', codeSet: 'sglt2 v1', washoutDays: 365 } },
    { name: 'DPP-4 inhibitor', description: 'Initiate a DPP-4 inhibitor', initiation: { event: 'first-dispensing', codeSet: 'dpp4 v1', washoutDays: 365 } },
  ],
  assignment: { emulation: 'Assignment assumed random given the baseline covariates of the propensity score model' },
  timeZero: { anchor: 'treatment-start' },
  followUp: { startOffsetDays: 1, end: ['outcome', 'death', 'end of data'], horizonDays: 1825 },
  outcome: { name: 'Heart failure hospitalisation', definition: 'Hospital stay with a primary diagnosis of I50' },
  causalContrast: { type: 'intention-to-treat' },
  analysisPlan: { specification: 'Cox model, hazard ratio; cumulative incidence at 1 and 5 years' },
};

describe('targetTrialProtocol', () => {
  it('normalises the protocol and prints the protocol table', () => {
    const p = targetTrialProtocol(newUser);
    expect(p.title).toBe('SGLT2 inhibitor versus DPP-4 inhibitor');
    expect(p.timeZero.daysFromTreatmentStart).toBe(0);
    const rows = protocolTable(p);
    expect(rows.map((r) => r.component)).toEqual([
      'Eligibility criteria',
      'Treatment strategies',
      'Assignment procedures',
      'Time zero',
      'Follow-up period',
      'Outcome',
      'Causal contrast',
      'Analysis plan',
    ]);
    expect(rows[1]!.emulation).toBe('SGLT2 inhibitor: first dispensing of sglt2 v1 (none in the previous 365 days: new user); DPP-4 inhibitor: first dispensing of dpp4 v1 (none in the previous 365 days: new user)');
    expect(rows[4]!.specification).toBe('From day 1 after time zero until the first of: outcome, death, end of data, or 1825 days');
    const md = formatProtocol(p);
    expect(md.split('\n').slice(0, 4)).toEqual(['**SGLT2 inhibitor versus DPP-4 inhibitor**', '', '| Protocol component | Target trial | Emulation |', '| --- | --- | --- |']);
    expect(md.split('\n')).toHaveLength(4 + 8);
    expect(formatProtocol(p, 'text').split('\n')[1]).toBe('Eligibility criteria');
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('rejects incomplete protocols with a message naming the field', () => {
    expect(() => targetTrialProtocol({ ...newUser, treatmentStrategies: [newUser.treatmentStrategies[0]!] })).toThrow(/treatmentStrategies must be at least two/);
    expect(() => targetTrialProtocol({ ...newUser, outcome: { name: '', definition: 'x' } })).toThrow(/outcome.name must be a non-empty text/);
    expect(() => targetTrialProtocol({ ...newUser, timeZero: { anchor: 'whenever' as 'other' } })).toThrow(/timeZero.anchor/);
  });
});

describe('assertNoImmortalTime', () => {
  const code = (f: () => unknown) => {
    try {
      f();
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(CohorteError);
      return e as CohorteError;
    }
  };

  it('accepts time zero = first dispensing with follow-up from index + 0 or + 1 day', () => {
    expect(assertNoImmortalTime(targetTrialProtocol(newUser)).kind).toBe('target-trial-protocol');
    expect(() => assertNoImmortalTime(targetTrialProtocol({ ...newUser, followUp: { ...newUser.followUp, startOffsetDays: 0 } }))).not.toThrow();
  });

  it('rejects a time zero before treatment start (e.g. at diagnosis, treatment started later)', () => {
    const e = code(() => assertNoImmortalTime(targetTrialProtocol({ ...newUser, timeZero: { anchor: 'treatment-start', daysFromTreatmentStart: -90 } })));
    expect(e?.code).toBe('immortal-time');
    expect(e?.message).toBe(
      'targetTrialProtocol: immortal time: time zero is 90 days before treatment start: the first 90 days of follow-up are immortal (no outcome can occur before a person is classified as treated). Time zero must be the day of the first dispensing (daysFromTreatmentStart = 0).',
    );
    const d = code(() => assertNoImmortalTime(targetTrialProtocol({ ...newUser, timeZero: { anchor: 'diagnosis', daysFromTreatmentStart: -30 } })));
    expect(d?.message).toMatch(/time zero is anchored on 'diagnosis', not on the start of treatment/);
  });

  it('rejects a prevalent-user time zero, a strategy not identified by its first dispensing, and a late start of follow-up', () => {
    expect(code(() => assertNoImmortalTime(targetTrialProtocol({ ...newUser, timeZero: { anchor: 'treatment-start', daysFromTreatmentStart: 180 } })))?.message).toMatch(/180 days after treatment start/);
    const other = targetTrialProtocol({
      ...newUser,
      treatmentStrategies: [newUser.treatmentStrategies[0]!, { name: 'No treatment', description: 'Do not initiate', initiation: { event: 'other', description: 'any day without a dispensing' } }],
    });
    expect(code(() => assertNoImmortalTime(other))?.message).toMatch(/strategy 'No treatment' is not identified by the first dispensing/);
    expect(code(() => assertNoImmortalTime(targetTrialProtocol({ ...newUser, followUp: { ...newUser.followUp, startOffsetDays: 30 } })))?.message).toMatch(/follow-up starts 30 days after time zero/);
  });
});

describe.each(testEngines())('the design core has no immortal time on $name', ({ open }) => {
  const a: AtcCodeSet = { name: 'sglt2', version: '1', kind: 'atc', codes: ['A10BK'] };
  const b: AtcCodeSet = { name: 'dpp4', version: '1', kind: 'atc', codes: ['A10BH'] };
  const hf: Icd10CodeSet = { name: 'hf', version: '1', kind: 'icd10', codes: ['I50'] };
  let engine: Engine;
  let schema: string;

  // Observation 2018-01-01 .. 2022-12-31 for everyone.
  // P1: SGLT2 2020-03-01 and 2020-04-01; HF 2020-06-01.  P2: DPP-4 2020-05-01.
  // P3: SGLT2 2019-03-01 (14 months of prior observation).  P4: DPP-4 2018-06-01, then 2019-06-01:
  //     the first-ever dispensing has too little prior observation, so P4 never enters ('first' entries).
  // P5: SGLT2 2021-01-01 with HF the same day (not counted from index + 1).
  beforeAll(async () => {
    engine = await open();
    schema = await freshModelSchema(engine);
    const ids = ['P1', 'P2', 'P3', 'P4', 'P5'];
    await insertModelRows(engine, schema, 'person', ids.map((person_id) => ({ person_id, birth_year: 1955, sex: 1 })));
    await insertModelRows(engine, schema, 'observation_period', ids.map((person_id) => ({ person_id, start_date: '2018-01-01', end_date: '2022-12-31' })));
    const disp = (person_id: string, date: string, atc_code: string) => ({ person_id, date, atc_code, product_code: 'x', product_vocabulary: 'CIP13' });
    await insertModelRows(engine, schema, 'dispensing', [
      disp('P1', '2020-03-01', 'A10BK01'),
      disp('P1', '2020-04-01', 'A10BK01'),
      disp('P2', '2020-05-01', 'A10BH01'),
      disp('P3', '2019-03-01', 'A10BK03'),
      disp('P4', '2018-06-01', 'A10BH01'),
      disp('P4', '2019-06-01', 'A10BH01'),
      disp('P5', '2021-01-01', 'A10BK01'),
    ]);
    const dx = (person_id: string, date: string) => ({ person_id, date, code: 'I500', vocabulary: 'ICD10', role: 'primary' });
    await insertModelRows(engine, schema, 'diagnosis', [dx('P1', '2020-06-01'), dx('P5', '2021-01-01')]);
  });
  afterAll(async () => engine.close());

  it('new-user cohorts: index = first dispensing of the strategy drug, and risk_start - index_date <= startOffset for every row', async () => {
    const def = (name: string, codeSet: AtcCodeSet) => ({ name, entry: { type: 'dispensing' as const, codeSet }, entries: 'first' as const, washoutDays: 365, priorObservationDays: 365 });
    const t = await buildCohort(engine, def('sglt2 users', a), { schema });
    const c = await buildCohort(engine, def('dpp4 users', b), { schema });
    const cmp = await buildComparatorCohorts(engine, t, c, { into: 'tt_cmp' });
    const d = engine.dialect;
    for (const startOffset of [0, 1]) {
      const into = `tt_an${startOffset}`;
      await buildAnalysisTable(engine, { schema, cohort: { table: cmp.table }, outcome: { event: { type: 'hospitalDiagnosis', codeSet: hf } }, timeAtRisk: { startOffset }, into });
      const rows = await engine.rows<{ person_id: string; gap: number }>(`SELECT person_id, ${d.daysBetween('index_date', 'risk_start')} AS gap FROM ${into} ORDER BY person_id`);
      expect(rows.map((r) => r.person_id)).toEqual(['P1', 'P2', 'P3', 'P5']);
      for (const r of rows) expect(Number(r.gap)).toBeLessThanOrEqual(startOffset);
      // Time zero is the first-ever dispensing of the arm's drug: no earlier dispensing of it exists.
      const earlier = await engine.scalar<number>(
        `SELECT count(*) FROM ${into} x JOIN ${schema}.dispensing s ON s.person_id = x.person_id ` +
          `AND ((x."group" = 1 AND s.atc_code LIKE 'A10BK%') OR (x."group" = 0 AND s.atc_code LIKE 'A10BH%')) AND s.date < x.index_date`,
      );
      expect(Number(earlier)).toBe(0);
    }
    // P5's heart failure on the index day counts with startOffset 0 only.
    const s = (t: string) => engine.scalar<number>(`SELECT status FROM ${t} WHERE person_id = 'P5'`);
    expect(Number(await s('tt_an0'))).toBe(1);
    expect(Number(await s('tt_an1'))).toBe(0);
    // And the protocol describing this design passes the check.
    expect(() => assertNoImmortalTime(targetTrialProtocol(newUser))).not.toThrow();
  });
});
