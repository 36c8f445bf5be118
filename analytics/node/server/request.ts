/**
 * The request target as the server uses it. `req.url` is whatever the client sent: `new URL('//',
 * base)` and `decodeURIComponent('%E0%A4%A')` both throw on it, and a throw in a handler must not
 * reach the process. So the target is parsed once, here, into a result that cannot throw later.
 */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), always starting with `/`. */
  pathname: string;
  /** The path decoded; never holds NUL. */
  decodedPath: string;
  searchParams: URLSearchParams;
}

export type TargetProblem = 'unparsable' | 'undecodable';

/**
 * Origin-form (`/a/b?q`) and absolute-form (`http://host/a?q`, which RFC 9112 lets proxies send)
 * are taken by their path and query; anything else (`*`, authority-form, garbage) is a problem.
 * The host part of an absolute-form target is ignored: it names no one we trust.
 */
export function parseTarget(raw: string | undefined): RequestTarget | TargetProblem {
  const text = raw ?? '/';
  let url: URL;
  try {
    // a fixed origin in front of an origin-form target keeps `//x` a path instead of a host
    url = text.startsWith('/') ? new URL(`http://target.invalid${text}`) : new URL(text);
  } catch {
    return 'unparsable';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'unparsable';
  const decodedPath = decodePath(url.pathname);
  if (decodedPath === null) return 'undecodable';
  return { pathname: url.pathname, decodedPath, searchParams: url.searchParams };
}

/** The percent-decoded path, or null when it is not UTF-8 or holds NUL (no file name has one). */
export function decodePath(pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return decoded.includes('\0') ? null : decoded;
}
