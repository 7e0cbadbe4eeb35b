/**
 * Catalogs: the editor plugins WakaTime clients come from, the program languages (GitHub linguist's
 * list, from the `linguist-languages` package) and the instance meta (public IPs from configuration).
 * Pure data and shaping; a field we cannot know is null, never invented.
 */
import { isIP } from 'node:net';
import { DateTime } from 'luxon';

// ---------------------------------------------------------------------------------------------
// Editors
// ---------------------------------------------------------------------------------------------

export interface EditorEntry {
  /** Unique id of this editor plugin (stable, lowercase). */
  id: string;
  /** Display name; the same string the user-agent parser yields, so stats and catalog agree. */
  name: string;
  /** Hex chart colour: null, we ship no colour dataset for editors. */
  color: string | null;
  website: string | null;
  /** GitHub repository of the editor's WakaTime plugin. */
  repository: string | null;
  /** Latest plugin version: null, it cannot be known offline. */
  version: string | null;
  version_url: string | null;
  history_url: string | null;
  released: boolean;
  /** The editor is deprecated or discontinued (e.g. Atom). */
  hidden: boolean;
}

const GH = 'https://github.com/wakatime/';

type EditorSeed = Pick<EditorEntry, 'id' | 'name' | 'website'> & {
  /** Repository name under github.com/wakatime. */
  repo: string;
  /** Changelog path inside the repository, only where checked to exist. */
  changelog?: string;
  hidden?: boolean;
};

/**
 * WakaTime's plugins. Every repository below exists under github.com/wakatime; one plugin may serve
 * several editors (jetbrains-wakatime, vim-wakatime, browser-wakatime). `hidden` marks editors whose
 * vendor discontinued them: Atom (archived by GitHub, 2022), AppCode (discontinued by JetBrains, 2023),
 * Coda (replaced by Nova), Komodo IDE (discontinued by ActiveState, 2022), Cloud9 (the c9.io IDE the
 * plugin targets shut down in 2019).
 */
