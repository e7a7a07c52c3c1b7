import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudyDefinition, CohorteError } from '../../src/index.js';

const base = JSON.parse(readFileSync('studies/vka-doac-bleeding/study.json', 'utf8'));
const write = (def: unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'def-'));
  writeFileSync(join(dir, 'study.json'), JSON.stringify(def));
  return dir;
};

describe('study definitions', () => {
  it('validates the example studies', () => {
    expect(loadStudyDefinition('studies/vka-doac-bleeding').definition.suppression).toEqual({ minCell: 10 });
    expect(loadStudyDefinition('studies/eunomia-celecoxib-diclofenac').definition.data.drug).toBe('drug_era');
  });

  it('names every problem with its path', () => {
    const dir = write({ ...base, id: 'Bad Id', target: { ...base.target, washoutDays: -1 } });
    const err = (() => {
      try {
        loadStudyDefinition(dir);
      } catch (e) {
        return e as CohorteError;
      }
    })()!;
    expect(err).toBeInstanceOf(CohorteError);
    expect(err.message).toMatch(/- id: lower-case letters, digits and dashes/);
    expect(err.message).toMatch(/- target\.washoutDays:/);
  });

  it('refuses to lower small-cell suppression below 10 without an explicit override', () => {
    expect(() => loadStudyDefinition(write({ ...base, suppression: { minCell: 5 } }))).toThrow(/suppression\.minCell: minCell below 10 .* needs suppression\.override/);
    const ok = loadStudyDefinition(write({ ...base, suppression: { minCell: 5, override: { reason: 'national aggregate published by the agency', approvedBy: 'data protection officer' } } }));
    expect(ok.definition.suppression.minCell).toBe(5);
    expect(loadStudyDefinition(write({ ...base, suppression: { minCell: 20 } })).definition.suppression.minCell).toBe(20);
  });
});
