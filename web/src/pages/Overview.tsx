import type { AppState } from '../App.js';
import { useList, type ApiKey } from '../api.js';
import { ConfigSnippet, Page, TimeText } from '../components.js';
import { Link } from '../router.js';

const RANGE_WORDS: Record<string, string> = {
  last_7_days: 'the last 7 days',
  last_30_days: 'the last 30 days',
  last_6_months: 'the last 6 months',
  last_year: 'the last year',
  all_time: 'all time',
};

export function OverviewPage({ session, user, newApiKey }: AppState) {
  // what the config snippet can truthfully say: no key yet, or keys whose secrets were shown once
  const { items: keys } = useList<ApiKey>('/api/v1/users/current/api_keys', 'Could not load your API keys.');
  const publicThings = [
    user.logged_time_public && 'coding time',
    user.languages_used_public && 'languages',
    user.editors_used_public && 'editors',
    user.categories_used_public && 'categories',
    user.os_used_public && 'operating systems',
  ].filter(Boolean) as string[];
  return (
    <Page title="Overview" intro={`Signed in as ${user.display_name}${user.username && user.display_name !== `@${user.username}` ? ` (@${user.username})` : ''}.`}>
      <section className="card" aria-labelledby="overview-activity">
        <h2 id="overview-activity">Your activity</h2>
        <dl className="facts">
          <div>
            <dt>Last heartbeat</dt>
            <dd>
              <TimeText iso={user.last_heartbeat_at} timeZone={user.timezone} never="None yet: connect an editor below" />
            </dd>
          </div>
          <div>
            <dt>Last editor plugin</dt>
            <dd>{user.last_plugin_name ?? '—'}</dd>
          </div>
          <div>
            <dt>Last project</dt>
            <dd>{user.last_project ?? '—'}</dd>
          </div>
          <div>
            <dt>Time zone</dt>
            <dd>{user.timezone}</dd>
          </div>
          <div>
            <dt>Keystroke timeout</dt>
            <dd>
              {user.timeout} {user.timeout === 1 ? 'minute' : 'minutes'}
              {user.writes_only ? ', counting file saves only' : ''}
            </dd>
          </div>
          <div>
            <dt>Public profile</dt>
            <dd>
              {publicThings.length ? `Shows your ${publicThings.join(', ')}` : 'Private'}
              {user.profile_range ? ` for ${RANGE_WORDS[user.profile_range] ?? user.profile_range}` : ''}
            </dd>
          </div>
        </dl>
        <p className="hint">
          <Link to="/dashboard">See your coding time</Link> · <Link to="/settings">Change settings</Link>
        </p>
      </section>
      <ConfigSnippet apiUrl={session.api_url} baseUrl={session.base_url} apiKey={newApiKey?.key ?? null} keys={keys} />
    </Page>
  );
}
