// The target trial protocol of an observational comparison (Hernán & Robins 2016): the randomised trial
// one would like to run, component by component, next to how each component is emulated in the data.
// targetTrialProtocol validates and normalises it; protocolTable / formatProtocol print the two-column
// table of target-trial papers; assertNoImmortalTime checks the one alignment a new-user
// active-comparator emulation must get right: eligibility, treatment assignment and the start of
// follow-up at the same time zero, the first dispensing of the strategy's drug.
//
// Hernán MA, Robins JM. Using big data to emulate a target trial when a randomized trial is not
// available. Am J Epidemiol 2016;183:758-64. Suissa S. Immortal time bias in pharmaco-epidemiology.
// Am J Epidemiol 2008;167:492-9.
import { estimateMessages as msg } from '../messages/index.js';

/** What time zero is anchored on. Only 'treatment-start' avoids immortal time in a new-user design. */
export type TimeZeroAnchor = 'treatment-start' | 'eligibility' | 'diagnosis' | 'calendar-date' | 'other';

export type CausalContrast = 'intention-to-treat' | 'per-protocol' | 'as-treated';

export interface TreatmentStrategy {
  /** Short name, e.g. 'SGLT2 inhibitor'. */
  name: string;
  /** The strategy as the trial would prescribe it. */
  description: string;
  /**
   * How starting the strategy is seen in the data: the first dispensing of the drug code set (after a
   * washout without it: a new user), or something else (described).
   */
  initiation: { event: 'first-dispensing'; codeSet: string; washoutDays?: number } | { event: 'other'; description: string };
}

export interface TargetTrialProtocolInput {
  title?: string;
  eligibility: { criteria: string[]; emulation?: string };
  /** At least two: the target strategy first, then the active comparator. */
  treatmentStrategies: TreatmentStrategy[];
  assignment: { specification?: string; emulation: string };
  timeZero: {
    anchor: TimeZeroAnchor;
    /**
     * Time zero minus treatment start, in days: 0 when follow-up is anchored on the day treatment
     * starts, negative when time zero comes before it (e.g. at diagnosis, with treatment started later).
     * Default 0.
     */
    daysFromTreatmentStart?: number;
    description?: string;
  };
  followUp: {
    /** First day at risk, in days after time zero (0: the index day counts; 1: from the next day). */
    startOffsetDays: number;
    /** What ends follow-up: outcome, death, end of data, horizon, discontinuation... */
    end: string[];
    horizonDays?: number;
    emulation?: string;
  };
  outcome: { name: string; definition: string; emulation?: string };
  causalContrast: { type: CausalContrast; description?: string };
  analysisPlan: { specification: string; emulation?: string };
}

export interface TargetTrialProtocol extends TargetTrialProtocolInput {
  kind: 'target-trial-protocol';
  title: string;
  timeZero: TargetTrialProtocolInput['timeZero'] & { daysFromTreatmentStart: number };
}

export interface ProtocolRow {
  component: string;
  /** The target trial. */
  specification: string;
  /** Its emulation with the observational data. */
  emulation: string;
}

const ANCHORS: TimeZeroAnchor[] = ['treatment-start', 'eligibility', 'diagnosis', 'calendar-date', 'other'];
const CONTRASTS: CausalContrast[] = ['intention-to-treat', 'per-protocol', 'as-treated'];

function text(v: unknown, field: string): string {
  if (typeof v !== 'string' || v.trim() === '') throw msg.badProtocol(field, 'a non-empty text');
  return v;
}

