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

export type InboxSortKey = 'newest' | 'waiting' | 'recent';

/**
 * Added to the time of the last activity of conversations nobody waits on, after subtracting it:
 * larger than any epoch-millisecond time, so they sort after the waiting ones, most recent first.
 */
const NOT_WAITING = 8_000_000_000_000_000;

/** The sort key of each order as SQL, and its direction; rows tie-break on id the same way. */
function sortKeyOf(sort: InboxSortKey) {
  switch (sort) {
    case 'newest':
      return { key: sql<number>`c.created_at`, dir: 'desc' as const };
    case 'recent':
      return { key: sql<number>`coalesce(c.last_message_at, c.created_at)`, dir: 'desc' as const };
    case 'waiting':
      return {
        key: sql<number>`case when c.waiting_since is not null then c.waiting_since
          else ${sql.lit(NOT_WAITING)} - coalesce(c.last_message_at, c.created_at) end`,
        dir: 'asc' as const,
      };
  }
}

export interface AgentListFilter {
  siteIds: readonly string[] | 'all';
  status: 'open' | 'pending' | 'snoozed' | 'closed' | 'active' | 'all';
  assigneeId?: string | null;
  /** Only conversations in a department this agent is a member of. */
  departmentsOf?: string | undefined;
  visitorId?: string | undefined;
  tagId?: string | undefined;
  sort?: InboxSortKey | undefined;
  limit: number;
  /** The sort key and id of the last row of the previous page. */
  before?: { key: number; id: string } | undefined;
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

