// SQL that differs between engines lives here, behind one interface, so the plans stay portable.
// Everything else is plain SQL: window functions, CASE, COALESCE, standard joins.

export interface CsvReadOptions {
  delimiter: string;
}

export interface SqlDialect {
  readonly name: 'duckdb' | 'postgres';
  /** A table expression reading a CSV file with every column as text. */
  readCsv(path: string, options: CsvReadOptions): string;
  /** A table expression reading a Parquet file, with its 0-based row number as `file_row_number`. */
  readParquet(path: string): string;
  /** A DATE from text in any of the formats seen in SNDS and OMOP extracts, NULL when unparseable. */
  parseDate(expr: string): string;
  /** A DOUBLE from text, NULL when unparseable (',' accepted as decimal separator). */
  parseNumber(expr: string): string;
  /** A BIGINT from text written as an integer or as a float with a zero fraction ('26318.0'), NULL otherwise. */
  parseInteger(expr: string): string;
  /**
   * A 64-bit hash of several text expressions, NULL when any is NULL: a narrow key for joining and grouping on
   * wide composite keys (the 9 DCIR join keys) without carrying them. Absent → callers join on the columns.
   */
  keyHash?(exprs: string[]): string;
  /**
   * The high 32 bits of a `keyHash` value, present exactly when `keyHash` is: a bucket to sort or group on when a
   * bucket shared by two keys only costs a false candidate (4-byte keys sort twice as fast as 8-byte ones).
   */
  hashBucket?(hash: string): string;
  /**
   * A 64-bit hash of a whole row of typed values, never NULL, equal for equal rows (NULLs equal): a narrow key to
   * find candidate duplicate rows, confirmed column by column. Absent → callers compare the columns.
   */
  rowHash?(exprs: string[]): string;
  /** Statement attaching an existing database file read-only under `alias` (DuckDB files); absent when the engine cannot. */
  attachReadOnly?(path: string, alias: string): string;
  /** Statement detaching what `attachReadOnly` attached; present exactly when `attachReadOnly` is. */
  detach?(alias: string): string;
  /**
   * 1-based storage order of the rows of the table read in FROM (DuckDB: rowid + 1, the insertion order of a
   * table never updated); absent when the engine has no stable one (PostgreSQL's ctid moves on update/VACUUM FULL).
   */
  storageRowNumber?: string;
  /**
   * The first row of each group of `from` in the order of the `order` columns (ascending, NULLs last), as the group
   * column and the order columns, by one aggregation instead of ranking every row. Absent → callers rank the rows.
   */
  firstOfGroup?(from: string, group: string, order: string[]): string;
  /** The row of a table alias as JSON text. */
  rowToJson(alias: string): string;
  /** The columns of one row, given as (name, expression) pairs in order, as JSON text: what `rowToJson` gives for a row of them. */
  columnsToJson(columns: Array<[name: string, expr: string]>): string;
  /** Whole days from date a to date b (b - a). */
  daysBetween(a: string, b: string): string;
  /** date + n days. */
  addDays(date: string, days: string): string;
  /** Quote an identifier. */
  ident(name: string): string;
  /** Quote a string literal. */
  literal(value: string): string;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Date formats of real extracts: dd/mm/yyyy, ddmmyyyy, ISO, yyyymmdd, and SAS datetimes (11Jun1990:15:47:24). */
export const acceptedDateFormats = ['%d/%m/%Y', '%Y-%m-%d', '%d%b%Y:%H:%M:%S', '%d%b%Y', '%Y-%m-%d %H:%M:%S', '%d/%m/%Y %H:%M:%S'];

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',
  readCsv: (path, { delimiter }) =>
    `read_csv(${quoteLiteral(path)}, delim=${quoteLiteral(delimiter)}, header=true, all_varchar=true, quote='"', escape='"', null_padding=false, strict_mode=false)`,
  readParquet: (path) => `read_parquet(${quoteLiteral(path)}, file_row_number=true)`,
  // Fast paths first, several times cheaper than a list of formats: an ISO text is cast, and the cast kept only when
  // the date prints back as the same text (DuckDB's cast accepts '2015-01-1+'); a dd/mm/yyyy text is read with its
  // one format, the list's first (strptime, unlike string concatenation, keeps Parquet dictionaries); a SAS datetime
  // (11JUN1990:15:47:24, 18 characters) likewise with its own, the only one of the list that can read that shape.
  // Anything else goes to the general formats below.
  // 8-digit strings are ambiguous (ddmmyyyy vs yyyymmdd): a leading 19xx/20xx with a valid month reads as yyyymmdd.
  parseDate: (expr) => {
    const t = `trim(${expr})`;
    const iso = `TRY_CAST(${t} AS DATE)`;
    const dmy = `try_strptime(${t}, '%d/%m/%Y')::DATE`;
    const sas = `try_strptime(${t}, '%d%b%Y:%H:%M:%S')::DATE`;
    return (
      `CASE WHEN ${t} LIKE '____-__-__' AND CAST(${iso} AS VARCHAR) = ${t} THEN ${iso} ` +
      `WHEN ${t} LIKE '__/__/____' AND ${dmy} IS NOT NULL THEN ${dmy} ` +
      `WHEN ${t} LIKE '_________:__:__:__' AND ${sas} IS NOT NULL THEN ${sas} ` +
      `WHEN regexp_full_match(${t}, '[0-9]{8}') THEN COALESCE(` +
      `CASE WHEN regexp_full_match(${t}, '(19|20)[0-9]{2}(0[1-9]|1[0-2])[0-9]{2}') THEN try_strptime(${t}, '%Y%m%d')::DATE END, ` +
      `try_strptime(${t}, '%d%m%Y')::DATE) ` +
      `ELSE try_strptime(${t}, [${acceptedDateFormats.map(quoteLiteral).join(', ')}])::DATE END`
    );
  },
  parseNumber: (expr) => `TRY_CAST(replace(trim(${expr}), ',', '.') AS DOUBLE)`,
  // Fast path: text that is already a canonical integer (what an integer column cast to text gives).
  parseInteger: (expr) =>
    `CASE WHEN CAST(TRY_CAST(${expr} AS BIGINT) AS VARCHAR) = ${expr} THEN TRY_CAST(${expr} AS BIGINT) ` +
    `WHEN regexp_full_match(trim(${expr}), '[+-]?[0-9]+(\\.0*)?') THEN TRY_CAST(regexp_replace(trim(${expr}), '\\.0*$', '') AS BIGINT) END`,
  attachReadOnly: (path, alias) => `ATTACH ${quoteLiteral(path)} AS ${quoteIdent(alias)} (READ_ONLY)`,
  detach: (alias) => `DETACH ${quoteIdent(alias)}`,
  storageRowNumber: 'rowid + 1',
  // The minimum of a struct compares its fields in order, a NULL field last.
  firstOfGroup: (from, group, order) =>
    `SELECT ${group}, ${order.map((c, i) => `m.f${i} AS ${c}`).join(', ')} FROM ` +
    `(SELECT ${group}, min(struct_pack(${order.map((c, i) => `f${i} := ${c}`).join(', ')})) AS m FROM ${from} GROUP BY ${group}) AS x`,
  rowHash: (exprs) => `hash(${exprs.join(', ')})`,
  hashBucket: (hash) => `CAST((${hash}) >> 32 AS UINTEGER)`,
  keyHash: (exprs) => `CASE WHEN ${exprs.map((e) => `(${e}) IS NULL`).join(' OR ')} THEN NULL ELSE hash(${exprs.join(', ')}) END`,
  rowToJson: (alias) => `CAST(to_json(${alias}) AS VARCHAR)`,
  // A struct built in place: a row subquery per row is decorrelated into a grouping on every column (2.5× slower).
  columnsToJson: (columns) => `CAST(to_json(struct_pack(${columns.map(([n, e]) => `${quoteIdent(n)} := ${e}`).join(', ')})) AS VARCHAR)`,
  daysBetween: (a, b) => `CAST((${b}) - (${a}) AS INTEGER)`,
  addDays: (date, days) => `CAST((${date}) + CAST(${days} AS INTEGER) AS DATE)`,
  ident: quoteIdent,
  literal: quoteLiteral,
};
