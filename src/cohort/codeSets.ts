import { designMessages as msg } from '../messages/index.js';
import type { SqlDialect } from '../engine/index.js';

// Code sets: named, versioned lists of codes that define drugs, diagnoses and outcomes.
// Every study output records the name and version of each code set it used.

interface CodeSetBase {
  name: string;
  /** Version of the list, e.g. '2026-01' or '1.2'. Recorded in every result that uses it. */
  version: string;
  /** Where the list comes from: a publication, a guideline, an expert panel. */
  source?: string;
}

/** ATC codes or prefixes: 'C10AA' matches every statin; 'C10AA05' atorvastatin only. */
export interface AtcCodeSet extends CodeSetBase {
  kind: 'atc';
  codes: string[];
}

/** ICD-10 codes, prefixes ('I21' matches I21, I210, I214…) or ranges ('I21-I22', 'I21.0-I21.4'). Dots are ignored. */
export interface Icd10CodeSet extends CodeSetBase {
  kind: 'icd10';
  codes: string[];
}

/** An explicit list of CIP13 pack codes. */
export interface Cip13CodeSet extends CodeSetBase {
  kind: 'cip13';
  codes: string[];
}

/** OMOP concept ids, with their descendants through concept_ancestor when `includeDescendants`. */
export interface OmopCodeSet extends CodeSetBase {
  kind: 'omop';
  conceptIds: number[];
  includeDescendants: boolean;
}

export type CodeSet = AtcCodeSet | Icd10CodeSet | Cip13CodeSet | OmopCodeSet;

/** What a result records about a code set it used. */
export interface CodeSetRef {
  name: string;
  version: string;
  kind: CodeSet['kind'];
}

export function codeSetRef(set: CodeSet): CodeSetRef {
  return { name: set.name, version: set.version, kind: set.kind };
}

const icd10Code = /^[A-Z][0-9]{2}[0-9A-Z]{0,4}$/;
const atcCode = /^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$/;

const normaliseIcd10 = (c: string) => c.trim().toUpperCase().replace(/[.\s]/g, '');

/** A parsed ICD-10 pattern: a prefix, or an inclusive range compared on the range bounds' length. */
type Icd10Pattern = { prefix: string } | { from: string; to: string };

export function parseIcd10Pattern(setName: string, pattern: string): Icd10Pattern {
  const parts = pattern.split('-').map(normaliseIcd10);
  if (parts.length === 1 && icd10Code.test(parts[0]!)) return { prefix: parts[0]! };
  if (parts.length === 2 && icd10Code.test(parts[0]!) && icd10Code.test(parts[1]!) && parts[0]!.length === parts[1]!.length && parts[0]! <= parts[1]!) {
    return { from: parts[0]!, to: parts[1]! };
  }
  throw msg.badIcd10Pattern(setName, pattern);
}

/** Check a code set's patterns; throws a message naming the set and the bad pattern. */
export function validateCodeSet(set: CodeSet): void {
  const codes = set.kind === 'omop' ? set.conceptIds : set.codes;
  if (codes.length === 0) throw msg.emptyCodeSet(set.name);
  if (set.kind === 'icd10') set.codes.forEach((c) => parseIcd10Pattern(set.name, c));
  if (set.kind === 'atc') for (const c of set.codes) if (!atcCode.test(c.trim().toUpperCase())) throw msg.badAtcPattern(set.name, c);
  if (set.kind === 'cip13') for (const c of set.codes) if (!/^[0-9]{13}$/.test(c.trim())) throw msg.badCip13(set.name, c);
}

/** Does a code match an ICD-10 code set? (The JS twin of the SQL predicate, for checks and tests.) */
export function matchesIcd10(set: Icd10CodeSet, code: string): boolean {
  const c = normaliseIcd10(code);
  return set.codes.some((p) => {
    const pat = parseIcd10Pattern(set.name, p);
    if ('prefix' in pat) return c.startsWith(pat.prefix);
    const head = c.slice(0, pat.from.length);
    return head.length === pat.from.length && head >= pat.from && head <= pat.to;
  });
}

/**
 * A SQL condition true when `column` holds a code of the set. For OMOP sets, `ancestorTable` is the
 * schema-qualified concept_ancestor table used to expand descendants.
 */
export function codeSetCondition(set: CodeSet, column: string, d: SqlDialect, ancestorTable = 'concept_ancestor'): string {
  validateCodeSet(set);
  switch (set.kind) {
    case 'atc':
      return `(${set.codes.map((c) => `${column} LIKE ${d.literal(c.trim().toUpperCase() + '%')}`).join(' OR ')})`;
    case 'cip13':
      return `${column} IN (${set.codes.map((c) => d.literal(c.trim())).join(', ')})`;
    case 'icd10': {
      const col = `upper(replace(${column}, '.', ''))`;
      const parts = set.codes.map((p) => {
        const pat = parseIcd10Pattern(set.name, p);
        if ('prefix' in pat) return `${col} LIKE ${d.literal(pat.prefix + '%')}`;
        const head = `substr(${col}, 1, ${pat.from.length})`;
        return `(length(${col}) >= ${pat.from.length} AND ${head} BETWEEN ${d.literal(pat.from)} AND ${d.literal(pat.to)})`;
      });
      return `(${parts.join(' OR ')})`;
    }
    case 'omop': {
      const ids = set.conceptIds.map((c) => String(Math.trunc(c))).join(', ');
      const direct = `${column} IN (${set.conceptIds.map((c) => d.literal(String(Math.trunc(c)))).join(', ')})`;
      if (!set.includeDescendants) return direct;
      return `(${direct} OR ${column} IN (SELECT CAST(descendant_concept_id AS VARCHAR) FROM ${ancestorTable} WHERE ancestor_concept_id IN (${ids})))`;
    }
  }
}
