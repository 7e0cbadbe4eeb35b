import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { AppState } from '../App.js';
import { api, fieldErrors, formError, type ApiResult, type User } from '../api.js';
import { Alert, FieldError, Page } from '../components.js';
// types only: the body PATCH /users/current takes (src/wire/user.ts)
import type { Preferences } from '../../../src/wire/user.js';

const PROFILE_RANGES: [NonNullable<Preferences['profile_range']>, string][] = [
  ['last_7_days', 'Last 7 days'],
  ['last_30_days', 'Last 30 days'],
  ['last_6_months', 'Last 6 months'],
  ['last_year', 'Last year'],
  ['all_time', 'All time'],
];

const TEXT_FIELDS = [
  ['full_name', 'Full name', 'name', 200],
  ['email', 'Email', 'email', 320],
  ['public_email', 'Public email', 'email', 320],
  ['photo', 'Photo URL', 'url', 2048],
  ['website', 'Website', 'url', 2048],
  ['github_username', 'GitHub username', 'off', 100],
  ['twitter_username', 'Twitter username', 'off', 100],
  ['linkedin_username', 'LinkedIn username', 'off', 100],
  ['wonderfuldev_username', 'wonderful.dev username', 'off', 100],
  ['city_name', 'City', 'address-level2', 200],
  ['city_state', 'State or region', 'address-level1', 200],
  ['city_country_code', 'Country code (two letters)', 'country', 2],
] as const satisfies readonly (readonly [keyof Preferences, string, string, number])[];
type TextField = (typeof TEXT_FIELDS)[number][0];

const FLAGS = [
  ['logged_time_public', 'Show my coding time'],
  ['languages_used_public', 'Show the languages I use'],
  ['editors_used_public', 'Show the editors I use'],
  ['categories_used_public', 'Show my activity categories (coding, debugging …)'],
  ['os_used_public', 'Show the operating systems I use'],
  ['is_email_public', 'Show my email address'],
  ['photo_public', 'Show my photo'],
  ['is_hireable', 'I am available for hire'],
] as const satisfies readonly (readonly [keyof Preferences & keyof User, string])[];
type Flag = (typeof FLAGS)[number][0];

interface FormValues {
  timezone: string;
  timeout: string;
  writes_only: boolean;
  profile_range: string;
  text: Record<TextField, string>;
  flags: Record<Flag, boolean>;
}

function textValue(user: User, field: TextField): string {
  if (field === 'city_name') return user.city?.name ?? '';
  if (field === 'city_state') return user.city?.state ?? '';
  if (field === 'city_country_code') return user.city?.country_code ?? '';
  return user[field] ?? '';
}

function valuesOf(user: User): FormValues {
  return {
    timezone: user.timezone,
    timeout: String(user.timeout),
    writes_only: user.writes_only,
    profile_range: user.profile_range ?? '',
    text: Object.fromEntries(TEXT_FIELDS.map(([f]) => [f, textValue(user, f)])) as Record<TextField, string>,
    flags: Object.fromEntries(FLAGS.map(([f]) => [f, user[f]])) as Record<Flag, boolean>,
  };
}

/** Only what changed: fields the page shows but the user did not touch are left alone. */
function patchOf(initial: FormValues, values: FormValues): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (values.timezone !== initial.timezone) patch.timezone = values.timezone;
  if (values.timeout.trim() !== initial.timeout) patch.timeout = /^\d+$/.test(values.timeout.trim()) ? Number(values.timeout.trim()) : values.timeout;
  if (values.writes_only !== initial.writes_only) patch.writes_only = values.writes_only;
  if (values.profile_range !== initial.profile_range && values.profile_range) patch.profile_range = values.profile_range;
  for (const [field] of TEXT_FIELDS) {
    const now = values.text[field].trim();
    if (now !== initial.text[field]) patch[field] = now === '' ? null : now;
  }
  for (const [flag] of FLAGS) {
    if (values.flags[flag] !== initial.flags[flag]) patch[flag] = values.flags[flag];
  }
  return patch;
}

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return [...new Set([...zones, 'UTC', current])].sort((a, b) => a.localeCompare(b));
}

function browserTimeZone(): string | null {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? null;
  } catch {
    return null;
  }
}

const ALL_FIELDS = ['timezone', 'timeout', 'writes_only', 'profile_range', ...TEXT_FIELDS.map(([f]) => f), ...FLAGS.map(([f]) => f)];

