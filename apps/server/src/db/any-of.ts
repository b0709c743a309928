import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * `column = any($1)`: one array parameter, so the statement text is the
 * same for any number of values (drizzle's `inArray` writes a placeholder
 * per value) and PostgreSQL can reuse its plan.
 */
export function anyOf(
  column: AnyPgColumn,
  values: readonly (string | number)[],
  type: 'text' | 'bigint',
): SQL {
  return sql`${column} = any(${sql.param(values)}::${sql.raw(type)}[])`;
}
