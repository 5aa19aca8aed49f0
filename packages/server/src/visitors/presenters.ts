import type { Visitor } from '@parley/protocol';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { VisitorRow } from './store';

export type Attributes = Visitor['attributes'];

export function visitorAttributes(row: Pick<VisitorRow, 'attributes'>): Attributes {
  return parseJsonColumn<Attributes>(row.attributes, {});
}

/**
 * A visitor as agents see it (in `visitor` frames and `GET /api/v1/visitors/:id`), and as the visitor
 * sees itself (session, welcome): nothing in it is secret from the person it describes.
 */
export function presentVisitor(row: VisitorRow): Visitor {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    email: row.email,
    externalId: row.external_id,
    verified: row.verified === 1,
    attributes: visitorAttributes(row),
    firstSeenAt: iso(row.first_seen_at),
    lastSeenAt: iso(row.last_seen_at),
    lastPageUrl: row.last_page_url,
    lastPageTitle: row.last_page_title,
    userAgent: row.user_agent,
  };
}
