import type { Visitor } from '@parley/protocol';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { VisitorRow } from './store';

export function presentVisitor(row: VisitorRow): Visitor {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    email: row.email,
    attributes: parseJsonColumn<Visitor['attributes']>(row.attributes, {}),
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
    lastPageUrl: row.last_page_url,
    userAgent: row.user_agent,
  };
}
