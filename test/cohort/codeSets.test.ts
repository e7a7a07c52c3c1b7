import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import type { Engine } from '../../src/engine/index.js';
import { testEngines } from '../helpers/engines.js';
import { codeSetCondition, matchesIcd10, validateCodeSet, type Icd10CodeSet, type OmopCodeSet } from '../../src/cohort/codeSets.js';
import { CohorteError } from '../../src/messages/index.js';

describe.each(testEngines())('on $name', ({ open }) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await open();
  });
  afterAll(async () => engine.close());

  const matchSql = async (cond: string, codes: string[]) => {
    const values = codes.map((c) => `(${engine.dialect.literal(c)})`).join(', ');
    return (await engine.rows<{ code: string }>(`SELECT code FROM (VALUES ${values}) t(code) WHERE ${cond} ORDER BY code`)).map((r) => r.code);
  };

  describe('code sets', () => {
    const acs: Icd10CodeSet = { name: 'acs', version: '1', kind: 'icd10', codes: ['I21-I22', 'I24.0'] };
    const codes = ['I20', 'I209', 'I21', 'I214', 'I22', 'I229', 'I23', 'I240', 'I241', 'I2400', 'i21.4'];

    it('matches ICD-10 prefixes and ranges, ignoring dots and case', async () => {
      const expected = ['I21', 'I214', 'I22', 'I229', 'I240', 'I2400', 'i21.4'];
      expect(codes.filter((c) => matchesIcd10(acs, c))).toEqual(expected);
      expect(await matchSql(codeSetCondition(acs, 'code', engine.dialect), codes)).toEqual([...expected].sort());
    });

    it('matches ranges on the bounds\' precision: I21.0-I21.4 covers I210..I214 and their children', async () => {
      const set: Icd10CodeSet = { name: 'r', version: '1', kind: 'icd10', codes: ['I21.0-I21.4'] };
      const cs = ['I21', 'I210', 'I2139', 'I214', 'I215', 'I209'];
      expect(cs.filter((c) => matchesIcd10(set, c))).toEqual(['I210', 'I2139', 'I214']);
      expect(await matchSql(codeSetCondition(set, 'code', engine.dialect), cs)).toEqual(['I210', 'I2139', 'I214']);
    });

    it('SQL and JS matching agree on random codes and ranges (property)', async () => {
      const letter = fc.constantFrom('A', 'E', 'I', 'Z');
      const code = fc.tuple(letter, fc.integer({ min: 0, max: 99 }), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined })).map(
        ([l, n, d]) => `${l}${String(n).padStart(2, '0')}${d ?? ''}`,
      );
      await fc.assert(
        fc.asyncProperty(fc.array(code, { minLength: 1, maxLength: 8 }), code, code, async (cs, a, b) => {
          const [lo, hi] = a.slice(0, 3) <= b.slice(0, 3) ? [a.slice(0, 3), b.slice(0, 3)] : [b.slice(0, 3), a.slice(0, 3)];
          const set: Icd10CodeSet = { name: 'p', version: '1', kind: 'icd10', codes: [`${lo}-${hi}`, a] };
          const js = cs.filter((c) => matchesIcd10(set, c)).sort();
          const sql = await matchSql(codeSetCondition(set, 'code', engine.dialect), cs);
          expect(sql).toEqual(js);
        }),
        { numRuns: 40 },
      );
    });

    it('expands OMOP concepts to their descendants through concept_ancestor', async () => {
      await engine.run(`CREATE TABLE concept_ancestor AS SELECT * FROM (VALUES (1118084, 1118084), (1118084, 19011111), (1124300, 1124301)) t(ancestor_concept_id, descendant_concept_id)`);
      const set: OmopCodeSet = { name: 'celecoxib', version: '1', kind: 'omop', conceptIds: [1118084], includeDescendants: true };
      expect(await matchSql(codeSetCondition(set, 'code', engine.dialect), ['1118084', '19011111', '1124301'])).toEqual(['1118084', '19011111']);
      expect(await matchSql(codeSetCondition({ ...set, includeDescendants: false }, 'code', engine.dialect), ['1118084', '19011111'])).toEqual(['1118084']);
    });

    it('rejects bad patterns with a message naming the set and the pattern', () => {
      expect(() => validateCodeSet({ name: 'x', version: '1', kind: 'icd10', codes: ['I22-I21'] })).toThrow(/code set 'x': 'I22-I21'/);
      expect(() => validateCodeSet({ name: 'y', version: '1', kind: 'atc', codes: ['C1'] })).toThrow(CohorteError);
      expect(() => validateCodeSet({ name: 'z', version: '1', kind: 'cip13', codes: ['123'] })).toThrow(/expected 13 digits/);
      expect(() => validateCodeSet({ name: 'e', version: '1', kind: 'atc', codes: [] })).toThrow(/has no codes/);
    });
  });
});