const EDITOR_SEEDS: EditorSeed[] = [
  { id: 'vscode', name: 'VS Code', website: 'https://code.visualstudio.com/', repo: 'vscode-wakatime', changelog: 'CHANGELOG.md' },
  { id: 'cursor', name: 'Cursor', website: 'https://cursor.com/', repo: 'cursor-wakatime' },
  { id: 'antigravity', name: 'Antigravity', website: 'https://antigravity.google/', repo: 'antigravity-wakatime' },
  { id: 'intellij', name: 'IntelliJ IDEA', website: 'https://www.jetbrains.com/idea/', repo: 'jetbrains-wakatime' },
  { id: 'pycharm', name: 'PyCharm', website: 'https://www.jetbrains.com/pycharm/', repo: 'jetbrains-wakatime' },
  { id: 'webstorm', name: 'WebStorm', website: 'https://www.jetbrains.com/webstorm/', repo: 'jetbrains-wakatime' },
  { id: 'phpstorm', name: 'PhpStorm', website: 'https://www.jetbrains.com/phpstorm/', repo: 'jetbrains-wakatime' },
  { id: 'goland', name: 'GoLand', website: 'https://www.jetbrains.com/go/', repo: 'jetbrains-wakatime' },
  { id: 'clion', name: 'CLion', website: 'https://www.jetbrains.com/clion/', repo: 'jetbrains-wakatime' },
  { id: 'rider', name: 'Rider', website: 'https://www.jetbrains.com/rider/', repo: 'jetbrains-wakatime' },
  { id: 'rubymine', name: 'RubyMine', website: 'https://www.jetbrains.com/ruby/', repo: 'jetbrains-wakatime' },
  { id: 'datagrip', name: 'DataGrip', website: 'https://www.jetbrains.com/datagrip/', repo: 'jetbrains-wakatime' },
  { id: 'dataspell', name: 'DataSpell', website: 'https://www.jetbrains.com/dataspell/', repo: 'jetbrains-wakatime' },
  { id: 'rustrover', name: 'RustRover', website: 'https://www.jetbrains.com/rust/', repo: 'jetbrains-wakatime' },
  { id: 'appcode', name: 'AppCode', website: 'https://www.jetbrains.com/objc/', repo: 'jetbrains-wakatime', hidden: true },
  { id: 'androidstudio', name: 'Android Studio', website: 'https://developer.android.com/studio', repo: 'jetbrains-wakatime' },
  { id: 'vim', name: 'Vim', website: 'https://www.vim.org/', repo: 'vim-wakatime' },
  { id: 'neovim', name: 'Neovim', website: 'https://neovim.io/', repo: 'vim-wakatime' },
  { id: 'emacs', name: 'Emacs', website: 'https://www.gnu.org/software/emacs/', repo: 'wakatime-mode' },
  { id: 'sublime', name: 'Sublime Text', website: 'https://www.sublimetext.com/', repo: 'sublime-wakatime', changelog: 'HISTORY.rst' },
  { id: 'visualstudio', name: 'Visual Studio', website: 'https://visualstudio.microsoft.com/', repo: 'visualstudio-wakatime' },
  { id: 'xcode', name: 'Xcode', website: 'https://developer.apple.com/xcode/', repo: 'xcode-wakatime' },
  { id: 'eclipse', name: 'Eclipse', website: 'https://www.eclipse.org/', repo: 'eclipse-wakatime' },
  { id: 'netbeans', name: 'NetBeans', website: 'https://netbeans.apache.org/', repo: 'netbeans-wakatime' },
  { id: 'notepadpp', name: 'Notepad++', website: 'https://notepad-plus-plus.org/', repo: 'notepadpp-wakatime' },
  { id: 'textmate', name: 'TextMate', website: 'https://macromates.com/', repo: 'textmate-wakatime' },
  { id: 'nova', name: 'Nova', website: 'https://nova.app/', repo: 'WakaTime.novaextension' },
  { id: 'zed', name: 'Zed', website: 'https://zed.dev/', repo: 'zed-wakatime' },
  { id: 'kakoune', name: 'Kakoune', website: 'https://kakoune.org/', repo: 'kakoune-wakatime' },
  { id: 'gedit', name: 'Gedit', website: 'https://gedit-text-editor.org/', repo: 'gedit-wakatime' },
  { id: 'geany', name: 'Geany', website: 'https://www.geany.org/', repo: 'geany-wakatime' },
  { id: 'brackets', name: 'Brackets', website: 'https://brackets.io/', repo: 'brackets-wakatime' },
  { id: 'texstudio', name: 'TeXstudio', website: 'https://www.texstudio.org/', repo: 'texstudio-wakatime' },
  { id: 'delphi', name: 'Delphi', website: 'https://www.embarcadero.com/products/delphi', repo: 'delphi-wakatime' },
  { id: 'ssms', name: 'SQL Server Management Studio', website: 'https://learn.microsoft.com/sql/ssms/', repo: 'ssms-wakatime' },
  { id: 'eric', name: 'Eric', website: 'https://eric-ide.python-projects.org/', repo: 'eric6-wakatime' },
  { id: 'wing', name: 'Wing', website: 'https://wingware.com/', repo: 'wing-wakatime' },
  { id: 'jupyterlab', name: 'JupyterLab', website: 'https://jupyter.org/', repo: 'jupyterlab-wakatime' },
  { id: 'obsidian', name: 'Obsidian', website: 'https://obsidian.md/', repo: 'obsidian-wakatime' },
  { id: 'zotero', name: 'Zotero', website: 'https://www.zotero.org/', repo: 'zotero-wakatime' },
  { id: 'recaf', name: 'Recaf', website: 'https://github.com/Col-E/Recaf', repo: 'recaf-wakatime' },
  { id: 'sketch', name: 'Sketch', website: 'https://www.sketch.com/', repo: 'sketch-wakatime' },
  { id: 'figma', name: 'Figma', website: 'https://www.figma.com/', repo: 'figma-wakatime' },
  { id: 'adobexd', name: 'Adobe XD', website: 'https://www.adobe.com/products/xd.html', repo: 'adobe-xd-wakatime' },
  { id: 'office', name: 'Microsoft Office', website: 'https://www.office.com/', repo: 'office-wakatime' },
  { id: 'claudecode', name: 'Claude Code', website: 'https://www.anthropic.com/claude-code', repo: 'claude-code-wakatime' },
  { id: 'codex', name: 'Codex', website: 'https://github.com/openai/codex', repo: 'codex-cli-wakatime' },
  { id: 'chrome', name: 'Chrome', website: 'https://www.google.com/chrome/', repo: 'browser-wakatime' },
  { id: 'firefox', name: 'Firefox', website: 'https://www.mozilla.org/firefox/', repo: 'browser-wakatime' },
  { id: 'edge', name: 'Edge', website: 'https://www.microsoft.com/edge', repo: 'browser-wakatime' },
  { id: 'atom', name: 'Atom', website: 'https://github.com/atom/atom', repo: 'atom-wakatime', hidden: true },
  { id: 'coda', name: 'Coda', website: 'https://panic.com/coda/', repo: 'coda-wakatime', hidden: true },
  { id: 'komodo', name: 'Komodo', website: 'https://www.activestate.com/products/komodo-ide/', repo: 'komodo-wakatime', hidden: true },
  { id: 'cloud9', name: 'Cloud9', website: 'https://aws.amazon.com/cloud9/', repo: 'c9-wakatime', hidden: true },
];

export const EDITORS: readonly EditorEntry[] = Object.freeze(
  EDITOR_SEEDS.map((s) => ({
    id: s.id,
    name: s.name,
    color: null,
    website: s.website,
    repository: GH + s.repo,
    version: null,
    version_url: null,
    // blob/HEAD resolves to the default branch, whatever it is called
    history_url: s.changelog ? `${GH}${s.repo}/blob/HEAD/${s.changelog}` : null,
    released: true,
    hidden: s.hidden ?? false,
  })),
);

/** GET /editors: released plugins, plus unreleased ones when asked; sorted by name. */
export function listEditors(editors: readonly EditorEntry[], options: { unreleased?: boolean } = {}): EditorEntry[] {
  return editors
    .filter((e) => options.unreleased || e.released)
    .slice()
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.id.localeCompare(b.id));
}

