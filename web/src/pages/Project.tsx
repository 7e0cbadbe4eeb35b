/** One project: its daily chart (stacked by language), languages, branches, files and editors, from the rollup cube (summaries with project=). */
import { useMemo } from 'react';
import type { AppState } from '../page-props.js';
import { Alert, Page, Stat } from '../components.js';
import { errorMessage } from '../data.js';
import { useSummaries } from '../queries.js';
import { rangeParams, useRangeChoice } from '../range.js';
import { Link } from '../router.js';
import { Breakdown, pathTail, sumItems } from '../charts/Breakdown.js';
import { RangePicker } from '../charts/RangePicker.js';
import { StackedBars } from '../charts/StackedBars.js';

export function ProjectPage({ params }: AppState) {
  const name = params.name ?? '';
  const [choice, setChoice] = useRangeChoice();
  const summaries = useSummaries({ ...rangeParams(choice), project: name });
  const s = summaries.data;
  const days = s?.data ?? [];
  const stackDays = useMemo(() => (s?.data ?? []).map((d) => ({ date: d.range.date, items: d.languages })), [s]);
  return (
    <Page title={name} intro={<Link to="/projects">All projects</Link>}>
      <div className="toolbar">
        <RangePicker value={choice} onChange={setChoice} />
      </div>
      {summaries.error ? <Alert kind="error">{errorMessage(summaries.error, 'Could not load this project.')}</Alert> : null}
      <dl className="stats-cards">
        <Stat label="Total" testId="project-total" seconds={s?.cumulative_total.seconds}>
          {s ? s.cumulative_total.text : '…'}
        </Stat>
        <Stat label="Daily average" testId="project-daily-average">
          {s ? s.daily_average.text : '…'}
        </Stat>
      </dl>
      <section className="card" aria-labelledby="project-daily">
        <h2 id="project-daily" className="small-heading">
          Coding time per day, by language
        </h2>
        {s ? <StackedBars days={stackDays} testId="bars-languages" label={`Coding time per day on ${name} by language`} /> : <p className="loading">Loading…</p>}
      </section>
      <div className="breakdowns">
        <Breakdown title="Languages" testId="project-languages" items={s ? sumItems(days.map((d) => d.languages)) : []} />
        <Breakdown title="Branches" testId="project-branches" items={s ? sumItems(days.map((d) => d.branches)) : []} />
        <Breakdown title="Files" testId="project-files" items={s ? sumItems(days.map((d) => d.entities)) : []} top={10} label={pathTail} />
        <Breakdown title="Editors" testId="project-editors" items={s ? sumItems(days.map((d) => d.editors)) : []} />
      </div>
    </Page>
  );
}
