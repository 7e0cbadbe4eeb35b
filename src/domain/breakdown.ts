/**
 * A breakdown for charts: the top N names of a dimension, the rest summed as one "Other" slice,
 * with percentages of the whole. Pure and free of Node APIs: the web app's charts use it too.
 */

export interface Slice {
  name: string;
  total_seconds: number;
  /** Of the whole, 0–100, two decimals. */
  percent: number;
  /** True for the slice that groups everything past the top N. */
  grouped: boolean;
}

/** Name of the grouped slice ("Other" names a language too: the group is named apart). */
export const GROUPED_NAME = 'Other (grouped)';

/**
 * The `top` largest items (ties by name) and, when more are left, one grouped slice with their sum.
 * Non-finite or negative seconds count as 0; `top` is clamped to 1…100.
 */
export function topWithOther(items: readonly { name: string; total_seconds: number }[], top: number): Slice[] {
  const n = Math.max(1, Math.min(100, Math.floor(Number.isFinite(top) ? top : 1)));
  const clean = items.map((i) => ({ name: i.name, s: Number.isFinite(i.total_seconds) && i.total_seconds > 0 ? i.total_seconds : 0 })).filter((i) => i.s > 0);
  clean.sort((a, b) => b.s - a.s || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const whole = clean.reduce((sum, i) => sum + i.s, 0);
  const pct = (s: number) => (whole > 0 ? Math.round((s / whole) * 10000) / 100 : 0);
  const head = clean.slice(0, n).map((i) => ({ name: i.name, total_seconds: i.s, percent: pct(i.s), grouped: false }));
  const rest = clean.slice(n);
  if (rest.length === 0) return head;
  const restSum = rest.reduce((sum, i) => sum + i.s, 0);
  return [...head, { name: GROUPED_NAME, total_seconds: restSum, percent: pct(restSum), grouped: true }];
}
