/** The browser session resources (/api/web/session, /api/web/signup, /api/web/login). */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from './common.js';
import { UserResource } from './user.js';

/** The logged-in user as the owner sees it: the user resource of GET /api/v1/users/current (src/wire/user.ts). */
export const SessionUser = UserResource;

export const WebSession = Type.Object({
  user: Nullable(Type.Object(SessionUser.properties, { additionalProperties: false, description: 'null when no browser session is logged in' })),
  csrf_token: Type.String({ description: 'send it back as X-CSRF-Token (or a csrf_token form field) on every change' }),
  signup_open: Type.Boolean(),
  base_url: Type.String(),
  api_url: Type.String(),
});
export type WebSession = Static<typeof WebSession>;

/** After sign-up or login: the user and the new CSRF token (the old one is void). */
export const LoggedIn = Type.Object({ user: SessionUser, csrf_token: Type.String() });
export type LoggedIn = Static<typeof LoggedIn>;

export const WebSessionAnswer = Type.Object({ data: WebSession });
export const LoggedInAnswer = Type.Object({ data: LoggedIn });
export const EmptyAnswer = Type.Object({ data: Type.Object({}) });

export function webSession(input: { user: UserResource | null; csrfToken: string; signupOpen: boolean; baseUrl: string }): WebSession {
  return { user: input.user, csrf_token: input.csrfToken, signup_open: input.signupOpen, base_url: input.baseUrl, api_url: `${input.baseUrl}/api/v1` };
}
