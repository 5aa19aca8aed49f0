/**
 * URL include/exclude patterns of a site's targeting and `url_match` triggers (see `UrlPattern` in
 * widget.ts): `*` matches any run of characters, everything else is literal; a pattern starting
 * with `/` is matched against path + query, any other against the whole URL; the fragment is
 * ignored; matching is case-sensitive. Plain code without zod: the widget's loader ships it.
 */

const compiled = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re === undefined) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*');
    re = new RegExp(`^${body}$`, 's');
    compiled.set(pattern, re);
  }
  return re;
}

/** Whether `url` (absolute) matches `pattern`. */
export function matchesUrlPattern(pattern: string, url: string): boolean {
  const hash = url.indexOf('#');
  const full = hash === -1 ? url : url.slice(0, hash);
  let target = full;
  if (pattern.startsWith('/')) {
    // Path + query: everything after the origin ("https://host:port").
    const origin = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(full);
    target = origin === null ? full : full.slice(origin[0].length) || '/';
    if (target.startsWith('?')) target = `/${target}`;
  }
  return toRegExp(pattern).test(target);
}

/** A site's targeting: shown when no exclude pattern matches and (no include pattern, or one matches). */
export function isUrlTargeted(
  targeting: { include: readonly string[]; exclude: readonly string[] },
  url: string,
): boolean {
  if (targeting.exclude.some((p) => matchesUrlPattern(p, url))) return false;
  return targeting.include.length === 0 || targeting.include.some((p) => matchesUrlPattern(p, url));
}
