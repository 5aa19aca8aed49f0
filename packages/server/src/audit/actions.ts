import type { z } from 'zod';
import type { AuditEntry } from '@parley/protocol';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import type { AgentActor, AppContext } from '../shared/context';
import { checkAdmin } from '../agents/policies';
import { auditStore } from './store';

export interface AuditRecord {
  action: string;
  target?: { kind: string; id: string } | undefined;
  siteId?: string | null | undefined;
  /** Ids and counts: never a visitor's personal data (the log outlives erasures). */
  details?: Record<string, unknown> | undefined;
}

/**
 * Writes one entry of the audit log: who (an agent, or the system for background jobs) did what to
 * what. Inside the caller's transaction when given one, so that the entry exists exactly when the
 * change does.
 */
export async function doAudit(
  db: Kysely<DB>,
  actor: AgentActor | null,
  now: number,
  record: AuditRecord,
): Promise<void> {
  await auditStore.insert(db, {
    at: now,
    actor_kind: actor ? 'agent' : 'system',
    actor_id: actor?.id ?? null,
    actor_name: actor?.name ?? null,
    action: record.action,
    target_kind: record.target?.kind ?? null,
    target_id: record.target?.id ?? null,
    site_id: record.siteId ?? null,
    details: JSON.stringify(record.details ?? {}),
  });
}

/** The audit log, newest first (admins). */
export async function readAuditLog(
  ctx: AppContext,
  actor: AgentActor,
  page: { limit: number; before?: number | undefined },
): Promise<{ entries: z.output<typeof AuditEntry>[]; nextCursor: number | null }> {
  checkAdmin(actor);
  const rows = await auditStore.page(ctx.db, page.limit, page.before);
  const last = rows.at(-1);
  return {
    entries: rows.map((r) => ({
      id: r.id,
      at: iso(r.at),
      actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name },
      action: r.action,
      targetKind: r.target_kind,
      targetId: r.target_id,
      siteId: r.site_id,
      details: parseJsonColumn<Record<string, unknown>>(r.details, {}),
    })),
    nextCursor: rows.length === page.limit && last ? last.id : null,
  };
}
