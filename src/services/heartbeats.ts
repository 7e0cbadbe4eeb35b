/** Reading heartbeats back (the writing side is services/ingest.ts). */
import { dayRange } from '../domain/calendar.js';
import type { Storage } from '../storage/db.js';
import { listHeartbeatsWithRefs, type HeartbeatWithRefs } from '../storage/heartbeats.js';

export interface HeartbeatDayRows {
  rows: HeartbeatWithRefs[];
  /** The local day as UNIX seconds [start, end). */
  start: number;
  end: number;
}

export class HeartbeatReader {
  constructor(private readonly storage: Storage) {}

  /** A user's heartbeats of one local day in `zone`, in time order, with their machine and user agent ids. */
  async day(userId: number, date: string, zone: string): Promise<HeartbeatDayRows> {
    const { start, end } = dayRange(date, zone);
    const rows = await listHeartbeatsWithRefs(this.storage.db, userId, start, end);
    return { rows, start, end };
  }
}
