// Swimmer plot of a few persons' records: exposure episodes (bars) with their dispensings (points),
// hospital stays (bars), index date, end of follow-up and death (ticks), one lane per person.
// PERSON-LEVEL: for looking at on the secure platform only. The spec holds each given person id and
// dates, nothing else that identifies anyone (no stay ids, source rows or codes other than ATC).
import { estimateMessages as msg } from '../messages/index.js';
import type { PersonTimeline } from '../cohort/personTimeline.js';
import { distinct, titleOf, topLevel, type BasePlotOptions, type Json, type PlotSpec } from './common.js';

/** An ISO 'YYYY-MM-DD' string (a time part is ignored) or a Date (its UTC calendar day). */
export type DateLike = string | Date;

/** One person's lane, already reduced to what the plot shows. */
export interface SwimmerPerson {
  personId: string;
  indexDate?: DateLike | null;
  endOfFollowUp?: DateLike | null;
  /** Written next to the end-of-follow-up tick (e.g. 'outcome', 'death', 'end of data'). */
  endReason?: string | null;
  death?: DateLike | null;
  dispensings?: Array<{ date: DateLike; drug?: string | null }>;
  /** Exposure episodes; `end` is the last covered day (inclusive). */
  episodes?: Array<{ start: DateLike; end: DateLike; drug?: string | null }>;
  stays?: Array<{ admission: DateLike; discharge?: DateLike | null }>;
}

/** A row of the episodes table written by buildExposureEpisodes (other columns are ignored). */
export interface ExposureEpisodeRow {
  person_id: string;
  drug?: string | null;
  start_date: DateLike;
  end_date: DateLike;
}

export interface SwimmerFromTimelineOptions {
  /** Episode rows of any persons (e.g. the whole episodes table); only the person's own are used. */
  episodes?: ExposureEpisodeRow[];
  /** Keep only dispensings whose ATC code starts with one of these (default: all). */
  atcPrefixes?: string[];
  /** Study table with the index date (column index_date). Default: the first study table having it. */
  cohortTable?: string;
  /** Study table with end_date and end_reason (buildAnalysisTable). Default: the first study table having both. */
  followUpTable?: string;
}

export interface SwimmerPlotOptions extends BasePlotOptions, SwimmerFromTimelineOptions {
  /** 'index': days since each person's index date; 'calendar': dates. Default 'index' when every person has an index date. */
  align?: 'index' | 'calendar';
}

const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of a date, or an error naming the field. */
function dayOf(v: unknown, field: string): number {
  if (v instanceof Date && Number.isFinite(v.getTime())) return Math.floor(v.getTime() / DAY_MS);
  if (typeof v === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(v);
    if (m) {
      const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
      if (Number.isFinite(t)) return t / DAY_MS;
    }
  }
  throw msg.plotBadDate('swimmerPlot', field, v);
}

/** Day numbers of month starts within [lo, hi], every 1, 2, 3, 6, 12... months: at most 8 ticks. */
function monthTicks(lo: number, hi: number): number[] {
  const a = new Date(lo * DAY_MS);
  const b = new Date(hi * DAY_MS);
  const first = a.getUTCFullYear() * 12 + a.getUTCMonth() + (a.getUTCDate() > 1 ? 1 : 0);
  const last = b.getUTCFullYear() * 12 + b.getUTCMonth();
  const step = [1, 2, 3, 6, 12, 24, 60, 120].find((k) => (last - first) / k <= 7) ?? 240;
  const out: number[] = [];
  for (let m = Math.ceil(first / step) * step; m <= last; m += step) out.push(Date.UTC(Math.floor(m / 12), m % 12, 1) / DAY_MS);
  return out;
}

const present = (v: unknown): v is DateLike => v !== null && v !== undefined && v !== '';

function minDate(rows: Record<string, unknown>[], column: string): DateLike | null {
  let best: DateLike | null = null;
  let bestDay = Infinity;
  for (const r of rows) {
    const v = r[column];
    if (!present(v)) continue;
    const d = dayOf(v, column);
    if (d < bestDay) {
      bestDay = d;
      best = v;
    }
  }
  return best;
}

function isTimeline(p: SwimmerPerson | PersonTimeline): p is PersonTimeline {
  return Array.isArray((p as PersonTimeline).observationPeriods) && typeof (p as PersonTimeline).study === 'object';
}

