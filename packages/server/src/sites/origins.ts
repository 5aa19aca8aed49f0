/** Canonical origin (`scheme://host[:port]`), or null when the value is not an http(s) URL. */
export function normalizeOrigin(value: string): string | null {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin;
  } catch {
    return null;
  }
}

/**
 * Whether a browser on `origin` may use this site's widget. An empty list means "any origin".
 * Requests without an Origin header come from non-browser clients (bots, bridges), which can set
 * any header they like anyway, so the check is a browser protection and lets them through.
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (origin === undefined) return true;
  if (allowed.length === 0) return true;
  const o = normalizeOrigin(origin);
  return o !== null && allowed.includes(o);
}
