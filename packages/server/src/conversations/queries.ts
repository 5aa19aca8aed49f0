import type { ConversationForAgent, ConversationForVisitor } from '@parley/protocol';
import type { AgentActor, AppContext, VisitorActor } from '../shared/context';
import { notFound } from '../shared/errors';
import { checkConversation } from './policies';
import { presentConversationForAgent, presentConversationForVisitor } from './presenters';
import { conversationStore, type AgentConversationRow, type AgentListFilter, type Cursor } from './store';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';

async function ownReadMarks(
  db: Kysely<DB>,
  agentId: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('read_marks')
    .select(['conversation_id', 'read_seq'])
    .where('participant_kind', '=', 'agent')
    .where('participant_id', '=', agentId)
    .where('conversation_id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.conversation_id, r.read_seq]));
}

/** Conversations as one agent sees them: own read marks and tags, in two queries for any number. */
export async function presentForAgent(
  db: Kysely<DB>,
  agentId: string,
  rows: readonly AgentConversationRow[],
): Promise<ConversationForAgent[]> {
  const ids = rows.map((r) => r.id);
  const [marks, tags] = await Promise.all([
    ownReadMarks(db, agentId, ids),
    conversationStore.tagIdsFor(db, ids),
  ]);
  return rows.map((r) => presentConversationForAgent(r, marks.get(r.id) ?? 0, tags.get(r.id) ?? []));
}

/**
 * The agent's inbox: three queries whatever the page size. `nextCursor` is set when the page is
 * full: the sort key and id of its last row, to pass back as `before`.
 */
export async function listConversationsForAgent(
  ctx: AppContext,
  actor: AgentActor,
  filter: Omit<AgentListFilter, 'siteIds'> & { siteId?: string | undefined },
): Promise<{ conversations: ConversationForAgent[]; nextCursor: string | null }> {
  let siteIds: AgentListFilter['siteIds'] = actor.siteIds === 'all' ? 'all' : [...actor.siteIds];
  if (filter.siteId !== undefined) {
    siteIds = siteIds === 'all' || siteIds.includes(filter.siteId) ? [filter.siteId] : [];
  }
  const rows = await conversationStore.listForAgent(ctx.db, { ...filter, siteIds });
  const last = rows.at(-1);
  return {
    conversations: await presentForAgent(ctx.db, actor.id, rows),
    nextCursor: last && rows.length === filter.limit ? `${last.sort_key}~${last.id}` : null,
  };
}

export async function getConversationForAgent(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
): Promise<ConversationForAgent> {
  await checkConversation(ctx.db, actor, id);
  const row = await conversationStore.forAgent(ctx.db, id);
  if (!row) throw notFound('conversation');
  const [conversation] = await presentForAgent(ctx.db, actor.id, [row]);
  if (!conversation) throw notFound('conversation');
  return conversation;
}

/** Most conversations a visitor's history lists (newest first); the welcome says when there are more. */
export const VISITOR_CONVERSATION_LIMIT = 100;

export async function listConversationsForVisitor(
  ctx: AppContext,
  actor: VisitorActor,
  page: { limit: number; before?: Cursor | undefined } = { limit: VISITOR_CONVERSATION_LIMIT },
): Promise<ConversationForVisitor[]> {
  const rows = await conversationStore.listForVisitor(ctx.db, actor.id, page);
  return rows.map(presentConversationForVisitor);
}

/** One of the visitor's own conversations, as the visitor sees it. */
export async function getConversationForVisitor(
  ctx: AppContext,
  actor: VisitorActor,
  id: string,
): Promise<ConversationForVisitor> {
  const [row] = await conversationStore.listForVisitor(ctx.db, actor.id, { conversationId: id, limit: 1 });
  if (!row) throw notFound('conversation');
  return presentConversationForVisitor(row);
}

/**
 * One conversation as every kind of recipient sees it, loaded with a fixed number of queries so
 * that a fan-out to many agents costs the same as to one.
 */
export async function loadConversationViews(
  ctx: AppContext,
  id: string,
  /** Null when no socket of the visitor is here: their view is then not loaded at all. */
  visitorId: string | null,
): Promise<{
  forAgent: (agentId: string) => ConversationForAgent;
  forVisitor: ConversationForVisitor | null;
} | null> {
  const row = await conversationStore.forAgent(ctx.db, id);
  if (!row) return null;
  const [marks, tags] = await Promise.all([
    conversationStore.agentReadMarks(ctx.db, id),
    conversationStore.tagIdsFor(ctx.db, [id]),
  ]);
  const tagIds = tags.get(id) ?? [];
  const vrow =
    visitorId === null
      ? undefined
      : (await conversationStore.listForVisitor(ctx.db, visitorId, { conversationId: id, limit: 1 }))[0];
  return {
    forAgent: (agentId) => presentConversationForAgent(row, marks.get(agentId) ?? 0, tagIds),
    forVisitor: vrow ? presentConversationForVisitor(vrow) : null,
  };
}
