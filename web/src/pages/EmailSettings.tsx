/** Settings → E-mail: whether this server sends e-mail, and the weekly summary switch. */
import { useState } from 'react';
import type { AppState } from '../page-props.js';
import { api } from '../api.js';
import { Alert, Page } from '../components.js';
import { invalidate } from '../data.js';
import { MAIL_PREFERENCES_PATH, ME, useMailPreferences } from '../queries.js';
import { Link } from '../router.js';

export function EmailSettingsPage({ user }: AppState) {
  const prefs = useMailPreferences();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [chosen, setChosen] = useState<boolean | null>(null);
  const [confirmSent, setConfirmSent] = useState(false);
  const sendConfirmation = async () => {
    setError(null);
    const res = await api('POST', `${ME}/email_confirmation`);
    if (res.ok) setConfirmSent(true);
    else setError(res.error ?? 'Could not send the link.');
  };
  const data = prefs.data?.data;
  const toggle = async (weekly: boolean) => {
    setError(null);
    setSaved(null);
    // the box follows the click at once; a failure puts it back
    setChosen(weekly);
    const res = await api('PATCH', MAIL_PREFERENCES_PATH, { weekly_summary: weekly });
    if (!res.ok) {
      setChosen(null);
      setError(res.error ?? 'Could not save.');
    } else {
      await invalidate(MAIL_PREFERENCES_PATH);
      setSaved(weekly ? 'You will get the weekly summary.' : 'No more weekly summaries.');
    }
  };
  return (
    <Page title="E-mail" intro="What Metronome e-mails you.">
      {prefs.error ? <Alert kind="error">{prefs.error.message}</Alert> : null}
      {data && !data.mail_enabled ? <Alert kind="warning">E-mail is off on this server (no SMTP_URL is configured): nothing is sent, whatever you choose here.</Alert> : null}
      {!user.email ? <Alert kind="info">Your account has no e-mail address: add one in Settings to receive e-mail.</Alert> : null}
      <Alert kind="error">{error}</Alert>
      <Alert kind="success">{saved}</Alert>
      {user.email && !user.is_email_confirmed && data?.mail_enabled ? (
        <section className="card">
          <h2>Your address</h2>
          <p>{user.email} is not confirmed yet: goals shared with this address reach you once it is.</p>
          {confirmSent ? (
            <Alert kind="success">A confirmation link is on its way to {user.email}.</Alert>
          ) : (
            <button type="button" className="button" onClick={sendConfirmation}>
              E-mail me a confirmation link
            </button>
          )}
        </section>
      ) : null}
      <section className="card">
        <h2>Weekly summary</h2>
        {data ? (
          <label className="check">
            <input type="checkbox" checked={chosen ?? data.weekly_summary} onChange={(e) => toggle(e.target.checked)} /> Every Monday morning, a summary of your last week (total, languages, projects)
          </label>
        ) : (
          <p role="status">Loading…</p>
        )}
      </section>
      <section className="card">
        <h2>Goal e-mails</h2>
        <p>
          Choose daily, weekly or no e-mails (and snooze them) for each goal on the <Link to="/goals">goals page</Link>.
        </p>
      </section>
    </Page>
  );
}
