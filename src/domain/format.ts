/**
 * WakaTime's ways of writing an amount of time. Pure.
 *   text: "2 hrs 5 mins", "1 hr 1 min", "20 secs", "0 secs"   digital: "2:05"   decimal: "2.08"
 */

export function splitSeconds(total: number): { hours: number; minutes: number; seconds: number } {
  const s = Math.max(0, Math.floor(total));
  return { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60), seconds: s % 60 };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "2 hrs 5 mins"; under a minute "20 secs"; nothing "0 secs". */
export function humanText(total: number): string {
  const { hours, minutes, seconds } = splitSeconds(total);
  return textOf(hours, minutes, seconds);
}

function textOf(hours: number, minutes: number, seconds: number): string {
  if (hours === 0 && minutes === 0) return plural(seconds, 'sec', 'secs');
  if (hours === 0) return plural(minutes, 'min', 'mins');
  if (minutes === 0) return plural(hours, 'hr', 'hrs');
  return `${plural(hours, 'hr', 'hrs')} ${plural(minutes, 'min', 'mins')}`;
}

/** "2:05" (hours:minutes). */
export function digital(total: number): string {
  const { hours, minutes } = splitSeconds(total);
  return digitalOf(hours, minutes);
}

function digitalOf(hours: number, minutes: number): string {
  return `${hours}:${minutes < 10 ? '0' : ''}${minutes}`;
}

/** "2.08": hours with two decimals. */
export function decimal(total: number): string {
  return (Math.floor(Math.max(0, total) / 60) / 60).toFixed(2);
}

/** Percent (0–100) of part in whole, two decimals; 0 when whole is 0. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 10000) / 100 : 0;
}

/** The time fields every summary item carries (a summary of a year of files has tens of thousands). */
export function timeFields(total: number) {
  const { hours, minutes, seconds } = splitSeconds(total);
  return { total_seconds: round2(total), digital: digitalOf(hours, minutes), decimal: decimal(total), text: textOf(hours, minutes, seconds), hours, minutes, seconds };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
