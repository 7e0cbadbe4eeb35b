/**
 * Parses the user agents WakaTime clients send. Pure; never throws; unknown parts are null.
 *
 * Shapes seen in the wild (wakatime-cli, editor plugins, the browser extension, the desktop apps):
 *   wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0
 *   wakatime/13.0.7 (Linux-4.15.0-91-generic-x86_64-with-glibc2.4) Python3.8.0.final.0 emacs/26.3 emacs-wakatime/1.0.2
 *   wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 JetBrains IntelliJ IDEA/2023.3.2 IntelliJ-Wakatime/14.3.2
 *   wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 intellijidea/2023.3.2 intellijidea-wakatime/15.0.0
 *   wakatime/1.139.1 (linux-6.18.8-unknown) go1.25.5 helix/25.07.1 (74075bb5) wakatime-ls/0.2.2 helix-wakatime/0.2.2
 *   wakatime/v1.102.1 (darwin-23.0.0-arm64) go1.22.5 Xcode/15.0.1 macos-wakatime/5.0.0      (desktop app)
 *   Chrome/115.0.0.0 mac_arm64 chrome-wakatime/3.0.19                                        (browser extension)
 *   Mozilla/5.0 (Windows NT 10.0; Win64; x64) … Edg/116.0.1938.62 win_x86-64 edge-wakatime/3.0.18
 *   wakatime/v1.0 (linux-6.6.0-x86_64) go1.21 opus/4.1-medium claude-code/2.1.45           (AI model token first)
 *   wakatime/13.0.6                                                                          (bare CLI)
 */
import { memoize } from './memo.js';

export interface UserAgentInfo {
  /** Editor display name as WakaTime shows it ("VS Code", "IntelliJ IDEA"), or the name as sent when unknown. */
  editor: string | null;
  editor_version: string | null;
  /** "Linux", "Mac", "Windows", … */
  operating_system: string | null;
  /** Plugin name without version, e.g. "vscode-wakatime". */
  plugin: string | null;
  plugin_version: string | null;
  /** wakatime-cli version without a leading "v". */
  cli_version: string | null;
  is_browser_extension: boolean;
  is_desktop_app: boolean;
}

/** OS names as sent by Go's runtime.GOOS, Python's platform.system() and chrome.runtime.getPlatformInfo(). */
const OS_NAMES: Record<string, string> = {
  linux: 'Linux',
  darwin: 'Mac',
  mac: 'Mac',
  macos: 'Mac',
  macosx: 'Mac',
  macintosh: 'Mac',
  osx: 'Mac',
  windows: 'Windows',
  windowsnt: 'Windows',
  win: 'Windows',
  win32: 'Windows',
  win64: 'Windows',
  cygwin: 'Windows',
  msys: 'Windows',
  mingw: 'Windows',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  netbsd: 'NetBSD',
  dragonfly: 'DragonFly BSD',
  solaris: 'Solaris',
  sunos: 'Solaris',
  illumos: 'illumos',
  aix: 'AIX',
  android: 'Android',
  ios: 'iOS',
  cros: 'ChromeOS',
  chromeos: 'ChromeOS',
  fuchsia: 'Fuchsia',
  plan9: 'Plan 9',
  haiku: 'Haiku',
};

/**
 * Editor display names, keyed by a normalized name (lowercase, without spaces, dashes, underscores and dots).
 * JetBrains IDEs arrive as the platform prefix ("idea", "PyCharmCore"), the product name ("IntelliJ IDEA") or
 * the product name squashed and lowercased ("intellijidea"), sometimes prefixed with "JetBrains".
 */
