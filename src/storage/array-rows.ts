import { CompiledQuery } from "kysely";

/**
 * A query whose SQL starts with this comment answers rows as arrays of column values, in select
 * order, on SQLite. better-sqlite3 builds one object per row with a property per column, which for
 * wide rows costs more than reading them (500 leads: ~1.1 ms as arrays, ~2.5 ms as objects).
 * PostgreSQL ignores the comment and answers objects, so a reader of such a query takes both.
 */
export const ROWS_AS_ARRAYS = "/* rows as arrays */ ";

/** The compiled query, marked to answer arrays where the dialect can. */
export const asArrayRows = <R>(q: CompiledQuery<R>): CompiledQuery<unknown> =>
  CompiledQuery.raw(ROWS_AS_ARRAYS + q.sql, [...q.parameters]);
