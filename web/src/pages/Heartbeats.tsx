/** The heartbeats of one local day as a table; selected ones can be deleted (DELETE heartbeats.bulk). */
import { useEffect, useState } from 'react';
import type { AppState } from '../page-props.js';
import { api } from '../api.js';
import { Alert, ConfirmAction, Page, Table } from '../components.js';
import { errorMessage, invalidate } from '../data.js';
import { ME, useHeartbeats } from '../queries.js';
import { useRouter } from '../router.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

export function HeartbeatsPage({ user }: AppState) {
  const { location, navigate } = useRouter();
  const asked = new URLSearchParams(location.search).get('date');
  const date = asked && DATE.test(asked) ? asked : todayIn(user.timezone);
  const heartbeats = useHeartbeats(date);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  useEffect(() => setSelected(new Set()), [date]);
  const rows = heartbeats.data?.data ?? [];
  const clock = (t: number) => new Date(t * 1000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: heartbeats.data?.timezone ?? user.timezone });
  const toggle = (id: string) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const remove = async () => {
    setBusy(true);
    setMessage(null);
    const ids = [...selected];
    const res = await api('DELETE', `${ME}/heartbeats.bulk`, { date, ids });
    setBusy(false);
    if (!res.ok) {
      setMessage({ kind: 'error', text: res.error ?? 'Could not delete the heartbeats.' });
      return;
    }
    setSelected(new Set());
    setMessage({ kind: 'success', text: `Deleted ${ids.length} ${ids.length === 1 ? 'heartbeat' : 'heartbeats'}.` });
    // everything computed from heartbeats changes
    await Promise.all([invalidate(`${ME}/heartbeats`), invalidate(`${ME}/summaries`), invalidate(`${ME}/durations`), invalidate(`${ME}/activity`)]);
  };
  return (
    <Page title="Heartbeats" intro="Every heartbeat your editors sent on one day, in your time zone.">
      <div className="toolbar">
        <label className="inline-field">
          Day{' '}
          <input type="date" value={date} onChange={(e) => e.target.value && navigate(`/heartbeats?date=${e.target.value}`, { replace: true })} />
        </label>
        {selected.size > 0 ? (
          <ConfirmAction label={`Delete ${selected.size} selected`} confirmLabel="Delete" question={`Delete ${selected.size} ${selected.size === 1 ? 'heartbeat' : 'heartbeats'} for good?`} onConfirm={remove} busy={busy} />
        ) : null}
      </div>
      {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
      {heartbeats.error ? <Alert kind="error">{errorMessage(heartbeats.error, 'Could not load the heartbeats.')}</Alert> : null}
      <section className="card">
        {heartbeats.data && rows.length === 0 ? (
          <p className="empty">No heartbeats on {date}.</p>
        ) : (
          <Table
            className="table table-compact"
            testId="heartbeats"
            columns={[
              <input
                type="checkbox"
                aria-label="Select all"
                checked={rows.length > 0 && selected.size === rows.length}
                onChange={(e) => setSelected(e.target.checked ? new Set(rows.map((r) => r.id)) : new Set())}
              />,
              'Time',
              'Entity',
              'Language',
              'Project',
              'Branch',
              'Editor',
              'Write',
            ]}
          >
            {rows.map((h) => (
              <tr key={h.id} data-id={h.id}>
                <td>
                  <input type="checkbox" aria-label={`Select ${h.entity} at ${clock(h.time)}`} checked={selected.has(h.id)} onChange={() => toggle(h.id)} />
                </td>
                <td>{clock(h.time)}</td>
                <td className="cell-wrap" title={h.entity}>
                  {h.entity}
                </td>
                <td>{h.language ?? '—'}</td>
                <td className="cell-wrap">{h.project ?? '—'}</td>
                <td className="cell-wrap">{h.branch ?? '—'}</td>
                <td>{h.editor ?? '—'}</td>
                <td>{h.is_write ? 'yes' : ''}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
    </Page>
  );
}
