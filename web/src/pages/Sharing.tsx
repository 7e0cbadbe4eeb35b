/**
 * Settings › Sharing: the public profile switch, and badges and embeds — secret share links to an
 * SVG badge (total or one project) or chart (languages, editors, activity) with its JSON, each
 * revocable.
 */
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, formError, type ApiResult, type User } from '../api.js';
import { Alert, ConfirmAction, CopyButton, FieldError, Page, Table, TimeText } from '../components.js';
import { errorMessage, invalidate } from '../data.js';
import { ME, useProjects, useShareLinks } from '../queries.js';
import { Link } from '../router.js';
import type { NewShareLink } from '../../../src/wire/share-link.js';

const PUBLIC_FLAGS = ['logged_time_public', 'languages_used_public', 'editors_used_public', 'os_used_public', 'categories_used_public'] as const;

const KINDS: Record<string, string> = {
  badge: 'Badge: total coding time',
  project: 'Badge: one project',
  languages: 'Chart: languages',
  editors: 'Chart: editors',
  activity: 'Chart: coding activity per day',
};
const RANGES: Record<string, string> = { last_7_days: 'Last 7 days', last_30_days: 'Last 30 days', last_6_months: 'Last 6 months', last_year: 'Last year', all_time: 'All time' };

/** The same-origin path of a share URL (the preview loads from this server whatever BASE_URL says). */
function localPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

