import { useId, useState, type FormEvent } from 'react';
import { api, formError, type ApiResult, type Session, type User } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
import { safeNext } from '../next.js';
import { Link, useRouter } from '../router.js';

const FIELDS = ['username', 'email', 'password'] as const;
type Field = (typeof FIELDS)[number];

export function SignupPage({ session, onSignedIn }: { session: Session; onSignedIn(user: User, csrfToken: string): void }) {
  const { location, navigate } = useRouter();
  const next = safeNext(location.search);
  const [values, setValues] = useState<Record<Field, string>>({ username: '', email: '', password: '' });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const baseId = useId();

  if (!session.signup_open) {
    return (
      <Page title="Sign-up is closed" narrow>
        <Alert kind="info">This Metronome server does not accept new accounts. Ask its administrator to create one for you.</Alert>
        <p>
          Already have an account? <Link to="/login">Log in</Link>.
        </p>
      </Page>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    const body: { username: string; password: string; email?: string } = { username: values.username.trim(), password: values.password };
    if (values.email.trim()) body.email = values.email.trim();
    const res = await api<{ user: User; csrf_token: string }>('POST', '/api/web/signup', body, { quiet401: true });
    setBusy(false);
    if (res.ok && res.data) {
      onSignedIn(res.data.user, res.data.csrf_token);
      if (next.startsWith('/oauth/')) window.location.assign(next);
      else navigate(next);
      return;
    }
    setResult(res);
  };

  const input = (field: Field, label: string, props: { type?: string; autoComplete: string; required?: boolean; hint?: string; minLength?: number }) => {
    const id = `${baseId}-${field}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const invalid = !!result?.errors && Object.keys(result.errors).some((k) => k === field || k.startsWith(`${field}.`));
    const describedBy = [props.hint ? hintId : '', invalid ? errorId : ''].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          name={field}
          type={props.type ?? 'text'}
          autoComplete={props.autoComplete}
          required={props.required}
          minLength={props.minLength}
          value={values[field]}
          onChange={(e) => setValues((v) => ({ ...v, [field]: e.target.value }))}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
        />
        {props.hint ? (
          <p className="hint" id={hintId}>
            {props.hint}
          </p>
        ) : null}
        <FieldError id={errorId} errors={result?.errors} field={field} />
      </div>
    );
  };

  return (
    <Page title="Create your account" narrow intro="Your coding activity, on your own server.">
      <form className="form card" onSubmit={submit}>
        <Alert kind="error">{formError(result, [...FIELDS])}</Alert>
        {input('username', 'Username', { autoComplete: 'username', required: true, hint: '1 to 50 letters, digits, “_”, “-” or “.”, starting with a letter or digit.' })}
        {input('email', 'Email (optional)', { type: 'email', autoComplete: 'email', hint: 'Lets you log in with your email address.' })}
        {input('password', 'Password', { type: 'password', autoComplete: 'new-password', required: true, hint: 'At least 8 characters.' })}
        <div className="actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating your account…' : 'Sign up'}
          </button>
        </div>
        <p className="hint">
          Already have an account? <Link to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`}>Log in</Link>
        </p>
      </form>
    </Page>
  );
}
