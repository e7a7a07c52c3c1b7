// The person-level model: invariants every simulated person satisfies, checked over many persons.
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/simulate/settings.js';
import { inWarehouse, populationContext, pseudonymOn, simulatePerson } from '../../src/simulate/simulatePopulation.js';
import { outcomeCodePrefixes } from '../../src/simulate/codes.js';

const ctx = populationContext(resolveSettings({ persons: 3000, seed: 99, layout: 'both', out: '/unused', format: 'csv' }));
const persons = Array.from({ length: 3000 }, (_, i) => simulatePerson(ctx, i));

describe('simulatePerson', () => {
  it('depends only on the seed and the person index', () => {
    expect(simulatePerson(ctx, 123)).toEqual(persons[123]);
    const other = populationContext(resolveSettings({ persons: 1, seed: 100, layout: 'both', out: '/unused', format: 'csv' }));
    expect(simulatePerson(other, 123).idtAno).not.toBe(persons[123]!.idtAno);
  });

  it('keeps events within coverage and life, with no dispensing on or after death', () => {
    for (const p of persons) {
      expect(p.entryDay).toBeGreaterThanOrEqual(ctx.day0);
      expect(p.exitDay).toBeLessThanOrEqual(ctx.endDay);
      expect(p.entryDay).toBeLessThanOrEqual(p.exitDay);
      expect(p.birthDay).toBeLessThan(p.entryDay - 365 * 18);
      if (p.deathDay !== null) expect(p.exitDay).toBe(p.deathDay);
      let prev = -Infinity;
      for (const d of p.dispensings) {
        expect(d.day).toBeGreaterThanOrEqual(prev);
        prev = d.day;
        expect(d.day).toBeGreaterThanOrEqual(p.entryDay);
        expect(d.day).toBeLessThanOrEqual(p.exitDay);
        if (p.deathDay !== null) expect(d.day).toBeLessThan(p.deathDay);
        expect(d.supplyDays).toBe(d.packs * d.product.daysPerPack);
      }
      let lastDischarge = -Infinity;
      for (const s of p.stays) {
        expect(s.admissionDay).toBeGreaterThan(lastDischarge);
        expect(s.dischargeDay).toBeGreaterThanOrEqual(s.admissionDay);
        expect(s.admissionDay).toBeGreaterThanOrEqual(p.entryDay);
        expect(s.dischargeDay).toBeLessThanOrEqual(p.exitDay);
        expect(s.died).toBe(p.deathDay !== null && s.dischargeDay === p.deathDay && s === p.stays[p.stays.length - 1]);
        lastDischarge = s.dischargeDay;
      }
    }
  });

  it('records each first outcome as one stay with an outcome principal diagnosis', () => {
    let outcomes = 0;
    for (const p of persons) {
      const outcomeStays = p.stays.filter((s) => outcomeCodePrefixes.some((c) => s.dp.startsWith(c)));
      if (p.outcome?.recorded) {
        outcomes++;
        expect(outcomeStays.length).toBe(1);
        expect(outcomeStays[0]!.admissionDay).toBe(p.outcome.day);
        expect(outcomeStays[0]!.kind).toBe('outcome');
      } else expect(outcomeStays.length).toBe(0);
      if (p.deathFromOutcome) expect(p.stays[p.stays.length - 1]!.kind).toBe('outcome');
    }
    expect(outcomes).toBeGreaterThan(100);
  });

  it('gives treated persons dispensings of A or B, switches and stops, with 28/30 and 84/90-day packs', () => {
    const treated = persons.filter((p) => p.treatment);
    expect(treated.length / persons.length).toBeGreaterThan(0.55);
    expect(treated.every((p) => p.dispensings.some((d) => d.drugClass === p.treatment!.initialClass))).toBe(true);
    expect(persons.filter((p) => !p.treatment).every((p) => p.dispensings.every((d) => d.drugClass === 'other'))).toBe(true);
    expect(treated.filter((p) => p.treatment!.switched).length).toBeGreaterThan(0);
    const days = new Set(persons.flatMap((p) => p.dispensings.map((d) => d.product.daysPerPack)));
    expect(days).toEqual(new Set([28, 30, 84, 90]));
    // The first class dispensed is the initial class.
    for (const p of treated) expect(p.dispensings.find((d) => d.drugClass !== 'other')!.drugClass).toBe(p.treatment!.initialClass);
  });

  it('puts about 60% of persons in the hospital group warehouse, and uses the second pseudonym from its first day', () => {
    const share = persons.filter(inWarehouse).length / persons.length;
    expect(share).toBeGreaterThan(0.5);
    expect(share).toBeLessThan(0.7);
    const two = persons.filter((p) => p.pseudonyms.length === 2);
    expect(two.length).toBeGreaterThan(0);
    for (const p of two) {
      const switchDay = p.pseudonyms[1]!.fromDay;
      expect(pseudonymOn(p, switchDay - 1)).toBe(p.pseudonyms[0]);
      expect(pseudonymOn(p, switchDay)).toBe(p.pseudonyms[1]);
    }
  });
});
