/**
 * A public profile, /@username: what the user made public (coding time, languages, editors, OS,
 * categories) for the last 7 days up to yesterday at timeout 15 — the public stats API's answer,
 * asked without the session so the owner sees what everyone sees — or "this profile is private".
 */
import type { PageProps } from '../page-props.js';
import { Alert, Page, Stat } from '../components.js';
import { ApiError, errorMessage } from '../data.js';
import { usePublicStats } from '../queries.js';
import { Link } from '../router.js';
import { Breakdown } from '../charts/Breakdown.js';

export function PublicProfilePage({ params, user }: PageProps) {
  const username = params.username ?? '';
  const stats = usePublicStats(username, 'last_7_days');
  const err = stats.error;
  const status = err instanceof ApiError ? err.status : 0;
  const d = stats.data?.data;
  const own = user?.username === username;
  if (err && (status === 401 || status === 403 || status === 404)) {
    return (
      <Page title={`@${username}`}>
        <section className="card" data-testid="profile-private">
          <h2>{status === 404 ? 'No such user' : 'This profile is private'}</h2>
          <p>{status === 404 ? `There is no user called @${username}.` : `@${username} has not made any of their coding activity public.`}</p>
          {own ? (
            <p>
              It is yours: make it public in <Link to="/settings/sharing">Sharing</Link>.
            </p>
          ) : null}
        </section>
      </Page>
    );
  }
  return (
    <Page title={`@${username}`} intro="Coding activity over the last 7 days (up to yesterday).">
      {err ? <Alert kind="error">{errorMessage(err, 'Could not load this profile.')}</Alert> : null}
      {d ? (
        <>
          <dl className="stats-cards">
            {d.total_seconds !== null ? (
              <>
                <Stat label="Total" testId="public-total" seconds={d.total_seconds}>
                  {d.human_readable_total}
                </Stat>
                <Stat label="Daily average">
                  {d.human_readable_daily_average}
                </Stat>
                {d.best_day ? (
                  <Stat label="Best day">
                    {d.best_day.text} on {d.best_day.date}
                  </Stat>
                ) : null}
              </>
            ) : (
              <Stat label="Total" testId="public-total">
                Not public
              </Stat>
            )}
          </dl>
          <div className="breakdowns">
            {d.languages ? <Breakdown title="Languages" testId="public-languages" items={d.languages} /> : null}
            {d.editors ? <Breakdown title="Editors" testId="public-editors" items={d.editors} /> : null}
            {d.operating_systems ? <Breakdown title="Operating systems" testId="public-operating_systems" items={d.operating_systems} /> : null}
            {d.categories ? <Breakdown title="Categories" testId="public-categories" items={d.categories} /> : null}
          </div>
          {own ? (
            <p className="hint">
              This is what everyone sees. Change it in <Link to="/settings/sharing">Sharing</Link>.
            </p>
          ) : null}
        </>
      ) : !err ? (
        <p className="loading">Loading…</p>
      ) : null}
    </Page>
  );
}
