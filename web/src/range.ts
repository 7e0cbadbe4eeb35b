/**
 * The dashboard's range picker state, kept in the URL (`?range=Last 7 Days` or `?start=…&end=…`) so a
 * view can be linked, reloaded and navigated back to. The named ranges are the summaries API's.
 */
import { useCallback } from 'react';
import { useRouter } from './router.js';

/** The ranges the picker offers (the API's SUMMARY_RANGES, in the order), plus custom. */
export const RANGES = ['Today', 'Yesterday', 'Last 7 Days', 'Last 14 Days', 'Last 30 Days', 'This Week', 'Last Week', 'This Month', 'Last Month'] as const;
export const DEFAULT_RANGE = 'Last 7 Days';

export type RangeChoice = { range: string; start?: undefined; end?: undefined } | { range?: undefined; start: string; end: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseRange(search: string): RangeChoice {
  const q = new URLSearchParams(search);
  const start = q.get('start');
  const end = q.get('end');
  if (start && end && DATE.test(start) && DATE.test(end)) return { start, end };
  const range = q.get('range');
  return { range: range && (RANGES as readonly string[]).includes(range) ? range : DEFAULT_RANGE };
}

/** The summaries query of a choice. */
export function rangeParams(choice: RangeChoice): { range?: string; start?: string; end?: string } {
  return choice.range ? { range: choice.range } : { start: choice.start, end: choice.end };
}

export function rangeSearch(choice: RangeChoice): string {
  const q = new URLSearchParams(choice.range ? { range: choice.range } : { start: choice.start!, end: choice.end! });
  return `?${q.toString()}`;
}

/** The current choice and a setter that rewrites the URL (replacing the entry). */
export function useRangeChoice(): [RangeChoice, (c: RangeChoice) => void] {
  const { location, navigate } = useRouter();
  const choice = parseRange(location.search);
  const set = useCallback((c: RangeChoice) => navigate(`${location.pathname}${rangeSearch(c)}`, { replace: true }), [navigate, location.pathname]);
  return [choice, set];
}