  /**
   * The visitor's conversation that is not closed, and the team's public messages in it (agent or
   * bot) above the visitor's read mark: what the widget's poll answers. One query.
   */
  unreadForVisitor: (db: Kysely<DB>, visitorId: string) =>
    db
      .selectFrom('conversations as c')
      .leftJoin('read_marks as own', (j) =>
        j
          .onRef('own.conversation_id', '=', 'c.id')
          .on('own.participant_kind', '=', 'visitor')
          .onRef('own.participant_id', '=', 'c.visitor_id'),
      )
      .select('c.id')
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select((e2) => e2.fn.countAll<number | string>().as('n'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .where('m.private', '=', 0)
          .where('m.author_kind', 'in', ['agent', 'bot'])
          .where((e2) => e2('m.seq', '>', e2.fn.coalesce('own.read_seq', e2.lit(0))))
          .as('unread'),
      )
      .where('c.visitor_id', '=', visitorId)
      .where('c.status', '<>', 'closed')
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
      /** Who writes: with isPublic, it sets the log's facts on the row (migration 007). */
      author: MessageRow['author_kind'];
      isPublic: boolean;
      preview: string | null;
      firstResponse: boolean;
      assignTo: string | null;
      /** `start`: a visitor message (waiting from now unless already waiting); `stop`: a public reply. */
      waiting?: 'start' | 'stop' | null;
      /** The visitor wrote: a snooze ends. */
      wake?: boolean;
      /** The visitor wrote: a pending conversation is open again (decided under the row lock). */
      open?: boolean;
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
        ...(patch.waiting === 'start' && {
          waiting_since: eb.fn.coalesce('waiting_since', eb.val(patch.at)),
        }),
        ...(patch.waiting === 'stop' && { waiting_since: null }),
        ...(patch.wake === true && { snoozed_until: null }),
        ...(patch.open === true && {
          status: sql<ConversationRow['status']>`case when status = 'pending' then 'open' else status end`,
        }),
        // Facts of the log for analytics (docs/analytics.md), in the statement that appends to it.
        ...(patch.isPublic &&
          patch.author !== 'system' && { public_messages: eb('public_messages', '+', 1) }),
        ...(patch.isPublic &&
          patch.author === 'visitor' && {
            first_visitor_at: eb.fn.coalesce('first_visitor_at', eb.val(patch.at)),
          }),
        ...(patch.isPublic &&
          patch.author === 'agent' && {
            first_reply_at: eb
              .case()
              .when(
                eb.and([
                  eb('first_reply_at', 'is', null),
                  eb('first_visitor_at', 'is not', null),
                  eb('first_visitor_at', '<=', patch.at),
                ]),
              )
              .then(patch.at)
              .else(eb.ref('first_reply_at'))
              .end(),
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

  /** Several conversations as agents see them, in one query (any order). */
  forAgentMany: (db: Kysely<DB>, ids: readonly string[]) =>
    ids.length === 0 ? Promise.resolve([]) : agentConversationQuery(db).where('c.id', 'in', ids).execute(),

  /** One page of an inbox, with each row's sort key (for the next page's cursor). */
  listForAgent: (db: Kysely<DB>, f: AgentListFilter) => {
    const { key, dir } = sortKeyOf(f.sort ?? 'newest');
    let q = agentConversationQuery(db).select(key.as('sort_key'));
    if (f.siteIds !== 'all') {
      if (f.siteIds.length === 0) return Promise.resolve([]);
      q = q.where('c.site_id', 'in', f.siteIds);
    }
    switch (f.status) {
      case 'all':
        break;
      case 'active':
        q = q.where('c.status', '<>', 'closed');
        break;
      case 'snoozed':
        q = q.where('c.status', '<>', 'closed').where('c.snoozed_until', 'is not', null);
        break;
      case 'closed':
        q = q.where('c.status', '=', 'closed');
        break;
      default:
        q = q.where('c.status', '=', f.status).where('c.snoozed_until', 'is', null);
    }
    if (f.assigneeId === null) q = q.where('c.assignee_id', 'is', null);
    else if (f.assigneeId !== undefined) q = q.where('c.assignee_id', '=', f.assigneeId);
    const member = f.departmentsOf;
    if (member !== undefined)
      q = q.where('c.department_id', 'in', (eb) =>
        eb.selectFrom('department_agents').select('department_id').where('agent_id', '=', member),
      );
    if (f.visitorId !== undefined) q = q.where('c.visitor_id', '=', f.visitorId);
    const tagId = f.tagId;
    if (tagId !== undefined)
      q = q.where('c.id', 'in', (eb) =>
        eb.selectFrom('conversation_tags').select('conversation_id').where('tag_id', '=', tagId),
      );
    const before = f.before;
    if (before) {
      const op = dir === 'asc' ? '>' : '<';
      q = q.where((eb) =>
        eb.or([eb(key, op, before.key), eb.and([eb(key, '=', before.key), eb('c.id', op, before.id)])]),
      );
    }
    return q.orderBy(key, dir).orderBy('c.id', dir).limit(f.limit).execute() as Promise<
      (AgentConversationRow & { sort_key: number })[]
    >;
  },

  /** Snoozed conversations whose time has come. */
  dueSnoozes: (db: Kysely<DB>, now: number, limit: number) =>
    db
      .selectFrom('conversations')
      .select('id')
      .where('snoozed_until', '<=', now)
      .orderBy('snoozed_until')
      .limit(limit)
      .execute(),

  /** Ends the snoozes of these that are still due; returns the ones this call woke. */
  wake: (db: Kysely<DB>, ids: readonly string[], now: number) =>
    ids.length === 0
      ? Promise.resolve([])
      : db
          .updateTable('conversations')
          .set({ snoozed_until: null, updated_at: now })
          .where('id', 'in', ids)
          .where('snoozed_until', '<=', now)
          .returning(['id', 'site_id', 'visitor_id'])
          .execute(),

  /** Tag ids per conversation for a batch of conversations, in one query (in the order added). */
  tagIdsFor: async (db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, string[]>> => {
    const out = new Map<string, string[]>(ids.map((id) => [id, []]));
    if (ids.length === 0) return out;
    const rows = await db
      .selectFrom('conversation_tags')
      .select(['conversation_id', 'tag_id'])
      .where('conversation_id', 'in', ids)
      .orderBy('added_at')
      .orderBy('tag_id')
      .execute();
    for (const r of rows) out.get(r.conversation_id)?.push(r.tag_id);
    return out;
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
