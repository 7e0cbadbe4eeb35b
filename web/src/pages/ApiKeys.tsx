import { useId, useState, type FormEvent } from 'react';
import type { AppState } from '../App.js';
import { api, formError, useList, type ApiKey, type ApiResult } from '../api.js';
import { Alert, ConfigSnippet, ConfirmAction, CopyButton, FieldError, Page, SecretBox, Table, TimeText } from '../components.js';

export function ApiKeysPage({ session, user, newApiKey, setNewApiKey }: AppState) {
  const { items: keys, setItems: setKeys, error: listError, setError: setListError, reload: load } = useList<ApiKey>('/api/v1/users/current/api_keys', 'Could not load your API keys.');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<(ApiKey & { api_key: string }) | null>(null);
  const [createResult, setCreateResult] = useState<ApiResult<unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const ids = { name: useId(), nameError: useId(), list: useId(), create: useId() };


  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setCreateResult(null);
    const res = await api<ApiKey & { api_key: string }>('POST', '/api/v1/users/current/api_keys', { name: name.trim() });
    setBusy(false);
    if (res.ok && res.data) {
      setCreated(res.data);
      setNewApiKey({ id: res.data.id, key: res.data.api_key });
      setName('');
      await load();
    } else setCreateResult(res);
  };

  const revoke = async (key: ApiKey) => {
    setNotice(null);
    const res = await api('DELETE', `/api/v1/users/current/api_keys/${encodeURIComponent(key.id)}`);
    if (!res.ok) {
      setListError(res.error ?? 'Could not revoke the key.');
      return;
    }
    setKeys((list) => list?.filter((k) => k.id !== key.id) ?? null);
    if (created?.id === key.id) setCreated(null);
    if (newApiKey?.id === key.id) setNewApiKey(null);
    setNotice(`Revoked "${key.name}": it no longer works.`);
    await load();
  };

  return (
    <Page title="API keys" intro="Editor plugins and wakatime-cli send your activity with an API key. Use one key per machine, so you can revoke one without touching the others.">
      {created ? (
        <SecretBox label={`Your new API key "${created.name}"`} value={created.api_key}>
          <button type="button" className="button button-small" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </SecretBox>
      ) : null}

      <section className="card" aria-labelledby={ids.create}>
        <h2 id={ids.create}>Create a key</h2>
        <form className="form-row" onSubmit={create}>
          <Alert kind="error">{formError(createResult, ['name'])}</Alert>
          <div className="field">
            <label htmlFor={ids.name}>Key name</label>
            <input
              id={ids.name}
              name="name"
              required
              maxLength={100}
              placeholder="e.g. laptop"
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={createResult?.errors?.name ? true : undefined}
              aria-describedby={createResult?.errors?.name ? ids.nameError : undefined}
            />
            <FieldError id={ids.nameError} errors={createResult?.errors} field="name" />
          </div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </form>
      </section>

      <section className="card" aria-labelledby={ids.list}>
        <h2 id={ids.list}>Your keys</h2>
        <Alert kind="success">{notice}</Alert>
        <Alert kind="error">{listError}</Alert>
        {keys === null ? (
          listError ? null : <p role="status">Loading…</p>
        ) : keys.length === 0 ? (
          <p className="empty">No API keys yet. Create one above.</p>
        ) : (
          <Table columns={['Name', 'Key', 'Created', 'Last used']} actions>
            {keys.map((key) => (
              <tr key={key.id} data-testid="api-key-row">
                <th scope="row">{key.name}</th>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>
                  <TimeText iso={key.created_at} timeZone={user.timezone} />
                </td>
                <td>
                  <TimeText iso={key.last_used_at} timeZone={user.timezone} />
                </td>
                <td className="cell-actions">
                  <ConfirmAction
                    label="Revoke"
                    ariaLabel={`Revoke ${key.name}`}
                    confirmLabel="Revoke key"
                    question={`Revoke "${key.name}"? Editors using it stop syncing.`}
                    onConfirm={() => revoke(key)}
                  />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>

      <ConfigSnippet apiUrl={session.api_url} baseUrl={session.base_url} apiKey={newApiKey?.key ?? null} keys={keys} />

      <LegacyPluginsHint apiUrl={session.api_url} apiKey={newApiKey?.key ?? null} />
    </Page>
  );
}

/**
 * Plugins from before the Go wakatime-cli run the legacy Python `wakatime` command, which refuses
 * keys with the `waka_` prefix; the server accepts the bare UUID part of every key.
 */
function LegacyPluginsHint({ apiUrl, apiKey }: { apiUrl: string; apiKey: string | null }) {
  const id = useId();
  const bare = apiKey ? apiKey.replace(/^waka_/, '') : null;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>Old editor plugins</h2>
      <p>
        Plugins older than the Go <code>wakatime-cli</code> (the legacy Python <code>wakatime</code> command) refuse keys starting with{' '}
        <code>waka_</code>. For old plugins use the same key without that prefix{bare ? ':' : ' (the part after waka_).'}
      </p>
      {bare ? (
        <div className="secret-value">
          <code data-testid="legacy-api-key">{bare}</code>
          <CopyButton text={bare} label="Copy bare key" />
        </div>
      ) : null}
      <p>
        They post to <code>api_url</code> itself: <code>{apiUrl}</code> works, and so does <code>{apiUrl}/users/current/heartbeats.bulk</code>.
      </p>
    </section>
  );
}
