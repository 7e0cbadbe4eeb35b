/** The coding-activity calendar: one cell a day (weeks as columns, Monday on top), shaded 0–4 by the API's level. */
import { useEffect, useRef } from 'react';
import type { Activity } from '../../../src/wire/activity.js';

const CELL = 11;
const GAP = 2;

export function Calendar({ activity }: { activity: Activity['data'] }) {
  const wrap = useRef<HTMLDivElement>(null);
  // narrow screens scroll the calendar: start at the most recent weeks
  useEffect(() => {
    if (wrap.current) wrap.current.scrollLeft = wrap.current.scrollWidth;
  }, [activity]);
  const days = activity.days;
  if (days.length === 0) return null;
  // Monday-based weekday of the first date: the first column starts there
  const first = new Date(`${days[0]!.date}T00:00:00Z`);
  const offset = (first.getUTCDay() + 6) % 7;
  const weeks = Math.ceil((offset + days.length) / 7);
  const width = weeks * (CELL + GAP) + 24;
  const height = 7 * (CELL + GAP) + 16;
  const months: { x: number; label: string }[] = [];
  days.forEach((d, i) => {
    if (d.date.endsWith('-01')) months.push({ x: 24 + Math.floor((offset + i) / 7) * (CELL + GAP), label: new Date(`${d.date}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' }) });
  });
  return (
    <div className="calendar-wrap" ref={wrap}>
      <svg className="calendar" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Coding activity from ${activity.start} to ${activity.end}: ${activity.human_readable_total} on ${activity.days_active} days`} data-testid="calendar">
        {months.map((m) => (
          <text key={`${m.x}-${m.label}`} x={m.x} y={9} className="calendar-label">
            {m.label}
          </text>
        ))}
        {['Mon', 'Wed', 'Fri'].map((w, i) => (
          <text key={w} x={0} y={16 + (i * 2) * (CELL + GAP) + CELL - 2} className="calendar-label">
            {w}
          </text>
        ))}
        {days.map((d, i) => {
          const col = Math.floor((offset + i) / 7);
          const row = (offset + i) % 7;
          return (
            <rect key={d.date} x={24 + col * (CELL + GAP)} y={16 + row * (CELL + GAP)} width={CELL} height={CELL} rx={2} className={`lvl lvl-${d.level}`} data-date={d.date} data-seconds={d.total_seconds}>
              <title>{`${d.date}: ${d.text}`}</title>
            </rect>
          );
        })}
      </svg>
    </div>
  );
}
