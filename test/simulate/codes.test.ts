// The code lists: CIP13 check digits, ATC codes, packs.
import { describe, expect, it } from 'vitest';
import { cip13Of, ean13CheckDigit, ingredients, packsOf, products } from '../../src/simulate/codes.js';

describe('codes', () => {
  it('computes EAN-13 check digits', () => {
    // Classic EAN-13 example: 400638133393 → check digit 1.
    expect(ean13CheckDigit('400638133393')).toBe('1');
    expect(cip13Of('3312458')).toBe('3400933124588');
  });

  it('has real-looking CIP13 codes, unique, with valid check digits and ATC codes', () => {
    const cips = products.map((p) => p.cip13);
    expect(new Set(cips).size).toBe(cips.length);
    for (const p of products) {
      expect(p.cip13).toMatch(/^34009[0-9]{8}$/);
      expect(p.cip13.slice(12)).toBe(ean13CheckDigit(p.cip13.slice(0, 12)));
      expect(p.atc).toMatch(/^[A-Z][0-9]{2}[A-Z]{2}[0-9]{2}$/);
      expect(p.daysPerPack).toBe(p.unitsPerPack / p.unitsPerDay);
    }
    // 28/30-day and 84/90-day packs.
    expect(new Set(products.map((p) => p.daysPerPack))).toEqual(new Set([28, 30, 84, 90]));
  });

  it('gives each class a handful of products and each ingredient a small pack', () => {
    for (const cls of ['A', 'B'] as const) expect(products.filter((p) => p.drugClass === cls).length).toBeGreaterThanOrEqual(5);
    for (const i of ingredients) expect(packsOf(i.name).small.large).toBe(false);
    expect(ingredients.filter((i) => i.drugClass === 'A').every((i) => i.atc.startsWith('B01AA'))).toBe(true);
    expect(ingredients.filter((i) => i.drugClass === 'B').every((i) => /^B01A[EF]/.test(i.atc))).toBe(true);
  });
});
