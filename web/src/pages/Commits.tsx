/**
 * Commits (issue 12): per project, the push webhook to give GitHub, GitLab, Gitea or Forgejo (URL
 * and secret: create, rotate, remove) and the project's commits with the time coded for each,
 * through the same API every client uses (`…/commit_webhook`, `…/commits`).
 */
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { api, formError, type ApiResult } from '../api.js';
import { Alert, ConfirmAction, CopyButton, FieldError, Page, Table, TimeText } from '../components.js';
import { ApiError, errorMessage, invalidate } from '../data.js';
import { ME, useCommits, useCommitWebhook, useProjects } from '../queries.js';

export function CommitsPage({ user }: AppState) {
  const projects = useProjects();
  const names = projects.data?.data.map((p) => p.name) ?? [];
  const [chosen, setChosen] = useState<string | null>(null);
  const project = chosen ?? names[0] ?? '';
  const [branch, setBranch] = useState('');
  const [page, setPage] = useState(1);
  const ids = { project: useId(), branch: useId(), hook: useId(), list: useId(), secret: useId(), secretError: useId() };

  const hook = useCommitWebhook(project, { enabled: project !== '' });
  const noHook = hook.error instanceof ApiError && hook.error.status === 404;
  // after a removal the refetch answers 404 while the query keeps its last data: the 404 wins
  const current = noHook ? undefined : hook.data?.data;
  const commits = useCommits(project, { branch: branch.trim() || undefined, page }, { enabled: project !== '' });
  const [secret, setSecret] = useState('');
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hookPath = `${ME}/projects/${encodeURIComponent(project)}/commit_webhook`;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    const res = await api('POST', hookPath, secret.trim() ? { secret: secret.trim() } : {});
    setBusy(false);
    setResult(res.ok ? null : res);
    if (res.ok) {
      setSecret('');
      setNotice(noHook ? 'Webhook created: give the forge its URL and secret.' : 'New secret saved: update it at the forge too.');
      await invalidate(hookPath);
    }
  };

  const remove = async () => {
    const res = await api('DELETE', hookPath);
    if (!res.ok) setResult(res);
    else {
      setNotice('Webhook removed: pushes are no longer accepted (the commits stay).');
      await invalidate(hookPath);
    }
  };

  return (
    <Page title="Commits" intro="Commits arrive from a push webhook (GitHub, GitLab, Gitea, Forgejo) or from `metronome commits import`; each shows the time you coded for it since the previous commit on its branch.">
      {projects.isError ? <Alert kind="error">{errorMessage(projects.error, 'Could not load your projects.')}</Alert> : null}
      {projects.data && names.length === 0 ? <p className="empty">No projects yet: they appear once your editor sends heartbeats.</p> : null}
      {names.length > 0 ? (
        <div className="form-row">
          <div className="field">
            <label htmlFor={ids.project}>Project</label>
            <select
              id={ids.project}
              value={project}
              onChange={(e) => {
                setChosen(e.target.value);
                setPage(1);
                setNotice(null);
                setResult(null);
              }}
            >
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        </div>
      ) : null}

      {project ? (
        <section className="card" aria-labelledby={ids.hook}>
          <h2 id={ids.hook}>Push webhook</h2>
          <Alert kind="success">{notice}</Alert>
          <Alert kind="error">{formError(result, ['secret'])}</Alert>
          {hook.isError && !noHook ? <Alert kind="error">{errorMessage(hook.error, 'Could not load the webhook.')}</Alert> : null}
          {current ? (
            <dl className="facts" data-testid="commit-webhook">
              <div>
                <dt>Payload URL</dt>
                <dd>
                  <code>{current.url}</code> <CopyButton text={current.url} />
                </dd>
              </div>
              <div>
                <dt>Secret (GitLab: token)</dt>
                <dd>
                  <code>{current.secret}</code> <CopyButton text={current.secret} />
                </dd>
              </div>
              <div>
                <dt>Content type, events</dt>
                <dd>
                  application/json, push
                </dd>
              </div>
              <div>
                <dt>Last delivery</dt>
                <dd>
                  <TimeText iso={current.last_delivery_at} timeZone={user.timezone} never="None yet" />
                  {current.repository?.full_name ? ` from ${current.repository.full_name}` : ''}
                </dd>
              </div>
            </dl>
          ) : noHook ? (
            <p className="empty">No webhook for {project} yet.</p>
          ) : null}
          <form className="form-row" onSubmit={save}>
            <div className="field">
              <label htmlFor={ids.secret}>{current ? 'New secret' : 'Secret'} (optional: one is generated)</label>
              <input
                id={ids.secret}
                name="secret"
                maxLength={200}
                autoComplete="off"
                value={secret}
                onChange={(e) => setSecret(e.target.value)}
                aria-invalid={result?.errors?.secret ? true : undefined}
                aria-describedby={result?.errors?.secret ? ids.secretError : undefined}
              />
              <FieldError id={ids.secretError} errors={result?.errors} field="secret" />
            </div>
            <button type="submit" className="button button-primary" disabled={busy || hook.isLoading}>
              {busy ? 'Saving…' : current ? 'Rotate secret' : 'Create webhook'}
            </button>
            {current ? <ConfirmAction label="Remove" ariaLabel={`Remove the webhook of ${project}`} confirmLabel="Remove webhook" question="Stop accepting pushes for this project?" onConfirm={remove} /> : null}
          </form>
        </section>
      ) : null}

      {project ? (
        <section className="card" aria-labelledby={ids.list}>
          <h2 id={ids.list}>Commits of {project}</h2>
          <div className="form-row">
            <div className="field">
              <label htmlFor={ids.branch}>Branch (empty: the default branch, or all)</label>
              <input
                id={ids.branch}
                value={branch}
                maxLength={200}
                onChange={(e) => {
                  setBranch(e.target.value);
                  setPage(1);
                }}
              />
            </div>
          </div>
          {commits.isError ? <Alert kind="error">{errorMessage(commits.error, 'Could not load the commits.')}</Alert> : null}
          {commits.isLoading ? <p role="status">Loading…</p> : null}
          {commits.data && commits.data.commits.length === 0 ? <p className="empty">No commits{commits.data.branch ? ` on ${commits.data.branch}` : ''} yet.</p> : null}
          {commits.data && commits.data.commits.length > 0 ? (
            <>
              <Table columns={['Commit', 'Message', 'Author', 'Branch', 'Date', 'Time coded']}>
                {commits.data.commits.map((c) => (
                  <tr key={c.id} data-testid="commit-row">
                    <th scope="row">{c.html_url ? <a href={c.html_url} rel="noreferrer noopener" target="_blank"><code>{c.truncated_hash}</code></a> : <code>{c.truncated_hash}</code>}</th>
                    <td>{c.message.split('\n')[0]}</td>
                    <td>{c.author_name ?? c.author_username ?? c.author_email ?? '—'}</td>
                    <td>{c.branch}</td>
                    <td>
                      <TimeText iso={c.author_date} timeZone={user.timezone} />
                    </td>
                    <td>{c.human_readable_total_with_seconds}</td>
                  </tr>
                ))}
              </Table>
              <p className="pager">
                <button type="button" className="button button-small" disabled={commits.data.prev_page === null} onClick={() => setPage((p) => Math.max(1, p - 1))}>
                  Newer
                </button>{' '}
                Page {commits.data.page} of {Math.max(1, commits.data.total_pages)} ({commits.data.total} commits){' '}
                <button type="button" className="button button-small" disabled={commits.data.next_page === null} onClick={() => setPage((p) => p + 1)}>
                  Older
                </button>
              </p>
            </>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}
