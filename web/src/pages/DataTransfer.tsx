/**
 * Settings → Data: exports (data dumps), imports (a WakaTime dump file or another server, with
 * progress and the report of what was skipped) and relay targets. Only the public API
 * (data_dumps, imports, relay_targets); lists poll while something is processing.
 */
import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../page-props.js';
import { api, apiUpload, formError, type ApiResult, type FieldErrors } from '../api.js';
import { invalidate } from '../data.js';
import { Alert, ConfirmAction, FieldError, Page, Table, TimeText } from '../components.js';
import { ME, useDataDumps, useImports, useRelayTargets } from '../queries.js';
import type { Import } from '../../../src/wire/import.js';
import type { RelayTarget } from '../../../src/wire/relay.js';

function Progress({ value, label }: { value: number; label: string }) {
  return (
    <div className="transfer-progress">
      <progress max={100} value={value} aria-label={label} />
      <span>{value.toFixed(1)}%</span>
    </div>
  );
}

/** Another WakaTime-compatible server (to import from or relay to): its API URL and API key, with their field errors. */
function ServerFields({ url, setUrl, apiKey, setApiKey, errors }: { url: string; setUrl: (url: string) => void; apiKey: string; setApiKey: (key: string) => void; errors?: FieldErrors }) {
  const ids = { url: useId(), key: useId(), errUrl: useId(), errKey: useId() };
  return (
    <>
      <div className="field">
        <label htmlFor={ids.url}>Server API URL</label>
        <input id={ids.url} required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://wakatime.com/api/v1" aria-describedby={ids.errUrl} />
        <FieldError id={ids.errUrl} errors={errors} field="url" />
      </div>
      <div className="field">
        <label htmlFor={ids.key}>Its API key</label>
        <input id={ids.key} required type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} aria-describedby={ids.errKey} />
        <FieldError id={ids.errKey} errors={errors} field="api_key" />
      </div>
    </>
  );
}

