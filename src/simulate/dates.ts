// Days as integers (days since 1970-01-01, UTC) and the date formats of the two layouts. Formatting
// is cached per day: the writers format tens of millions of dates at benchmark sizes.

const MS_PER_DAY = 86_400_000;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** Day number of a calendar date (month 1-12). */
export function dayOf(year: number, month: number, day: number): number {
  return Math.round(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export interface CalendarDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

export function calendarOf(day: number): CalendarDate {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

// Cache window: 1880-01-01 to 2150-12-31 covers every date the simulator writes.
const CACHE_FIRST_YEAR = 1880;
const CACHE_LAST_YEAR = 2150;
const CACHE_START = dayOf(CACHE_FIRST_YEAR, 1, 1);
const CACHE_END = dayOf(CACHE_LAST_YEAR, 12, 31);
let years: Int16Array | null = null;

/** Calendar year of a day. */
export function yearOf(day: number): number {
  const i = day - CACHE_START;
  if (i < 0 || day > CACHE_END) return new Date(day * MS_PER_DAY).getUTCFullYear();
  if (years === null) {
    years = new Int16Array(CACHE_END - CACHE_START + 1);
    let d = 0;
    for (let y = CACHE_FIRST_YEAR; y <= CACHE_LAST_YEAR; y++) {
      const next = dayOf(y + 1, 1, 1) - CACHE_START;
      for (; d < next && d < years.length; d++) years[d] = y;
    }
  }
  return years[i]!;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

type Format = (c: CalendarDate) => string;
const formats = {
  /** ISO, as OMOP CSVs write dates. */
  iso: (c: CalendarDate) => `${c.year}-${pad2(c.month)}-${pad2(c.day)}`,
  /** dd/mm/yyyy, as DCIR extracts write dates. */
  dmy: (c: CalendarDate) => `${pad2(c.day)}/${pad2(c.month)}/${c.year}`,
  /** ddmmyyyy, as PMSI ENT_DAT / SOR_DAT. */
  dmyCompact: (c: CalendarDate) => `${pad2(c.day)}${pad2(c.month)}${c.year}`,
  /** SAS datetime (06DEC1959:00:00:00), as referential tables exported from SAS write dates. */
  sas: (c: CalendarDate) => `${pad2(c.day)}${MONTHS[c.month - 1]}${c.year}:00:00:00`,
  /** yyyymm, as the *_AME / *_AMD year-month columns. */
  ym: (c: CalendarDate) => `${c.year}${pad2(c.month)}`,
} satisfies Record<string, Format>;

export type DateFormat = keyof typeof formats;

const caches: Partial<Record<DateFormat, Array<string | undefined>>> = {};

/** A day in one of the layouts' formats. */
export function formatDay(day: number, format: DateFormat): string {
  if (day < CACHE_START || day > CACHE_END) return formats[format](calendarOf(day));
  const cache = (caches[format] ??= new Array<string | undefined>(CACHE_END - CACHE_START + 1).fill(undefined));
  const i = day - CACHE_START;
  let s = cache[i];
  if (s === undefined) {
    s = formats[format](calendarOf(day));
    cache[i] = s;
  }
  return s;
}
