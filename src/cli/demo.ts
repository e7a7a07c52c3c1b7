import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDuckDb } from '../engine/index.js';
import { loadSnds } from '../load/snds/loadSnds.js';
import { loadOmop } from '../load/omop/loadOmop.js';
import { linkPersons } from '../load/linkage.js';
import { formatRowAccounts } from '../load/result.js';
import { personTimeline, type PersonTimeline } from '../cohort/personTimeline.js';
import { writeJsonResult } from '../results/index.js';
import { CohorteError } from '../messages/index.js';
import { runStudyFolder } from '../study/index.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** One line per person: what their timeline holds (shown on the terminal only, never written). */
function timelineLine(t: PersonTimeline): string {
  const p = t.person ?? {};
  const span = (rows: Record<string, unknown>[], from: string, to = from) => (rows.length ? ` (${rows[0]![from]} → ${rows[rows.length - 1]![to]})` : '');
  return [
    `  ${t.personId}: born ${p.birth_year ?? '?'}, sex ${p.sex ?? '?'}${p.death_date ? `, died ${p.death_date}` : ''}`,
    `    ${t.observationPeriods.length} observation period(s)${span(t.observationPeriods, 'start_date', 'end_date')}`,
    `    ${t.dispensings.length} dispensing(s)${span(t.dispensings, 'date')}, ATC ${[...new Set(t.dispensings.map((d) => d.atc_code ?? '?'))].join(' ')}`,
    `    ${t.stays.length} hospital stay(s), ${t.diagnoses.length} diagnosis row(s), ${t.procedures.length} procedure(s), ${t.longTermRegistrations.length} ALD registration(s)`,
    `    sources: ${[...new Set([...t.dispensings, ...t.diagnoses, ...t.stays].map((r) => String(r.source_table)))].sort().join(', ')}`,
  ].join('\n');
}

/** The main job on data-samples/: load both layouts, link them, and report. */
export async function runDemo(options: { data: string; out: string }): Promise<number> {
  const { data, out } = options;
  for (const part of ['snds', 'omop', 'linkage.csv']) {
    if (!existsSync(join(data, part))) {
      throw new CohorteError('missing-sample', `${join(data, part)}: not found; expected the linked sample (regenerate it with: npx tsx scripts/make-data-samples.ts).`);
    }
  }
  const engine = await openDuckDb();
  try {
    console.log(`cohorte demo on ${relative(process.cwd(), data) || '.'}\n`);
    const pha = join(data, 'snds', 'IR_PHA_R.csv');
    const claims = await loadSnds(engine, { dir: join(data, 'snds'), schema: 'claims', phaReferential: existsSync(pha) ? pha : undefined });
    const hospital = await loadOmop(engine, { dir: join(data, 'omop'), schema: 'hospital' });
    const linked = await linkPersons(engine, { hospital, claims, linkage: join(data, 'linkage.csv'), into: 'linked' });

    console.log('1. Claims (SNDS layout): row accounts, rows read = loaded + removed');
    console.log(formatRowAccounts(claims.accounts));
    console.log('\n2. Hospital warehouse (OMOP CDM): row accounts');
    console.log(formatRowAccounts(hospital.accounts));
    console.log('\n3. Linkage into one person timeline');
    console.log(formatRowAccounts(linked.accounts));
    console.log(
      `   linked persons ${linked.linked}, hospital only ${linked.hospitalOnly}, claims only ${linked.claimsOnly}, ambiguous linkage rows ${linked.ambiguous}`,
    );
    console.log(`   model tables: ${Object.entries(linked.counts).map(([t, n]) => `${t} ${n}`).join(', ')}`);

    const ids = await engine.rows<{ person_id: string }>(
      `SELECT person_id FROM linked.person p WHERE EXISTS (SELECT 1 FROM linked.hospital_stay s WHERE s.person_id = p.person_id) ` +
        `AND EXISTS (SELECT 1 FROM linked.dispensing d WHERE d.person_id = p.person_id) ORDER BY person_id LIMIT 3`,
    );
    console.log('\n4. A few person timelines (synthetic persons; person-level views stay on the terminal)');
    for (const { person_id } of ids) console.log(timelineLine(await personTimeline(engine, person_id, { schema: 'linked' })));

    const written = [
      writeJsonResult(out, 'row-accounts', { claims: claims.accounts, hospital: hospital.accounts, linkage: linked.accounts }),
      writeJsonResult(out, 'linkage', {
        linked: linked.linked,
        hospitalOnly: linked.hospitalOnly,
        claimsOnly: linked.claimsOnly,
        ambiguous: linked.ambiguous,
        counts: linked.counts,
        settings: { claims: claims.settings, hospital: hospital.settings, linkage: linked.settings },
      }, { countKeys: Object.keys(linked.counts) }),
    ];
    console.log('\n5. The example study (studies/vka-doac-bleeding) on the claims sample');
    const studyOut = join(out, 'vka-doac-bleeding');
    const { files, run } = await runStudyFolder(join(repoRoot, 'studies', 'vka-doac-bleeding'), { data: join(data, 'snds'), out: studyOut, onStage: (s) => console.log(`   ${s}`) });
    for (const c of run.cohorts) console.log(`   ${c.name}: ${c.attrition.at(-1)!.persons >= 10 ? c.attrition.at(-1)!.persons : '<10'} persons`);
    console.log(`   follow-up ends: ${Object.entries(run.analysis.endReasons).map(([r, n]) => `${r} ${n >= 10 ? n : '<10'}`).join(', ')}`);

    console.log(`\nResults (aggregates, counts 1-9 shown as <10) written to ${relative(process.cwd(), out) || out}/:`);
    for (const f of written) console.log(`  ${relative(process.cwd(), f)}`);
    for (const f of files) console.log(`  ${relative(process.cwd(), join(studyOut, f))}`);
    return 0;
  } finally {
    await engine.close();
  }
}
