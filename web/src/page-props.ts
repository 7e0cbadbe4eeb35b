/** What the shell (App.tsx) hands every page: the session, the signed-in user and the means to change them. */
import type { Session, User } from './api.js';

/** Props of every page. `params` are the route's `:name` parts, decoded (routes.tsx). */
export interface PageProps {
  session: Session;
  /** null on pages that do not need a signed-in user (routes with access 'guest', 'any' or 'public'). */
  user: User | null;
  setUser(user: User): void;
  /** After a login or sign-up: the new user and CSRF token. */
  onSignedIn(user: User, csrfToken: string): void;
  /** The API key created in this visit (shown once): the config snippet uses it. */
  newApiKey: { id: string; key: string } | null;
  setNewApiKey(key: { id: string; key: string } | null): void;
  params: Record<string, string>;
}

/** Props of a page for signed-in users only (access 'user'): the user is there. */
export interface AppState extends PageProps {
  user: User;
}
