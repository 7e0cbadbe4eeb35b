/** DDL helpers shared by migrations: the few places where SQLite and PostgreSQL differ. */
import { sql, type Kysely, type CreateTableBuilder } from 'kysely';
import type { Dialect } from '../db.js';

/** Adds an auto-increment integer primary key named `id`. */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, 'id'> {
  return dialect === 'postgres'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Floating point column type: epoch seconds and durations. */
export const float = sql`double precision`;

/** Ends a CREATE TABLE so that SQLite clusters rows by the primary key. */
export function clustered<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  dialect: Dialect,
): CreateTableBuilder<T, C> {
  return dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDB = Kysely<any>;
