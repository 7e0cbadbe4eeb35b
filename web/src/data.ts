/**
 * The client-side data layer: TanStack Query over the API. Every read is a query keyed by its
 * path (and parameters), so pages share answers and a change invalidates what it touched:
 * `invalidate('/api/v1/users/current/api_keys')`. The typed hooks, one per resource or chart,
 * live in queries.ts; pages never fetch by hand.
 */
import { QueryClient } from '@tanstack/react-query';

let onUnauthorized: (() => void) | null = null;

/** Called when an authenticated request answers 401: the session ended (expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** Tells the shell that the session ended. */
export function notifyUnauthorized(): void {
  onUnauthorized?.();
}

/** A failed request: the status and the API's message (`error`, or the field errors). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

/** `path?a=1&b=2`, leaving out null/undefined/'' values; keys sorted so equal questions share a key. */
export function withParams(path: string, params: QueryParams = {}): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (value === null || value === undefined || value === '') continue;
    search.set(key, String(value));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * GET a JSON answer (the whole body: `{data, …}`), throwing ApiError for anything but 2xx.
 * `quiet401` leaves a 401 to the caller (public pages) instead of ending the session;
 * `anonymous` asks without the session cookie (what anyone sees: the public profile).
 */
export async function getJson<T>(url: string, options: { signal?: AbortSignal; quiet401?: boolean; anonymous?: boolean } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, credentials: options.anonymous ? 'omit' : 'same-origin', signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (res.ok) return json as T;
  if (res.status === 401 && !options.quiet401) notifyUnauthorized();
  const body = (json ?? {}) as { error?: unknown; errors?: unknown };
  const errors = typeof body.errors === 'object' && body.errors !== null ? (body.errors as Record<string, string[]>) : undefined;
  const message =
    typeof body.error === 'string'
      ? body.error
      : errors
        ? Object.entries(errors)
            .map(([k, v]) => `${k}: ${([] as string[]).concat(v).join(' ')}`)
            .join(' ')
        : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
  throw new ApiError(res.status, message, errors);
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // client mistakes and refusals do not get better by asking again
      retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status > 0 && error.status < 500),
    },
  },
});

/** Marks every query whose key starts with `path` stale (and refetches the ones on screen). */
export function invalidate(path: string): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: [path] });
}

/** The message to show for a failed query. */
export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof ApiError) return error.message || fallback;
  return fallback;
}
