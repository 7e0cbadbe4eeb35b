/**
 * Background housekeeping: deletes what has outlived every use — expired browser sessions, failed
 * logins older than the throttling window, authorization codes a day past expiry (a later second
 * use of a code still finds it and revokes what it issued until then), and OAuth tokens expired or
 * revoked for 30 days (until then a spent refresh token presented again still ends its chain).
 */
import type { FastifyBaseLogger } from 'fastify';
import { LOGIN_WINDOW_SECONDS } from '../domain/throttle.js';
import type { Storage } from '../storage/db.js';
import { deleteDeadTokens, deleteExpiredCodes } from '../storage/oauth.js';
import { deleteExpiredSessions, pruneLoginFailures } from '../storage/sessions.js';

export const CODE_KEPT_AFTER_EXPIRY_S = 24 * 3600;
export const TOKEN_KEPT_AFTER_END_S = 30 * 24 * 3600;

export class Housekeeping {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** One pass; safe to run on several instances at once (plain deletes by time). */
  async sweep(now = Date.now() / 1000): Promise<void> {
    const db = this.storage.db;
    await deleteExpiredSessions(db, now);
    await pruneLoginFailures(db, now - LOGIN_WINDOW_SECONDS);
    await deleteExpiredCodes(db, now - CODE_KEPT_AFTER_EXPIRY_S);
    await deleteDeadTokens(db, now - TOKEN_KEPT_AFTER_END_S);
  }

  /** Sweeps now and then every `intervalMs` (an hour by default). */
  start(intervalMs = 3600_000): void {
    const tick = async () => {
      this.running = this.sweep().catch((err: unknown) => this.log.error({ err }, 'housekeeping failed'));
      await this.running;
      if (!this.stopped) {
        this.timer = setTimeout(tick, intervalMs);
        this.timer.unref();
      }
    };
    this.timer = setTimeout(tick, 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
