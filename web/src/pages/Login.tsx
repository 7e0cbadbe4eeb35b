import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, formError, type ApiResult, type Session, type User } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { safeNext } from '../next.js';
import { Link, useRouter } from '../router.js';

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m <= 1 ? 'a minute' : `${m} minutes`;
}

export function LoginPage({ session }: { session: Session }) {
  const { location } = useRouter();
  const next = safeNext(location.search);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const ids = { login: useId(), password: useId(), loginError: useId(), passwordError: useId() };

  // already logged in (e.g. sent here by /oauth/authorize in another tab): carry on
  useEffect(() => {
    if (session.user) window.location.assign(next);
  }, [session.user, next]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    const res = await api<{ user: User; csrf_token: string }>('POST', '/api/web/login', { login: login.trim(), password }, { quiet401: true });
    if (res.ok && res.data) {
      // a full load (the new page reads the fresh session): `next` may be a server-rendered page
      // such as the OAuth consent page. Keep the form busy until the browser leaves.
      window.location.assign(next);
      return;
    }
    setBusy(false);
    setResult(res);
  };

  let message = formError(result, ['login', 'password']);
  if (result?.status === 429) {
    const error = result.error ?? 'Too many failed logins.';
    message = result.retryAfter && !/try again/i.test(error) ? `${error} Try again in ${minutes(result.retryAfter)}.` : error;
  }
  return (
    <Page title="Log in" narrow intro={next.startsWith('/oauth/') ? 'Log in to continue to the app that asked for access.' : undefined}>
      <form className="form card" onSubmit={submit} noValidate={false}>
        <Alert kind="error">{message}</Alert>
        <div className="field">
          <label htmlFor={ids.login}>Username or email</label>
          <input
            id={ids.login}
            name="login"
            autoComplete="username"
            required
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            aria-invalid={result?.errors?.login ? true : undefined}
            aria-describedby={result?.errors?.login ? ids.loginError : undefined}
          />
          <FieldError id={ids.loginError} errors={result?.errors} field="login" />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={result?.errors?.password ? true : undefined}
            aria-describedby={result?.errors?.password ? ids.passwordError : undefined}
          />
          <FieldError id={ids.passwordError} errors={result?.errors} field="password" />
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </div>
        <p className="hint">
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        {session.signup_open ? (
          <p className="hint">
            No account yet? <Link to={next === '/' ? '/signup' : `/signup?next=${encodeURIComponent(next)}`}>Sign up</Link>
          </p>
        ) : null}
        <p className="hint">
          Account made with <code>metronome user create</code>? <Link to="/set-password">Set a first password</Link>
        </p>
      </form>
    </Page>
  );
}
