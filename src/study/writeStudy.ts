import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSummarisedResult, suppressSummarised, sortSummarised, type SummarisedRow } from '../results/index.js';
import type { StudyRun } from './runStudy.js';
import { renderReport } from './report.js';
import { studyFigures } from './figures.js';
import { renderPng, renderSvg } from '../plot/index.js';

/** Files a study run writes, relative to its output folder. */
export interface StudyOutputs {
  results: string;
  settings: string;
  attrition: string;
  report: string;
  files: string[];
}

function attritionCsv(rows: SummarisedRow[]): string {
  // The attrition rows of results.csv, reshaped to one line per step and cohort.
  const steps = new Map<string, Record<string, string>>();
  for (const r of rows) {
    if (!r.variable_name.startsWith('number_') && !r.variable_name.startsWith('excluded_')) continue;
    const key = `${r.group_level}\u0001${r.additional_level.padStart(4, '0')}`;
    const s = steps.get(key) ?? { cohort: r.group_level, step: r.additional_level, reason: r.strata_level };
    s[r.variable_name] = r.estimate_value;
    steps.set(key, s);
  }
  const cols = ['cohort', 'step', 'reason', 'number_records', 'number_subjects', 'excluded_records', 'excluded_subjects'];
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [cols.join(','), ...[...steps.keys()].sort().map((k) => cols.map((c) => esc(steps.get(k)![c] ?? '')).join(','))].join('\n') + '\n';
}

/** Write results.csv, settings.csv, attrition.csv, plots/ (SVG, PNG) and report.html, all suppressed aggregates, into `out`. */
export async function writeStudyOutputs(run: StudyRun, out: string): Promise<StudyOutputs> {
  mkdirSync(out, { recursive: true });
  const suppression = { minCell: run.definition.suppression.minCell };
  const written = writeSummarisedResult(out, run.rows, run.settings, { suppression });
  // Everything below is built from the suppressed rows only, so no writer can show a small count.
  const safe = sortSummarised(suppressSummarised(run.rows, suppression));
  const attrition = join(out, 'attrition.csv');
  writeFileSync(
    attrition,
    attritionCsv(safe.filter((r) => run.settings.find((s) => s.result_id === r.result_id)?.result_type.endsWith('attrition'))),
  );
  const plots: string[] = [];
  const figures: Array<{ title: string; svg: string }> = [];
  mkdirSync(join(out, 'plots'), { recursive: true });
  for (const f of studyFigures(run)) {
    const svg = await renderSvg(f.spec);
    writeFileSync(join(out, 'plots', `${f.name}.svg`), svg);
    writeFileSync(join(out, 'plots', `${f.name}.png`), await renderPng(f.spec));
    plots.push(`plots/${f.name}.svg`, `plots/${f.name}.png`);
    figures.push({ title: f.title, svg });
  }
  const report = join(out, 'report.html');
  writeFileSync(report, renderReport(run, safe, figures));
  return { results: written.results, settings: written.settings, attrition, report, files: ['results.csv', 'settings.csv', 'attrition.csv', ...plots, 'report.html'] };
}