/** Validate and normalise a target trial protocol (defaults filled in). */
export function targetTrialProtocol(input: TargetTrialProtocolInput): TargetTrialProtocol {
  if (!input || typeof input !== 'object') throw msg.badProtocol('the protocol', 'an object');
  if (!Array.isArray(input.eligibility?.criteria) || input.eligibility.criteria.length === 0) throw msg.badProtocol('eligibility.criteria', 'a non-empty list of criteria');
  input.eligibility.criteria.forEach((c, i) => text(c, `eligibility.criteria[${i}]`));
  if (!Array.isArray(input.treatmentStrategies) || input.treatmentStrategies.length < 2) throw msg.badProtocol('treatmentStrategies', 'at least two strategies (target, then comparator)');
  input.treatmentStrategies.forEach((s, i) => {
    text(s?.name, `treatmentStrategies[${i}].name`);
    text(s.description, `treatmentStrategies[${i}].description`);
    const ini = s.initiation;
    if (!ini || (ini.event !== 'first-dispensing' && ini.event !== 'other')) throw msg.badProtocol(`treatmentStrategies[${i}].initiation.event`, "'first-dispensing' or 'other'");
    if (ini.event === 'first-dispensing') {
      text(ini.codeSet, `treatmentStrategies[${i}].initiation.codeSet`);
      if (ini.washoutDays !== undefined && !(Number.isInteger(ini.washoutDays) && ini.washoutDays >= 0)) throw msg.badProtocol(`treatmentStrategies[${i}].initiation.washoutDays`, 'a whole number of days >= 0');
    } else text(ini.description, `treatmentStrategies[${i}].initiation.description`);
  });
  text(input.assignment?.emulation, 'assignment.emulation');
  if (!ANCHORS.includes(input.timeZero?.anchor)) throw msg.badProtocol('timeZero.anchor', ANCHORS.map((a) => `'${a}'`).join(', '));
  const days = input.timeZero.daysFromTreatmentStart ?? 0;
  if (!Number.isInteger(days)) throw msg.badProtocol('timeZero.daysFromTreatmentStart', 'a whole number of days');
  if (!(Number.isInteger(input.followUp?.startOffsetDays) && input.followUp.startOffsetDays >= 0)) throw msg.badProtocol('followUp.startOffsetDays', 'a whole number of days >= 0');
  if (!Array.isArray(input.followUp.end) || input.followUp.end.length === 0) throw msg.badProtocol('followUp.end', 'a non-empty list of the events that end follow-up');
  if (input.followUp.horizonDays !== undefined && !(Number.isInteger(input.followUp.horizonDays) && input.followUp.horizonDays > 0)) throw msg.badProtocol('followUp.horizonDays', 'a whole number of days > 0');
  text(input.outcome?.name, 'outcome.name');
  text(input.outcome.definition, 'outcome.definition');
  if (!CONTRASTS.includes(input.causalContrast?.type)) throw msg.badProtocol('causalContrast.type', CONTRASTS.map((a) => `'${a}'`).join(', '));
  text(input.analysisPlan?.specification, 'analysisPlan.specification');
  const strategies = input.treatmentStrategies.map((s) => s.name);
  return {
    ...input,
    kind: 'target-trial-protocol',
    title: input.title ?? `${strategies[0]} versus ${strategies.slice(1).join(', ')}`,
    timeZero: { ...input.timeZero, daysFromTreatmentStart: days },
  };
}

function describeInitiation(s: TreatmentStrategy): string {
  const i = s.initiation;
  if (i.event === 'other') return `${s.name}: ${i.description}`;
  return `${s.name}: first dispensing of ${i.codeSet}${i.washoutDays ? ` (none in the previous ${i.washoutDays} days: new user)` : ''}`;
}

const CONTRAST_TEXT: Record<CausalContrast, string> = {
  'intention-to-treat': 'Intention-to-treat effect: effect of initiating one strategy versus the other, whatever happens afterwards',
  'per-protocol': 'Per-protocol effect: effect of initiating and adhering to each strategy',
  'as-treated': 'As-treated effect: follow-up censored at discontinuation or switch',
};

