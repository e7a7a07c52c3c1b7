import type { SqlDialect } from '../engine/index.js';
import { exposureMessages as msg } from '../messages/index.js';
import type { DrugSelector } from './types.js';

// Which dispensings belong to a drug class. The only reader of DrugSelector's fields, so the type can
// be swapped for the study CodeSet later without touching the exposure steps.

const atcPrefix = /^[A-Z][0-9A-Z]{0,6}$/;

/** Validate selectors: non-empty, unique names, well-formed ATC prefixes. Returns them normalised. */
export function checkDrugSelectors(drugs: DrugSelector | DrugSelector[]): DrugSelector[] {
  const list = Array.isArray(drugs) ? drugs : [drugs];
  if (list.length === 0) throw msg.noDrugs();
  const seen = new Set<string>();
  return list.map((s) => {
    if (typeof s.name !== 'string' || s.name.trim() === '' || /['"]/.test(s.name)) throw msg.badDrugName(String(s.name));
    if (seen.has(s.name)) throw msg.duplicateDrug(s.name);
    seen.add(s.name);
    const atc = (s.atcPrefixes ?? []).map((p) => p.trim().toUpperCase());
    const products = (s.productCodes ?? []).map((p) => p.trim());
    if (atc.length === 0 && products.length === 0) throw msg.emptyDrugSelector(s.name);
    for (const p of atc) if (!atcPrefix.test(p)) throw msg.badAtcPrefix(s.name, p);
    const out: DrugSelector = { name: s.name };
    if (atc.length) out.atcPrefixes = atc;
    if (products.length) out.productCodes = products;
    return out;
  });
}

/** SQL condition: the row (columns atc_code, product_code) belongs to the class. The model's ATC codes are upper case. */
export function drugSelectorSql(s: DrugSelector, d: SqlDialect, alias = ''): string {
  const a = alias ? `${alias}.` : '';
  const parts = [
    ...(s.atcPrefixes ?? []).map((p) => `${a}atc_code LIKE ${d.literal(p + '%')}`),
    ...((s.productCodes ?? []).length ? [`${a}product_code IN (${s.productCodes!.map(d.literal).join(', ')})`] : []),
  ];
  return `(${parts.join(' OR ')})`;
}