// ---------------------------------------------------------------------------------------------
// Program languages
// ---------------------------------------------------------------------------------------------

export interface LinguistLanguage {
  name: string;
  type: string;
  color?: string;
  languageId: number;
}

export interface ProgramLanguage {
  /** GitHub linguist's language_id, as a string. */
  id: string;
  name: string;
  color: string | null;
  /** Every language here comes from GitHub's linguist. */
  is_verified: boolean;
  /** Unknown: linguist does not record when a language was added or changed. */
  created_at: string | null;
  modified_at: string | null;
}

/** Shapes linguist's records (names and colours as linguist has them), sorted case-insensitively by name. */
export function programLanguagesFrom(languages: Iterable<LinguistLanguage>): ProgramLanguage[] {
  const seen = new Set<string>();
  const out: ProgramLanguage[] = [];
  for (const l of languages) {
    if (!l || typeof l.name !== 'string' || !l.name || seen.has(l.name)) continue;
    seen.add(l.name);
    out.push({
      id: String(l.languageId),
      name: l.name,
      color: typeof l.color === 'string' && /^#[0-9a-f]{3,8}$/i.test(l.color) ? l.color : null,
      is_verified: true,
      created_at: null,
      modified_at: null,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || a.name.localeCompare(b.name));
}

let languagesPromise: Promise<ProgramLanguage[]> | null = null;

/** The linguist dataset, loaded once on first use (its ~800 modules take ~100 ms to import). */
export function loadProgramLanguages(): Promise<ProgramLanguage[]> {
  languagesPromise ??= import('linguist-languages').then((m) => programLanguagesFrom(Object.values(m) as LinguistLanguage[]));
  return languagesPromise;
}

export interface Page<T> {
  data: T[];
  total: number;
  total_pages: number;
  page: number;
  per_page: number;
}

/** One page of a list; `perPage` undefined means everything on one page. Pages past the end are empty. */
export function paginate<T>(items: readonly T[], page = 1, perPage?: number): Page<T> {
  const size = perPage && perPage > 0 ? perPage : Math.max(items.length, 1);
  const totalPages = Math.max(1, Math.ceil(items.length / size));
  const start = (page - 1) * size;
  return { data: items.slice(start, start + size), total: items.length, total_pages: totalPages, page, per_page: size };
}

/** Case-insensitive substring filter on names. */
export function filterByName<T extends { name: string }>(items: readonly T[], q: string | undefined): readonly T[] {
  const needle = q?.trim().toLowerCase();
  return needle ? items.filter((i) => i.name.toLowerCase().includes(needle)) : items;
}

// ---------------------------------------------------------------------------------------------
// Meta
// ---------------------------------------------------------------------------------------------

export interface Meta {
  ip_descriptions: { api: string; website: string; worker: string };
  ips: { api: string[]; website: string[]; worker: string[] };
  last_modified_at: string | null;
}

export const IP_DESCRIPTIONS: Meta['ip_descriptions'] = Object.freeze({
  api: 'Addresses this instance answers API requests from (META_API_IPS).',
  website: 'Addresses this instance serves its website from (META_WEBSITE_IPS).',
  worker: 'Addresses background workers of this instance make outgoing requests from, e.g. webhooks and integrations (META_WORKER_IPS).',
});

function isAddressOrCidr(s: string): boolean {
  const [addr, bits, ...rest] = s.split('/');
  if (rest.length || !addr) return false;
  const v = isIP(addr);
  if (!v) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

function ipList(env: Record<string, string | undefined>, name: string): string[] {
  const raw = env[name];
  if (!raw || !raw.trim()) return [];
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !isAddressOrCidr(s));
  if (bad.length) throw new Error(`${name} must be a comma-separated list of IP addresses or CIDR ranges; not valid: ${bad.join(', ')}`);
  return [...new Set(items)];
}

/**
 * /meta from environment variables: META_API_IPS, META_WEBSITE_IPS, META_WORKER_IPS (comma separated,
 * empty by default) and META_LAST_MODIFIED_AT (ISO 8601; null when unset). Throws on invalid values so a
 * misconfiguration stops the server at start instead of publishing wrong addresses.
 */
export function metaFromEnv(env: Record<string, string | undefined>): Meta {
  const ips = { api: ipList(env, 'META_API_IPS'), website: ipList(env, 'META_WEBSITE_IPS'), worker: ipList(env, 'META_WORKER_IPS') };
  let lastModified: string | null = null;
  const raw = env.META_LAST_MODIFIED_AT?.trim();
  if (raw) {
    const dt = DateTime.fromISO(raw, { zone: 'utc' });
    if (!dt.isValid) throw new Error(`META_LAST_MODIFIED_AT must be an ISO 8601 date or datetime, got "${raw}"`);
    lastModified = dt.toUTC().toISO({ suppressMilliseconds: true });
  }
  return { ip_descriptions: { ...IP_DESCRIPTIONS }, ips, last_modified_at: lastModified };
}
