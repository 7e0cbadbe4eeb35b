/** Pieces shared by the pages: page heading, messages, field errors, copy buttons, the config snippet, tables. */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { fieldErrors, type FieldErrors } from './api.js';
import { Link, navigationCount } from './router.js';

/** A page: its <h1> (focused after in-app navigation, for screen readers) and the document title. */
export function Page({ title, intro, children, narrow }: { title: string; intro?: ReactNode; children: ReactNode; narrow?: boolean }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Metronome`;
    // the first page load keeps the browser's own focus; later navigations announce the new page
    if (navigationCount() > 0) heading.current?.focus();
  }, [title]);
  return (
    <div className={narrow ? 'page page-narrow' : 'page'}>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </div>
  );
}

export function Alert({ kind, children }: { kind: 'error' | 'success' | 'info' | 'warning'; children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === '') return null;
  return (
    <div className={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The messages for one field, linked to its input through `aria-describedby={id}`. */
export function FieldError({ id, errors, field }: { id: string; errors?: FieldErrors; field: string }) {
  const messages = fieldErrors(errors, field);
  if (messages.length === 0) return null;
  return (
    <p className="field-error" id={id}>
      {messages.join(' ')}
    </p>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection-based copy
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <span className="copy">
      <button type="button" className="button button-small" onClick={async () => setState((await copyText(text)) ? 'copied' : 'failed')}>
        {label}
      </button>
      <span className="copy-status" role="status" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it by hand' : ''}
      </span>
    </span>
  );
}

/** A secret shown once (API key, client secret): the value, a copy button and the warning. */
export function SecretBox({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  const id = useId();
  return (
    <section className="secret" aria-labelledby={id}>
      <h2 id={id}>{label}</h2>
      <p className="secret-warning">Copy it now: it is shown only once and cannot be displayed again.</p>
      <div className="secret-value">
        <code data-testid="secret-value">{value}</code>
        <CopyButton text={value} />
      </div>
      {children}
    </section>
  );
}

/**
 * The `~/.wakatime.cfg` for this server. With the key created in this visit, the snippet carries it.
 * Otherwise it says what is true: no key yet (create one), or keys exist but their secrets were
 * shown only once, when created (paste the one you saved, or create one for this machine).
 * `keys` is the user's active keys, null while they load.
 */
export function ConfigSnippet({
  apiUrl,
  apiKey,
  baseUrl,
  keys,
}: {
  apiUrl: string;
  apiKey: string | null;
  baseUrl: string;
  keys: readonly { name: string; prefix: string }[] | null;
}) {
  const id = useId();
  let keyLine: string;
  let hint: ReactNode = null;
  if (apiKey) {
    keyLine = apiKey;
  } else if (keys === null) {
    keyLine = '<your API key>';
  } else if (keys.length === 0) {
    keyLine = `<create an API key at ${baseUrl}/settings/api-keys and paste it here>`;
    hint = (
      <>
        No key yet? <Link to="/settings/api-keys">Create an API key</Link> and it will appear here.
      </>
    );
  } else {
    keyLine = keys.length === 1 ? `<paste your API key ${keys[0]!.prefix}>` : '<paste one of your API keys>';
    const names = keys.map((k) => `${k.name} (${k.prefix})`).join(', ');
    hint = (
      <>
        You have {keys.length === 1 ? 'an API key' : `${keys.length} API keys`}: {names}. A key is shown only once, when it is created, so
        paste the one you saved, or <Link to="/settings/api-keys">create a new key</Link> for this machine.
      </>
    );
  }
  const text = `[settings]\napi_url = ${apiUrl}\napi_key = ${keyLine}\n`;
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>Connect your editor</h2>
      <p>
        Install the WakaTime plugin for your editor, then put this in <code>~/.wakatime.cfg</code> (on Windows{' '}
        <code>%USERPROFILE%\.wakatime.cfg</code>):
      </p>
      <pre className="snippet" data-testid="wakatime-cfg">
        {text}
      </pre>
      <div className="actions">
        <CopyButton text={text} label="Copy configuration" />
        {hint ? (
          <span className="hint" data-testid="key-hint">
            {hint}
          </span>
        ) : null}
      </div>
    </section>
  );
}

export function formatDate(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return 'Never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
  } catch {
    return date.toLocaleString();
  }
}

export function TimeText({ iso, timeZone, never = 'Never' }: { iso: string | null | undefined; timeZone?: string; never?: string }) {
  if (!iso) return <>{never}</>;
  return <time dateTime={iso}>{formatDate(iso, timeZone)}</time>;
}

/**
 * A destructive action behind a confirmation step shown in place: the first button asks, the
 * second (focused) does it.
 */
export function ConfirmAction({
  label,
  ariaLabel,
  confirmLabel,
  question,
  onConfirm,
  busy,
}: {
  label: string;
  /** A longer name for screen readers, e.g. "Revoke laptop". */
  ariaLabel?: string;
  confirmLabel: string;
  question: ReactNode;
  onConfirm: () => void | Promise<void>;
  busy?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="button button-danger-outline button-small" aria-label={ariaLabel} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={ariaLabel ?? label}>
      <span className="confirm-question">{question}</span>
      <button
        ref={confirmRef}
        type="button"
        className="button button-danger button-small"
        disabled={busy}
        onClick={async () => {
          await onConfirm();
          setAsking(false);
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button-small" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
    </div>
  );
}

/**
 * A table in its scrolling wrapper: one column heading per entry of `columns`, then (with `actions`)
 * the visually hidden "Actions" heading of a buttons column, and the rows given as children.
 * `caption` is the table's own <caption> element, when it has one.
 */
export function Table({
  columns,
  actions,
  caption,
  className = 'table',
  testId,
  labelledBy,
  children,
}: {
  columns: readonly ReactNode[];
  actions?: boolean;
  caption?: ReactNode;
  className?: string;
  testId?: string;
  labelledBy?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className={className} data-testid={testId} aria-labelledby={labelledBy}>
        {caption}
        <thead>
          <tr>
            {columns.map((column, i) => (
              <th key={i} scope="col">
                {column}
              </th>
            ))}
            {actions ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/**
 * One figure of a page's stat cards (inside `<dl className="stats-cards">`): its name and value, with
 * the exact number in `data-seconds` / `data-days` for whoever reads the page (the tests do).
 */
export function Stat({ label, testId, seconds, days, children }: { label: string; testId?: string; seconds?: number; days?: number; children: ReactNode }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-seconds={seconds} data-days={days}>
        {children}
      </dd>
    </div>
  );
}
