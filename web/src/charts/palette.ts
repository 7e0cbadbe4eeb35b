/** Chart colours (distinct in light and dark themes) and the theme's text colours for canvases. */
export const PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#f97316', '#64748b', '#84cc16', '#06b6d4', '#a855f7'];
export const GROUPED_COLOR = '#9ca3af';

export function colorAt(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

/** A CSS variable of the page (the theme follows the system: read at draw time). */
export function cssVar(name: string, fallback: string): string {
  if (typeof window === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
