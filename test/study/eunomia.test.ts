import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { openDuckDb, type Engine } from '../../src/engine/index.js';
import { loadStudyDefinition, runStudy, type StudyRun } from '../../src/study/index.js';
import { expectClose, sharedDir } from '../helpers/approx.js';

// The published-analysis reproduction: studies/eunomia-celecoxib-diclofenac against an independent
// base-R + survival implementation of the same design (test/reference/eunomia-celecoxib-diclofenac.R).
const reference = JSON.parse(readFileSync(new URL('../reference/eunomia-celecoxib-diclofenac.json', import.meta.url), 'utf8'));

let engine: Engine;
let run: StudyRun;
beforeAll(async () => {
  engine = await openDuckDb();
  const { definition } = loadStudyDefinition('studies/eunomia-celecoxib-diclofenac');
  run = await runStudy(engine, definition, { data: `${sharedDir}data/eunomia-gibleed` });
}, 120_000);
afterAll(async () => engine.close());

describe('Eunomia celecoxib vs diclofenac (Book of OHDSI design)', () => {
  it('builds the same cohorts as the independent R implementation', () => {
    const last = (name: string) => run.cohorts.find((c) => c.name === name)!.attrition.at(-1)!;
    expect(last('celecoxib').persons).toBe(reference.persons.target);
    expect(last('diclofenac').persons).toBe(reference.persons.comparator);
    expect(run.analysis.persons).toBe(reference.n);
  });

  it('matches R coxph(Surv(time, event) ~ treated, ties = "breslow") to 1e-6', () => {
    const fit = run.cox.find((m) => m.name === 'unadjusted')!.fit;
    expect(fit.terms).toEqual(['treated']);
    expect(fit.nEvent).toBe(reference.nevent);
    expectClose(fit.coef[0], reference.coef, 'coef');
    expectClose(fit.se[0], reference.se, 'se');
    expectClose(fit.hr[0], reference.hr, 'hr');
    expectClose(fit.lower[0], reference.lower, 'lower');
    expectClose(fit.upper[0], reference.upper, 'upper');
    expectClose(fit.p[0], reference.p, 'p');
    expectClose(fit.loglik[0], reference.loglik[0], 'loglik0');
    expectClose(fit.loglik[1], reference.loglik[1], 'loglik1');
  });

  it('counts the same events and person-time per arm', () => {
    const ir = run.incidence!;
    const arm = (label: string) => ir.strata.find((s) => s.label.endsWith(label))!;
    expect(arm('celecoxib').events).toBe(reference.events.target);
    expect(arm('diclofenac').events).toBe(reference.events.comparator);
    // person_days counts the index day (risk from day 0): R's time is end - index, one day less per person.
    expectClose(arm('celecoxib').personTime * 365.25, reference.person_days.target + reference.persons.target, 'person-days target');
    expectClose(arm('diclofenac').personTime * 365.25, reference.person_days.comparator + reference.persons.comparator, 'person-days comparator');
  });
});
