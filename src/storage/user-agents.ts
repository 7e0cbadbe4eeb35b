/** The plugins (user agents) that sent heartbeats (written by ingest in storage/heartbeats.ts). */
import type { Selectable } from 'kysely';
import type { DB } from './db.js';
import type { UserAgentsTable } from './schema.js';

export type UserAgentRow = Selectable<UserAgentsTable>;

/** A user's user agents, most recently seen first. */
export async function listUserAgents(db: DB, userId: number): Promise<UserAgentRow[]> {
  return db.selectFrom('user_agents').selectAll().where('user_id', '=', userId).orderBy('last_seen_at', 'desc').execute();
}
