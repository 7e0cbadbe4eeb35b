/**
 * Where to go after logging in: `next` only when it is a path on this site (one leading `/`, not
 * `//host` nor `/\host`), else `/`. It may be a server-rendered page such as /oauth/authorize.
 */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // no control characters (browsers strip tabs and newlines, which could turn `/\t/host` into `//host`)
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  return next;
}
