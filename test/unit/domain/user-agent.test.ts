import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { editorDisplayName, osDisplayName, parseUserAgent, parseUserAgentOnce, type UserAgentInfo } from '../../../src/domain/user-agent.js';

const none: UserAgentInfo = {
  editor: null,
  editor_version: null,
  operating_system: null,
  plugin: null,
  plugin_version: null,
  cli_version: null,
  is_browser_extension: false,
  is_desktop_app: false,
};

describe('parseUserAgent: wakatime-cli user agents', () => {
  it('parses the Go CLI with VS Code', () => {
    expect(parseUserAgent('wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0')).toEqual({
      editor: 'VS Code',
      editor_version: '1.86.1',
      operating_system: 'Linux',
      plugin: 'vscode-wakatime',
      plugin_version: '24.4.0',
      cli_version: '1.102.1',
      is_browser_extension: false,
      is_desktop_app: false,
    });
  });

  it('parses the legacy Python CLI', () => {
    expect(parseUserAgent('wakatime/13.0.7 (Linux-4.15.0-91-generic-x86_64-with-glibc2.4) Python3.8.0.final.0 emacs/26.3 emacs-wakatime/1.0.2')).toEqual({
      ...none,
      editor: 'Emacs',
      editor_version: '26.3',
      operating_system: 'Linux',
      plugin: 'emacs-wakatime',
      plugin_version: '1.0.2',
      cli_version: '13.0.7',
    });
  });

  it('keeps editor names with spaces (JetBrains product names)', () => {
    const p = parseUserAgent('wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 JetBrains IntelliJ IDEA/2023.3.2 IntelliJ-Wakatime/14.3.2');
    expect(p).toEqual({
      ...none,
      editor: 'IntelliJ IDEA',
      editor_version: '2023.3.2',
      operating_system: 'Mac',
      plugin: 'IntelliJ-Wakatime',
      plugin_version: '14.3.2',
      cli_version: '1.90.0',
    });
  });

  it.each([
    ['wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 intellijidea/2023.3.2 intellijidea-wakatime/15.0.0', 'IntelliJ IDEA'],
    ['wakatime/v1.90.0 (darwin-23.1.0-arm64) go1.21.4 idea/2019.3 idea-wakatime/11.0.0', 'IntelliJ IDEA'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 IntelliJ IDEA Community Edition/2023.2 IntelliJ-wakatime/14.0.0', 'IntelliJ IDEA'],
    ['wakatime/13.0.7 (Linux-4.15.0-96-generic-x86_64-with-glibc2.4) Python3.8.0.final.0 GoLand/2019.3.4 GoLand-wakatime/11.0.1', 'GoLand'],
    ['wakatime/v1.90.0 (windows-10.0.22631-x86_64) go1.21.4 PyCharmCore/2023.3 PyCharmCore-wakatime/14.3.2', 'PyCharm'],
    ['wakatime/v1.90.0 (windows-10.0.22631-x86_64) go1.21.4 pycharmcommunityedition/2024.1 pycharmcommunityedition-wakatime/15.0.0', 'PyCharm'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 webstorm/2024.1 webstorm-wakatime/15.0.0', 'WebStorm'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 phpstorm/2024.1 phpstorm-wakatime/15.0.0', 'PhpStorm'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 AndroidStudio/2023.1 AndroidStudio-wakatime/14.0.0', 'Android Studio'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 rustrover/2024.1 rustrover-wakatime/15.0.0', 'RustRover'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 clion/2024.1 clion-wakatime/15.0.0', 'CLion'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 IntelliJ IDEA/2023.2 IntelliJ IDEA-wakatime/14.0.0', 'IntelliJ IDEA'],
    ['wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 rider/2024.1 rider-wakatime/15.0.0', 'Rider'],
  ])('maps JetBrains IDE %s to %s', (ua, editor) => {
    expect(parseUserAgent(ua).editor).toBe(editor);
  });

  it.each([
    ['vim/9.0 vim-wakatime/11.1.1', 'Vim', '9.0'],
    ['neovim/900 vim-wakatime/11.1.1', 'Neovim', '900'],
    ['neovim/0.12 wakatime.nvim/12.0.0', 'Neovim', '0.12'],
    ['sublime_text/4169 sublime-wakatime/11.1.0', 'Sublime Text', '4169'],
    ['cursor/1.93.1 vscode-wakatime/24.8.0', 'Cursor', '1.93.1'],
    ['windsurf/1.99.3 vscode-wakatime/25.1.1', 'Windsurf', '1.99.3'],
    ['vscodium/1.90.0 vscode-wakatime/24.8.0', 'VSCodium', '1.90.0'],
    ['zed/0.140.0 zed-wakatime/0.1.0', 'Zed', '0.140.0'],
    ['Xcode/15.0.1 xcode-wakatime/3.0.0', 'Xcode', '15.0.1'],
    ['visualstudio/17.8 visualstudio-wakatime/10.0.0', 'Visual Studio', '17.8'],
    ['notepad++/8.6 notepadpp-wakatime/4.0.0', 'Notepad++', '8.6'],
    ['eclipse/4.30 eclipse-wakatime/3.0.0', 'Eclipse', '4.30'],
    ['KTextEditor/5.111.0 kate-wakatime/1.3.10', 'Kate', '5.111.0'],
    ['obsidian/1.5.3 obsidian-wakatime/1.1.0', 'Obsidian', '1.5.3'],
    ['jupyterlab/4.0.0 jupyterlab-wakatime/0.1.0', 'JupyterLab', '4.0.0'],
  ])('maps the editor of %s', (tail, editor, version) => {
    const p = parseUserAgent(`wakatime/v1.86.5 (linux-6.6.4-200.fc39.x86_64-unknown) go1.21.3 ${tail}`);
    expect(p.editor).toBe(editor);
    expect(p.editor_version).toBe(version);
    expect(p.operating_system).toBe('Linux');
    expect(p.plugin).toMatch(/wakatime/i);
  });

  it('takes the editor from the plugin name when the editor part is missing', () => {
    const p = parseUserAgent('wakatime/13.0.4 (Linux-5.4.64-x86_64-with-glibc2.2.5) Python3.7.6.final.0 emacs-wakatime/1.0.2');
    expect(p).toMatchObject({ editor: 'Emacs', editor_version: null, plugin: 'emacs-wakatime', plugin_version: '1.0.2', operating_system: 'Linux' });
  });

  it('names the editor of a plugin that sends no editor part (claude-code-wakatime)', () => {
    expect(parseUserAgent('wakatime/v1.130.1 (linux-6.6.87.2-microsoft-standard-WSL2-x86_64) go1.24.4 claude-code-wakatime/2.1.0')).toMatchObject({
      editor: 'Claude Code',
      plugin: 'claude-code-wakatime',
      plugin_version: '2.1.0',
      operating_system: 'Linux',
    });
  });

  it('skips middlewares and commit hashes in parentheses (helix with wakatime-ls)', () => {
    const p = parseUserAgent('wakatime/1.139.1 (linux-6.18.8-unknown) go1.25.5 helix/25.07.1 (74075bb5) wakatime-ls/0.2.2 helix-wakatime/0.2.2');
    expect(p).toMatchObject({ editor: 'Helix', editor_version: '25.07.1', plugin: 'helix-wakatime', plugin_version: '0.2.2', operating_system: 'Linux', cli_version: '1.139.1' });
  });

  it('prefers a known editor over an AI model token', () => {
    expect(parseUserAgent('wakatime/v1.0 (linux-6.6.0-x86_64) go1.21 opus/4.1-medium claude-code/2.1.45').editor).toBe('Claude Code');
    expect(parseUserAgent('wakatime/v1.0 (linux-6.6.0-x86_64) go1.21 gemini/3-flash-preview vscode/1.95.3 vscode-wakatime/24.8.0')).toMatchObject({
      editor: 'VS Code',
      editor_version: '1.95.3',
      plugin: 'vscode-wakatime',
    });
    expect(parseUserAgent('wakatime/v1.0 (linux-6.6.0-x86_64) go1.21 composer/2.5 Cursor/1.105.1').editor).toBe('Cursor');
  });

  it('handles a product with a slash in its name', () => {
    const p = parseUserAgent('wakatime/v1.107.0 (linux-6.11.8) go1.23.3 jetbrains/PyCharm/2023.1');
    expect(p).toMatchObject({ editor: 'PyCharm', editor_version: '2023.1', plugin: null });
  });

  it('accepts a trailing bare name after the CLI prefix', () => {
    expect(parseUserAgent('wakatime/v1.139.1 (darwin-25.2.0-arm64) go1.25.5 claude-code')).toMatchObject({ editor: 'Claude Code', editor_version: null, operating_system: 'Mac' });
  });

  it.each([
    ['(linux-6.5.0-x86_64)', 'Linux'],
    ['(Linux-4.15.0-91-generic-x86_64-with-glibc2.4)', 'Linux'],
    ['(linux-5.15.167.4-microsoft-standard-WSL2-unknown)', 'Linux'],
    ['(darwin-23.1.0-arm64)', 'Mac'],
    ['(Darwin-19.6.0-x86_64-i386-64bit)', 'Mac'],
    ['(windows-10.0.22631.5335-x86_64)', 'Windows'],
    ['(Windows-10-10.0.19041-SP0)', 'Windows'],
    ['(freebsd-14.0-RELEASE-amd64)', 'FreeBSD'],
    ['(openbsd-7.4-amd64)', 'OpenBSD'],
    ['(CYGWIN_NT-10.0-3.4.9-x86_64)', 'Windows'],
    ['(plan9-foo)', 'Plan 9'],
    ['(weirdos-1.0-x86_64)', null],
  ])('maps the OS group %s to %s', (group, os) => {
    expect(parseUserAgent(`wakatime/v1.90.0 ${group} go1.21.4 vim/9.0 vim-wakatime/11.1.1`).operating_system).toBe(os);
  });

  it('treats "unknown" and "unset" versions as unknown', () => {
    expect(parseUserAgent('wakatime/unset (linux-5.11.0-44-generic-x86_64) go1.16.13 emacs-wakatime/1.0.2')).toMatchObject({ cli_version: null, editor: 'Emacs', plugin_version: '1.0.2' });
    expect(parseUserAgent('wakatime/ (Linux-6.0.42-1-lts-foobar-x86_64) KTextEditor/5.111.0 kate-wakatime/1.3.10')).toMatchObject({ cli_version: null, editor: 'Kate' });
  });

  it('ignores the CLI default "Unknown/0" plugin', () => {
    expect(parseUserAgent('wakatime/v1.90.0 (linux-6.1-x86_64) go1.21.4 Unknown/0')).toEqual({ ...none, operating_system: 'Linux', cli_version: '1.90.0' });
  });

  it('parses a bare CLI user agent', () => {
    expect(parseUserAgent('wakatime/13.0.6')).toEqual({ ...none, cli_version: '13.0.6' });
    expect(parseUserAgent('wakatime/v1.102.1')).toEqual({ ...none, cli_version: '1.102.1' });
  });
});

describe('parseUserAgent: browser extension and desktop apps', () => {
  it('parses the browser extension without an OS', () => {
    expect(parseUserAgent('Chrome/111.0.0.0 chrome-wakatime/3.0.6')).toEqual({
      ...none,
      editor: 'Chrome',
      editor_version: '111.0.0.0',
      plugin: 'chrome-wakatime',
      plugin_version: '3.0.6',
      is_browser_extension: true,
    });
  });

  it.each([
    ['Chrome/114.0.0.0 linux_x86-64 chrome-wakatime/3.0.17', 'Chrome', '114.0.0.0', 'Linux'],
    ['Chrome/115.0.0.0 mac_arm64 chrome-wakatime/4.0.0', 'Chrome', '115.0.0.0', 'Mac'],
    ['Chrome/117.0.0.0 win_x86-64 chrome-wakatime/3.0.19', 'Chrome', '117.0.0.0', 'Windows'],
    ['Chrome/120.0.0.0 cros_x86-64 chrome-wakatime/4.0.0', 'Chrome', '120.0.0.0', 'ChromeOS'],
    ['Firefox/121.0 linux_x86-64 firefox-wakatime/4.0.0', 'Firefox', '121.0', 'Linux'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Safari/537.36 Edg/116.0.1938.62 win_x86-64 edge-wakatime/3.0.18',
      'Edge',
      '116.0.1938.62',
      'Windows',
    ],
  ])('parses %s', (ua, editor, version, os) => {
    const p = parseUserAgent(ua);
    expect(p).toMatchObject({ editor, editor_version: version, operating_system: os, is_browser_extension: true, is_desktop_app: false, cli_version: null });
    expect(p.plugin).toMatch(/^(chrome|firefox|edge)-wakatime$/);
  });

  it('recognizes the old browser-wakatime plugin string', () => {
    expect(parseUserAgent('browser-wakatime/2.0.0')).toMatchObject({ plugin: 'browser-wakatime', plugin_version: '2.0.0', is_browser_extension: true, editor: null });
  });

  it('parses the macOS desktop app: the editor is the tracked app', () => {
    expect(parseUserAgent('wakatime/v1.102.1 (darwin-23.0.0-arm64) go1.22.5 Xcode/15.0.1 macos-wakatime/5.0.0')).toEqual({
      editor: 'Xcode',
      editor_version: '15.0.1',
      operating_system: 'Mac',
      plugin: 'macos-wakatime',
      plugin_version: '5.0.0',
      cli_version: '1.102.1',
      is_browser_extension: false,
      is_desktop_app: true,
    });
    expect(parseUserAgent('wakatime/v1.131.0 (darwin-25.0.0-arm64) go1.24.4 Claude/0.11.3-0.11.3 macos-wakatime/5.27.2')).toMatchObject({
      editor: 'Claude',
      editor_version: '0.11.3-0.11.3',
      is_desktop_app: true,
    });
  });

  it('parses the Windows desktop app, with unknown app versions as null', () => {
    expect(parseUserAgent('wakatime/v1.102.1 (windows-10.0.27718.1000-x86_64) go1.22.5 Notepad++/unknown windows-wakatime/0.5.0')).toMatchObject({
      editor: 'Notepad++',
      editor_version: null,
      operating_system: 'Windows',
      plugin: 'windows-wakatime',
      is_desktop_app: true,
    });
    // an unknown app keeps the name it was sent with
    expect(parseUserAgent('wakatime/v1.102.1 (windows-10.0.27723.1000-x86_64) go1.22.5 Skype/unknown windows-wakatime/0.5.0').editor).toBe('Skype');
  });

  it('never names the desktop app itself as the editor', () => {
    expect(parseUserAgent('wakatime/v1.102.1 (darwin-23.0.0-arm64) go1.22.5 macos-wakatime/5.0.0')).toMatchObject({ editor: null, is_desktop_app: true });
  });
});

describe('parseUserAgent: other clients and garbage', () => {
  it('parses a non-wakatime client with its OS in parentheses', () => {
    expect(parseUserAgent('HBuilder X/4.56 (Windows_NT 10.0.26100)')).toMatchObject({ editor: 'HBuilder X', editor_version: '4.56', operating_system: 'Windows', plugin: null });
  });

  it('reads a plain browser user agent', () => {
    expect(parseUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toMatchObject({
      editor: 'Chrome',
      operating_system: 'Linux',
      is_browser_extension: false,
    });
    expect(parseUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Gecko/20100101 Firefox/121.0').operating_system).toBe('Mac');
  });

  it.each(['', '   ', 'garbage', 'hello world', '()', '((((', ')))', '/', '//', 'wakatime/', '(linux', 'no slashes at all here'])(
    'returns nothing useful for %j',
    (ua) => {
      const p = parseUserAgent(ua);
      expect(p.editor).toBeNull();
      expect(p.plugin).toBeNull();
      expect(p.is_browser_extension).toBe(false);
      expect(p.is_desktop_app).toBe(false);
    },
  );

  it('accepts non-strings without throwing', () => {
    for (const v of [undefined, null, 42, {}, [], true]) expect(parseUserAgent(v)).toEqual(none);
  });

  it('strips control characters and bounds the input', () => {
    const p = parseUserAgent('wakatime/v1.0\n(linux-6.6.0-x86_64)\tgo1.21 vim/9.0\u0000 vim-wakatime/11.1.1');
    expect(p).toMatchObject({ editor: 'Vim', editor_version: '9.0', operating_system: 'Linux', plugin: 'vim-wakatime' });
    const long = parseUserAgent(`wakatime/1.0 (linux-x) go1.21 ${'a'.repeat(100_000)}/1 vim-wakatime/1`);
    expect(long.cli_version).toBe('1.0');
  });

  it('never throws and always returns the full shape (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const p = parseUserAgent(s);
        expect(Object.keys(p).sort()).toEqual(Object.keys(none).sort());
        expect(typeof p.is_browser_extension).toBe('boolean');
        expect(typeof p.is_desktop_app).toBe('boolean');
        for (const k of ['editor', 'editor_version', 'operating_system', 'plugin', 'plugin_version', 'cli_version'] as const) {
          expect(p[k] === null || (typeof p[k] === 'string' && p[k]!.length > 0)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips generated wakatime-cli user agents (property)', () => {
    const version = fc.stringMatching(/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/);
    fc.assert(
      fc.property(
        fc.constantFrom(['linux', 'Linux'], ['darwin', 'Mac'], ['windows', 'Windows'], ['freebsd', 'FreeBSD']),
        fc.constantFrom(['vscode', 'VS Code'], ['vim', 'Vim'], ['neovim', 'Neovim'], ['emacs', 'Emacs'], ['sublime_text', 'Sublime Text'], ['cursor', 'Cursor'], ['zed', 'Zed'], ['intellij', 'IntelliJ IDEA']),
        version,
        version,
        version,
        (os, editor, cliV, edV, plV) => {
          const ua = `wakatime/v${cliV} (${os[0]}-6.5.0-x86_64) go1.21.6 ${editor[0]}/${edV} ${editor[0]}-wakatime/${plV}`;
          expect(parseUserAgent(ua)).toEqual({
            editor: editor[1],
            editor_version: edV,
            operating_system: os[1],
            plugin: `${editor[0]}-wakatime`,
            plugin_version: plV,
            cli_version: cliV,
            is_browser_extension: false,
            is_desktop_app: false,
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('display names', () => {
  it('maps editors to WakaTime display names', () => {
    expect(editorDisplayName('vscode')).toBe('VS Code');
    expect(editorDisplayName('intellij')).toBe('IntelliJ IDEA');
    expect(editorDisplayName('JetBrains IntelliJ IDEA')).toBe('IntelliJ IDEA');
    expect(editorDisplayName('sublime_text')).toBe('Sublime Text');
    expect(editorDisplayName('nvim')).toBe('Neovim');
    expect(editorDisplayName('JetBrains Gateway')).toBe('Gateway');
    expect(editorDisplayName('SomeNewEditor')).toBe('SomeNewEditor');
  });

  it('maps operating systems to WakaTime display names', () => {
    expect(osDisplayName('linux')).toBe('Linux');
    expect(osDisplayName('Linux')).toBe('Linux');
    expect(osDisplayName('darwin')).toBe('Mac');
    expect(osDisplayName('windows')).toBe('Windows');
    expect(osDisplayName('win')).toBe('Windows');
    expect(osDisplayName('MINGW64_NT')).toBe('Windows');
    expect(osDisplayName('beos')).toBeNull();
  });
});

describe('parseUserAgentOnce', () => {
  it('is the one per-process memo: the same answer as parseUserAgent, computed once per string', () => {
    const ua = 'wakatime/v1.102.1 (linux-6.5.0-1024-oem-x86_64) go1.21.6 vscode/1.86.1 vscode-wakatime/24.4.0';
    const first = parseUserAgentOnce(ua);
    expect(first).toEqual(parseUserAgent(ua));
    expect(parseUserAgentOnce(ua)).toBe(first);
  });
});
