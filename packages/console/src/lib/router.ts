/**
 * The console's places, kept in the URL's hash (`/console#/c/<id>`) so that reloads, links and the
 * browser's back button work without any server route but /console itself.
 */
export type AdminSection = 'sites' | 'team' | 'departments' | 'tags' | 'canned' | 'audit';

export type Route =
  | { name: 'inbox'; conversationId: string | null }
  | { name: 'profile' }
  | { name: 'reports' }
  | { name: 'visitors' }
  /** An invitation link: the token travels in the fragment, never to the server's logs. */
  | { name: 'invite'; token: string }
  | { name: 'admin'; section: AdminSection; itemId: string | null };

const SEGMENT = /^[A-Za-z0-9_-]{1,64}$/;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(safeDecode);
  const [first, second, third] = parts;
  if (first === 'c' && second !== undefined && SEGMENT.test(second))
    return { name: 'inbox', conversationId: second };
  if (first === 'profile') return { name: 'profile' };
  if (first === 'reports') return { name: 'reports' };
  if (first === 'visitors') return { name: 'visitors' };
  if (first === 'invite' && second !== undefined && /^[A-Za-z0-9_-]{1,200}$/.test(second)) {
    return { name: 'invite', token: second };
  }
  if (first === 'admin') {
    const section: AdminSection =
      second === 'team' ||
      second === 'departments' ||
      second === 'tags' ||
      second === 'canned' ||
      second === 'audit'
        ? second
        : 'sites';
    const itemId = third !== undefined && SEGMENT.test(third) ? third : null;
    return { name: 'admin', section, itemId };
  }
  return { name: 'inbox', conversationId: null };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'inbox':
      return route.conversationId === null ? '#/' : `#/c/${encodeURIComponent(route.conversationId)}`;
    case 'profile':
      return '#/profile';
    case 'reports':
      return '#/reports';
    case 'visitors':
      return '#/visitors';
    case 'invite':
      return `#/invite/${encodeURIComponent(route.token)}`;
    case 'admin':
      return `#/admin/${route.section}${route.itemId === null ? '' : `/${encodeURIComponent(route.itemId)}`}`;
  }
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}
