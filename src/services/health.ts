/** Whether this instance can serve: the database answers. */
import { ping, type Storage } from '../storage/db.js';

export type Health = { ok: true; database: string } | { ok: false; error: string };

export class HealthService {
  constructor(private readonly storage: Storage) {}

  async check(): Promise<Health> {
    try {
      await ping(this.storage);
      return { ok: true, database: this.storage.dialect };
    } catch (err) {
      return { ok: false, error: `database unavailable: ${(err as Error).message}` };
    }
  }
}
