/**
 * A first password for a user made with `metronome user create` (who has only an API key): the
 * API key proves who they are (POST /api/web/password with it), then they are logged in.
 */
import { useId, useState, type FormEvent } from 'react';
import type { PageProps } from '../page-props.js';
import { api, formError, type ApiResult, type User } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { Link, useRouter } from '../router.js';

export function SetPasswordPage({ onSignedIn }: PageProps) {
  const { navigate } = useRouter();
  const ids = { key: useId(), pw: useId() };
  const [key, setKey] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    const apiKey = key.trim();
    const auth = { authorization: `Basic ${btoa(apiKey)}` };
    const me = await fetch('/api/v1/users/current', { headers: { ...auth, accept: 'application/json' }, credentials: 'omit' });
    if (!me.ok) {
      setBusy(false);
      setResult({ ok: false, status: me.status, errors: { api_key: ['This API key is not valid.'] } });
      return;
    }
    const user = (await me.json()).data as User;
    const res = await fetch('/api/web/password', { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'application/json' }, credentials: 'omit', body: JSON.stringify({ new_password: password }) });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      setBusy(false);
      setResult({ ok: false, status: res.status, error: body.error, errors: body.errors });
      return;
    }
    const login = await api<{ user: User; csrf_token: string }>('POST', '/api/web/login', { login: user.username, password });
    setBusy(false);
    if (login.ok && login.data) {
      onSignedIn(login.data.user, login.data.csrf_token);
      navigate('/dashboard');
    } else setResult(login);
  };
  return (
    <Page title="Set a first password" narrow intro="For accounts made with metronome user create: prove it is you with your API key, and choose a password for the web app.">
      <form onSubmit={submit} noValidate className="card">
        <div className="field">
          <label htmlFor={ids.key}>API key</label>
          <input id={ids.key} autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} aria-invalid={!!result?.errors?.api_key} />
          <FieldError id={`${ids.key}-e`} errors={result?.errors} field="api_key" />
        </div>
        <div className="field">
          <label htmlFor={ids.pw}>New password</label>
          <input id={ids.pw} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!result?.errors?.new_password} />
          <FieldError id={`${ids.pw}-e`} errors={result?.errors} field="new_password" />
        </div>
        {result && !result.ok ? <Alert kind="error">{formError(result, ['api_key', 'new_password'])}</Alert> : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          Set password and log in
        </button>
        <p className="hint">
          Already have one? <Link to="/login">Log in</Link>. An account that has a password changes it in Settings › Account.
        </p>
      </form>
    </Page>
  );
}
