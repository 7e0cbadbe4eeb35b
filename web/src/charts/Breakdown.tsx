/** A breakdown (languages, editors …) as labelled bars with time and percentage; past the top N one grouped row. */
import type { SummaryItem } from '../../../src/wire/summary.js';
import { topWithOther } from '../../../src/domain/breakdown.js';
import { humanText } from '../../../src/domain/format.js';
import { colorAt, GROUPED_COLOR } from './palette.js';

/** Sums a dimension's items over days (summaries answer per day). */
export function sumItems(lists: readonly (readonly SummaryItem[] | null | undefined)[]): { name: string; total_seconds: number }[] {
  const m = new Map<string, number>();
  for (const list of lists) for (const it of list ?? []) m.set(it.name, (m.get(it.name) ?? 0) + it.total_seconds);
  return [...m].map(([name, total_seconds]) => ({ name, total_seconds }));
}

/** A file path's last two parts ("…/src/app.ts"): the part that tells files apart. */
export function pathTail(name: string): string {
  const parts = name.split(/[/\\]/).filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : name;
}

export function Breakdown({ title, items, top = 6, testId, onSelect, label = (n: string) => n }: { title: string; items: { name: string; total_seconds: number }[] | null; top?: number; testId?: string; onSelect?: (name: string) => void; label?: (name: string) => string }) {
  const slices = items ? topWithOther(items, top) : null;
  return (
    <section className="card breakdown" data-testid={testId}>
      <h2 className="small-heading">{title}</h2>
      {slices === null ? (
        <p className="empty">Not shown.</p>
      ) : slices.length === 0 ? (
        <p className="empty">No time in this range.</p>
      ) : (
        <ul className="plain bars">
          {slices.map((s, i) => (
            <li key={s.name} className="bar-row" data-name={s.name} data-seconds={s.total_seconds}>
              <span className="bar-name" title={s.name}>
                {onSelect && !s.grouped ? (
                  <button type="button" className="link-button" onClick={() => onSelect(s.name)}>
                    {s.name}
                  </button>
                ) : (
                  label(s.name)
                )}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className="bar-fill" style={{ width: `${Math.max(1, s.percent)}%`, background: s.grouped ? GROUPED_COLOR : colorAt(i) }} />
              </span>
              <span className="bar-value">
                {humanText(s.total_seconds)} <span className="bar-percent">{s.percent.toFixed(1)}%</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
