import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { ConversationsTable, DB, MessagesTable } from '../db/schema';

export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type MessageWithAuthor = MessageRow & { author_name: string | null };
export type AgentConversationRow = ConversationRow & {
  visitor_name: string | null;
  visitor_email: string | null;
  peer_read_seq: number | null;
};
export type VisitorConversationRow = ConversationRow & {
  assignee_name: string | null;
  assignee_avatar: string | null;
  own_read_seq: number | null;
  peer_read_seq: number | null;
};

/** Position in a newest-first list: (created_at, id) of the last row of the previous page. */
export interface Cursor {
  createdAt: number;
  id: string;
}

function olderThan(eb: ExpressionBuilder<DB & { c: DB['conversations'] }, 'c'>, before: Cursor) {
  return eb.or([
    eb('c.created_at', '<', before.createdAt),
    eb.and([eb('c.created_at', '=', before.createdAt), eb('c.id', '<', before.id)]),
  ]);
}

export interface AgentListFilter {
  siteIds: readonly string[] | 'all';
  status: 'open' | 'pending' | 'closed' | 'active' | 'all';
  assigneeId?: string | null;
  limit: number;
  before?: Cursor | undefined;
}

function agentConversationQuery(db: Kysely<DB>) {
  return db
    .selectFrom('conversations as c')
    .innerJoin('visitors as v', 'v.id', 'c.visitor_id')
    .leftJoin('read_marks as vr', (j) =>
      j
        .onRef('vr.conversation_id', '=', 'c.id')
        .on('vr.participant_kind', '=', 'visitor')
        .onRef('vr.participant_id', '=', 'c.visitor_id'),
    )
    .selectAll('c')
    .select(['v.name as visitor_name', 'v.email as visitor_email', 'vr.read_seq as peer_read_seq']);
}

