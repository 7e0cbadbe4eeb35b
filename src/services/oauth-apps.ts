/**
 * The OAuth apps a user registered (create, list, change, rotate the secret, delete) and the apps
 * they authorized (list, revoke). Callers are the owner (routes/oauth-apps.ts declares it).
 */
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { redirectUrisProblem } from '../domain/oauth.js';
import type { Storage } from '../storage/db.js';
import {
  createOauthApp,
  deleteOauthApp,
  findOwnedOauthApp,
  listAuthorizedApps,
  listOauthApps,
  revokeGrant,
  rotateOauthAppSecret,
  updateOauthApp,
  type AuthorizedAppRow,
  type OauthAppRow,
} from '../storage/oauth.js';

function checkRedirectUris(uris: string[]): string[] {
  const trimmed = uris.map((u) => u.trim());
  const problem = redirectUrisProblem(trimmed);
  if (problem) throw new ValidationError('redirect_uris', problem);
  return trimmed;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new ValidationError('name', 'must not be blank');
  return trimmed;
}

export class OAuthAppService {
  constructor(
    private readonly storage: Storage,
    /**
     * Called when a user disconnects an app (revokes its authorization; `userId` null: the app was
     * deleted): what the app created for them goes too (external durations, issue 12).
     */
    private readonly disconnected: (appId: number, userId: number | null) => Promise<void> = async () => {},
    /** The app of a user's authorization, read before it is revoked. */
    private readonly appOfGrant: (userId: number, grantId: string) => Promise<number | null> = async () => null,
  ) {}

  list(userId: number): Promise<OauthAppRow[]> {
    return listOauthApps(this.storage.db, userId);
  }

  /** Registers an app; its client secret (null for public apps) is returned here only. */
  create(userId: number, input: { name: string; redirectUris: string[]; isPublic?: boolean }): Promise<{ app: OauthAppRow; clientSecret: string | null }> {
    return createOauthApp(this.storage.db, { userId, name: checkName(input.name), redirectUris: checkRedirectUris(input.redirectUris), isPublic: input.isPublic ?? false });
  }

  async update(userId: number, id: string, patch: { name?: string; redirectUris?: string[] }): Promise<OauthAppRow> {
    const found = await this.owned(userId, id);
    return updateOauthApp(this.storage.db, found.id, {
      name: patch.name === undefined ? undefined : checkName(patch.name),
      redirectUris: patch.redirectUris === undefined ? undefined : checkRedirectUris(patch.redirectUris),
    });
  }

  /** A new client secret: the old one stops working and the app's tokens and unused codes are revoked. */
  async rotateSecret(userId: number, id: string): Promise<{ app: OauthAppRow; clientSecret: string }> {
    const found = await this.owned(userId, id);
    if (found.is_public) throw new ValidationError('id', 'A public app has no client secret.');
    return rotateOauthAppSecret(this.storage.db, found.id);
  }

  async delete(userId: number, id: string): Promise<void> {
    const found = await this.owned(userId, id);
    await deleteOauthApp(this.storage.db, found.id);
    await this.disconnected(found.id, null);
  }

  listAuthorized(userId: number): Promise<AuthorizedAppRow[]> {
    return listAuthorizedApps(this.storage.db, userId);
  }

  /** Revokes an app's access: the grant and all its tokens. */
  async revokeAuthorization(userId: number, grantId: string): Promise<void> {
    const appId = await this.appOfGrant(userId, grantId);
    if (!(await revokeGrant(this.storage.db, userId, grantId))) throw new NotFoundError('No such authorized app.', 'id');
    if (appId !== null) await this.disconnected(appId, userId);
  }

  private async owned(userId: number, id: string): Promise<OauthAppRow> {
    const found = await findOwnedOauthApp(this.storage.db, userId, id);
    if (!found) throw new NotFoundError('No such OAuth app.', 'id');
    return found;
  }
}
