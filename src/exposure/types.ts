// Types of the exposure part of the study design: drug classes, days' supply, grace periods, and the
// options and results of every exposure step. Dates are ISO `YYYY-MM-DD` in JS, DATE columns in SQL.

import type { RowAccount } from '../model/index.js';

/**
 * A drug class: a dispensing belongs to it when its `atc_code` starts with any of `atcPrefixes`
 * (e.g. 'C10AA' = every statin) or its `product_code` is one of `productCodes` (CIP13, UCD or OMOP
 * concept id as text). At least one list must be non-empty.
 *
 * Stand-in for the study's CodeSet type (src/cohort/codeSets.ts): it is kept in this one small type so
 * it can be swapped later; only `drugSelectorSql` (drugSelector.ts) reads its fields.
 */
export interface DrugSelector {
  /** Name of the class, written in the `drug` column of every output table. */
  name: string;
  atcPrefixes?: string[];
  productCodes?: string[];
}

/**
 * How many days one dispensing lasts. Fractional results are rounded UP to whole days (a partial
 * day's dose still covers that day). A dispensing whose inputs are missing is excluded with a counted
 * reason; one whose supply is < 1 day (e.g. packs <= 0 after netting returns) is excluded as
 * 'non-positive-supply', one over 36,500 days as 'implausible-supply'.
 * - `given`: the recorded `days_supply` (OMOP). Missing → 'missing-days-supply'.
 * - `ddd`: packs × units_per_pack ÷ dailyDose (units taken per day). Missing → 'missing-packs' /
 *   'missing-units-per-pack'.
 * - `fixed`: packs × days (a fixed duration per pack). Missing packs → 'missing-packs'.
 * - `packSize`: packs × (units_per_pack >= largeFrom ? large : small), SCALPEL3's rule (30 days for
 *   a small pack, 90 for a large one). Missing → 'missing-packs' / 'missing-units-per-pack'.
 */
export type DaysSupply =
  | { method: 'given' }
  | { method: 'ddd'; dailyDose: number }
  | { method: 'fixed'; days: number }
  | { method: 'packSize'; small: number; large: number; largeFrom: number };

/**
 * The longest run of uncovered days that still continues an episode.
 * - `days`: a fixed number of days (>= 0).
 * - `percentOfSupply`: floor(p / 100 × supply) days, where supply is the largest single supply
 *   dispensed on the last dispensing day before the gap (see buildExposureEpisodes).
 */
export type GracePeriod = { days: number } | { percentOfSupply: number };

/** Why a dispensing of a drug class was not used to build episodes (stable names). */
export type ExclusionReason =
  | 'missing-date'
  | 'missing-days-supply'
  | 'missing-packs'
  | 'missing-units-per-pack'
  | 'non-positive-supply'
  | 'implausible-supply'
  | 'unknown-person'
  | 'outside-observation'
  | 'after-death';

export interface ExclusionCount {
  reason: ExclusionReason;
  rows: number;
}

export interface ExposureEpisodesOptions {
  /** Schema holding the model tables (default: the engine's default schema). */
  schema?: string;
  /** Drug class(es). Each gets its own episodes; a dispensing in two classes counts in both. */
  drugs: DrugSelector | DrugSelector[];
  /** Days' supply rule, for every class or per class name. */
  daysSupply: DaysSupply | Record<string, DaysSupply>;
  gracePeriod: GracePeriod;
  /**
   * true: supply overlapping the running supply is carried forward (the patient finishes the old
   * packs first). false: overlapping supply is truncated (only the days it adds after the running
   * end count).
   */
  stockpiling: boolean;
  /** Extend each episode's end by the grace period after its last supply (default false). */
  extendByGrace?: boolean;
  /** Truncate episodes at the death date (default true); dispensings after death are excluded. */
  capAtDeath?: boolean;
  /**
   * Build episodes within observation periods and truncate them at the end of the period holding
   * their start (default true); dispensings outside every period are excluded.
   */
  capAtObservationEnd?: boolean;
  /**
   * Table or view with a person_id column (a cohort's `table`, say): only the dispensings of these persons are
   * selected, read and counted. Episodes of a person never depend on other persons, so they are the same as
   * in an unrestricted build. Default: every person.
   */
  persons?: string;
  /**
   * Output table name (plain or schema-qualified identifier). Also written: `<into>_source`,
   * `<into>_timeline` and the views `<into>_dispensings` and `<into>_excluded` (see buildExposureEpisodes).
   */
  into: string;
}

export interface EpisodeCounts {
  /** Dispensings of the class(es) found in the dispensing table. */
  dispensingsRead: number;
  /** Dispensings that went into episodes: dispensingsRead = dispensingsUsed + Σ excluded. */
  dispensingsUsed: number;
  excluded: ExclusionCount[];
  episodes: number;
  /** Distinct persons with at least one episode. */
  persons: number;
  /** Episodes truncated at death (when death came before the end of observation or on the same day). */
  cappedAtDeath: number;
  /** Episodes truncated at the end of their observation period. */
  cappedAtObservationEnd: number;
}

