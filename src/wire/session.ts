/** The browser session resources (/api/web/session, /api/web/signup, /api/web/login). */
import { Type, type Static } from '@sinclair/typebox';

/**
 * The logged-in user as the owner sees it (domain/user.ts userResource with the private email).
 * Listed open (every field passes) until the user resource has its own schema in src/wire/user.ts.
 */
export const SessionUser = Type.Object({}, { additionalProperties: true, description: 'the user resource of GET /api/v1/users/current' });

export const WebSession = Type.Object({
  user: Type.Union([SessionUser, Type.Null()], { description: 'null when no browser session is logged in' }),
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

export function webSession(input: { user: Record<string, unknown> | null; csrfToken: string; signupOpen: boolean; baseUrl: string }): WebSession {
  return { user: input.user, csrf_token: input.csrfToken, signup_open: input.signupOpen, base_url: input.baseUrl, api_url: `${input.baseUrl}/api/v1` };
}