export function SharingPage({ user, setUser }: AppState) {
  const ids = { kind: useId(), range: useId(), project: useId(), label: useId() };
  const links = useShareLinks();
  const projects = useProjects();
  const [kind, setKind] = useState('badge');
  const [range, setRange] = useState('last_7_days');
  const [project, setProject] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiResult<NewShareLink> | null>(null);
  const [profileError, setProfileError] = useState<string | null>(null);
  const isPublic = PUBLIC_FLAGS.some((f) => user[f]);

  const setPublic = async (on: boolean) => {
    setProfileError(null);
    const res = await api<User>('PATCH', `${ME}`, Object.fromEntries(PUBLIC_FLAGS.map((f) => [f, on])));
    if (res.ok && res.data) setUser(res.data);
    else setProfileError(res.error ?? 'Could not change your profile.');
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    const body = { kind: kind === 'project' ? 'badge' : kind, range, project: kind === 'project' ? project : null, label: label.trim() || null };
    const res = await api<NewShareLink>('POST', `${ME}/share_links`, body);
    setBusy(false);
    setResult(res);
    if (res.ok) await invalidate(`${ME}/share_links`);
  };

  const revoke = async (id: string) => {
    const res = await api('DELETE', `${ME}/share_links/${encodeURIComponent(id)}`);
    if (!res.ok) setProfileError(res.error ?? 'Could not revoke the link.');
    if (result?.data?.id === id) setResult(null);
    await invalidate(`${ME}/share_links`);
  };

  const created = result?.ok ? result.data : null;
  return (
    <Page title="Sharing" intro="Your public profile, and badges and charts for READMEs and web pages.">
      <section className="card" aria-labelledby="sharing-profile">
        <h2 id="sharing-profile">Public profile</h2>
        <p data-testid="profile-state">
          {isPublic ? (
            <>
              Your profile at <Link to={`/@${user.username}`}>/@{user.username}</Link> shows your{' '}
              {[user.logged_time_public && 'coding time', user.languages_used_public && 'languages', user.editors_used_public && 'editors', user.os_used_public && 'operating systems', user.categories_used_public && 'categories'].filter(Boolean).join(', ')}.
            </>
          ) : (
            <>Your profile is private: /@{user.username} says so to everyone.</>
          )}
        </p>
        <button type="button" className="button" onClick={() => void setPublic(!isPublic)}>
          {isPublic ? 'Make my profile private' : 'Make my profile public'}
        </button>
        <p className="hint">
          Choose each part separately in <Link to="/settings">Settings</Link>.
        </p>
        {profileError ? <Alert kind="error">{profileError}</Alert> : null}
      </section>

      <section className="card" aria-labelledby="sharing-new">
        <h2 id="sharing-new">New badge or chart</h2>
        <form onSubmit={create} noValidate>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.kind}>What</label>
              <select id={ids.kind} value={kind} onChange={(e) => setKind(e.target.value)}>
                {Object.entries(KINDS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={ids.range}>Range</label>
              <select id={ids.range} value={range} onChange={(e) => setRange(e.target.value)}>
                {Object.entries(RANGES).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {kind === 'project' ? (
            <div className="field">
              <label htmlFor={ids.project}>Project</label>
              <input id={ids.project} list={`${ids.project}-list`} value={project} onChange={(e) => setProject(e.target.value)} aria-invalid={!!result?.errors?.project} />
              <datalist id={`${ids.project}-list`}>
                {(projects.data?.data ?? []).map((p) => (
                  <option key={p.id} value={p.name} />
                ))}
              </datalist>
              <FieldError id={`${ids.project}-e`} errors={result?.errors} field="project" />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={ids.label}>Label (optional)</label>
            <input id={ids.label} value={label} maxLength={40} placeholder={kind === 'badge' || kind === 'project' ? 'wakatime' : KINDS[kind]} onChange={(e) => setLabel(e.target.value)} aria-invalid={!!result?.errors?.label} />
            <FieldError id={`${ids.label}-e`} errors={result?.errors} field="label" />
          </div>
          {result && !result.ok ? <Alert kind="error">{formError(result, ['project', 'label'])}</Alert> : null}
          <button type="submit" className="button button-primary" disabled={busy}>
            Create link
          </button>
        </form>
        {created ? (
          <div className="secret" data-testid="new-share-link">
            <p className="secret-warning">Copy these now: the link is secret and shown only once. Anyone with it sees this picture; revoke it below to stop it.</p>
            <div className="with-copy">
              <code data-testid="share-svg-url">{created.svg_url}</code>
              <CopyButton text={created.svg_url} label="Copy image URL" />
            </div>
            <div className="with-copy">
              <code>{`![${created.label}](${created.svg_url})`}</code>
              <CopyButton text={`![${created.label}](${created.svg_url})`} label="Copy Markdown" />
            </div>
            <div className="with-copy">
              <code data-testid="share-json-url">{created.json_url}</code>
              <CopyButton text={created.json_url} label="Copy JSON URL" />
            </div>
            <p>
              <img src={localPath(created.svg_url)} alt={`${created.label} preview`} className="share-preview" data-testid="share-preview" />
            </p>
          </div>
        ) : null}
      </section>

      <section className="card" aria-labelledby="sharing-links">
        <h2 id="sharing-links">Your links</h2>
        {links.error ? <Alert kind="error">{errorMessage(links.error, 'Could not load your links.')}</Alert> : null}
        {links.data && links.data.data.length === 0 ? (
          <p className="empty">No links yet.</p>
        ) : (
          <Table columns={['What', 'Range', 'Link', 'Last used']} actions testId="share-links">
            {(links.data?.data ?? []).map((l) => (
              <tr key={l.id} data-id={l.id}>
                <td className="cell-wrap">
                  {l.kind === 'badge' ? (l.project ? `Badge: ${l.project}` : 'Badge: total') : KINDS[l.kind] ?? l.kind} <span className="hint">“{l.label}”</span>
                </td>
                <td>{RANGES[l.range] ?? l.range}</td>
                <td>
                  <code>{l.prefix}…</code>
                </td>
                <td>
                  <TimeText iso={l.last_used_at} timeZone={user.timezone} />
                </td>
                <td className="cell-actions">
                  <ConfirmAction label="Revoke" ariaLabel={`Revoke ${l.label}`} confirmLabel="Revoke" question="Stop this link?" onConfirm={() => revoke(l.id)} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </Page>
  );
}
