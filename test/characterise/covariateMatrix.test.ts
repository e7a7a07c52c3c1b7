import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { covariateMatrix } from '../../src/characterise/covariateMatrix.js';
import { CohorteError } from '../../src/messages/index.js';

describe('covariateMatrix', () => {
  const d = {
    person_id: ['A', 'B', 'C', 'D'],
    age: [70, 55, null, 61],
    sex: [1, 2, 2, 1],
    calendarYear: [2019, 2020, 2021, 2019],
  };

  it('numeric columns, dummies against the reference level with readable names, long covariates pivoted', () => {
    const long = [
      { person_id: 'A', covariate_name: 'icd10:I21', value: 1 },
      { person_id: 'C', covariate_name: 'icd10:I21', value: 1 },
      { person_id: 'A', covariate_name: 'hospitalisations', value: 2 },
      { person_id: 'B', covariate_name: 'atc:C09AA', value: 1 },
      { person_id: 'Z', covariate_name: 'atc:C09AA', value: 1 }, // no such row in d
    ];
    const m = covariateMatrix(d, { covariates: ['age'], categorical: ['sex', 'calendarYear'], long: { data: long }, rowMajor: true });
    expect(m.names).toEqual(['age', 'sex=2', 'calendarYear=2020', 'calendarYear=2021', 'atc:C09AA', 'hospitalisations', 'icd10:I21']);
    expect(Array.from(m.columns['age']!)).toEqual([70, 55, NaN, 61]);
    expect(Array.from(m.columns['sex=2']!)).toEqual([0, 1, 1, 0]);
    expect(Array.from(m.columns['calendarYear=2021']!)).toEqual([0, 0, 1, 0]);
    expect(Array.from(m.columns['hospitalisations']!)).toEqual([2, 0, 0, 0]);
    expect(Array.from(m.columns['icd10:I21']!)).toEqual([1, 0, 1, 0]);
    expect(m.nUnmatchedLong).toBe(1);
    expect([m.n, m.p]).toEqual([4, 7]);
    // Row-major: row 1 (B) = 55, 1, 1, 0, 1, 0, 0
    expect(Array.from(m.matrix!.subarray(7, 14))).toEqual([55, 1, 1, 0, 1, 0, 0]);
    expect(m.info[1]).toEqual({ name: 'sex=2', kind: 'dummy', variable: 'sex', level: '2' });
  });

  it('a chosen reference and level order; minCount drops rare long covariates', () => {
    const long = [
      { person_id: 'A', covariate_name: 'x', value: 1 },
      { person_id: 'B', covariate_name: 'y', value: 1 },
      { person_id: 'C', covariate_name: 'y', value: 1 },
    ];
    const m = covariateMatrix(d, { categorical: { calendarYear: { reference: 2021, levels: [2021, 2020, 2019] } }, long: { data: long, minCount: 2 } });
    expect(m.names).toEqual(['calendarYear=2020', 'calendarYear=2019', 'y']);
    expect(m.droppedLong).toEqual(['x']);
    expect(m.settings.categorical).toEqual([{ variable: 'calendarYear', reference: '2021', levels: ['2021', '2020', '2019'] }]);
  });

  it('missing categorical values stay missing in every dummy; errors are clear', () => {
    const m = covariateMatrix({ sex: [1, null, 2] }, { categorical: ['sex'] });
    expect(Array.from(m.columns['sex=2']!)).toEqual([0, NaN, 1]);
    expect(() => covariateMatrix(d, { categorical: { sex: { levels: [1] } } })).toThrow(CohorteError);
    expect(() => covariateMatrix(d, { covariates: ['age', 'age'] })).toThrow(/used twice/);
    // Two rows for A with the same covariate: the key does not identify a data row uniquely.
    expect(() =>
      covariateMatrix(d, { long: { data: [{ person_id: 'A', covariate_name: 'x', value: 1 }, { person_id: 'A', covariate_name: 'x', value: 1 }] } }),
    ).toThrow(/twice for the key A/);
  });

  it('dummies of a categorical variable sum to 1 minus the reference indicator (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 40 }), (v) => {
        const m = covariateMatrix({ v }, { categorical: ['v'] });
        const ref = m.settings.categorical[0]!.reference;
        v.forEach((x, i) => {
          const s = m.names.reduce((acc, nm) => acc + m.columns[nm]![i]!, 0);
          expect(s).toBe(x === ref ? 0 : 1);
        });
      }),
    );
  });
});
