/**
 * Login throttling, a pure rule: too many failed logins for one login name, or from one client
 * address, within a window lock further attempts (even with the right password) until the oldest
 * counted failure leaves the window.
 */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_LOGIN = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export interface ThrottleDecision {
  allowed: boolean;
  /** Seconds until an attempt is allowed again (0 when allowed). */
  retryAfter: number;
}

/** `failures` are the epoch seconds of failed attempts (any order); `limit` of them in the window locks. */
export function throttle(failures: readonly number[], limit: number, now: number, window = LOGIN_WINDOW_SECONDS): ThrottleDecision {
  const recent = failures.filter((t) => t > now - window && t <= now).sort((a, b) => b - a);
  if (recent.length < limit) return { allowed: true, retryAfter: 0 };
  // the attempt is allowed again once fewer than `limit` failures remain in the window
  const unlocksAt = recent[limit - 1]! + window;
  return { allowed: false, retryAfter: Math.max(1, Math.ceil(unlocksAt - now)) };
}

/** The stricter of two decisions. */
export function stricter(a: ThrottleDecision, b: ThrottleDecision): ThrottleDecision {
  if (a.allowed && b.allowed) return a;
  return { allowed: false, retryAfter: Math.max(a.allowed ? 0 : a.retryAfter, b.allowed ? 0 : b.retryAfter) };
}
