/** Confirms an account's e-mail address with the token of a confirmation link (POST /api/web/email/confirm). */
import { useState } from 'react';
import type { PageProps } from '../page-props.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, Page } from '../components.js';
import { Link, useRouter } from '../router.js';

export function ConfirmEmailPage({ user }: PageProps) {
  const { location } = useRouter();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const confirm = async () => {
    setBusy(true);
    setResult(null);
    const res = await api('POST', '/api/web/email/confirm', { token }, { quiet401: true });
    setBusy(false);
    if (res.ok) setDone(true);
    else setResult(res);
  };
  return (
    <Page title="Confirm your e-mail address" narrow>
      {!token ? <Alert kind="error">This page needs the link from your confirmation e-mail.</Alert> : null}
      <Alert kind="error">{formError(result, [])}</Alert>
      {done ? (
        <Alert kind="success">
          Your address is confirmed: goals shared with it now reach you. {user ? <Link to="/goals">Your goals</Link> : <Link to="/login">Log in</Link>}
        </Alert>
      ) : (
        <div className="card">
          <p>Confirm that this e-mail address is yours.</p>
          <div className="actions">
            <button type="button" className="button button-primary" disabled={busy || !token} onClick={confirm}>
              {busy ? 'Confirming…' : 'Confirm my address'}
            </button>
          </div>
        </div>
      )}
    </Page>
  );
}
