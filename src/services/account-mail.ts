/**
 * E-mail for accounts: "forgot password" (a single-use, expiring link whose token is stored only as
 * a sha256) and the weekly summary a user can turn off (the `mail.weekly_summary` job, Monday from
 * 08:00 in each user's zone, once per week across instances).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { DateTime } from 'luxon';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError, RateLimitedError, ValidationError } from '../domain/errors.js';
import { humanText } from '../domain/format.js';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/password.js';
import { userSettings } from '../domain/user.js';
import type { Storage } from '../storage/db.js';
import * as store from '../storage/mail.js';
import { findUserByEmail, findUserByUsername, type UserRow } from '../storage/users.js';
import { escapeHtml, isMailAddress, type Mailer, type MailMessage } from './mail.js';
import type { StatsService } from './stats.js';

/** A reset link works this long. */
export const RESET_TOKEN_TTL_S = 3600;
/** Reset e-mails per account per hour (more requests are answered alike but send nothing). */
export const MAX_RESETS_PER_HOUR = 3;
/** Local hour (the user's zone) on Mondays from which the weekly summary goes out. */
export const SUMMARY_HOUR = 8;

export class AccountMailService {
  constructor(
    private readonly storage: Storage,
    private readonly mail: Mailer,
    private readonly stats: StatsService,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly baseUrl: string,
    /** Told after this service changed a user's row (caches of it, such as API-key credentials, forget it). */
    private readonly userChanged: (before: UserRow, after: UserRow) => Promise<void> = async () => {},
  ) {}

  private now(): number {
    return epochSeconds(this.clock);
  }

  /**
   * Sends a reset link to the account named by `login` (username or e-mail) if it exists and has
   * an address. The answer is the same whether it does or not (no account discovery); the send
   * happens after the answer, retried in memory (the token never goes to the job queue, which
   * would store it in clear). Resolves with the sending, for tests.
   */
  async requestPasswordReset(login: string): Promise<{ sending: Promise<void> }> {
    if (!this.mail.enabled) throw new ConflictError('E-mail is off on this server (no SMTP_URL): ask an administrator to set your password with `metronome user set-password`.', 'login');
    const name = login.trim();
    const user = name.includes('@') ? await findUserByEmail(this.storage.db, name) : await findUserByUsername(this.storage.db, name);
    if (!user?.email || !isMailAddress(user.email)) return { sending: Promise.resolve() };
    const now = this.now();
    if ((await store.resetsSince(this.storage.db, user.id, now - 3600)) >= MAX_RESETS_PER_HOUR) return { sending: Promise.resolve() };
    const token = randomBytes(32).toString('base64url');
    await store.insertPasswordReset(this.storage.db, { token, userId: user.id, now, expiresAt: now + RESET_TOKEN_TTL_S });
    const link = `${this.baseUrl}/reset-password?token=${token}`;
    const message: MailMessage = {
      to: user.email,
      subject: 'Reset your Metronome password',
      text: `Someone (hopefully you) asked to reset the password of the Metronome account ${user.username}.\n\nSet a new password here (the link works once, for an hour):\n${link}\n\nIf you did not ask for this, ignore this e-mail: your password stays as it is.\n`,
      html: `<p>Someone (hopefully you) asked to reset the password of the Metronome account <b>${escapeHtml(user.username)}</b>.</p><p><a href="${escapeHtml(link)}">Set a new password</a> (the link works once, for an hour).</p><p>If you did not ask for this, ignore this e-mail.</p>`,
    };
    return { sending: this.sendWithRetry(message, [1_000, 5_000, 30_000]) };
  }

