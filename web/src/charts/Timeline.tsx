/** A day's durations as bars along the day, one row per project (from GET durations). */
import type { Durations } from '../../../src/wire/duration.js';
import { humanText } from '../../../src/domain/format.js';
import { colorAt } from './palette.js';

export function Timeline({ durations, timeZone }: { durations: Durations; timeZone: string }) {
  const start = Date.parse(durations.start) / 1000;
  const end = Date.parse(durations.end) / 1000 + 1;
  const span = end - start;
  const byProject = new Map<string, Durations['data']>();
  for (const d of durations.data) {
    const name = d.project ?? 'Unknown Project';
    const list = byProject.get(name) ?? [];
    list.push(d);
    byProject.set(name, list);
  }
  const rows = [...byProject].sort((a, b) => b[1].reduce((s, d) => s + d.duration, 0) - a[1].reduce((s, d) => s + d.duration, 0));
  if (!(span > 0) || rows.length === 0) return <p className="empty">No coding activity on this day yet.</p>;
  const clock = (t: number) => new Date(t * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone });
  return (
    <div className="timeline" data-testid="timeline">
      <div className="timeline-scale" aria-hidden="true">
        {[0, 6, 12, 18, 24].map((h) => (
          <span key={h} style={{ left: `${(h / 24) * 100}%` }}>
            {String(h).padStart(2, '0')}:00
          </span>
        ))}
      </div>
      {rows.map(([name, list], i) => (
        <div className="timeline-row" key={name} data-project={name}>
          <span className="timeline-name" title={name}>
            {name}
          </span>
          <span className="timeline-track">
            {list.map((d) => (
              <span
                key={`${d.time}`}
                className="timeline-bar"
                style={{ left: `${((d.time - start) / span) * 100}%`, width: `max(2px, ${(d.duration / span) * 100}%)`, background: colorAt(i) }}
                title={`${name}: ${clock(d.time)}–${clock(d.time + d.duration)} (${humanText(d.duration)})`}
              />
            ))}
          </span>
          <span className="timeline-total">{humanText(list.reduce((s, d) => s + d.duration, 0))}</span>
        </div>
      ))}
    </div>
  );
}