/** The protocol as the table of target-trial papers: one row per component, trial and emulation side by side. */
export function protocolTable(protocol: TargetTrialProtocol): ProtocolRow[] {
  const p = protocol;
  const tz = p.timeZero;
  const tzEmulation =
    tz.anchor === 'treatment-start' && tz.daysFromTreatmentStart === 0
      ? 'The date of the first dispensing of the assigned drug (index date), when eligibility is also assessed'
      : `${tz.anchor}${tz.daysFromTreatmentStart ? `, ${Math.abs(tz.daysFromTreatmentStart)} days ${tz.daysFromTreatmentStart < 0 ? 'before' : 'after'} treatment start` : ''}`;
  return [
    { component: 'Eligibility criteria', specification: p.eligibility.criteria.join('; '), emulation: p.eligibility.emulation ?? 'Same criteria, assessed in the data at the index date' },
    {
      component: 'Treatment strategies',
      specification: p.treatmentStrategies.map((s) => `${s.name}: ${s.description}`).join('; '),
      emulation: p.treatmentStrategies.map(describeInitiation).join('; '),
    },
    {
      component: 'Assignment procedures',
      specification: p.assignment.specification ?? 'Random assignment to a strategy at time zero, not blinded',
      emulation: p.assignment.emulation,
    },
    {
      component: 'Time zero',
      specification: 'Eligibility met and strategy assigned; follow-up starts',
      emulation: tz.description ?? tzEmulation,
    },
    {
      component: 'Follow-up period',
      specification: `From ${p.followUp.startOffsetDays === 0 ? 'time zero' : `day ${p.followUp.startOffsetDays} after time zero`} until the first of: ${p.followUp.end.join(', ')}${p.followUp.horizonDays ? `, or ${p.followUp.horizonDays} days` : ''}`,
      emulation: p.followUp.emulation ?? 'Same, from the dispensing and hospital data',
    },
    { component: 'Outcome', specification: `${p.outcome.name}: ${p.outcome.definition}`, emulation: p.outcome.emulation ?? 'Same, from the linked data' },
    { component: 'Causal contrast', specification: p.causalContrast.description ?? CONTRAST_TEXT[p.causalContrast.type], emulation: `Observational analogue of the ${p.causalContrast.type} effect` },
    { component: 'Analysis plan', specification: p.analysisPlan.specification, emulation: p.analysisPlan.emulation ?? 'Same, with adjustment for baseline confounders (propensity score)' },
  ];
}

/** Print the protocol table as markdown (default) or as plain text lines. */
export function formatProtocol(protocol: TargetTrialProtocol, format: 'markdown' | 'text' = 'markdown'): string {
  const rows = protocolTable(protocol);
  if (format === 'text') {
    return [protocol.title, ...rows.flatMap((r) => [`${r.component}`, `  Target trial: ${r.specification}`, `  Emulation:    ${r.emulation}`])].join('\n');
  }
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [
    `**${cell(protocol.title)}**`,
    '',
    '| Protocol component | Target trial | Emulation |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${cell(r.component)} | ${cell(r.specification)} | ${cell(r.emulation)} |`),
  ].join('\n');
}

/**
 * Throw a CohorteError ('immortal-time') unless time zero is the start of treatment: anchored on
 * 'treatment-start', 0 days from it, every strategy identified by the first dispensing of its drug, and
 * follow-up starting on the index day or the day after. Returns the protocol when it passes.
 */
export function assertNoImmortalTime(protocol: TargetTrialProtocol): TargetTrialProtocol {
  const tz = protocol.timeZero;
  if (tz.anchor !== 'treatment-start') {
    throw msg.immortalTime(
      `time zero is anchored on '${tz.anchor}', not on the start of treatment. Persons classified by a drug they start after time zero must survive, event-free, until they start it: that time is immortal and biases the comparison in favour of the drug. Set time zero at the first dispensing of each strategy's drug (timeZero.anchor = 'treatment-start').`,
    );
  }
  const d = tz.daysFromTreatmentStart;
  if (d < 0) {
    throw msg.immortalTime(
      `time zero is ${-d} days before treatment start: the first ${-d} days of follow-up are immortal (no outcome can occur before a person is classified as treated). Time zero must be the day of the first dispensing (daysFromTreatmentStart = 0).`,
    );
  }
  if (d > 0) {
    throw msg.immortalTime(
      `time zero is ${d} days after treatment start: persons must stay event-free on treatment for ${d} days to enter, and early events are lost (a prevalent-user design). Time zero must be the day of the first dispensing (daysFromTreatmentStart = 0).`,
    );
  }
  for (const s of protocol.treatmentStrategies) {
    if (s.initiation.event !== 'first-dispensing') {
      throw msg.immortalTime(
        `strategy '${s.name}' is not identified by the first dispensing of its drug (${s.initiation.description}); in a new-user active-comparator design cohort entry, and time zero, must be the first dispensing of the strategy's drug.`,
      );
    }
  }
  if (protocol.followUp.startOffsetDays > 1) {
    throw msg.immortalTime(
      `follow-up starts ${protocol.followUp.startOffsetDays} days after time zero: persons must survive that long to contribute, and outcomes in those days are not counted. Start follow-up at index + 0 or + 1 day (use an exposure lag analysis explicitly as a sensitivity analysis).`,
    );
  }
  return protocol;
}