export const conversationStore = {
  byId: (db: Kysely<DB>, id: string) =>
    db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst(),

  openForVisitor: (db: Kysely<DB>, visitorId: string) =>
    db
      .selectFrom('conversations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .where('status', '<>', 'closed')
      .executeTakeFirst(),

  insert: (db: Kysely<DB>, row: ConversationRow) => db.insertInto('conversations').values(row).execute(),

  update: (
    db: Kysely<DB>,
    id: string,
    patch: Partial<Omit<ConversationRow, 'id' | 'site_id' | 'visitor_id' | 'last_seq'>>,
  ) => db.updateTable('conversations').set(patch).where('id', '=', id).execute(),

  /**
   * Take the next seq. The row lock this UPDATE holds until commit serialises writers of one
   * conversation, and a rollback gives the number back: the log stays gap-free.
   */
  nextSeq: async (
    db: Kysely<DB>,
    id: string,
    patch: {
      at: number;
      isPublic: boolean;
      preview: string | null;
      firstResponse: boolean;
      assignTo: string | null;
    },
  ): Promise<number> => {
    const row = await db
      .updateTable('conversations')
      .set((eb) => ({
        last_seq: eb('last_seq', '+', 1),
        // SET expressions see the row as it was, so this is the new seq too.
        ...(patch.isPublic && { last_public_seq: eb('last_seq', '+', 1) }),
        updated_at: patch.at,
        ...(patch.preview !== null && { last_message_at: patch.at, last_message_preview: patch.preview }),
        ...(patch.firstResponse && {
          first_response_at: eb.fn.coalesce('first_response_at', eb.val(patch.at)),
        }),
        ...(patch.assignTo !== null && {
          assignee_id: eb.fn.coalesce('assignee_id', eb.val(patch.assignTo)),
        }),
      }))
      .where('id', '=', id)
      .returning('last_seq')
      .executeTakeFirstOrThrow();
    return row.last_seq;
  },

  insertMessage: (db: Kysely<DB>, row: MessageRow) => db.insertInto('messages').values(row).execute(),

  messageByClientId: (
    db: Kysely<DB>,
    authorKind: MessageRow['author_kind'],
    authorId: string,
    clientMsgId: string,
  ) =>
    db
      .selectFrom('messages')
      .selectAll()
      .where('author_kind', '=', authorKind)
      .where('author_id', '=', authorId)
      .where('client_msg_id', '=', clientMsgId)
      .executeTakeFirst(),

  /** One page of the log after `afterSeq`, with author names, in one query. */
  messagesAfter: (
    db: Kysely<DB>,
    conversationId: string,
    afterSeq: number,
    limit: number,
    includePrivate: boolean,
  ) => {
    let q = db
      .selectFrom('messages as m')
      .leftJoin('agents as a', (j) => j.onRef('a.id', '=', 'm.author_id').on('m.author_kind', '=', 'agent'))
      .leftJoin('visitors as v', (j) =>
        j.onRef('v.id', '=', 'm.author_id').on('m.author_kind', '=', 'visitor'),
      )
      .selectAll('m')
      .select((eb) => eb.fn.coalesce('a.name', 'v.name').as('author_name'))
      .where('m.conversation_id', '=', conversationId)
      .where('m.seq', '>', afterSeq);
    if (!includePrivate) q = q.where('m.private', '=', 0);
    return q.orderBy('m.seq').limit(limit).execute() as Promise<MessageWithAuthor[]>;
  },

  forAgent: (db: Kysely<DB>, id: string) =>
    agentConversationQuery(db).where('c.id', '=', id).executeTakeFirst(),

  listForAgent: (db: Kysely<DB>, f: AgentListFilter) => {
    let q = agentConversationQuery(db);
    if (f.siteIds !== 'all') {
      if (f.siteIds.length === 0) return Promise.resolve([]);
      q = q.where('c.site_id', 'in', f.siteIds);
    }
    if (f.status === 'active') q = q.where('c.status', '<>', 'closed');
    else if (f.status !== 'all') q = q.where('c.status', '=', f.status);
    if (f.assigneeId === null) q = q.where('c.assignee_id', 'is', null);
    else if (f.assigneeId !== undefined) q = q.where('c.assignee_id', '=', f.assigneeId);
    const before = f.before;
    if (before) q = q.where((eb) => olderThan(eb, before));
    return q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
  },

  listForVisitor: (
    db: Kysely<DB>,
    visitorId: string,
    opts: { conversationId?: string; limit: number; before?: Cursor | undefined },
  ) => {
    let q = db
      .selectFrom('conversations as c')
      .leftJoin('agents as a', 'a.id', 'c.assignee_id')
      .leftJoin('read_marks as own', (j) =>
        j
          .onRef('own.conversation_id', '=', 'c.id')
          .on('own.participant_kind', '=', 'visitor')
          .onRef('own.participant_id', '=', 'c.visitor_id'),
      )
      .selectAll('c')
      .select(['a.name as assignee_name', 'a.avatar_url as assignee_avatar', 'own.read_seq as own_read_seq'])
      .select((eb) =>
        eb
          .selectFrom('read_marks as r')
          .select((e2) => e2.fn.max('r.read_seq').as('m'))
          .whereRef('r.conversation_id', '=', 'c.id')
          .where('r.participant_kind', '=', 'agent')
          .as('peer_read_seq'),
      )
      .where('c.visitor_id', '=', visitorId);
    if (opts.conversationId !== undefined) q = q.where('c.id', '=', opts.conversationId);
    const before = opts.before;
    if (before) q = q.where((eb) => olderThan(eb, before));
    return q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(opts.limit).execute() as Promise<
      VisitorConversationRow[]
    >;
  },

  /** Every agent's read mark of one conversation: one query for a whole fan-out. */
  agentReadMarks: async (db: Kysely<DB>, conversationId: string): Promise<Map<string, number>> => {
    const rows = await db
      .selectFrom('read_marks')
      .select(['participant_id', 'read_seq'])
      .where('conversation_id', '=', conversationId)
      .where('participant_kind', '=', 'agent')
      .execute();
    return new Map(rows.map((r) => [r.participant_id, r.read_seq]));
  },

  /** Read marks only move forward; returns the mark now stored. */
  raiseReadMark: async (
    db: Kysely<DB>,
    m: {
      conversationId: string;
      kind: 'visitor' | 'agent' | 'bot';
      participantId: string;
      seq: number;
      at: number;
    },
  ): Promise<number> => {
    const row = await db
      .insertInto('read_marks')
      .values({
        conversation_id: m.conversationId,
        participant_kind: m.kind,
        participant_id: m.participantId,
        read_seq: m.seq,
        updated_at: m.at,
      })
      .onConflict((oc) =>
        oc.columns(['conversation_id', 'participant_kind', 'participant_id']).doUpdateSet({
          read_seq: sql<number>`case when excluded.read_seq > read_marks.read_seq then excluded.read_seq else read_marks.read_seq end`,
          updated_at: m.at,
        }),
      )
      // The stored mark, which may be higher than the one asked for.
      .returning('read_seq')
      .executeTakeFirstOrThrow();
    return row.read_seq;
  },
};
