/**
 * Administration of the whole instance (the first user, or `metronome user create --admin`):
 * the users with their last activity and heartbeat counts, sign-up turned on or off at run time
 * (stored in `instance_settings`, overriding ALLOW_SIGNUP), disabling a user (their API keys,
 * OAuth tokens and sessions stop working: http/auth.ts; this instance drops their cached key at
 * once, other instances within the key cache's 5 s).
 */
import type { Config } from '../config.js';
import { epochSeconds, type Clock } from '../domain/clock.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../domain/errors.js';
import { activeAdminCount, adminUser, getInstanceSetting, listUsersForAdmin, putInstanceSetting, setUserFlags, type AdminUserRow } from '../storage/admin.js';
import type { Storage } from '../storage/db.js';
import { findUserByHandle, type UserRow } from '../storage/users.js';

const ALLOW_SIGNUP = 'allow_signup';

export interface InstanceSettings {
  allow_signup: boolean;
  /** Where allow_signup comes from: set at run time here, or the ALLOW_SIGNUP variable. */
  allow_signup_source: 'runtime' | 'environment';
}

export class AdminService {
  constructor(
    private readonly storage: Storage,
    private readonly config: Config,
    private readonly clock: Clock,
    /** Drops a user's cached credentials (their account was disabled). */
    private readonly forgetCredentials: (userId: number) => void,
  ) {}

  static require(user: UserRow): void {
    if (user.is_admin !== 1) throw new ForbiddenError('Forbidden: only an administrator of this instance may do this.');
  }

  async settings(): Promise<InstanceSettings> {
    const stored = await getInstanceSetting(this.storage.db, ALLOW_SIGNUP);
    if (stored === 'true' || stored === 'false') return { allow_signup: stored === 'true', allow_signup_source: 'runtime' };
    return { allow_signup: this.config.allowSignup, allow_signup_source: 'environment' };
  }

  /** The settings, for an administrator. */
  async settingsFor(admin: UserRow): Promise<InstanceSettings> {
    AdminService.require(admin);
    return this.settings();
  }

  async signupOpen(): Promise<boolean> {
    return (await this.settings()).allow_signup;
  }

  async updateSettings(admin: UserRow, patch: { allow_signup?: boolean }): Promise<InstanceSettings> {
    AdminService.require(admin);
    if (patch.allow_signup !== undefined) await putInstanceSetting(this.storage.db, ALLOW_SIGNUP, String(patch.allow_signup), epochSeconds(this.clock));
    return this.settings();
  }

  async users(admin: UserRow, page: { offset: number; limit: number; q?: string }): Promise<{ rows: AdminUserRow[]; total: number }> {
    AdminService.require(admin);
    return listUsersForAdmin(this.storage.db, page);
  }

  /** Disables or enables a user, or makes them an administrator or not; never the last active administrator. */
  async updateUser(admin: UserRow, handle: string, patch: { is_disabled?: boolean; is_admin?: boolean }): Promise<AdminUserRow> {
    AdminService.require(admin);
    const target = await findUserByHandle(this.storage.db, handle);
    if (!target) throw new NotFoundError(`User not found: ${handle}`, 'user');
    const flags: { is_admin?: number; disabled_at?: number | null } = {};
    if (patch.is_disabled !== undefined) flags.disabled_at = patch.is_disabled ? (target.disabled_at ?? epochSeconds(this.clock)) : null;
    if (patch.is_admin !== undefined) flags.is_admin = patch.is_admin ? 1 : 0;
    const losesAdmin = target.is_admin === 1 && target.disabled_at === null && (flags.is_admin === 0 || (flags.disabled_at ?? null) !== null);
    if (losesAdmin && (await activeAdminCount(this.storage.db)) <= 1) throw new ConflictError('This is the last active administrator: make another one first.', patch.is_disabled ? 'is_disabled' : 'is_admin');
    if (Object.keys(flags).length > 0) {
      await setUserFlags(this.storage.db, target.id, flags);
      this.forgetCredentials(target.id);
    }
    return (await this.one(target.id))!;
  }

  private one(id: number): Promise<AdminUserRow | undefined> {
    return adminUser(this.storage.db, id);
  }
}
