/**
 * The one way pages talk to the server: same-origin JSON with the session cookie, and the CSRF token
 * (from GET /api/web/session, refreshed after login and sign-up) on every state-changing request.
 * Answers follow the API's envelopes: `{data}` on success, `{error}` and/or `{errors: {field: [..]}}`.
 */
import { useCallback, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { getJson, notifyUnauthorized, queryClient, errorMessage } from './data.js';

export { setUnauthorizedHandler } from './data.js';
// types only (erased at build): the server's wire resources, so the app and the API cannot drift
import type { OwnUserResource, UserResource } from '../../src/wire/user.js';
import type { WebSession } from '../../src/wire/session.js';
import type { ApiKey } from '../../src/wire/api-key.js';
import type { AuthorizedApp, OAuthApp } from '../../src/wire/oauth.js';

export type FieldErrors = Record<string, string[]>;

export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data?: T;
  error?: string;
  errors?: FieldErrors;
  /** Seconds from a Retry-After header (throttled logins). */
  retryAfter?: number;
}

/** Where a user lives (the wire type of the server: src/wire/user.ts). */
export type City = NonNullable<UserResource['city']>;

/** GET /api/v1/users/current, as its owner sees it (the wire type of the server: src/wire/user.ts). */
export type User = OwnUserResource;

/** GET /api/web/session (src/wire/session.ts), with the user typed as its owner sees it. */
export type Session = Omit<WebSession, 'user'> & { user: User | null };

export type { ApiKey, AuthorizedApp, OAuthApp };

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when an authenticated request answers 401: the session ended (expired or logged out elsewhere). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function api<T>(method: string, path: string, body?: unknown, options: { quiet401?: boolean } = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (!SAFE_METHODS.has(method)) headers['x-csrf-token'] = csrfToken;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, error: 'Could not reach the server. Check your connection and try again.' };
  }
  let json: { data?: T; error?: unknown; errors?: unknown } | null = null;
  const text = await res.text();
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (res.ok) return { ok: true, status: res.status, data: json?.data };
  if (res.status === 401 && !options.quiet401) notifyUnauthorized();
  const errors = json && typeof json.errors === 'object' && json.errors !== null ? (json.errors as FieldErrors) : undefined;
  const error = typeof json?.error === 'string' ? json.error : errors ? undefined : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
  const retry = Number(res.headers.get('retry-after'));
  return { ok: false, status: res.status, error, errors, retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined };
}

/** PUT a file as the raw request body (an import's upload), with the CSRF token. */
export async function apiUpload<T>(path: string, file: Blob): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, { method: 'PUT', headers: { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', 'x-csrf-token': csrfToken }, body: file, credentials: 'same-origin' });
  } catch {
    return { ok: false, status: 0, error: 'Could not reach the server. Check your connection and try again.' };
  }
  const json = (await res.json().catch(() => null)) as { data?: T; error?: string; errors?: FieldErrors } | null;
  if (res.ok) return { ok: true, status: res.status, data: json?.data };
  if (res.status === 401) notifyUnauthorized();
  return { ok: false, status: res.status, error: json?.error ?? `The server answered ${res.status}.`, errors: json?.errors };
}

/** Messages for a field: `errors.<field>` and nested ones such as `errors["redirect_uris.0"]`. */
export function fieldErrors(errors: FieldErrors | undefined, field: string): string[] {
  if (!errors) return [];
  return Object.entries(errors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, messages]) => (Array.isArray(messages) ? messages : [String(messages)]));
}

/**
 * The form-level message: `error`, unless every message in it is already shown next to a field
 * (the API repeats a field error as `error: "<field>: <message>"`).
 */
export function formError(result: Pick<ApiResult<unknown>, 'error' | 'errors'> | null, shownFields: string[]): string | undefined {
  if (!result) return undefined;
  const { error, errors } = result;
  if (!errors) return error;
  const unshown = Object.keys(errors).filter((key) => !shownFields.some((f) => key === f || key.startsWith(`${f}.`)));
  if (unshown.length === 0) return undefined;
  return error ?? unshown.map((key) => `${key}: ${errors[key].join(' ')}`).join(' ');
}

/**
 * A list the page loads from `path` (a TanStack Query keyed by the path, shared with every other
 * page that asks): the items (null while loading), the message to show when loading (or a change
 * to the list) failed, and `reload`. `setItems` edits the cached list after a change the server
 * confirmed.
 */
export function useList<T>(path: string, failure: string) {
  const query = useQuery({ queryKey: [path], queryFn: ({ signal }) => getJson<{ data: T[] }>(path, { signal }).then((body) => body.data) });
  const [changeError, setError] = useState<string | null>(null);
  const setItems = useCallback(
    (update: T[] | null | ((items: T[] | null) => T[] | null)) => {
      queryClient.setQueryData<T[] | null>([path], (old) => (typeof update === 'function' ? (update as (items: T[] | null) => T[] | null)(old ?? null) : update));
    },
    [path],
  );
  const { refetch } = query;
  const reload = useCallback(async () => {
    setError(null);
    await refetch();
  }, [refetch]);
  const error = changeError ?? (query.error && !query.data ? errorMessage(query.error, failure) : null);
  return { items: query.data ?? null, setItems, error, setError, reload };
}

/**
 * A page's buttons that each make one API call: `act` clears the last outcome, calls, shows `done`
 * as the notice or the API's error, then refreshes what the call changed (`refresh`, unless the call
 * names its own) and gives back the API's answer. `notice` and `error` are for the page's Alerts.
 */
export function useApiAction(refresh: () => Promise<unknown>) {
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const act = async (method: string, path: string, body: unknown, done: string, after: () => Promise<unknown> = refresh) => {
    setNotice(null);
    setError(null);
    const res = await api(method, path, body);
    if (res.ok) setNotice(done);
    else setError(res.error ?? 'That did not work.');
    await after();
    return res;
  };
  return { notice, setNotice, error, setError, act };
}
