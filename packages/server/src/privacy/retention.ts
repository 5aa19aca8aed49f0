import type { AppContext } from '../shared/context';
import { parseJsonColumn } from '../shared/json';
import { siteStore } from '../sites/store';
import { readSettings } from '../sites/settings';
import type { FileStorage } from '../files/storage';
import { doAudit } from '../audit/actions';
import { privacyStore } from './store';

const DAY = 24 * 3600_000;
const BATCH = 200;

/**
 * Background job (`retention.purge`): for every site with `retentionDays`, deletes the closed
 * conversations closed longer ago than that — messages, read marks, tags and attachment rows go
 * with them in the same transaction (cascades; the search index follows), then the attachments'
 * bytes. Batches of 200 conversations, each its own transaction, so a long purge never holds the
 * database. Idempotent: run twice, the second finds nothing. One audit entry per site and run.
 */
export async function purgeExpiredConversations(
  ctx: AppContext,
  storage: FileStorage,
  signal?: AbortSignal,
): Promise<{ conversations: number; files: number }> {
  let conversations = 0;
  let files = 0;
  for (const site of await siteStore.all(ctx.db)) {
    const days = readSettings(parseJsonColumn<unknown>(site.settings, {})).retentionDays;
    if (days === null) continue;
    const now = ctx.clock.now();
    const before = now - days * DAY;
    let siteConversations = 0;
    let siteFiles = 0;
    for (;;) {
      signal?.throwIfAborted();
      const batch = (await privacyStore.expiredConversations(ctx.db, site.id, before, BATCH)).map(
        (r) => r.id,
      );
      if (batch.length === 0) break;
      const fileIds = await ctx.db.transaction().execute(async (trx) => {
        const ids = await privacyStore.filesOfConversations(trx, batch);
        siteConversations += await privacyStore.deleteConversations(trx, batch);
        return ids;
      });
      ctx.bus.publish({
        type: 'conversations.removed',
        siteId: site.id,
        conversationIds: batch,
        reason: 'retention',
      });
      // Rows first, bytes after the commit: a crash in between leaves inert bytes, never a dangling row.
      for (const id of fileIds) await storage.remove(id);
      siteFiles += fileIds.length;
      if (batch.length < BATCH) break;
    }
    if (siteConversations > 0) {
      await doAudit(ctx.db, null, ctx.clock.now(), {
        action: 'retention.purged',
        target: { kind: 'site', id: site.id },
        siteId: site.id,
        details: {
          retentionDays: days,
          closedBefore: new Date(before).toISOString(),
          conversations: siteConversations,
          files: siteFiles,
        },
      });
    }
    conversations += siteConversations;
    files += siteFiles;
  }
  return { conversations, files };
}
