import type { SummarisedRow } from '../results/index.js';
import type { StudyRun } from './runStudy.js';

// The HTML report: a self-contained page built only from the suppressed summarised rows and the
// study definition, so it cannot show a small count or a person-level value.

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function table(headers: string[], rows: string[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

const fmt = (v: string | undefined, digits = 3) => (v === undefined || v === '' ? '–' : /^[<-]/.test(v) || isNaN(Number(v)) ? v : Number(v).toFixed(digits));

/** Pick estimates of one result type, keyed by (group, variable_level) then estimate name. */
function byResult(run: StudyRun, rows: SummarisedRow[], type: string): SummarisedRow[] {
  const ids = new Set(run.settings.filter((s) => s.result_type === type).map((s) => s.result_id));
  return rows.filter((r) => ids.has(r.result_id));
}

function pivot(rows: SummarisedRow[], key: (r: SummarisedRow) => string): Map<string, Record<string, string>> {
  const m = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const k = key(r);
    const o = m.get(k) ?? {};
    o[r.estimate_name] = r.estimate_value;
    m.set(k, o);
  }
  return m;
}

export function renderReport(run: StudyRun, rows: SummarisedRow[], figures: Array<{ title: string; svg: string }> = []): string {
  const def = run.definition;
  const parts: string[] = [];
  parts.push(`<h1>${esc(def.title)}</h1>`, `<p>Study <code>${esc(def.id)}</code> on <code>${esc(def.cdmName)}</code>. Counts from 1 to ${def.suppression.minCell - 1} are shown as &lt;${def.suppression.minCell}; figures they could reveal are blank.</p>`);

  parts.push('<h2>Code sets</h2>', table(['name', 'version', 'kind', 'codes'], def.codeSets.map((c) => [c.name, c.version, c.kind, c.kind === 'omop' ? `${c.conceptIds.join(', ')}${c.includeDescendants ? ' + descendants' : ''}` : c.codes.join(', ')])));

  const attrition = [...byResult(run, rows, 'summarise_cohort_attrition'), ...byResult(run, rows, 'summarise_analysis_attrition')];
  // Attrition rows hold one estimate per variable: pivot them by variable name.
  const attVals = new Map<string, Record<string, string>>();
  for (const r of attrition) {
    const k = `${r.group_level}\u0001${r.additional_level.padStart(4, '0')}\u0001${r.strata_level}`;
    const o = attVals.get(k) ?? {};
    o[r.variable_name] = r.estimate_value;
    attVals.set(k, o);
  }
  parts.push(
    '<h2>Attrition</h2>',
    table(
      ['cohort', 'step', 'records', 'persons', 'excluded persons'],
      [...attVals.keys()].sort().map((k) => {
        const [cohort, , reason] = k.split('\u0001');
        const o = attVals.get(k)!;
        return [cohort!, reason!, o.number_records ?? '', o.number_subjects ?? '', o.excluded_subjects ?? ''];
      }),
    ),
  );

  const ir = byResult(run, rows, 'incidence');
  if (ir.length) {
    const m = pivot(ir, (r) => r.group_level);
    const per = def.analyses.incidence?.per ?? 1000;
    parts.push(
      `<h2>Incidence of the outcome (per ${per} person-years)</h2>`,
      table(
        ['cohort', 'events', 'person-years', 'rate', '95% CI'],
        [...m.entries()].map(([g, o]) => [g, o.outcome_count ?? '', fmt(o.person_years, 1), fmt(o[`incidence_${per}_pys`], 2), `${fmt(o[`incidence_${per}_pys_95CI_lower`], 2)} – ${fmt(o[`incidence_${per}_pys_95CI_upper`], 2)}`]),
      ),
    );
  }

  const cox = byResult(run, rows, 'cox_regression');
  if (cox.length) {
    const m = pivot(
      cox.filter((r) => r.variable_name === 'hazard ratio'),
      (r) => `${r.group_level}\u0001${r.variable_level}`,
    );
    parts.push(
      '<h2>Cox models (cause-specific hazard of the outcome)</h2>',
      table(
        ['model', 'term', 'HR', '95% CI', 'p'],
        [...m.entries()].map(([k, o]) => {
          const [model, term] = k.split('\u0001');
          return [model!, term!, fmt(o.hr), `${fmt(o.hr_95CI_lower)} – ${fmt(o.hr_95CI_upper)}`, fmt(o.p_value, 4)];
        }),
      ),
    );
  }

  for (const f of figures) parts.push(`<h2>${esc(f.title)}</h2>`, `<figure>${f.svg}</figure>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(def.title)}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f3f3}code{background:#f6f6f6}</style>
</head><body>
${parts.join('\n')}
</body></html>
`;
}