export interface ExposureEpisodesResult {
  /** The episodes table: see buildExposureEpisodes for its columns. */
  table: string;
  /** Every selected dispensing with its exclusion reason (NULL = used). */
  sourceTable: string;
  /** Every used dispensing in order, with running totals: read by the states and adherence steps. */
  timelineTable: string;
  /** View: every used dispensing with its episode_id. */
  dispensingsTable: string;
  /** View: every excluded dispensing with its reason. */
  excludedTable: string;
  settings: {
    schema: string;
    drugs: DrugSelector[];
    daysSupply: Record<string, DaysSupply>;
    gracePeriod: GracePeriod;
    stockpiling: boolean;
    extendByGrace: boolean;
    capAtDeath: boolean;
    capAtObservationEnd: boolean;
    /** The persons table the build was restricted to, or null for every person. */
    persons: string | null;
  };
  counts: EpisodeCounts & { byDrug: Record<string, EpisodeCounts> };
  /** One row account per class (source 'dispensing:<class>'), printable with formatRowAccounts. */
  accounts: RowAccount[];
}

/** A switch or add-on between two drug classes. */
export type SwitchType = 'switch' | 'add-on';

export interface DetectSwitchesOptions {
  /** Episodes table from buildExposureEpisodes holding every class named in `drugs`. */
  episodes: string;
  /** Two or more class names; every ordered pair (from, to) is examined. */
  drugs: string[];
  /**
   * W: the new class B may start up to W days after the day following the end of the A episode and
   * still count (0 = B must start while A is current or on the day after it ends).
   */
  gapDays: number;
  /** N: the overlap tolerance in days (see detectSwitches). */
  overlapDays: number;
  /** Output table: (person_id, from_drug, to_drug, date, type, from_episode_id, to_episode_id). */
  into: string;
}

export interface DetectSwitchesResult {
  table: string;
  settings: { episodes: string; drugs: string[]; gapDays: number; overlapDays: number };
  counts: { switches: number; addOns: number; persons: number; byPair: Array<{ from: string; to: string; type: SwitchType; events: number }> };
}

export interface DiscontinuationOptions {
  episodes: string;
  drug: string;
  /** Days added to the episode end (e.g. a grace period or a pharmacological lag), >= 0. Default 0. */
  lagDays?: number;
  /**
   * Optional table (person_id, index_date): then the episode used is the first one not ended before
   * the index date (the one holding it, or the first after it), and only persons in it are output.
   */
  index?: string;
  /** Output: (person_id, drug, episode_id, episode_start, episode_end, end_reason, discontinuation_date). */
  into: string;
}

export interface DiscontinuationResult {
  table: string;
  settings: { episodes: string; drug: string; lagDays: number; index: string | null };
  counts: { persons: number; discontinued: number; endedByDeath: number; endedByObservationEnd: number };
}

/** Exposure state on a day: see buildExposureStates. */
export type ExposureState = 'never' | 'current' | 'recent' | 'past';

/** How dispensed quantity converts to defined daily doses (DDD). */
export type DddSource =
  /** Units of the class making one DDD: DDDs = packs × units_per_pack ÷ unitsPerDdd. */
  | { unitsPerDdd: number }
  /** A table (product_code, ddd_per_unit): DDDs = packs × units_per_pack × ddd_per_unit. */
  | { table: string };

export interface ExposureStatesOptions {
  /** Episodes table from buildExposureEpisodes (its `<episodes>_timeline`, and `_dispensings` for a DDD table, are read for doses). */
  episodes: string;
  drug: string;
  /** Table (person_id, index_date, end_date), one row per person: the follow-up to describe. */
  index: string;
  /** R: days after an episode's end still called 'recent' (0 = no recent state). */
  recentDays: number;
  /**
   * Lower bounds of cumulative-duration bands in days, starting at 0 and increasing, e.g.
   * [0, 365, 730] → '[0,365)', '[365,730)', '>=730'. Default [0] (one band).
   */
  durationBands?: readonly number[];
  /** Dose source; without it the cum_ddd_band column is NULL. */
  ddd?: DddSource;
  /** Lower bounds of cumulative-DDD bands, starting at 0 and increasing. Default [0]. */
  dddBands?: readonly number[];
  /** Output table: (person_id, start, stop, state, cum_days_band, cum_ddd_band). */
  into: string;
}

export interface ExposureStatesResult {
  table: string;
  settings: {
    episodes: string;
    drug: string;
    index: string;
    recentDays: number;
    durationBands: number[];
    ddd: DddSource | null;
    dddBands: number[];
    /** Band labels in order, as written in the table. */
    durationBandLabels: string[];
    dddBandLabels: string[];
  };
  counts: {
    /** Rows of the index table. */
    personsRead: number;
    personsOutput: number;
    excluded: Array<{ reason: 'missing-date' | 'end-before-index'; rows: number }>;
    intervals: number;
    /** Dispensings of these persons whose dose could not be computed (missing packs, units or DDD): counted as 0 DDD. */
    dispensingsWithoutDose: number;
  };
}

export interface AdherenceOptions {
  episodes: string;
  drug: string;
  /** Table (person_id, start_date, end_date): the observation window per person, both days included. */
  windows: string;
  /**
   * How overlapping supplies count in PDC:
   * - 'carryOver' (default, AdhereR CMA7-like): a dispensing's supply starts when the previous supply
   *   runs out, including supply carried into the window from dispensings before it;
   * - 'union': each dispensing covers [date, date + supply − 1] and overlapping days count once.
   * In both, no day counts twice, so PDC <= 1.
   */
  pdc?: 'carryOver' | 'union';
  /** Output: (person_id, drug, window_days, covered_days, pdc, supply_days, mpr, mpr_capped). */
  into: string;
}

export interface AdherenceResult {
  table: string;
  settings: { episodes: string; drug: string; windows: string; pdc: 'carryOver' | 'union' };
  counts: { windowsRead: number; windowsOutput: number; excluded: Array<{ reason: 'missing-date' | 'end-before-start'; rows: number }> };
}
