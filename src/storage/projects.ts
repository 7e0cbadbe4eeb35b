/** The projects heartbeats created (first/last heartbeat times; written by ingest in storage/heartbeats.ts). */
import { sql, type Selectable } from 'kysely';
import type { DB } from './db.js';
import type { ProjectsTable } from './schema.js';

export type ProjectRow = Selectable<ProjectsTable>;

/** A user's projects, most recently active first; `search` keeps names containing it (case-insensitive). */
export async function listProjects(db: DB, userId: number, search?: string): Promise<ProjectRow[]> {
  let query = db.selectFrom('projects').selectAll().where('user_id', '=', userId);
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where(sql<boolean>`lower(name) like ${pattern} escape '\\'`);
  }
  return query.orderBy('last_heartbeat_at', 'desc').execute();
}
