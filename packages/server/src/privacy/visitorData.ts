import type { z } from 'zod';
import type { Visitor, VisitorEraseResponse, VisitorExport } from '@parley/protocol';
import { iso, isoOrNull } from '../shared/clock';
import { notFound } from '../shared/errors';
import { parseJsonColumn } from '../shared/json';
import type { AgentActor, AppContext } from '../shared/context';
import { canAccessSite, checkAdmin } from '../agents/policies';
import { conversationStore } from '../conversations/store';
import { presentMessage, presentMessageForVisitor } from '../conversations/presenters';
import { presentVisitor } from '../visitors/presenters';
import { visitorStore, type VisitorRow } from '../visitors/store';
import type { FileStorage } from '../files/storage';
import { doAudit } from '../audit/actions';
import { privacyStore } from './store';

const PAGE = 500;

async function checkVisitor(ctx: AppContext, actor: AgentActor, id: string): Promise<VisitorRow> {
  checkAdmin(actor);
  const row = await visitorStore.byId(ctx.db, id);
  if (!row || !canAccessSite(actor, row.site_id)) throw notFound('visitor');
  return row;
}

/**
 * Everything stored about a visitor, for a data subject's request (GDPR art. 15 and 20): the
 * visitor, all page views and events, and every conversation with the messages the visitor could
 * see (never the team's private notes). Admins only; the export is audit-logged.
 */
export async function exportVisitor(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
): Promise<z.output<typeof VisitorExport>> {
  const row = await checkVisitor(ctx, actor, id);
  const [pages, events, conversations] = await Promise.all([
    privacyStore.allPageViews(ctx.db, id),
    privacyStore.allEvents(ctx.db, id),
    privacyStore.conversationsOf(ctx.db, id),
  ]);
  const out: z.output<typeof VisitorExport> = {
    exportedAt: iso(ctx.clock.now()),
    visitor: presentVisitor(row),
    pageViews: pages.map((p) => ({ url: p.url, title: p.title, referrer: p.referrer, at: iso(p.at) })),
    events: events.map((e) => ({
      name: e.name,
      data: parseJsonColumn<Visitor['attributes']>(e.data, {}),
      at: iso(e.at),
    })),
    conversations: [],
  };
  for (const c of conversations) {
    const messages = [];
    for (let after = 0; ;) {
      const page = await conversationStore.messagesAfter(ctx.db, c.id, after, PAGE, false);
      for (const m of page) {
        const visible = presentMessageForVisitor(presentMessage(m, m.author_name));
        if (visible) messages.push(visible);
      }
      const last = page.at(-1);
      if (!last || page.length < PAGE) break;
      after = last.seq;
    }
    out.conversations.push({
      id: c.id,
      status: c.status,
      source: c.source,
      createdAt: iso(c.created_at),
      closedAt: isoOrNull(c.closed_at),
      rating: c.rating,
      ratingComment: c.rating_comment,
      messages,
    });
  }
  await doAudit(ctx.db, actor, ctx.clock.now(), {
    action: 'visitor.exported',
    target: { kind: 'visitor', id },
    siteId: row.site_id,
    details: { conversations: out.conversations.length, pageViews: pages.length, events: events.length },
  });
  return out;
}

/**
 * Erases a visitor (GDPR art. 17): the visitor, its conversations with their messages and files,
 * page views, events, tokens and the addresses its transcripts went to — one transaction, the
 * search index included (triggers / index maintenance), then the files' bytes. Its open widget
 * connections are closed at once. What remains is an audit entry with ids and counts.
 */
export async function eraseVisitor(
  ctx: AppContext,
  storage: FileStorage,
  actor: AgentActor,
  id: string,
): Promise<z.output<typeof VisitorEraseResponse>['erased']> {
  const row = await checkVisitor(ctx, actor, id);
  const now = ctx.clock.now();
  const r = await ctx.db.transaction().execute(async (trx) => {
    const { conversationIds, ...counts } = await privacyStore.visitorFootprint(trx, id);
    const fileIds = await privacyStore.filesOfVisitor(trx, id);
    await privacyStore.deleteVisitor(trx, id, fileIds);
    const erased = { conversations: conversationIds.length, ...counts, files: fileIds.length };
    await doAudit(trx, actor, now, {
      action: 'visitor.erased',
      target: { kind: 'visitor', id },
      siteId: row.site_id,
      details: erased,
    });
    return { erased, fileIds, conversationIds };
  });
  for (const fileId of r.fileIds) await storage.remove(fileId);
  ctx.bus.publish({ type: 'visitor.erased', siteId: row.site_id, visitorId: id });
  if (r.conversationIds.length > 0)
    ctx.bus.publish({
      type: 'conversations.removed',
      siteId: row.site_id,
      conversationIds: r.conversationIds,
      reason: 'erased',
    });
  return r.erased;
}
