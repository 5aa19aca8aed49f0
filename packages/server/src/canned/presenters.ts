import type { CannedResponse } from '@parley/protocol';
import { iso } from '../shared/clock';
import type { CannedRow } from './store';

export function presentCanned(row: CannedRow): CannedResponse {
  return {
    id: row.id,
    shortcut: row.shortcut,
    body: row.body,
    ownerId: row.owner_id,
    siteId: row.site_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
