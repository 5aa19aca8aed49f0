import type { LiveVisitor } from '@parley/protocol';
import { iso } from '../shared/clock';
import type { AgentActor, AppContext } from '../shared/context';
import { checkSiteAccess } from '../agents/policies';
import { presentVisitor } from './presenters';
import { visitorStore } from './store';

/** "On the site now": a widget connection, or any sign of the visitor within this window. */
export const LIVE_WINDOW_MS = 5 * 60_000;
/**
 * A connection is refreshed in the database every heartbeat (25 s) by the node holding it; one
 * not refreshed for this long belongs to a node that died.
 */
export const CONNECTED_WINDOW_MS = 90_000;
/** Most visitors listed at once. */
export const LIVE_LIMIT = 500;

/**
 * Who is on the agent's sites now (on one site, when given): visitors with a widget connection
 * anywhere in the cluster, or seen (a page, a session) within the last minutes. Newest visit first.
 * Four queries, whatever the number of visitors.
 */
export async function listLiveVisitors(
  ctx: AppContext,
  actor: AgentActor,
  siteId?: string,
): Promise<{ visitors: LiveVisitor[]; truncated: boolean; windowSeconds: number }> {
  if (siteId !== undefined) checkSiteAccess(actor, siteId);
  const siteIds = siteId !== undefined ? [siteId] : actor.siteIds === 'all' ? 'all' : [...actor.siteIds];
  const now = ctx.clock.now();
  const rows = await visitorStore.seenSince(ctx.db, siteIds, now - LIVE_WINDOW_MS, LIVE_LIMIT + 1);
  const page = rows.slice(0, LIVE_LIMIT);
  const ids = page.map((r) => r.id);
  const [pages, open] = await Promise.all([
    visitorStore.pagesThisVisit(ctx.db, ids),
    visitorStore.openConversations(ctx.db, ids),
  ]);
  return {
    visitors: page.map((r) => ({
      visitor: presentVisitor(r),
      connected: r.socket_seen_at !== null && r.socket_seen_at >= now - CONNECTED_WINDOW_MS,
      page:
        r.last_page_url === null
          ? null
          : { url: r.last_page_url, title: r.last_page_title, since: iso(r.last_page_at ?? r.last_seen_at) },
      visitStartedAt: iso(r.visit_started_at ?? r.last_seen_at),
      visits: r.visits,
      pagesThisVisit: pages.get(r.id) ?? 0,
      conversationId: open.get(r.id) ?? null,
    })),
    truncated: rows.length > LIVE_LIMIT,
    windowSeconds: LIVE_WINDOW_MS / 1000,
  };
}
