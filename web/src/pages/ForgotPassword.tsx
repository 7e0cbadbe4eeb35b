/** "Forgot password": asks for a reset link by e-mail (POST /api/web/password/forgot). */
import { useId, useState, type FormEvent } from 'react';
import type { PageProps } from '../page-props.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { useMailStatus } from '../queries.js';
import { Link } from '../router.js';

export function ForgotPasswordPage(_props: PageProps) {
  const mail = useMailStatus();
  const [login, setLogin] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const ids = { login: useId(), error: useId() };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    const res = await api('POST', '/api/web/password/forgot', { login: login.trim() }, { quiet401: true });
    setBusy(false);
    if (res.ok) setSent(true);
    else setResult(res);
  };
  const off = mail.data && !mail.data.data.enabled;
  return (
    <Page title="Forgot password" narrow intro="Name your account and we e-mail you a link to set a new password.">
      {off ? <Alert kind="warning">E-mail is off on this server, so no reset link can be sent: ask an administrator to set a password for you (metronome user set-password).</Alert> : null}
      {sent ? (
        <Alert kind="success">If an account with an e-mail address matches, a link is on its way. It works once, for an hour.</Alert>
      ) : (
        <form className="form card" onSubmit={submit}>
          <Alert kind="error">{formError(result, ['login'])}</Alert>
          <div className="field">
            <label htmlFor={ids.login}>Username or email</label>
            <input id={ids.login} name="login" autoComplete="username" required value={login} onChange={(e) => setLogin(e.target.value)} aria-describedby={result?.errors?.login ? ids.error : undefined} />
            <FieldError id={ids.error} errors={result?.errors} field="login" />
          </div>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy || !!off}>
              {busy ? 'Sending…' : 'Send reset link'}
            </button>
          </div>
        </form>
      )}
      <p className="hint">
        <Link to="/login">Back to log in</Link>
      </p>
    </Page>
  );
}
