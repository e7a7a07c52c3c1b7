import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { countEstimateNames } from './summarisedResult.js';
import { parseCsv } from './csv.js';
import { countFields } from './write.js';
import { defaultSuppression, type SuppressionSettings } from './suppress.js';

// The output checker: scans a results folder before it leaves the platform, and fails on a small
// count or on anything that looks like a person-level identifier.

export interface OutputProblem {
  file: string;
  /** 1-based line (CSV) or JSON path. */
  where: string;
  problem: string;
}

/** Column or key names that carry person-level identifiers in the model, OMOP or SNDS. */
const identifierNames = /^(person_id|person_source_value|ben_nir_psa|ben_nir_ano|ben_idt_ano|nir_ano_17|subject_id|patient_id|stay_id|visit_occurrence_id)$/i;


const small = (v: string | number, min: number) => {
  const n = typeof v === 'number' ? v : v.trim() === '' ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 && n < min;
};

function checkCsv(file: string, text: string, min: number, problems: OutputProblem[]): void {
  const [header, ...rows] = parseCsv(text).filter((r) => r.length > 1 || r[0] !== '');
  if (!header) return;
  header.forEach((h) => {
    if (identifierNames.test(h)) problems.push({ file, where: 'line 1', problem: `column '${h}' holds person-level identifiers` });
  });
  const est = header.indexOf('estimate_name');
  const val = header.indexOf('estimate_value');
  const countCols = header.map((h, j) => (countFields.has(h) || /^(number|excluded)_/.test(h) || countEstimateNames.has(h) ? j : -1)).filter((j) => j >= 0);
  rows.forEach((cells, i) => {
    if (est >= 0 && val >= 0 && countEstimateNames.has(cells[est] ?? '') && small(cells[val] ?? '', min)) {
      problems.push({ file, where: `line ${i + 2}`, problem: `count ${cells[est]} = ${cells[val]} is below ${min}` });
    }
    for (const j of countCols) if (small(cells[j] ?? '', min)) problems.push({ file, where: `line ${i + 2}`, problem: `count ${header[j]} = ${cells[j]} is below ${min}` });
  });
}

function checkJson(file: string, value: unknown, min: number, problems: OutputProblem[]): void {
  const walk = (v: unknown, path: string, isCount: boolean) => {
    if (typeof v === 'number' && isCount && small(v, min)) problems.push({ file, where: path, problem: `count ${v} is below ${min}` });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`, isCount));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (identifierNames.test(k)) problems.push({ file, where: `${path}.${k}`, problem: `key '${k}' holds person-level identifiers` });
        walk(x, `${path}.${k}`, countFields.has(k));
      }
    }
  };
  walk(value, '$', false);
}

/** Scan every CSV, JSON and HTML file under `dir`. An empty list means the folder may leave. */
export function checkResultsFolder(dir: string, settings: SuppressionSettings = defaultSuppression): OutputProblem[] {
  const problems: OutputProblem[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) return readdirSync(p).sort().forEach((f) => walk(join(p, f)));
    const file = relative(dir, p);
    const text = readFileSync(p, 'utf8');
    if (p.endsWith('.csv')) checkCsv(file, text, settings.minCell, problems);
    else if (p.endsWith('.json') && !p.endsWith('manifest.json')) checkJson(file, JSON.parse(text), settings.minCell, problems);
    else if (p.endsWith('.html') || p.endsWith('.svg')) {
      const m = text.match(/\b(person_id|BEN_NIR_PSA|NIR_ANO_17|BEN_IDT_ANO)\b/);
      if (m) problems.push({ file, where: `offset ${m.index}`, problem: `mentions the identifier column ${m[1]}` });
    }
  };
  walk(dir);
  return problems;
}
