import type { VisitorPollResponse } from '@parley/protocol';
import type { z } from 'zod';
import { AppError } from '../shared/errors';
import type { AppContext, VisitorActor } from '../shared/context';
import { conversationStore } from '../conversations/store';
import { agentsOnlineForSite } from '../sites/actions';
import { visitorStore } from './store';
import { visitPatch } from './visits';

/**
 * A poll refreshes the visitor's last sign of life at most this often: far inside the live window
 * (live.ts, 5 minutes), so a visitor whose chat is closed stays listed, without a write per poll.
 */
export const POLL_TOUCH_MS = 60_000;

/**
 * `GET /api/v1/visitor/poll`: the loader asks while the page is visible and its chat UI (and socket)
 * is not loaded. Answers the visitor's conversation that is not closed and the team messages in it
 * the visitor has not read (a proactive message from an agent, say), and whether an agent of the
 * site is online now; counts as a sign of the visitor for the live-visitors list.
 */
export async function pollVisitor(
  ctx: AppContext,
  actor: VisitorActor,
): Promise<z.output<typeof VisitorPollResponse>> {
  const now = ctx.clock.now();
  const current = await visitorStore.byId(ctx.db, actor.id);
  if (!current) throw new AppError('unauthorized', 'visitor no longer exists', 401);
  if (now - current.last_seen_at >= POLL_TOUCH_MS)
    await visitorStore.update(ctx.db, actor.id, { last_seen_at: now, ...visitPatch(current, now) });
  const [open, agentsOnline] = await Promise.all([
    conversationStore.unreadForVisitor(ctx.db, actor.id),
    agentsOnlineForSite(ctx, actor.siteId),
  ]);
  return { conversationId: open?.id ?? null, unread: Number(open?.unread ?? 0), agentsOnline };
}