const EDITOR_NAMES: Record<string, string> = {
  // VS Code and its forks
  vscode: 'VS Code',
  code: 'VS Code',
  vscodeinsiders: 'VS Code',
  visualstudiocode: 'VS Code',
  vscodium: 'VSCodium',
  codium: 'VSCodium',
  cursor: 'Cursor',
  windsurf: 'Windsurf',
  kiro: 'Kiro',
  positron: 'Positron',
  trae: 'Trae',
  antigravity: 'Antigravity',
  azuredatastudio: 'Azure Data Studio',
  // JetBrains
  intellij: 'IntelliJ IDEA',
  intellijidea: 'IntelliJ IDEA',
  idea: 'IntelliJ IDEA',
  ideaic: 'IntelliJ IDEA',
  ideaiu: 'IntelliJ IDEA',
  intellijideaultimate: 'IntelliJ IDEA',
  intellijideaultimateedition: 'IntelliJ IDEA',
  intellijideacommunity: 'IntelliJ IDEA',
  intellijideacommunityedition: 'IntelliJ IDEA',
  intellijideaeducational: 'IntelliJ IDEA',
  intellijideaedu: 'IntelliJ IDEA',
  pycharm: 'PyCharm',
  pycharmcore: 'PyCharm',
  pycharmcommunity: 'PyCharm',
  pycharmcommunityedition: 'PyCharm',
  pycharmprofessional: 'PyCharm',
  pycharmprofessionaledition: 'PyCharm',
  pycharmedu: 'PyCharm',
  pycharmeducational: 'PyCharm',
  webstorm: 'WebStorm',
  phpstorm: 'PhpStorm',
  goland: 'GoLand',
  clion: 'CLion',
  rider: 'Rider',
  rubymine: 'RubyMine',
  datagrip: 'DataGrip',
  dataspell: 'DataSpell',
  rustrover: 'RustRover',
  appcode: 'AppCode',
  aqua: 'Aqua',
  writerside: 'Writerside',
  fleet: 'Fleet',
  mps: 'MPS',
  androidstudio: 'Android Studio',
  // classic editors
  vim: 'Vim',
  gvim: 'Vim',
  macvim: 'MacVim',
  neovim: 'Neovim',
  nvim: 'Neovim',
  emacs: 'Emacs',
  sublime: 'Sublime Text',
  sublimetext: 'Sublime Text',
  subl: 'Sublime Text',
  atom: 'Atom',
  visualstudio: 'Visual Studio',
  xcode: 'Xcode',
  eclipse: 'Eclipse',
  netbeans: 'NetBeans',
  'notepad++': 'Notepad++',
  notepadpp: 'Notepad++',
  textmate: 'TextMate',
  coda: 'Coda',
  komodo: 'Komodo',
  brackets: 'Brackets',
  gedit: 'Gedit',
  geany: 'Geany',
  kate: 'Kate',
  ktexteditor: 'Kate',
  helix: 'Helix',
  hx: 'Helix',
  kakoune: 'Kakoune',
  kak: 'Kakoune',
  nova: 'Nova',
  zed: 'Zed',
  micro: 'Micro',
  nano: 'Nano',
  texstudio: 'TeXstudio',
  delphi: 'Delphi',
  ssms: 'SQL Server Management Studio',
  sqlservermanagementstudio: 'SQL Server Management Studio',
  cloud9: 'Cloud9',
  c9: 'Cloud9',
  eric: 'Eric',
  eric6: 'Eric',
  wing: 'Wing',
  recaf: 'Recaf',
  // notebooks and note apps
  jupyter: 'Jupyter',
  jupyterlab: 'JupyterLab',
  obsidian: 'Obsidian',
  zotero: 'Zotero',
  // design and office
  sketch: 'Sketch',
  figma: 'Figma',
  adobexd: 'Adobe XD',
  office: 'Microsoft Office',
  microsoftoffice: 'Microsoft Office',
  excel: 'Excel',
  word: 'Word',
  powerpoint: 'PowerPoint',
  // browsers (the browser extension)
  chrome: 'Chrome',
  chromium: 'Chromium',
  firefox: 'Firefox',
  edge: 'Edge',
  edg: 'Edge',
  safari: 'Safari',
  brave: 'Brave',
  opera: 'Opera',
  // terminals and AI agents
  terminal: 'Terminal',
  iterm2: 'iTerm2',
  claude: 'Claude',
  claudecode: 'Claude Code',
  codex: 'Codex',
  codexcli: 'Codex',
  opencode: 'OpenCode',
  opencodecli: 'OpenCode',
  geminicli: 'Gemini CLI',
  githubcopilotcli: 'GitHub Copilot CLI',
  copilot: 'Copilot',
};

