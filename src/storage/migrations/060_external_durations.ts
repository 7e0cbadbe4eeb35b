/**
 * External durations (issue 12): spans of activity reported by apps (meetings, calendar events),
 * one row per (user, provider, external_id) — posting the same external_id again updates it.
 * They count in time accounting like heartbeats (domain/duration.ts forEachCredit), so existing
 * rollups stay valid: no user has any yet.
 */
import type { Dialect } from '../db.js';
import { float, withId, type AnyDB } from './helpers.js';

export function externalDurations(dialect: Dialect) {
  return {
    async up(db: AnyDB): Promise<void> {
      await withId(db.schema.createTable('external_durations'), dialect)
        .addColumn('uuid', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('start_time', float, (c) => c.notNull())
        .addColumn('end_time', float, (c) => c.notNull())
        .addColumn('project', 'text')
        .addColumn('branch', 'text')
        .addColumn('language', 'text')
        .addColumn('meta', 'text')
        .addColumn('created_at', float, (c) => c.notNull())
        .addColumn('modified_at', float, (c) => c.notNull())
        .addUniqueConstraint('external_durations_key', ['user_id', 'provider', 'external_id'])
        .execute();
      // reads by time: a day, a rollup window (spans are at most 24 h long, so start bounds them)
      await db.schema.createIndex('external_durations_time').on('external_durations').columns(['user_id', 'start_time']).execute();
    },
    async down(db: AnyDB): Promise<void> {
      await db.schema.dropTable('external_durations').execute();
    },
  };
}
