/**
 * A user's activity over days, for the dashboard: the coding-activity calendar's shades, the
 * current and longest streaks, and the best day. Pure: the days come from the stats query
 * (per local date, total seconds), the dates from `datesBetween` (bounded).
 */
import { bestDay as bestOf } from './summary.js';

/** A run of consecutive days with coding time (0 days: no run; start/end null). */
export interface Streak {
  days: number;
  start: string | null;
  end: string | null;
}

/** Seconds on a day that count as "coded that day" (anything credited). */
const ACTIVE = (seconds: number | undefined) => seconds !== undefined && Number.isFinite(seconds) && seconds > 0;

/**
 * The current streak: consecutive active days ending today, or ending yesterday when today has no
 * time yet (the streak is alive until today ends). `dates` is the range, oldest first, ending today;
 * a streak reaching its first date is at least that long.
 */
export function currentStreak(dates: readonly string[], seconds: (date: string) => number | undefined): Streak {
  let i = dates.length - 1;
  if (i >= 0 && !ACTIVE(seconds(dates[i]!))) i--; // today without time yet
  const end = i;
  while (i >= 0 && ACTIVE(seconds(dates[i]!))) i--;
  const days = end - i;
  return days > 0 ? { days, start: dates[i + 1]!, end: dates[end]! } : { days: 0, start: null, end: null };
}

/** The longest run of consecutive active days in `dates` (the earliest of equally long ones). */
export function longestStreak(dates: readonly string[], seconds: (date: string) => number | undefined): Streak {
  let best: Streak = { days: 0, start: null, end: null };
  let runStart = -1;
  for (let i = 0; i < dates.length; i++) {
    if (ACTIVE(seconds(dates[i]!))) {
      if (runStart < 0) runStart = i;
      const days = i - runStart + 1;
      if (days > best.days) best = { days, start: dates[runStart]!, end: dates[i]! };
    } else runStart = -1;
  }
  return best;
}

/** The day with the most time (the earliest of equal ones), or null without any time: summary.ts's rule. */
export function bestDay(dates: readonly string[], seconds: (date: string) => number | undefined): { date: string; total_seconds: number } | null {
  const best = bestOf(dates, (d) => {
    const s = seconds(d);
    return ACTIVE(s) ? s! : 0;
  });
  return best ? { date: best.date, total_seconds: best.seconds } : null;
}

/**
 * The calendar's shade of a day, 0 (nothing) to 4, like a contribution graph: relative to the
 * range's busiest day, in quarters (any time at all is at least 1).
 */
export function activityLevel(seconds: number, max: number): 0 | 1 | 2 | 3 | 4 {
  if (!ACTIVE(seconds) || !(max > 0)) return 0;
  const q = Math.ceil((Math.min(seconds, max) / max) * 4);
  return Math.min(4, Math.max(1, q)) as 1 | 2 | 3 | 4;
}