/** Products in a user agent that are neither the editor nor the plugin. */
const MIDDLEWARE = new Set(['wakatime', 'wakatimecli', 'wakatimels', 'unknown']);
/** Tokens a browser's own user agent carries next to the browser name. */
const BROWSER_NOISE = new Set(['mozilla', 'applewebkit', 'gecko', 'khtml', 'version', 'mobile']);
const BROWSER_PLUGIN = /^(chrome|firefox|edge|safari|brave|opera|browser)-wakatime$/i;
const DESKTOP_PLUGIN = /^(macos|windows|linux|desktop)-wakatime$/i;
/** Browser extension OS token: `${os}_${arch}` from chrome.runtime.getPlatformInfo(). */
const BROWSER_OS_TOKEN = /^(mac|win|linux|cros|android|openbsd|fuchsia)_[\w-]+$/i;
/** Interpreter the CLI runs on: go1.21.6, Python3.8.0.final.0, python3.11. */
const RUNTIME_TOKEN = /^(go\d[\w.+-]*|python\d[\w.+-]*|cpython\d[\w.+-]*|pypy\d[\w.+-]*)$/i;

function normalizedKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/^jetbrains[\s/_-]*/, '')
    .replace(/[\s._-]+/g, '');
}

/** WakaTime's display name for an editor name as a plugin sends it; unknown names come back as sent. */
export function editorDisplayName(raw: string): string {
  const trimmed = raw.trim();
  const known = EDITOR_NAMES[normalizedKey(trimmed)];
  if (known) return known;
  // "JetBrains Foo/…" and "jetbrains/Foo": the product is what follows
  return trimmed.replace(/^jetbrains[\s/]+/i, '').trim() || trimmed;
}

/** Whether a name maps to an editor we know (used to skip AI model tokens such as "opus/4.1"). */
export function isKnownEditor(raw: string): boolean {
  return normalizedKey(raw) in EDITOR_NAMES;
}

/** WakaTime's display name for an OS as clients send it ("darwin", "Linux", "win", "Windows NT"); null if unknown. */
export function osDisplayName(raw: string): string | null {
  const key = raw.trim().toLowerCase().replace(/[\s._-]+/g, '');
  if (OS_NAMES[key]) return OS_NAMES[key]!;
  // CYGWIN_NT-10.0, MINGW64_NT-10.0, MSYS_NT-…
  const prefix = /^(cygwin|mingw|msys)/.exec(key);
  return prefix ? OS_NAMES[prefix[1]!]! : null;
}

/** The OS inside the first parenthesized group: "linux-6.5.0-…", "Windows NT 10.0; Win64", "Macintosh; Intel Mac OS X". */
function osFromGroup(group: string): string | null {
  for (const part of group.split(';')) {
    const head = part.trim().split(/[-_\s/]/)[0] ?? '';
    const os = head ? osDisplayName(head) : null;
    if (os) return os;
  }
  return null;
}

function cleanVersion(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const s = v.trim();
  if (!s || /^(unknown|unset|none|null|undefined)$/i.test(s)) return null;
  return s;
}

interface Product {
  name: string;
  version: string | null;
}

/** `name/version` pairs; a name may span words ("JetBrains IntelliJ IDEA/2023.3.2") and may itself hold a slash ("jetbrains/PyCharm/2023.1"). */
function products(words: string[], allowBareTail: boolean): { list: Product[]; osToken: string | null } {
  const list: Product[] = [];
  let pending: string[] = [];
  let osToken: string | null = null;
  for (const word of words) {
    if (!word.includes('/')) {
      if (BROWSER_OS_TOKEN.test(word)) {
        osToken = osToken ?? word;
        pending = [];
      } else if (RUNTIME_TOKEN.test(word)) {
        pending = [];
      } else {
        pending.push(word);
      }
      continue;
    }
    const cut = word.lastIndexOf('/');
    const head = word.slice(0, cut);
    const version = word.slice(cut + 1);
    const name = [...pending, head].join(' ').trim();
    pending = [];
    if (/[\p{L}\p{N}]/u.test(name)) list.push({ name, version: cleanVersion(version) });
  }
  // after a wakatime-cli prefix, a trailing bare name ("… go1.25.5 claude-code") is a product without a version
  if (allowBareTail && pending.length === 1 && /^[a-z][\w.+-]*$/i.test(pending[0]!)) list.push({ name: pending[0]!, version: null });
  return { list, osToken };
}

