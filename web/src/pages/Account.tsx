/** Settings › Account: change the password, delete the account with all its data. */
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { queryClient } from '../data.js';

export function AccountPage({ user }: AppState) {
  const ids = { current: useId(), next: useId(), confirm: useId(), password: useId() };
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pwResult, setPwResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState('');
  const [delPassword, setDelPassword] = useState('');
  const [delResult, setDelResult] = useState<ApiResult<unknown> | null>(null);

  const changePassword = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const res = await api('POST', '/api/web/password', { current_password: current, new_password: next });
    setBusy(false);
    setPwResult(res);
    if (res.ok) {
      setCurrent('');
      setNext('');
    }
  };

  const deleteAccount = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const res = await api('DELETE', '/api/v1/users/current', { confirm, password: delPassword });
    setBusy(false);
    setDelResult(res);
    if (res.ok) {
      queryClient.clear();
      // a fresh start: the session is gone
      window.location.assign('/signup');
    }
  };

  return (
    <Page title="Account" intro="Your password, and leaving for good.">
      <section className="card" aria-labelledby="account-password">
        <h2 id="account-password">Change password</h2>
        <form onSubmit={changePassword} noValidate>
          <div className="field">
            <label htmlFor={ids.current}>Current password</label>
            <input id={ids.current} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} aria-invalid={!!pwResult?.errors?.current_password} />
            <FieldError id={`${ids.current}-e`} errors={pwResult?.errors} field="current_password" />
          </div>
          <div className="field">
            <label htmlFor={ids.next}>New password</label>
            <input id={ids.next} type="password" autoComplete="new-password" minLength={8} value={next} onChange={(e) => setNext(e.target.value)} aria-invalid={!!pwResult?.errors?.new_password} />
            <FieldError id={`${ids.next}-e`} errors={pwResult?.errors} field="new_password" />
            <p className="hint">At least 8 characters. Your other browsers will be logged out.</p>
          </div>
          {pwResult && !pwResult.ok ? <Alert kind="error">{formError(pwResult, ['current_password', 'new_password'])}</Alert> : null}
          {pwResult?.ok ? <Alert kind="success">Your password was changed.</Alert> : null}
          <button type="submit" className="button button-primary" disabled={busy}>
            Change password
          </button>
        </form>
      </section>
      <section className="card card-danger" aria-labelledby="account-delete">
        <h2 id="account-delete">Delete account</h2>
        <p>
          This deletes your account and <strong>all its data</strong> — every heartbeat, summary, API key, app and share link — at once. It cannot be undone.
        </p>
        <form onSubmit={deleteAccount} noValidate>
          <div className="field">
            <label htmlFor={ids.confirm}>
              Type your username, <code>{user.username}</code>, to confirm
            </label>
            <input id={ids.confirm} autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} aria-invalid={!!delResult?.errors?.confirm} />
            <FieldError id={`${ids.confirm}-e`} errors={delResult?.errors} field="confirm" />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>Your password</label>
            <input id={ids.password} type="password" autoComplete="current-password" value={delPassword} onChange={(e) => setDelPassword(e.target.value)} aria-invalid={!!delResult?.errors?.password} />
            <FieldError id={`${ids.password}-e`} errors={delResult?.errors} field="password" />
          </div>
          {delResult && !delResult.ok ? <Alert kind="error">{formError(delResult, ['confirm', 'password'])}</Alert> : null}
          <button type="submit" className="button button-danger" disabled={busy || confirm !== user.username}>
            Delete my account and all its data
          </button>
        </form>
      </section>
    </Page>
  );
}
