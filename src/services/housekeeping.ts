/**
 * Background housekeeping: deletes what has outlived every use — expired browser sessions, failed
 * logins older than the throttling window, authorization codes a day past expiry (a later second
 * use of a code still finds it and revokes what it issued until then), and OAuth tokens expired or
 * revoked for 30 days (until then a spent refresh token presented again still ends its chain).
 */
import { epochSeconds, systemClock, type Clock } from '../domain/clock.js';
import { LOGIN_WINDOW_SECONDS } from '../domain/throttle.js';
import type { Storage } from '../storage/db.js';
import { deleteDeadTokens, deleteExpiredCodes } from '../storage/oauth.js';
import { deleteExpiredSessions, pruneLoginFailures } from '../storage/sessions.js';

export const CODE_KEPT_AFTER_EXPIRY_S = 24 * 3600;
export const TOKEN_KEPT_AFTER_END_S = 30 * 24 * 3600;
/** How often housekeeping runs. */
export const HOUSEKEEPING_EVERY_S = 3600;

export class Housekeeping {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * One pass; safe to run on several instances at once (plain deletes by time). It runs as the
   * periodic job `housekeeping.sweep` (hourly, once across instances: see services/index.ts).
   */
  async sweep(now = epochSeconds(this.clock)): Promise<void> {
    const db = this.storage.db;
    await deleteExpiredSessions(db, now);
    await pruneLoginFailures(db, now - LOGIN_WINDOW_SECONDS);
    await deleteExpiredCodes(db, now - CODE_KEPT_AFTER_EXPIRY_S);
    await deleteDeadTokens(db, now - TOKEN_KEPT_AFTER_END_S);
  }
}