/** Reduce a personTimeline() record to a swimmer lane (only dates, ATC codes, drug classes and the person id are kept). */
export function swimmerPersonFromTimeline(t: PersonTimeline, options: SwimmerFromTimelineOptions = {}): SwimmerPerson {
  const study = t.study ?? {};
  const tables = Object.keys(study);
  const has = (name: string, cols: string[]) => (study[name] ?? []).some((r) => cols.every((c) => c in r));
  const cohort = options.cohortTable ?? tables.find((n) => has(n, ['index_date']));
  const followUp = options.followUpTable ?? tables.find((n) => has(n, ['end_date', 'end_reason']));
  const indexDate = cohort ? minDate(study[cohort] ?? [], 'index_date') : null;
  let endOfFollowUp: DateLike | null = null;
  let endReason: string | null = null;
  if (followUp) {
    const r = (study[followUp] ?? []).find((x) => present(x.end_date));
    if (r) {
      endOfFollowUp = r.end_date as DateLike;
      endReason = r.end_reason === null || r.end_reason === undefined ? null : String(r.end_reason);
    }
  }
  const prefixes = options.atcPrefixes;
  const dispensings = t.dispensings
    .filter((d) => present(d.date) && (!prefixes || prefixes.some((p) => String(d.atc_code ?? '').startsWith(p))))
    .map((d) => ({ date: d.date as DateLike, drug: d.atc_code === null || d.atc_code === undefined ? null : String(d.atc_code) }));
  const episodes: NonNullable<SwimmerPerson['episodes']> = [];
  for (const name of tables) {
    if (!has(name, ['episode_id', 'start_date', 'end_date'])) continue;
    for (const r of study[name]!) episodes.push({ start: r.start_date as DateLike, end: r.end_date as DateLike, drug: r.drug === undefined || r.drug === null ? null : String(r.drug) });
  }
  for (const r of options.episodes ?? []) if (r.person_id === t.personId) episodes.push({ start: r.start_date, end: r.end_date, drug: r.drug ?? null });
  const stays = t.stays.filter((s) => present(s.admission_date)).map((s) => ({ admission: s.admission_date as DateLike, discharge: present(s.discharge_date) ? (s.discharge_date as DateLike) : null }));
  const death = minDate(t.deaths, 'death_date') ?? (t.person && present(t.person.death_date) ? (t.person.death_date as DateLike) : null);
  return { personId: t.personId, indexDate, endOfFollowUp, endReason, death, dispensings, episodes, stays };
}

/**
 * A swimmer plot of a few persons (personTimeline records and/or SwimmerPerson lanes): per person an
 * exposure track (episode bars, dispensing points) over a hospital track (stay bars), with ticks at
 * the index date, end of follow-up (its reason written beside) and death. The spec's description
 * marks it person-level.
 */
