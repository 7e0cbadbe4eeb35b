/** The machines heartbeats came from (X-Machine-Name; written by ingest in storage/heartbeats.ts). */
import type { Selectable } from 'kysely';
import type { DB } from './db.js';
import type { MachinesTable } from './schema.js';

export type MachineRow = Selectable<MachinesTable>;

/** A user's machines, most recently seen first. */
export async function listMachines(db: DB, userId: number): Promise<MachineRow[]> {
  return db.selectFrom('machines').selectAll().where('user_id', '=', userId).orderBy('last_seen_at', 'desc').execute();
}
