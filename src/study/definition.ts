import { z } from 'zod';

// The study definition: one JSON (or TypeScript) object that says everything a study does, validated
// by this schema before anything runs. Event selectors refer to code sets by name.

const codeSetSchema = z.discriminatedUnion('kind', [
  z.object({ name: z.string().min(1), version: z.string().min(1), source: z.string().optional(), kind: z.literal('atc'), codes: z.array(z.string()).min(1) }),
  z.object({ name: z.string().min(1), version: z.string().min(1), source: z.string().optional(), kind: z.literal('icd10'), codes: z.array(z.string()).min(1) }),
  z.object({ name: z.string().min(1), version: z.string().min(1), source: z.string().optional(), kind: z.literal('cip13'), codes: z.array(z.string()).min(1) }),
  z.object({
    name: z.string().min(1),
    version: z.string().min(1),
    source: z.string().optional(),
    kind: z.literal('omop'),
    conceptIds: z.array(z.number().int()).min(1),
    includeDescendants: z.boolean(),
  }),
]);

const eventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dispensing'), codeSet: z.string() }),
  z.object({ type: z.literal('hospitalDiagnosis'), codeSet: z.string(), position: z.enum(['primary', 'any']).optional() }),
  z.object({ type: z.literal('longTermRegistration'), codeSet: z.string() }),
]);

const window = z.tuple([z.number().int(), z.number().int()]).refine(([a, b]) => a <= b, 'window must be [start, end] with start <= end');

const criterionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('require'), event: eventSchema, window, description: z.string().optional() }),
  z.object({ type: z.literal('exclude'), event: eventSchema, window, description: z.string().optional() }),
  z.object({ type: z.literal('age'), min: z.number().optional(), max: z.number().optional() }),
  z.object({ type: z.literal('sex'), sex: z.union([z.literal(1), z.literal(2)]) }),
  z.object({ type: z.literal('calendar'), from: z.string().optional(), to: z.string().optional() }),
]);

const cohortSchema = z.object({
  name: z.string().min(1),
  entry: eventSchema,
  entries: z.enum(['first', 'all']).optional(),
  washoutDays: z.number().int().nonnegative().optional(),
  priorObservationDays: z.number().int().nonnegative().optional(),
  criteria: z.array(criterionSchema).optional(),
});

export const studyDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  title: z.string().min(1),
  /** Name of the data source in results (summarised result cdm_name). */
  cdmName: z.string().default('unknown'),
  /** How `--data DIR` is read: an SNDS extract, an OMOP CDM, or both with linkage.csv (snds/, omop/). */
  data: z.object({
    layout: z.enum(['snds', 'omop', 'linked']),
    /** OMOP only: use drug_era instead of drug_exposure. */
    drug: z.enum(['drug_exposure', 'drug_era']).optional(),
  }),
  codeSets: z.array(codeSetSchema).min(1),
  target: cohortSchema,
  /** Active comparator; omit for a single-cohort (descriptive) study. */
  comparator: cohortSchema.optional(),
  inBoth: z.enum(['exclude', 'firstIndex']).default('exclude'),
  outcome: z.object({ event: eventSchema, priorOutcomeDays: z.union([z.number().int().nonnegative(), z.literal('all')]).optional() }),
  timeAtRisk: z
    .object({
      startOffset: z.number().int().nonnegative().default(1),
      horizonDays: z.number().int().positive().optional(),
      studyEnd: z.string().optional(),
    })
    .default({ startOffset: 1 }),
  competingDeath: z.boolean().default(true),
  covariates: z.array(z.object({ name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), event: eventSchema, window })).default([]),
  analyses: z
    .object({
      incidence: z.object({ per: z.number().positive().default(1000) }).optional(),
      kaplanMeier: z.object({ confType: z.enum(['log', 'log-log', 'plain']).default('log'), times: z.array(z.number()).optional() }).optional(),
      aalenJohansen: z.object({ times: z.array(z.number()).optional() }).optional(),
      cox: z
        .array(z.object({ name: z.string().min(1), covariates: z.array(z.string()).default([]), ties: z.enum(['efron', 'breslow']).default('efron') }))
        .optional(),
    })
    .default({}),
  /**
   * Small-cell suppression. minCell may be raised freely; lowering it below 10 needs an explicit override
   * with a reason, which is printed at run time and recorded in manifest.json and settings.csv.
   */
  suppression: z
    .object({
      minCell: z.number().int().min(1).default(10),
      override: z.object({ reason: z.string().min(10, 'give the reason (at least 10 characters)'), approvedBy: z.string().min(1) }).optional(),
    })
    .refine((s) => s.minCell >= 10 || s.override !== undefined, {
      message: 'minCell below 10 lowers the protection of small cells: it needs suppression.override = { reason, approvedBy }',
      path: ['minCell'],
    })
    .default({ minCell: 10 }),
  seed: z.number().int().default(1),
});

export type StudyDefinition = z.output<typeof studyDefinitionSchema>;
export type StudyDefinitionInput = z.input<typeof studyDefinitionSchema>;
