import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import type { Actor } from '../shared/context';
import { notFound } from '../shared/errors';
import { canAccessSite } from '../agents/policies';
import { conversationStore, type ConversationRow } from './store';

/** Who may see a conversation. The answer is computed from site and visitor, which never change. */
export function canSeeConversation(
  actor: Actor,
  conv: Pick<ConversationRow, 'site_id' | 'visitor_id'>,
): boolean {
  switch (actor.kind) {
    case 'visitor':
      return conv.visitor_id === actor.id && conv.site_id === actor.siteId;
    case 'agent':
      return canAccessSite(actor, conv.site_id);
    case 'system':
      return true;
  }
}

/**
 * Load a conversation the actor may see. Someone else's conversation is reported exactly like a
 * missing one, so ids from other sites or visitors reveal nothing.
 */
export async function checkConversation(db: Kysely<DB>, actor: Actor, id: string): Promise<ConversationRow> {
  const conv = await conversationStore.byId(db, id);
  if (!conv || !canSeeConversation(actor, conv)) throw notFound('conversation');
  return conv;
}
