import type { Engine } from '../engine/index.js';
import { schemaPrefix } from '../load/model.js';
import { codeSetCondition, type CodeSet } from './codeSets.js';
import { designMessages as msg } from '../messages/index.js';

/**
 * A kind of dated clinical event in the model, selected by a code set:
 * - `dispensing`: a drug dispensing (ATC, CIP13 or OMOP drug concept sets);
 * - `hospitalDiagnosis`: a hospital stay diagnosis, `position` 'primary' (DGN_PAL) or 'any'
 *   (primary, related or associated; OMOP conditions count as 'any');
 * - `longTermRegistration`: the start of an ALD registration;
 * - `death`: a death, optionally with its cause in the set.
 */
export type EventSelector =
  | { type: 'dispensing'; codeSet: CodeSet }
  | { type: 'hospitalDiagnosis'; codeSet: CodeSet; position?: 'primary' | 'any' }
  | { type: 'longTermRegistration'; codeSet: CodeSet };

/** SQL selecting (person_id, event_date, source_table, source_row) for the events of a selector. */
export function eventsSql(engine: Engine, schema: string | undefined, ev: EventSelector): string {
  const p = schemaPrefix(schema);
  const d = engine.dialect;
  const ancestor = `${p}concept_ancestor`;
  switch (ev.type) {
    case 'dispensing': {
      const set = ev.codeSet;
      const cond =
        set.kind === 'atc'
          ? codeSetCondition(set, 'atc_code', d)
          : set.kind === 'cip13'
            ? `product_vocabulary = 'CIP13' AND ${codeSetCondition(set, 'product_code', d)}`
            : set.kind === 'omop'
              ? `product_vocabulary = 'OMOP' AND ${codeSetCondition(set, 'product_code', d, ancestor)}`
              : fail(msg.wrongCodeSetKind(set.name, set.kind, 'a drug code set (atc, cip13 or omop)'));
      return `SELECT person_id, date AS event_date, source_table, source_row FROM ${p}dispensing WHERE ${cond}`;
    }
    case 'hospitalDiagnosis': {
      const set = ev.codeSet;
      if (set.kind !== 'icd10' && set.kind !== 'omop') throw msg.wrongCodeSetKind(set.name, set.kind, 'a diagnosis code set (icd10 or omop)');
      const roles = ev.position === 'primary' ? `role = 'primary'` : `role IN ('primary', 'related', 'associated', 'condition')`;
      const vocab = set.kind === 'icd10' ? `vocabulary = 'ICD10'` : `vocabulary = 'OMOP'`;
      return `SELECT person_id, date AS event_date, source_table, source_row FROM ${p}diagnosis WHERE ${roles} AND ${vocab} AND ${codeSetCondition(set, 'code', d, ancestor)}`;
    }
    case 'longTermRegistration': {
      const set = ev.codeSet;
      if (set.kind !== 'icd10') throw msg.wrongCodeSetKind(set.name, set.kind, 'an icd10 code set');
      return `SELECT person_id, start_date AS event_date, source_table, source_row FROM ${p}long_term_registration WHERE ${codeSetCondition(set, 'icd10', d)}`;
    }
  }
}

function fail(e: Error): never {
  throw e;
}

/** A short text for attrition tables: "first dispensing of statins v1". */
export function describeEvent(ev: EventSelector): string {
  const set = `${ev.codeSet.name} (v${ev.codeSet.version})`;
  switch (ev.type) {
    case 'dispensing':
      return `dispensing of ${set}`;
    case 'hospitalDiagnosis':
      return `hospital stay with ${ev.position === 'primary' ? 'a primary' : 'any'} diagnosis of ${set}`;
    case 'longTermRegistration':
      return `long-term disease registration for ${set}`;
  }
}
