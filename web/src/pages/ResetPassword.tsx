/** Sets a new password with the token of a reset link (POST /api/web/password/reset). */
import { useId, useState, type FormEvent } from 'react';
import type { PageProps } from '../page-props.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { Link, useRouter } from '../router.js';

export function ResetPasswordPage(_props: PageProps) {
  const { location } = useRouter();
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const ids = { password: useId(), repeat: useId(), error: useId() };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (password !== repeat) {
      setResult({ ok: false, status: 400, errors: { password: ['The two passwords differ.'] } });
      return;
    }
    setBusy(true);
    setResult(null);
    const res = await api('POST', '/api/web/password/reset', { token, password }, { quiet401: true });
    setBusy(false);
    if (res.ok) setDone(true);
    else setResult(res);
  };
  return (
    <Page title="Set a new password" narrow>
      {!token ? <Alert kind="error">This page needs the link from your reset e-mail.</Alert> : null}
      {done ? (
        <Alert kind="success">
          Your password is set, and every other session of your account has ended. <Link to="/login">Log in</Link>
        </Alert>
      ) : (
        <form className="form card" onSubmit={submit}>
          <Alert kind="error">{formError(result, ['password'])}</Alert>
          {result?.errors?.token ? (
            <Alert kind="error">
              {result.errors.token.join(' ')} <Link to="/forgot-password">Ask for a new link</Link>
            </Alert>
          ) : null}
          <div className="field">
            <label htmlFor={ids.password}>New password</label>
            <input id={ids.password} type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={result?.errors?.password ? ids.error : undefined} />
            <FieldError id={ids.error} errors={result?.errors} field="password" />
          </div>
          <div className="field">
            <label htmlFor={ids.repeat}>Repeat it</label>
            <input id={ids.repeat} type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </div>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={busy || !token}>
              {busy ? 'Saving…' : 'Set password'}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
