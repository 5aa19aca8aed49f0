import type { Site } from '@parley/protocol';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import { readSettings } from './settings';
import type { SiteRow } from './store';

export function siteOrigins(row: SiteRow): string[] {
  return parseJsonColumn<string[]>(row.allowed_origins, []);
}

/** Admin view of a site. The identity secret is never part of it. */
export function presentSite(row: SiteRow): Site {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    allowedOrigins: siteOrigins(row),
    settings: readSettings(parseJsonColumn<unknown>(row.settings, {})),
    createdAt: iso(row.created_at),
  };
}

/** What a visitor's browser may know about the site. */
export function presentSiteForVisitor(row: SiteRow): {
  id: string;
  name: string;
  settings: Record<string, unknown>;
} {
  const s = readSettings(parseJsonColumn<unknown>(row.settings, {}));
  return { id: row.id, name: row.name, settings: { sneakPeek: s.sneakPeek, timeZone: s.hours.timeZone } };
}
