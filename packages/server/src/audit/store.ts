import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema';

export type AuditRow = Selectable<AuditLogTable>;

export const auditStore = {
  insert: (db: Kysely<DB>, row: Omit<AuditRow, 'id'>) => db.insertInto('audit_log').values(row).execute(),
  /** Newest first, before an id. */
  page: (db: Kysely<DB>, limit: number, before: number | undefined) => {
    let q = db.selectFrom('audit_log').selectAll();
    if (before !== undefined) q = q.where('id', '<', before);
    return q.orderBy('id', 'desc').limit(limit).execute();
  },
};