export function SettingsPage({ user, setUser }: AppState) {
  const [initial, setInitial] = useState(() => valuesOf(user));
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiResult<User> | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const zones = useMemo(() => timeZones(values.timezone), [values.timezone]);
  const browserZone = browserTimeZone();
  const base = useId();
  const id = (field: string) => `${base}-${field}`;
  const errors = result?.errors;
  const invalid = (field: string) => fieldErrors(errors, field).length > 0;
  const described = (field: string, hint?: boolean) =>
    [hint ? `${id(field)}-hint` : '', invalid(field) ? `${id(field)}-error` : ''].filter(Boolean).join(' ') || undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(null);
    const patch = patchOf(initial, values);
    if (Object.keys(patch).length === 0) {
      setResult(null);
      setSaved('Nothing changed.');
      return;
    }
    setBusy(true);
    const res = await api<User>('PATCH', '/api/v1/users/current', patch);
    setBusy(false);
    setResult(res);
    if (res.ok && res.data) {
      setUser(res.data);
      const fresh = valuesOf(res.data);
      setInitial(fresh);
      setValues(fresh);
      setSaved('Settings saved.');
    }
  };

  const field = (name: string, label: string, control: ReactNode, hint?: string) => (
    <div className="field">
      <label htmlFor={id(name)}>{label}</label>
      {control}
      {hint ? (
        <p className="hint" id={`${id(name)}-hint`}>
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id(name)}-error`} errors={errors} field={name} />
    </div>
  );

  const checkbox = (name: string, label: string, checked: boolean, onChange: (v: boolean) => void) => (
    <div className="check" key={name}>
      <input
        id={id(name)}
        name={name}
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        aria-invalid={invalid(name) || undefined}
        aria-describedby={described(name)}
      />
      <label htmlFor={id(name)}>{label}</label>
      <FieldError id={`${id(name)}-error`} errors={errors} field={name} />
    </div>
  );

  return (
    <Page title="Settings" intro="How your time is counted, and what others see on your public profile.">
      <form className="form" onSubmit={submit}>
        <Alert kind="error">{formError(result, ALL_FIELDS)}</Alert>
        <section className="card" aria-labelledby={`${base}-time`}>
          <h2 id={`${base}-time`}>Time tracking</h2>
          {field(
            'timezone',
            'Time zone',
            <div className="inline">
              <select
                id={id('timezone')}
                name="timezone"
                value={values.timezone}
                onChange={(e) => setValues((v) => ({ ...v, timezone: e.target.value }))}
                aria-invalid={invalid('timezone') || undefined}
                aria-describedby={described('timezone', true)}
              >
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z.replace(/_/g, ' ')}
                  </option>
                ))}
              </select>
              {browserZone && browserZone !== values.timezone ? (
                <button type="button" className="button button-small" onClick={() => setValues((v) => ({ ...v, timezone: browserZone }))}>
                  Use {browserZone.replace(/_/g, ' ')}
                </button>
              ) : null}
            </div>,
            'Your days start at midnight in this zone.',
          )}
          {field(
            'timeout',
            'Keystroke timeout (minutes)',
            <input
              id={id('timeout')}
              name="timeout"
              type="number"
              inputMode="numeric"
              min={1}
              max={240}
              step={1}
              required
              className="input-short"
              value={values.timeout}
              onChange={(e) => setValues((v) => ({ ...v, timeout: e.target.value }))}
              aria-invalid={invalid('timeout') || undefined}
              aria-describedby={described('timeout', true)}
            />,
            'Gaps between heartbeats shorter than this count as coding time (1 to 240).',
          )}
          {checkbox('writes_only', 'Count only file saves (writes), not every keystroke', values.writes_only, (b) => setValues((v) => ({ ...v, writes_only: b })))}
        </section>

        <section className="card" aria-labelledby={`${base}-profile`}>
          <h2 id={`${base}-profile`}>Profile</h2>
          <div className="grid">
            {TEXT_FIELDS.map(([name, label, autoComplete, maxLength]) =>
              <div key={name}>
                {field(
                  name,
                  label,
                  <input
                    id={id(name)}
                    name={name}
                    type={name === 'email' || name === 'public_email' ? 'email' : name === 'photo' || name === 'website' ? 'url' : 'text'}
                    autoComplete={autoComplete}
                    maxLength={maxLength}
                    value={values.text[name]}
                    onChange={(e) => setValues((v) => ({ ...v, text: { ...v.text, [name]: e.target.value } }))}
                    aria-invalid={invalid(name) || undefined}
                    aria-describedby={described(name)}
                  />,
                )}
              </div>,
            )}
          </div>
        </section>

        <section className="card" aria-labelledby={`${base}-public`}>
          <h2 id={`${base}-public`}>Public profile</h2>
          {field(
            'profile_range',
            'Range shown on your public profile',
            <select
              id={id('profile_range')}
              name="profile_range"
              value={values.profile_range}
              onChange={(e) => setValues((v) => ({ ...v, profile_range: e.target.value }))}
              aria-invalid={invalid('profile_range') || undefined}
              aria-describedby={described('profile_range')}
            >
              {values.profile_range === '' ? <option value="">Not set</option> : null}
              {PROFILE_RANGES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>,
          )}
          <fieldset className="checks">
            <legend>On your public profile</legend>
            {FLAGS.map(([name, label]) =>
              checkbox(name, label, values.flags[name], (b) => setValues((v) => ({ ...v, flags: { ...v.flags, [name]: b } }))),
            )}
          </fieldset>
        </section>

        <div className="actions actions-sticky">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              setValues(initial);
              setResult(null);
              setSaved(null);
            }}
          >
            Discard changes
          </button>
          {saved ? (
            <span className="saved" role="status">
              {saved}
            </span>
          ) : null}
        </div>
      </form>
    </Page>
  );
}