  private async sendWithRetry(message: MailMessage, delays: number[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.mail.send(message);
        return;
      } catch (err) {
        if (attempt >= delays.length) {
          this.log.error({ err }, 'a password reset e-mail could not be sent');
          return;
        }
        await new Promise((r) => setTimeout(r, delays[attempt]).unref());
      }
    }
  }

  /**
   * Sets a new password with a reset token: the token is spent (once, unexpired), the account's
   * other tokens and browser sessions end, and the address counts as confirmed (the link reached it).
   */
  async resetPassword(token: string, password: string): Promise<UserRow> {
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) throw new ValidationError('password', `Must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new ValidationError('token', 'This reset link is invalid, used or expired: ask for a new one.');
    const hash = await hashPassword(password);
    const now = this.now();
    const changed = await this.storage.db.transaction().execute(async (tx) => {
      const userId = await store.spendPasswordReset(tx, token, now);
      if (userId === null) return null;
      const before = await tx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      const updated = await tx.updateTable('users').set({ password_hash: hash, is_email_confirmed: 1, modified_at: now }).where('id', '=', userId).returningAll().executeTakeFirst();
      await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await store.deletePasswordResets(tx, userId);
      return updated ? { before, after: updated } : null;
    });
    if (!changed) throw new ValidationError('token', 'This reset link is invalid, used or expired: ask for a new one.');
    await this.userChanged(changed.before, changed.after);
    return changed.after;
  }

  /**
   * Sends a link to confirm the user's address (the same single-use, hour-long tokens as resets:
   * whoever reads that mailbox could reset the password anyway). Changing the address voids them.
   */
  async requestEmailConfirmation(user: UserRow): Promise<{ sending: Promise<void> }> {
    if (!this.mail.enabled) throw new ConflictError('E-mail is off on this server (no SMTP_URL): addresses cannot be confirmed.', 'email');
    if (!user.email || !isMailAddress(user.email)) throw new ValidationError('email', 'Your account has no deliverable e-mail address: set one first.');
    if (user.is_email_confirmed) return { sending: Promise.resolve() };
    const now = this.now();
    if ((await store.resetsSince(this.storage.db, user.id, now - 3600)) >= MAX_RESETS_PER_HOUR) throw new RateLimitedError('Too many e-mails for this account this hour: try again later.', 3600);
    const token = randomBytes(32).toString('base64url');
    await store.insertPasswordReset(this.storage.db, { token, userId: user.id, now, expiresAt: now + RESET_TOKEN_TTL_S });
    const link = `${this.baseUrl}/confirm-email?token=${token}`;
    return {
      sending: this.sendWithRetry(
        {
          to: user.email,
          subject: 'Confirm your e-mail address for Metronome',
          text: `Confirm that ${user.email} belongs to the Metronome account ${user.username} (the link works once, for an hour):\n${link}\n\nIf you did not ask for this, ignore this e-mail.\n`,
          html: `<p>Confirm that ${escapeHtml(user.email)} belongs to the Metronome account <b>${escapeHtml(user.username)}</b>:</p><p><a href="${escapeHtml(link)}">Confirm my address</a> (works once, for an hour).</p>`,
        },
        [1_000, 5_000, 30_000],
      ),
    };
  }

  /** Spends a confirmation (or reset) token: the account's address counts as confirmed. */
  async confirmEmail(token: string): Promise<void> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) throw new ValidationError('token', 'This confirmation link is invalid, used or expired: ask for a new one.');
    const now = this.now();
    const changed = await this.storage.db.transaction().execute(async (tx) => {
      const userId = await store.spendPasswordReset(tx, token, now);
      if (userId === null) return null;
      const before = await tx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
      const after = await tx.updateTable('users').set({ is_email_confirmed: 1, modified_at: now }).where('id', '=', userId).returningAll().executeTakeFirstOrThrow();
      await store.deletePasswordResets(tx, userId);
      return { before, after };
    });
    if (changed) await this.userChanged(changed.before, changed.after);
    if (!changed) throw new ValidationError('token', 'This confirmation link is invalid, used or expired: ask for a new one.');
  }

  async preferences(userId: number): Promise<{ weekly_summary: boolean }> {
    return store.mailPreferences(this.storage.db, userId);
  }

  async setPreferences(userId: number, prefs: { weekly_summary: boolean }): Promise<{ weekly_summary: boolean }> {
    await store.setMailPreferences(this.storage.db, userId, prefs, this.now());
    return store.mailPreferences(this.storage.db, userId);
  }

  /** One round of weekly summaries (the mail.weekly_summary job). */
  async weeklySummaryRound(): Promise<{ sent: number }> {
    const db = this.storage.db;
    const now = this.now();
    // spent and expired reset tokens go (kept a day for the record)
    await store.deleteExpiredPasswordResets(db, now - 86400);
    if (!this.mail.enabled) return { sent: 0 };
    let sent = 0;
    let after = 0;
    // pages of 500 users by id: the loop ends with the table
    for (let page = 0; page < 100_000; page++) {
      const users = await store.activeUsersWithEmail(db, now - 8 * 86400, after, 500);
      if (users.length === 0) break;
      after = users[users.length - 1]!.id;
      for (const user of users) {
        const zone = userSettings(user).zone;
        const local = DateTime.fromSeconds(now, { zone });
        if (local.weekday !== 1 || local.hour < SUMMARY_HOUR || !user.email || !isMailAddress(user.email)) continue;
        const first = local.minus({ weeks: 1 }).startOf('week').toISODate()!;
        const key = `week:${first}`;
        const claim = await store.claimWeeklySummary(db, user.id, key, now);
        if (!claim.claimed) continue;
        try {
          const message = await this.weeklySummary(user, first);
          if (message) {
            await this.mail.send(message);
            sent++;
          }
        } catch (err) {
          this.log.error({ err, user: user.uuid }, 'weekly summary e-mail failed; retried next round');
          await store.releaseWeeklySummary(db, user.id, key, claim.previous);
        }
      }
      if (users.length < 500) break;
    }
    return { sent };
  }

  /** The summary of the week starting `first` (a Monday) for a user; null without activity. */
  async weeklySummary(user: UserRow, first: string): Promise<MailMessage | null> {
    const settings = userSettings(user);
    const last = DateTime.fromISO(first, { zone: 'UTC' }).plus({ days: 6 }).toISODate()!;
    const answer = await this.stats.answer(
      {
        subjects: [user.id],
        range: { first, last },
        zone: settings.zone,
        settings: { timeoutSeconds: settings.timeoutSeconds, writesOnly: settings.writesOnly },
        filters: {},
        dimensions: ['languages', 'projects'],
        granularity: 'range',
        viewer: { kind: 'owner', scopes: 'all' },
        family: 'stats',
      },
      [user],
    );
    const total = answer.sum.total;
    if (!(total > 0)) return null;
    const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, s]) => `${name}: ${humanText(s)}`);
    const languages = top(answer.sum.dims.languages);
    const projects = top(answer.sum.dims.projects);
    const days = answer.dayTotals.size;
    const link = `${this.baseUrl}/`;
    const text = [
      `Your coding week ${first} – ${last}: ${humanText(total)} on ${days} day${days === 1 ? '' : 's'} (${humanText(total / 7)} a day on average).`,
      '',
      'Languages:',
      ...languages.map((l) => `  ${l}`),
      '',
      'Projects:',
      ...projects.map((p) => `  ${p}`),
      '',
      `${link}`,
      'Turn these e-mails off in Settings → E-mail.',
      '',
    ].join('\n');
    const list = (items: string[]) => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    const html = `<p>Your coding week ${first} – ${last}: <b>${escapeHtml(humanText(total))}</b> on ${days} day${days === 1 ? '' : 's'}.</p><h3>Languages</h3>${list(languages)}<h3>Projects</h3>${list(projects)}<p><a href="${escapeHtml(link)}">Metronome</a> — turn these e-mails off in Settings → E-mail.</p>`;
    return { to: user.email!, subject: `Your week: ${humanText(total)} of coding`, text, html };
  }
}