function emptyInfo(): UserAgentInfo {
  return {
    editor: null,
    editor_version: null,
    operating_system: null,
    plugin: null,
    plugin_version: null,
    cli_version: null,
    is_browser_extension: false,
    is_desktop_app: false,
  };
}

export function parseUserAgent(ua: unknown): UserAgentInfo {
  const info = emptyInfo();
  try {
    if (typeof ua !== 'string') return info;
    // control characters never belong in a user agent; collapse whitespace
    let s = ua.slice(0, 1024).replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
    if (!s) return info;

    const cli = /^wakatime\/(\S*)/i.exec(s);
    if (cli) {
      info.cli_version = cleanVersion(cli[1]!.replace(/^v(?=\d)/i, ''));
      s = s.slice(cli[0].length);
    }

    // parenthesized groups: the first one carries the OS; others (commit hashes, "KHTML, like Gecko") are dropped
    let osGroup: string | null = null;
    s = s.replace(/\(([^()]*)\)/g, (_m, inner: string) => {
      if (osGroup === null) osGroup = inner;
      return ' ';
    });
    s = s.replace(/[()]/g, ' ');

    const { list, osToken } = products(s.split(' ').filter(Boolean), cli !== null);
    if (osGroup !== null) info.operating_system = osFromGroup(osGroup);
    if (osToken) info.operating_system = osDisplayName(osToken.split('_')[0]!) ?? info.operating_system;

    const candidates = list.filter((p) => !MIDDLEWARE.has(normalizedKey(p.name)) && !BROWSER_NOISE.has(normalizedKey(p.name)));
    // the plugin: the last product named like a wakatime plugin ("vscode-wakatime", "IntelliJ-Wakatime", "wakatime.nvim")
    let plugin: Product | undefined;
    for (const p of candidates) if (/wakatime/i.test(p.name)) plugin = p;
    const others = candidates.filter((p) => p !== plugin && !/wakatime/i.test(p.name));

    if (plugin) {
      info.plugin = plugin.name;
      info.plugin_version = plugin.version;
      info.is_browser_extension = BROWSER_PLUGIN.test(plugin.name);
      info.is_desktop_app = DESKTOP_PLUGIN.test(plugin.name);
    }

    let editor: Product | undefined;
    let editorName: string | null = null;
    if (info.is_browser_extension) {
      // the browser is named by the extension; its version by the browser's own token (Chrome/…, Firefox/…, Edg/…)
      const browser = plugin!.name.replace(/-wakatime$/i, '');
      if (browser.toLowerCase() !== 'browser') {
        editorName = editorDisplayName(browser);
        editor = others.find((p) => editorDisplayName(p.name) === editorName);
      } else {
        editor = others[0];
        editorName = editor ? editorDisplayName(editor.name) : null;
      }
    } else {
      // prefer a known editor: AI model tokens ("opus/4.1-medium") may come first
      editor = others.find((p) => isKnownEditor(p.name)) ?? others[0];
      if (editor) {
        editorName = editorDisplayName(editor.name);
      } else if (plugin) {
        // "emacs-wakatime/1.0.2" alone: the editor is in the plugin's name
        const m = /^(.+?)[-.]wakatime$/i.exec(plugin.name) ?? /^wakatime[-.](.+)$/i.exec(plugin.name);
        const fromPlugin = m?.[1];
        if (fromPlugin && !DESKTOP_PLUGIN.test(plugin.name)) editorName = editorDisplayName(fromPlugin);
      }
    }
    if (editorName) {
      info.editor = editorName;
      info.editor_version = editor ? editor.version : null;
    }
    return info;
  } catch {
    return emptyInfo();
  }
}

/**
 * The one parse cache: a handful of user agents send nearly every heartbeat, so each string is
 * parsed once per process, whoever asks (the heartbeat routes, ingest's user-agent records).
 */
export const parseUserAgentOnce: (ua: string) => UserAgentInfo = memoize(parseUserAgent);
