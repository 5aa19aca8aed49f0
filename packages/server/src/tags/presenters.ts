import type { Tag } from '@parley/protocol';
import { iso } from '../shared/clock';
import type { TagRow } from './store';

export function presentTag(row: TagRow): Tag {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    color: row.color,
    createdAt: iso(row.created_at),
  };
}