function Exports({ timeZone }: { timeZone: string }) {
  const id = useId();
  const dumps = useDataDumps();
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const start = async (type: 'heartbeats' | 'daily') => {
    setResult(null);
    const res = await api('POST', `${ME}/data_dumps`, { type, email_when_finished: true });
    if (!res.ok) setResult(res);
    await invalidate(`${ME}/data_dumps`);
  };
  const list = dumps.data?.data ?? null;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>Export your data</h2>
      <p>
        A gzip JSON file of every heartbeat (the format WakaTime exports and importers read), or of your daily summaries. It is generated in the background;
        the link works for 7 days (and is e-mailed to you when mail is set up on this server).
      </p>
      <div className="actions">
        <button type="button" className="button button-primary" onClick={() => start('heartbeats')}>
          Export heartbeats
        </button>
        <button type="button" className="button" onClick={() => start('daily')}>
          Export daily summaries
        </button>
      </div>
      <Alert kind="error">{formError(result, [])}</Alert>
      {list === null ? (
        <p role="status">{dumps.error ? 'Could not load your exports.' : 'Loading…'}</p>
      ) : list.length === 0 ? (
        <p className="empty">No exports yet.</p>
      ) : (
        <Table columns={['Type', 'Requested', 'Status', 'Download']}>
          {list.map((d) => (
            <tr key={d.id} data-testid="dump-row">
              <th scope="row">{d.type}</th>
              <td>
                <TimeText iso={d.created_at} timeZone={timeZone} />
              </td>
              <td>{d.is_processing ? <Progress value={d.percent_complete} label={`${d.type} export`} /> : d.status}{d.is_stuck ? ' (taking long: retried automatically)' : ''}</td>
              <td>
                {d.download_url ? (
                  <a href={d.download_url} download>
                    Download (until <TimeText iso={d.expires} timeZone={timeZone} />)
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

function ImportRow({ imp, timeZone }: { imp: Import; timeZone: string }) {
  const reasons = Object.entries(imp.skipped_reasons);
  const act = async (status: 'canceled' | 'pending') => {
    await api('PATCH', `${ME}/imports/${encodeURIComponent(imp.id)}`, { status });
    await invalidate(`${ME}/imports`);
  };
  return (
    <tr data-testid="import-row">
      <th scope="row">
        {imp.type === 'file' ? 'Dump file' : imp.source}
        {imp.method ? ` (${imp.method === 'dump' ? 'its data dump' : 'day by day'})` : ''}
        <div className="hint">
          <TimeText iso={imp.created_at} timeZone={timeZone} />
        </div>
      </th>
      <td>
        {imp.is_processing ? <Progress value={imp.percent_complete} label="import" /> : imp.status}
        {imp.error ? <div className="field-error">{imp.error}</div> : null}
      </td>
      <td>
        {imp.imported} imported, {imp.skipped} skipped
        {reasons.length > 0 ? (
          <details>
            <summary>Why skipped</summary>
            <ul>
              {reasons.map(([reason, n]) => (
                <li key={reason}>
                  {n} × {reason}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
      </td>
      <td className="cell-actions">
        {imp.is_processing ? (
          <button type="button" className="button button-small" onClick={() => act('canceled')}>
            Cancel
          </button>
        ) : imp.status === 'failed' || imp.status === 'canceled' ? (
          <button type="button" className="button button-small" onClick={() => act('pending')}>
            Resume
          </button>
        ) : null}
      </td>
    </tr>
  );
}

function Imports({ timeZone }: { timeZone: string }) {
  const ids = { title: useId(), file: useId(), method: useId() };
  const imports = useImports();
  const [file, setFile] = useState<File | null>(null);
  // a new input after an upload (a file input cannot be cleared by state)
  const [fileInput, setFileInput] = useState(0);
  const [url, setUrl] = useState('https://wakatime.com/api/v1');
  const [key, setKey] = useState('');
  const [method, setMethod] = useState<'days' | 'dump'>('days');
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const upload = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setResult(null);
    setBusy('Uploading…');
    const created = await api<Import>('POST', `${ME}/imports`, { type: 'file' });
    if (created.ok && created.data) {
      const res = await apiUpload(`${ME}/imports/${encodeURIComponent(created.data.id)}/file`, file);
      if (!res.ok) setResult(res);
      else {
        setFile(null);
        setFileInput((n) => n + 1);
      }
    } else setResult(created);
    setBusy(null);
    await invalidate(`${ME}/imports`);
  };

  const fromServer = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setBusy('Starting…');
    const res = await api('POST', `${ME}/imports`, { type: 'server', url: url.trim(), api_key: key.trim(), method });
    setBusy(null);
    if (res.ok) setKey('');
    else setResult(res);
    await invalidate(`${ME}/imports`);
  };

  const list = imports.data?.data ?? null;
  return (
    <section className="card" aria-labelledby={ids.title}>
      <h2 id={ids.title}>Import your history</h2>
      <p>Imported heartbeats are stored like your editors' (importing twice adds nothing). Imports go on in the background and resume after a restart.</p>
      <Alert kind="error">{formError(result, ['url', 'api_key'])}</Alert>
      <form className="form-row" onSubmit={upload}>
        <div className="field">
          <label htmlFor={ids.file}>A WakaTime heartbeats export (.json or .json.gz)</label>
          <input key={fileInput} id={ids.file} type="file" accept=".json,.gz,application/json,application/gzip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" className="button button-primary" disabled={!file || busy !== null}>
          {busy ?? 'Import file'}
        </button>
      </form>
      <form className="form-row" onSubmit={fromServer}>
        <ServerFields url={url} setUrl={setUrl} apiKey={key} setApiKey={setKey} errors={result?.errors} />
        <div className="field">
          <label htmlFor={ids.method}>How</label>
          <select id={ids.method} value={method} onChange={(e) => setMethod(e.target.value as 'days' | 'dump')}>
            <option value="days">Day by day</option>
            <option value="dump">Through its data dump</option>
          </select>
        </div>
        <button type="submit" className="button" disabled={busy !== null}>
          Import from server
        </button>
      </form>
      {list === null ? (
        <p role="status">{imports.error ? 'Could not load your imports.' : 'Loading…'}</p>
      ) : list.length === 0 ? (
        <p className="empty">No imports yet.</p>
      ) : (
        <Table columns={['Source', 'Status', 'Report']} actions>
          {list.map((imp) => (
            <ImportRow key={imp.id} imp={imp} timeZone={timeZone} />
          ))}
        </Table>
      )}
    </section>
  );
}

function Relay({ timeZone }: { timeZone: string }) {
  const ids = { title: useId(), name: useId() };
  const targets = useRelayTargets();
  const [url, setUrl] = useState('');
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [result, setResult] = useState<ApiResult<unknown> | null>(null);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const res = await api('POST', `${ME}/relay_targets`, { url: url.trim(), api_key: key.trim(), ...(name.trim() ? { name: name.trim() } : {}) });
    if (res.ok) {
      setUrl('');
      setKey('');
      setName('');
    } else setResult(res);
    await invalidate(`${ME}/relay_targets`);
  };
  const toggle = async (t: RelayTarget) => {
    await api('PATCH', `${ME}/relay_targets/${encodeURIComponent(t.id)}`, { enabled: !t.enabled });
    await invalidate(`${ME}/relay_targets`);
  };
  const remove = async (t: RelayTarget) => {
    await api('DELETE', `${ME}/relay_targets/${encodeURIComponent(t.id)}`);
    await invalidate(`${ME}/relay_targets`);
  };
  const list = targets.data?.data ?? null;
  return (
    <section className="card" aria-labelledby={ids.title}>
      <h2 id={ids.title}>Relay to other servers</h2>
      <p>Every heartbeat this server accepts is also sent to these WakaTime-compatible servers (WakaTime, Wakapi, another Metronome). If one is down, heartbeats wait and are sent when it is back.</p>
      <form className="form-row" onSubmit={add}>
        <Alert kind="error">{formError(result, ['url', 'api_key'])}</Alert>
        <ServerFields url={url} setUrl={setUrl} apiKey={key} setApiKey={setKey} errors={result?.errors} />
        <div className="field">
          <label htmlFor={ids.name}>Name (optional)</label>
          <input id={ids.name} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <button type="submit" className="button button-primary">
          Add relay
        </button>
      </form>
      {list === null ? (
        <p role="status">{targets.error ? 'Could not load your relay targets.' : 'Loading…'}</p>
      ) : list.length === 0 ? (
        <p className="empty">No relay targets.</p>
      ) : (
        <Table columns={['Server', 'Delivered', 'Waiting', 'Last success']} actions>
          {list.map((t) => (
            <tr key={t.id} data-testid="relay-row">
              <th scope="row">
                {t.name}
                <div className="hint">
                  {t.url} · key {t.api_key_hint}
                  {t.enabled ? '' : ' · paused'}
                </div>
                {t.last_error ? (
                  <div className="field-error">
                    {t.last_error} (retrying <TimeText iso={t.next_attempt_at} timeZone={timeZone} never="soon" />)
                  </div>
                ) : null}
              </th>
              <td>{t.delivered}</td>
              <td>{t.pending}</td>
              <td>
                <TimeText iso={t.last_success_at} timeZone={timeZone} />
              </td>
              <td className="cell-actions">
                <button type="button" className="button button-small" onClick={() => toggle(t)}>
                  {t.enabled ? 'Pause' : 'Resume'}
                </button>
                <ConfirmAction label="Remove" ariaLabel={`Remove ${t.name}`} confirmLabel="Remove" question={`Stop relaying to ${t.name}? Heartbeats still waiting are dropped.`} onConfirm={() => remove(t)} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

export function DataTransferPage({ user }: AppState) {
  return (
    <Page title="Data" intro="Take your coding activity with you, bring your history here, and keep sending to other servers.">
      <Exports timeZone={user.timezone} />
      <Imports timeZone={user.timezone} />
      <Relay timeZone={user.timezone} />
    </Page>
  );
}
