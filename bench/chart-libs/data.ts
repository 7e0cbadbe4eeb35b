/** A year of days × 20 projects (deterministic), the data set both chart libraries draw. */
export const DAYS = 365;
export const PROJECTS = 20;

export function yearOfProjects(): { labels: string[]; series: { name: string; values: number[] }[] } {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const labels = Array.from({ length: DAYS }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10));
  const series = Array.from({ length: PROJECTS }, (_, p) => ({ name: `project-${p + 1}`, values: labels.map(() => (rand() < 0.6 ? Math.round(rand() * 3600) : 0)) }));
  return { labels, series };
}

/** Resolves after the next two frames: the chart is painted. */
export function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}