export function swimmerPlot(persons: Array<SwimmerPerson | PersonTimeline>, options: SwimmerPlotOptions = {}): PlotSpec {
  if (persons.length === 0) throw msg.plotNoData('swimmerPlot', 'no persons were given');
  const lanes = persons.map((p) => {
    if (!isTimeline(p)) {
      const own = (options.episodes ?? []).filter((r) => r.person_id === p.personId).map((r) => ({ start: r.start_date, end: r.end_date, drug: r.drug ?? null }));
      return own.length ? { ...p, episodes: [...(p.episodes ?? []), ...own] } : p;
    }
    return swimmerPersonFromTimeline(p, options);
  });
  const ids = lanes.map((l) => String(l.personId));
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup !== undefined) throw msg.plotBadOption('swimmerPlot', 'persons', 'distinct persons', dup);
  const allIndexed = lanes.every((l) => present(l.indexDate));
  const align = options.align ?? (allIndexed ? 'index' : 'calendar');
  if (align === 'index' && !allIndexed) throw msg.plotBadOption('swimmerPlot', 'align', "'calendar' when a person has no index date", align);
  if (align !== 'index' && align !== 'calendar') throw msg.plotBadOption('swimmerPlot', 'align', "'index' or 'calendar'", align);

  const bars: Json[] = [];
  const points: Json[] = [];
  const ticks: Json[] = [];
  const notes: Json[] = [];
  for (const l of lanes) {
    const person = String(l.personId);
    const origin = align === 'index' ? dayOf(l.indexDate, 'indexDate') : 0;
    // Index alignment: days since index; calendar: days since 1970-01-01.
    const pos = (v: unknown, field: string) => dayOf(v, field) - origin;
    const step = 1;
    for (const e of l.episodes ?? []) {
      bars.push({ person, track: 'exposure', kind: e.drug ? `Exposure: ${e.drug}` : 'Exposure episode', x: pos(e.start, 'episode start'), x2: pos(e.end, 'episode end') + step });
    }
    for (const s of l.stays ?? []) {
      const start = pos(s.admission, 'admission date');
      const end = present(s.discharge) ? pos(s.discharge, 'discharge date') : start;
      bars.push({ person, track: 'hospital', kind: 'Hospital stay', x: start, x2: end + step });
    }
    for (const d of l.dispensings ?? []) points.push({ person, track: 'exposure', kind: 'Dispensing', x: pos(d.date, 'dispensing date') });
    if (present(l.indexDate)) ticks.push({ person, kind: 'Index date', x: pos(l.indexDate, 'indexDate') });
    if (present(l.endOfFollowUp)) {
      const x = pos(l.endOfFollowUp, 'endOfFollowUp');
      ticks.push({ person, kind: 'End of follow-up', x });
      if (l.endReason) notes.push({ person, x, text: l.endReason });
    }
    if (present(l.death)) ticks.push({ person, kind: 'Death', x: pos(l.death, 'death') });
  }
  const exposureKinds = distinct(bars.filter((b) => b.track === 'exposure').map((b) => b.kind as string)).sort();
  const kinds = [...exposureKinds, 'Dispensing', 'Hospital stay', 'Index date', 'End of follow-up', 'Death'];
  const exposureColours = ['#4c78a8', '#72b7b2', '#54a24b', '#b279a2', '#9d755d', '#eeca3b', '#ff9da6', '#bab0ac'];
  const range = [...exposureKinds.map((_, i) => exposureColours[i % exposureColours.length]!), '#1f3b5a', '#f58518', '#2ca02c', '#555555', '#d62728'];
  const color: Json = { field: 'kind', type: 'nominal', title: null, scale: { domain: kinds, range } };
  // Room on the right for the end-of-follow-up notes.
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of [...bars, ...points, ...ticks]) {
    lo = Math.min(lo, r.x as number);
    hi = Math.max(hi, (r.x2 as number | undefined) ?? (r.x as number));
  }
  const domain = [lo, hi + Math.max(0.12 * (hi - lo), 10)];
  // Calendar: day numbers on a linear scale, labelled at month starts (a time scale's explicit
  // domain is mishandled across layers by Vega-Lite).
  const x: Json =
    align === 'index'
      ? { field: 'x', type: 'quantitative', title: 'Days since index date', scale: { domain, nice: false } }
      : {
          field: 'x',
          type: 'quantitative',
          title: 'Date',
          scale: { domain, nice: false, zero: false },
          axis: { values: monthTicks(domain[0]!, domain[1]!), labelExpr: "utcFormat(datum.value * 86400000, '%Y-%m')" },
        };
  const y: Json = { field: 'person', type: 'nominal', title: 'Person', scale: { domain: ids } };
  const yOffset: Json = { field: 'track', type: 'nominal', scale: { domain: ['exposure', 'hospital'], paddingInner: 0.2 } };

  if (bars.length + points.length + ticks.length === 0) throw msg.plotNoData('swimmerPlot', 'the persons have no dated records');
  // x, y and colour at the top so every layer shares one scale definition.
  const layers: Json[] = [];
  if (bars.length) layers.push({ data: { values: bars }, mark: { type: 'bar', opacity: 0.85 }, encoding: { x2: { field: 'x2' }, yOffset } });
  if (points.length) layers.push({ data: { values: points }, mark: { type: 'point', shape: 'diamond', filled: true, size: 30, opacity: 1 }, encoding: { yOffset } });
  if (ticks.length) layers.push({ data: { values: ticks }, mark: { type: 'tick', thickness: 2 } });
  if (notes.length) {
    layers.push({ data: { values: notes }, mark: { type: 'text', align: 'left', dx: 4, dy: -10, fontSize: 9 }, encoding: { text: { field: 'text' }, color: { value: '#555' } } });
  }

  return topLevel({
    description: `PERSON-LEVEL plot of ${ids.length} person(s): individual records for viewing on the secure platform only; never export it.`,
    ...titleOf(options.title),
    width: options.width ?? 560,
    height: options.height ?? Math.max(80, 44 * ids.length),
    encoding: { x, y, color },
    layer: layers,
  });
}
