/**
 * The OAuth provider's server-rendered pages: the consent page and the error page shown when an
 * authorize request cannot be sent back to the app. Self-contained (inline CSS, no external assets).
 */
import { BASE_ACCESS, describeScope } from '../domain/oauth.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f3f4f7; color: #1d2330; }
  main { max-width: 34rem; margin: 3rem auto; background: #fff; border-radius: 10px; padding: 1.8rem 2rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.35rem; margin: 0 0 .6rem; } .muted { color: #5d6577; font-size: .92rem; }
  ul { padding-left: 1.2rem; } li { margin: .35rem 0; } code { font: .85rem ui-monospace, monospace; color: #5d6577; }
  .actions { display: flex; gap: .8rem; margin-top: 1.4rem; }
  button { font: inherit; padding: .55rem 1.3rem; border-radius: 6px; border: 1px solid #b9bfcc; background: #fff; color: #1d2330; cursor: pointer; }
  button.approve { background: #1d4fa3; border-color: #1d4fa3; color: #fff; }
  .error { border-left: 4px solid #a32020; padding-left: .8rem; }
  @media (prefers-color-scheme: dark) {
    body { background: #15181e; color: #e3e6ee; } main { background: #1f232b; box-shadow: none; }
    .muted, code { color: #a3abbd; } button { background: #2a2f39; color: #e3e6ee; border-color: #454c5a; }
  }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · Metronome</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export interface ConsentPage {
  appName: string;
  appOwner: string | null;
  username: string;
  scopes: readonly string[];
  redirectUri: string;
  csrfToken: string;
  /** The request parameters the form carries back to POST /oauth/authorize. */
  fields: Record<string, string | undefined>;
}

function redirectHost(uri: string): string {
  try {
    const u = new URL(uri);
    return u.host ? `${u.protocol}//${u.host}` : `${u.protocol}//`;
  } catch {
    return uri;
  }
}

export function consentPage(c: ConsentPage): string {
  const items = [`<li>${escapeHtml(BASE_ACCESS)}</li>`, ...c.scopes.map((s) => `<li>${escapeHtml(describeScope(s))} <code>${escapeHtml(s)}</code></li>`)].join('\n');
  const hidden = Object.entries({ ...c.fields, csrf_token: c.csrfToken })
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return page(
    `Authorize ${c.appName}`,
    `<h1>Authorize <span id="app-name">${escapeHtml(c.appName)}</span>?</h1>
<p class="muted">${c.appOwner ? `An app registered by ${escapeHtml(c.appOwner)} ` : 'An app '}wants to access your Metronome account <b>${escapeHtml(c.username)}</b>.</p>
<p>It will be able to:</p>
<ul id="scopes">
${items}
</ul>
<p class="muted">After you decide, you go back to <code>${escapeHtml(redirectHost(c.redirectUri))}</code>. You can revoke this access at any time in Settings → Authorized apps.</p>
<form method="post" action="/oauth/authorize">
${hidden}
<div class="actions">
<button class="approve" type="submit" name="decision" value="approve">Approve</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="error">${escapeHtml(message)}</p>\n<p class="muted">Go back to the app and try again, or tell its developer.</p>`);
}
