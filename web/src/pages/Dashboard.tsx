/**
 * The dashboard: the range picker; total, daily average, current streak and best day; the daily bar
 * chart stacked by project (click opens the project); breakdowns by project, language, editor, OS,
 * category and machine; the 365-day activity calendar; today's timeline. Numbers are the API's
 * answers (dashboard — summaries' numbers in one lighter answer —, activity, durations) as they come.
 */
import { useMemo } from 'react';
import type { AppState } from '../page-props.js';
import { Alert, Page, Stat } from '../components.js';
import { errorMessage } from '../data.js';
import { useActivity, useDashboard, useDurations } from '../queries.js';
import { rangeParams, useRangeChoice } from '../range.js';
import { pathFor } from '../routes.js';
import { useRouter } from '../router.js';
import { Breakdown } from '../charts/Breakdown.js';
import { Calendar } from '../charts/Calendar.js';
import { RangePicker } from '../charts/RangePicker.js';
import { StackedBars } from '../charts/StackedBars.js';
import { Timeline } from '../charts/Timeline.js';

export function DashboardPage({ user }: AppState) {
  const [choice, setChoice] = useRangeChoice();
  const { navigate } = useRouter();
  const dashboard = useDashboard(rangeParams(choice));
  const activity = useActivity();
  const today = useDurations('today');
  const d = dashboard.data?.data;
  const stackDays = useMemo(() => (d?.days ?? []).map((x) => ({ date: x.date, items: x.projects })), [d]);
  const openProject = (name: string) => navigate(pathFor('/projects/:name', { name }));
  const streak = activity.data?.data.current_streak;
  const best = d?.best_day ?? null;
  return (
    <Page title="Dashboard">
      <div className="toolbar">
        <RangePicker value={choice} onChange={setChoice} />
        {d && !d.is_up_to_date ? (
          <span className="hint" role="status">
            Calculating… {Math.round(d.percent_calculated)}%
          </span>
        ) : null}
      </div>
      {dashboard.error ? <Alert kind="error">{errorMessage(dashboard.error, 'Could not load your coding time.')}</Alert> : null}
      <dl className="stats-cards" aria-busy={dashboard.isPending}>
        <Stat label="Total" testId="total" seconds={d?.cumulative_total.seconds}>
          {d ? d.cumulative_total.text : '…'}
        </Stat>
        <Stat label="Daily average" testId="daily-average" seconds={d?.daily_average.seconds}>
          {d ? d.daily_average.text : '…'}
        </Stat>
        <Stat label="Current streak" testId="streak" days={streak?.days}>
          {streak ? `${streak.days} ${streak.days === 1 ? 'day' : 'days'}` : '…'}
        </Stat>
        <Stat label="Best day" testId="best-day" seconds={best?.total_seconds ?? 0}>
          {d ? (best ? `${best.text} on ${best.date}` : '—') : '…'}
        </Stat>
      </dl>
      <section className="card" aria-labelledby="dash-daily">
        <h2 id="dash-daily" className="small-heading">
          Coding time per day, by project
        </h2>
        {d ? <StackedBars days={stackDays} testId="bars-projects" label="Coding time per day by project" onSelect={openProject} /> : <p className="loading">Loading…</p>}
      </section>
      <div className="breakdowns">
        <Breakdown title="Projects" testId="breakdown-projects" items={d ? d.projects : []} onSelect={openProject} />
        <Breakdown title="Languages" testId="breakdown-languages" items={d ? d.languages : []} />
        <Breakdown title="Editors" testId="breakdown-editors" items={d ? d.editors : []} />
        <Breakdown title="Operating systems" testId="breakdown-operating_systems" items={d ? d.operating_systems : []} />
        <Breakdown title="Categories" testId="breakdown-categories" items={d ? d.categories : []} />
        <Breakdown title="Machines" testId="breakdown-machines" items={d ? d.machines : []} />
      </div>
      <section className="card" aria-labelledby="dash-calendar">
        <h2 id="dash-calendar" className="small-heading">
          Last 365 days
        </h2>
        {activity.data ? (
          <>
            <Calendar activity={activity.data.data} />
            <p className="hint">
              {activity.data.data.human_readable_total} on {activity.data.data.days_active} days · longest streak {activity.data.data.longest_streak.days} days
              {activity.data.data.best_day ? ` · best day ${activity.data.data.best_day.date} (${activity.data.data.best_day.text})` : ''}
            </p>
          </>
        ) : activity.error ? (
          <Alert kind="error">{errorMessage(activity.error, 'Could not load your activity.')}</Alert>
        ) : (
          <p className="loading">Loading…</p>
        )}
      </section>
      <section className="card" aria-labelledby="dash-today">
        <h2 id="dash-today" className="small-heading">
          Today
        </h2>
        {today.data ? <Timeline durations={today.data} timeZone={user.timezone} /> : today.error ? <Alert kind="error">{errorMessage(today.error, "Could not load today's activity.")}</Alert> : <p className="loading">Loading…</p>}
      </section>
    </Page>
  );
}
