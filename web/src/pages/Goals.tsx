/**
 * Goals: your goals and the ones shared with you (read-only), each with its last seven periods;
 * a form to create or edit one with a live preview (POST …/goals?dry_run=true computes the goal
 * without storing it), sharing, and your progress e-mails (frequency, snooze).
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, fieldErrors, formError, type ApiResult } from '../api.js';
import { Alert, ConfirmAction, FieldError, Page } from '../components.js';
import { invalidate } from '../data.js';
import { GOALS_PATH, useGoals, useMailStatus } from '../queries.js';
import type { GoalResource } from '../../../src/wire/goal.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

interface Draft {
  hours: string;
  minutes: string;
  delta: 'day' | 'week';
  is_inverse: boolean;
  improve_by_percent: string;
  ignore_days: string[];
  ignore_zero_days: boolean;
  languages: string;
  projects: string;
  editors: string;
  categories: string;
  custom_title: string;
  shared_with: string;
}

const EMPTY: Draft = { hours: '1', minutes: '0', delta: 'day', is_inverse: false, improve_by_percent: '', ignore_days: [], ignore_zero_days: false, languages: '', projects: '', editors: '', categories: '', custom_title: '', shared_with: '' };

const list = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean);

function draftOf(goal: GoalResource): Draft {
  return {
    hours: String(Math.floor(goal.seconds / 3600)),
    minutes: String(Math.floor((goal.seconds % 3600) / 60)),
    delta: goal.delta === 'week' ? 'week' : 'day',
    is_inverse: goal.is_inverse,
    improve_by_percent: goal.improve_by_percent === null ? '' : String(goal.improve_by_percent),
    ignore_days: goal.ignore_days,
    ignore_zero_days: goal.ignore_zero_days,
    languages: goal.languages.join(', '),
    projects: goal.projects.join(', '),
    editors: goal.editors.join(', '),
    categories: goal.categories.join(', '),
    custom_title: goal.custom_title ?? '',
    shared_with: goal.shared_with.map((s) => s.username ?? s.email ?? '').filter(Boolean).join(', '),
  };
}

function bodyOf(d: Draft) {
  const seconds = (Number(d.hours) || 0) * 3600 + (Number(d.minutes) || 0) * 60;
  return {
    seconds,
    delta: d.delta,
    is_inverse: d.is_inverse,
    improve_by_percent: d.improve_by_percent.trim() === '' ? null : Number(d.improve_by_percent),
    ignore_days: d.delta === 'day' ? d.ignore_days : [],
    ignore_zero_days: d.ignore_zero_days,
    languages: list(d.languages),
    projects: list(d.projects),
    editors: list(d.editors),
    categories: list(d.categories),
    custom_title: d.custom_title.trim() || null,
  };
}

const STATUS_LABEL: Record<string, string> = { success: '✓ success', fail: '✗ fail', ignored: '– ignored', pending: '… pending' };

/** The seven periods as bars: actual time against the goal line. */
function GoalChart({ goal }: { goal: GoalResource }) {
  const points = goal.chart_data;
  if (points.length === 0) return <p className="hint">Progress is being computed…</p>;
  const max = Math.max(1, ...points.map((p) => Math.max(p.actual_seconds, p.goal_seconds)));
  const w = 40;
  const h = 100;
  return (
    <figure className="goal-chart">
      <svg viewBox={`0 0 ${points.length * w} ${h + 4}`} width="100%" height="110" preserveAspectRatio="none" role="img" aria-label={`${goal.title}: ${points.map((p) => `${p.range.text} ${p.actual_seconds_text} of ${p.goal_seconds_text}, ${p.range_status}`).join('; ')}`}>
        {points.map((p, i) => {
          const bar = (p.actual_seconds / max) * h;
          const line = h - (p.goal_seconds / max) * h + 2;
          const color = p.range_status === 'success' ? '#2e7d32' : p.range_status === 'fail' ? '#c62828' : p.range_status === 'ignored' ? '#9e9e9e' : '#1565c0';
          return (
            <g key={p.range.start}>
              <rect x={i * w + 6} y={h - bar + 2} width={w - 12} height={Math.max(bar, 0.5)} fill={color} rx="2" />
              <line x1={i * w + 2} x2={i * w + w - 2} y1={line} y2={line} stroke="#333" strokeDasharray="3 2" />
            </g>
          );
        })}
      </svg>
      <table className="table goal-periods">
        <tbody>
          {points.map((p) => (
            <tr key={p.range.start} data-testid="goal-period">
              <th scope="row">{p.range.text}</th>
              <td>
                {p.actual_seconds_text} / {p.goal_seconds_text}
              </td>
              <td title={p.range_status_reason}>{STATUS_LABEL[p.range_status] ?? p.range_status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function GoalForm({ initial, goalId, onDone }: { initial: Draft; goalId: string | null; onDone(message: string): void }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [preview, setPreview] = useState<GoalResource | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const body = useMemo(() => bodyOf(draft), [draft]);

  // the live preview: computed by the server from the unsaved form, a moment after typing stops
  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      const res = await api<GoalResource>('POST', `${GOALS_PATH}?dry_run=true`, body);
      if (stale) return;
      if (res.ok && res.data) {
        setPreview(res.data);
        setPreviewError(null);
      } else setPreviewError(res.error ?? 'The preview is not available.');
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [body]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setResult(null);
    const payload = { ...body, shared_with: list(draft.shared_with) };
    const res = goalId ? await api('PATCH', `${GOALS_PATH}/${encodeURIComponent(goalId)}`, payload) : await api('POST', GOALS_PATH, payload);
    setBusy(false);
    if (!res.ok) {
      setResult(res);
      return;
    }
    await invalidate(GOALS_PATH);
    onDone(goalId ? 'Goal saved.' : 'Goal created.');
  };

  const field = (key: keyof Draft, label: string, hint?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input id={`${id}-${key}`} name={key} value={String(draft[key])} onChange={(e) => set(key, e.target.value as never)} aria-invalid={fieldErrors(result?.errors, key).length ? true : undefined} />
      {hint ? <p className="hint">{hint}</p> : null}
      <FieldError id={`${id}-${key}-error`} errors={result?.errors} field={key} />
    </div>
  );

  return (
    <form className="card" onSubmit={submit} aria-label={goalId ? 'Edit goal' : 'New goal'}>
      <Alert kind="error">{formError(result, ['seconds', 'delta', 'improve_by_percent', 'ignore_days', 'languages', 'projects', 'editors', 'categories', 'custom_title', 'shared_with'])}</Alert>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-mode`}>I want to code</label>
          <select id={`${id}-mode`} value={draft.is_inverse ? 'less' : 'more'} onChange={(e) => set('is_inverse', e.target.value === 'less')}>
            <option value="more">at least</option>
            <option value="less">less than</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-hours`}>Hours</label>
          <input id={`${id}-hours`} className="input-short" type="number" min="0" max="168" value={draft.hours} onChange={(e) => set('hours', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-minutes`}>Minutes</label>
          <input id={`${id}-minutes`} className="input-short" type="number" min="0" max="59" value={draft.minutes} onChange={(e) => set('minutes', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-delta`}>per</label>
          <select id={`${id}-delta`} value={draft.delta} onChange={(e) => set('delta', e.target.value === 'week' ? 'week' : 'day')}>
            <option value="day">day</option>
            <option value="week">week</option>
          </select>
        </div>
      </div>
      <FieldError id={`${id}-seconds-error`} errors={result?.errors} field="seconds" />
      {field('languages', 'Languages', 'Comma separated, as summaries name them (e.g. Python, TypeScript); empty: all.')}
      {field('projects', 'Projects')}
      {field('editors', 'Editors')}
      {field('categories', 'Categories', 'e.g. coding, debugging')}
      {field('improve_by_percent', 'Improve by percent each period', 'Optional: the goal grows by this much every day or week.')}
      {draft.delta === 'day' ? (
        <fieldset className="checks">
          <legend>Ignore these days</legend>
          {WEEKDAYS.map((day) => (
            <label key={day} className="check">
              <input type="checkbox" checked={draft.ignore_days.includes(day)} onChange={(e) => set('ignore_days', e.target.checked ? [...draft.ignore_days, day] : draft.ignore_days.filter((d) => d !== day))} /> {day[0]!.toUpperCase() + day.slice(1)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={draft.ignore_zero_days} onChange={(e) => set('ignore_zero_days', e.target.checked)} /> Ignore periods without any coding
      </label>
      {field('custom_title', 'Title (optional)')}
      {field('shared_with', 'Share with', 'Usernames or e-mail addresses, comma separated: they see the goal, read-only.')}

      <section aria-live="polite" className="goal-preview" data-testid="goal-preview">
        <h3 className="small-heading">Preview{preview ? `: ${preview.title}` : ''}</h3>
        {previewError ? <p className="hint">{previewError}</p> : preview ? <GoalChart goal={preview} /> : <p className="hint">Computing…</p>}
      </section>
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : goalId ? 'Save goal' : 'Create goal'}
        </button>
      </div>
    </form>
  );
}

function GoalCard({ goal, userId, mailOn, onChanged }: { goal: GoalResource; userId: string; mailOn: boolean; onChanged(message: string): void }) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mine = goal.is_current_user_owner;
  const path = `${GOALS_PATH}/${encodeURIComponent(goal.id)}`;
  const me = goal.subscribers.find((s) => s.user_id === userId);
  const change = async (method: string, url: string, body: unknown, message: string) => {
    setError(null);
    const res = await api(method, url, body);
    if (!res.ok) {
      setError(res.error ?? 'That did not work.');
      return;
    }
    await invalidate(GOALS_PATH);
    onChanged(message);
  };
  // not mine: shared with me (by account, or by my confirmed address, whose entry shows no id yet)
  const myShare = mine ? undefined : (goal.shared_with.find((s) => s.id === userId) ?? { status: 'pending' });
  return (
    <article className="card goal" data-testid="goal-card" aria-label={goal.title}>
      <h2>
        {goal.title} {goal.is_enabled ? null : <small>(disabled)</small>}
      </h2>
      <p className="hint">
        {goal.status ? `Now: ${STATUS_LABEL[goal.status] ?? goal.status}` : 'Computing…'}
        {goal.average_status ? ` · mostly ${goal.average_status}` : ''}
        {goal.range_text ? ` · ${goal.range_text}` : ''}
        {mine ? '' : ` · shared by ${goal.owner.display_name}`}
      </p>
      <Alert kind="error">{error}</Alert>
      <GoalChart goal={goal} />
      {mine ? (
        <div className="actions">
          <button type="button" className="button button-small" onClick={() => setEditing(!editing)}>
            {editing ? 'Close editor' : 'Edit'}
          </button>
          <button type="button" className="button button-small" onClick={() => change('PATCH', path, { is_enabled: !goal.is_enabled }, goal.is_enabled ? 'Goal disabled.' : 'Goal enabled.')}>
            {goal.is_enabled ? 'Disable' : 'Enable'}
          </button>
          <ConfirmAction label="Delete" ariaLabel={`Delete ${goal.title}`} confirmLabel="Delete goal" question={`Delete "${goal.title}"?`} onConfirm={() => change('DELETE', path, undefined, 'Goal deleted.')} />
        </div>
      ) : myShare ? (
        <div className="actions">
          <span className="hint">Shared with you: {myShare.status}</span>
          <button type="button" className="button button-small" disabled={myShare.status === 'accepted'} onClick={() => change('PATCH', `${path}/invitation`, { status: 'accepted' }, 'Goal accepted.')}>
            Accept
          </button>
          <button type="button" className="button button-small button-danger-outline" onClick={() => change('PATCH', `${path}/invitation`, { status: 'declined' }, 'Goal declined.')}>
            Decline
          </button>
        </div>
      ) : null}
      {mailOn ? (
        <div className="form-row">
          <label className="inline">
            E-mails:{' '}
            <select aria-label={`E-mails about ${goal.title}`} value={(me?.email_frequency ?? 'None').toLowerCase()} onChange={(e) => change('PATCH', `${path}/subscription`, { email_frequency: e.target.value }, 'E-mail preference saved.')}>
              <option value="daily">daily</option>
              <option value="weekly">weekly</option>
              <option value="none">none</option>
            </select>
          </label>
          {goal.is_snoozed ? (
            <button type="button" className="button button-small" onClick={() => change('PATCH', `${path}/subscription`, { snooze_until: null }, 'E-mails resumed.')}>
              Resume e-mails (snoozed until {new Date(goal.snooze_until!).toLocaleDateString()})
            </button>
          ) : (
            <button type="button" className="button button-small" onClick={() => change('PATCH', `${path}/subscription`, { snooze_until: new Date(Date.now() + 7 * 86400_000).toISOString() }, 'E-mails snoozed for a week.')}>
              Snooze a week
            </button>
          )}
        </div>
      ) : null}
      {editing && mine ? (
        <GoalForm
          initial={draftOf(goal)}
          goalId={goal.id}
          onDone={(m) => {
            setEditing(false);
            onChanged(m);
          }}
        />
      ) : null}
    </article>
  );
}

export function GoalsPage({ user }: AppState) {
  const goals = useGoals();
  const mail = useMailStatus();
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const mailOn = mail.data?.data.enabled ?? false;
  const own = goals.data?.data.filter((g) => g.is_current_user_owner) ?? [];
  const shared = goals.data?.data.filter((g) => !g.is_current_user_owner) ?? [];
  return (
    <Page title="Goals" intro="Set how much (or how little) you want to code per day or week; progress is computed from your heartbeats, like your summaries.">
      <Alert kind="success">{notice}</Alert>
      {mail.data && !mailOn ? <Alert kind="info">E-mail is off on this server, so goal e-mails are not sent.</Alert> : null}
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => setCreating(!creating)} aria-expanded={creating}>
          {creating ? 'Cancel' : 'New goal'}
        </button>
      </div>
      {creating ? (
        <GoalForm
          initial={EMPTY}
          goalId={null}
          onDone={(m) => {
            setCreating(false);
            setNotice(m);
          }}
        />
      ) : null}
      {goals.isPending ? <p role="status">Loading…</p> : null}
      {goals.error ? <Alert kind="error">{goals.error.message}</Alert> : null}
      {goals.data && own.length === 0 && !creating ? <p className="empty">No goals yet. Create one above.</p> : null}
      {own.map((g) => (
        <GoalCard key={g.id} goal={g} userId={user.id} mailOn={mailOn} onChanged={setNotice} />
      ))}
      {shared.length ? <h2 className="section-heading">Shared with you</h2> : null}
      {shared.map((g) => (
        <GoalCard key={g.id} goal={g} userId={user.id} mailOn={mailOn} onChanged={setNotice} />
      ))}
    </Page>
  );
}
