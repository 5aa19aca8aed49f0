import type { ConversationChangeReason, Message } from '@parley/protocol';
import { transactionWithRetry } from '../db/retry';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { AppError, notFound } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { Actor, AgentActor, AppContext, VisitorActor } from '../shared/context';
import { seesAllSites } from '../agents/policies';
import { agentStore, type AgentRow } from '../agents/store';
import { checkConversation } from './policies';
import { presentMessage } from './presenters';
import { parseJsonColumn } from '../shared/json';
import { doCheckAttachments } from '../files/actions';
import { fileStore } from '../files/store';
import { notifyVisitor } from '../visitors/actions';
import { presentVisitor } from '../visitors/presenters';
import { checkFormValues, doChangeProfile } from '../visitors/profile';
import { visitorStore } from '../visitors/store';
import { conversationStore, type ConversationRow, type MessageRow } from './store';

const PREVIEW_CHARS = 140;
const MAX_ATTEMPTS = 3;

export interface SendInput {
  clientMsgId: string;
  conversationId?: string | undefined;
  body: string;
  attachmentIds?: readonly string[] | undefined;
  private?: boolean | undefined;
}

export interface SendResult {
  message: Message;
  duplicate: boolean;
  conversation: ConversationRow;
}

type Sender = VisitorActor | AgentActor;

function authorOf(actor: Sender): { kind: 'visitor' | 'agent'; id: string; name: string | null } {
  return { kind: actor.kind, id: actor.id, name: actor.name };
}

/* ───────────── check… ───────────── */

function checkSendInput(actor: Sender, input: SendInput): void {
  if (input.private && actor.kind !== 'agent')
    throw new AppError('forbidden', 'only agents can write private notes', 403);
  if (actor.kind === 'agent' && input.conversationId === undefined) {
    throw new AppError('validation_failed', 'conversationId is required for agents', 422);
  }
}

/* ───────────── do… (inside the caller's transaction) ───────────── */

/** How a new conversation starts: where it came from. Its department is the visitor's pre-chat choice. */
type Source = ConversationRow['source'];

async function doNewConversation(
  trx: Kysely<DB>,
  actor: VisitorActor,
  source: Source,
  now: number,
): Promise<ConversationRow> {
  const visitor = await visitorStore.byId(trx, actor.id);
  const conv = newConversationRow(
    { siteId: actor.siteId, visitorId: actor.id, departmentId: visitor?.department_id ?? null },
    source,
    null,
    now,
  );
  await conversationStore.insert(trx, conv);
  return conv;
}

/** A new open conversation of a visitor: begun by the visitor, or by an agent (`proactive`, assigned to it). */
export function newConversationRow(
  of: { siteId: string; visitorId: string; departmentId: string | null },
  source: Source,
  assigneeId: string | null,
  now: number,
): ConversationRow {
  return {
    id: newId(),
    site_id: of.siteId,
    visitor_id: of.visitorId,
    status: 'open',
    source,
    assignee_id: assigneeId,
    department_id: of.departmentId,
    last_seq: 0,
    last_public_seq: 0,
    created_at: now,
    updated_at: now,
    first_response_at: null,
    closed_at: null,
    last_message_at: null,
    last_message_preview: null,
    rating: null,
    rating_comment: null,
    rated_at: null,
    // A conversation the visitor begins waits for an answer from its start.
    waiting_since: source === 'proactive' ? null : now,
    snoozed_until: null,
    first_visitor_at: null,
    first_reply_at: null,
    public_messages: 0,
  };
}

type Change = 'created' | 'reopened' | 'assigned' | 'unsnoozed' | 'opened';

/** Where a visitor's message goes: the named conversation, its open one, or a new one. */
async function doResolveVisitorConversation(
  trx: Kysely<DB>,
  actor: VisitorActor,
  conversationId: string | undefined,
  source: Source,
  now: number,
): Promise<{ conv: ConversationRow; change: Change | null; line: MessageRow | null }> {
  if (conversationId !== undefined) {
    const conv = await checkConversation(trx, actor, conversationId);
    if (conv.status !== 'closed') return { conv, change: null, line: null };
    // A message typed into a chat that was closed meanwhile is not lost: it lands in the visitor's
    // open conversation, or reopens this one. The ack says where it went.
    const open = await conversationStore.openForVisitor(trx, actor.id);
    if (open) return { conv: open, change: null, line: null };
    await conversationStore.update(trx, conv.id, { status: 'open', closed_at: null, updated_at: now });
    const line = await doSystemMessage(trx, conv, 'The visitor reopened the conversation', now);
    return { conv: { ...conv, status: 'open', closed_at: null }, change: 'reopened', line };
  }
  const open = await conversationStore.openForVisitor(trx, actor.id);
  if (open) return { conv: open, change: null, line: null };
  const conv = await doNewConversation(trx, actor, source, now);
  return { conv, change: 'created', line: null };
}

export async function doSend(
  trx: Kysely<DB>,
  actor: Sender,
  input: SendInput,
  now: number,
  source: Source = 'chat',
) {
  const existing = await conversationStore.messageByClientId(trx, actor.kind, actor.id, input.clientMsgId);
  if (existing) {
    const samePrivacy = (existing.private === 1) === (input.private ?? false);
    const sameTarget =
      input.conversationId === undefined ||
      input.conversationId === existing.conversation_id ||
      actor.kind === 'visitor';
    const storedIds = parseJsonColumn<{ id: string }[]>(existing.attachments, []).map((a) => a.id);
    const sameFiles = storedIds.join() === (input.attachmentIds ?? []).join();
    if (existing.body !== input.body || !samePrivacy || !sameTarget || !sameFiles) {
      throw new AppError(
        'client_msg_id_conflict',
        'this clientMsgId was already used for a different message',
        409,
      );
    }
    const conv = await conversationStore.byId(trx, existing.conversation_id);
    if (!conv) throw notFound('conversation');
    return { row: existing, conv, duplicate: true, change: null, systemLine: null };
  }

  let conv: ConversationRow;
  let change: Change | null = null;
  let systemLine: MessageRow | null = null;
  if (actor.kind === 'visitor') {
    ({
      conv,
      change,
      line: systemLine,
    } = await doResolveVisitorConversation(trx, actor, input.conversationId, source, now));
  } else {
    conv = await checkConversation(trx, actor, input.conversationId ?? '');
    if (conv.status === 'closed')
      throw new AppError('conversation_closed', 'the conversation is closed; reopen it first', 409);
  }

  const attachmentIds = input.attachmentIds ?? [];
  const attachments = await doCheckAttachments(trx, actor, conv.site_id, attachmentIds);
  const isPublicAgentReply = actor.kind === 'agent' && !input.private;
  const preview = input.body.trim() !== '' ? input.body : attachments.map((a) => `📎 ${a.name}`).join(', ');
  // The visitor writing ends a snooze: the conversation is back in the open views at once.
  const wake = actor.kind === 'visitor' && conv.snoozed_until !== null;
  // So does a pending conversation: the visitor answered, the team is up again.
  const answered = actor.kind === 'visitor' && conv.status === 'pending';
  const seq = await conversationStore.nextSeq(trx, conv.id, {
    at: now,
    author: actor.kind,
    isPublic: !input.private,
    preview: input.private ? null : preview.slice(0, PREVIEW_CHARS),
    firstResponse: isPublicAgentReply,
    // The first agent to answer an unassigned chat takes it.
    assignTo: isPublicAgentReply ? actor.id : null,
    waiting: actor.kind === 'visitor' ? 'start' : isPublicAgentReply ? 'stop' : null,
    wake,
    open: actor.kind === 'visitor',
  });
  if (isPublicAgentReply && conv.assignee_id === null) {
    conv = { ...conv, assignee_id: actor.id };
    change ??= 'assigned';
  }
  if (actor.kind === 'visitor') conv = { ...conv, waiting_since: conv.waiting_since ?? now };
  else if (isPublicAgentReply) conv = { ...conv, waiting_since: null };
  if (wake) {
    conv = { ...conv, snoozed_until: null };
    change ??= 'unsnoozed';
  }
  if (answered) {
    conv = { ...conv, status: 'open' };
    change ??= 'opened';
  }
  const row: MessageRow = {
    id: newId(),
    conversation_id: conv.id,
    seq,
    author_kind: actor.kind,
    author_id: actor.id,
    private: input.private ? 1 : 0,
    body: input.body,
    attachments: JSON.stringify(attachments),
    client_msg_id: input.clientMsgId,
    created_at: now,
  };
  await conversationStore.insertMessage(trx, row);
  if (attachmentIds.length > 0) await fileStore.attach(trx, attachmentIds, row.id);
  return {
    row,
    conv: { ...conv, last_seq: seq, last_public_seq: input.private ? conv.last_public_seq : seq },
    duplicate: false,
    change,
    systemLine,
  };
}

/** Run a write transaction, retrying when a concurrent writer won a unique-key race (the retry then sees its row). */
export function withRetry<T>(ctx: AppContext, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return transactionWithRetry(ctx.db, fn, MAX_ATTEMPTS);
}

/* ───────────── notify… (after commit) ───────────── */

export function notifyConversation(
  ctx: AppContext,
  conv: Pick<ConversationRow, 'id' | 'site_id' | 'visitor_id'>,
  reason: ConversationChangeReason,
): void {
  ctx.bus.publish({
    type: 'conversation.changed',
    siteId: conv.site_id,
    conversationId: conv.id,
    visitorId: conv.visitor_id,
    reason,
  });
}

export function notifyMessage(
  ctx: AppContext,
  conv: Pick<ConversationRow, 'id' | 'site_id' | 'visitor_id'>,
  message: Message,
): void {
  ctx.bus.publish({
    type: 'message.created',
    siteId: conv.site_id,
    conversationId: conv.id,
    visitorId: conv.visitor_id,
    message,
  });
}

/* ───────────── actions ───────────── */

/**
 * Append a message to a conversation's log. Acknowledge only what this returns: it has been
 * committed. A repeat of the same clientMsgId returns the stored message instead of a new one.
 */
export async function sendMessage(ctx: AppContext, actor: Sender, input: SendInput): Promise<SendResult> {
  checkSendInput(actor, input);
  // Sends share transactions (group commit); the time is taken when the job actually runs.
  const r = await ctx.commits.run((trx) => doSend(trx, actor, input, ctx.clock.now()));
  const authorName = r.duplicate ? await authorNameOf(ctx, r.row) : authorOf(actor).name;
  const message = presentMessage(r.row, authorName);
  if (!r.duplicate) {
    if (r.change) notifyConversation(ctx, r.conv, r.change);
    if (r.systemLine) notifyMessage(ctx, r.conv, presentMessage(r.systemLine, null));
    notifyMessage(ctx, r.conv, message);
    ctx.metrics.messages.inc({ author: actor.kind });
  }
  return { message, duplicate: r.duplicate, conversation: r.conv };
}

async function authorNameOf(ctx: AppContext, row: MessageRow): Promise<string | null> {
  const page = await conversationStore.messagesAfter(ctx.db, row.conversation_id, row.seq - 1, 1, true);
  return page[0]?.author_name ?? null;
}

export interface OfflineMessageResult extends SendResult {
  /** A conversation was opened for it (else it went into the visitor's open one). */
  created: boolean;
}

/**
 * The offline form: the message becomes the first entry of a new conversation (source
 * `offline_form`, open, unassigned) that the team finds in its inbox; the form's values fill the
 * visitor as a pre-chat form's would. Idempotent by clientMsgId, like any send. A visitor with an
 * open conversation already gets the message added there (one open conversation per visitor).
 */
export async function leaveOfflineMessage(
  ctx: AppContext,
  actor: VisitorActor,
  input: { clientMsgId: string; fields: Record<string, string>; message: string },
): Promise<OfflineMessageResult> {
  const change = await checkFormValues(ctx.db, actor.siteId, input.fields);
  const r = await ctx.commits.run(async (trx) => {
    const now = ctx.clock.now();
    const profile = await doChangeProfile(trx, ctx.dialect, actor.id, change, { last_seen_at: now });
    const sent = await doSend(
      trx,
      actor,
      { clientMsgId: input.clientMsgId, body: input.message },
      now,
      'offline_form',
    );
    return { ...sent, profile };
  });
  const message = presentMessage(r.row, r.duplicate ? await authorNameOf(ctx, r.row) : r.profile.row.name);
  if (!r.duplicate) {
    if (r.profile.changed) notifyVisitor(ctx, presentVisitor(r.profile.row), 'profile');
    if (r.change) notifyConversation(ctx, r.conv, r.change);
    if (r.systemLine) notifyMessage(ctx, r.conv, presentMessage(r.systemLine, null));
    notifyMessage(ctx, r.conv, message);
    ctx.metrics.messages.inc({ author: 'visitor' });
  }
  return { message, duplicate: r.duplicate, conversation: r.conv, created: r.change === 'created' };
}

/** The visitor rates its conversation (open or closed); a later rating replaces the earlier one. */
export async function rateConversation(
  ctx: AppContext,
  actor: VisitorActor,
  id: string,
  rating: 'good' | 'bad',
  comment: string | undefined,
): Promise<ConversationRow> {
  const now = ctx.clock.now();
  const ratingComment = comment === undefined || comment === '' ? null : comment;
  const r = await ctx.db.transaction().execute(async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    if (conv.rating === rating && conv.rating_comment === ratingComment) return { conv, changed: false };
    const patch = { rating, rating_comment: ratingComment, rated_at: now, updated_at: now };
    await conversationStore.update(trx, id, patch);
    return { conv: { ...conv, ...patch }, changed: true };
  });
  if (r.changed) notifyConversation(ctx, r.conv, 'rated');
  return r.conv;
}

/** A visitor's open conversation, created if there is none. Safe under concurrent calls: one wins, all get it. */
export async function startConversation(
  ctx: AppContext,
  actor: VisitorActor,
): Promise<{ conversation: ConversationRow; created: boolean }> {
  const now = ctx.clock.now();
  const r = await withRetry(ctx, async (trx) => {
    const open = await conversationStore.openForVisitor(trx, actor.id);
    if (open) return { conversation: open, created: false };
    return { conversation: await doNewConversation(trx, actor, 'chat', now), created: true };
  });
  if (r.created) notifyConversation(ctx, r.conversation, 'created');
  return r;
}

export async function fetchMessages(
  ctx: AppContext,
  actor: Actor,
  conversationId: string,
  afterSeq: number,
  limit: number,
): Promise<{ messages: Message[]; lastSeq: number; hasMore: boolean }> {
  const conv = await checkConversation(ctx.db, actor, conversationId);
  const includePrivate = actor.kind !== 'visitor';
  // Nothing a power cut could still take back is handed out (SQLite syncs commits off the event
  // loop; a send is acknowledged only after its sync, and so is a read of it).
  await ctx.commits.whenDurable();
  const rows = await conversationStore.messagesAfter(ctx.db, conversationId, afterSeq, limit, includePrivate);
  const messages = rows.map((r) => presentMessage(r, r.author_name));
  const last = rows.at(-1)?.seq ?? afterSeq;
  // Visitors never learn of notes, not even through the log's length.
  const lastSeq = includePrivate ? conv.last_seq : conv.last_public_seq;
  return { messages, lastSeq, hasMore: rows.length === limit && last < lastSeq };
}

/** Append a system line to the log (assignments, closing) so that history and resume carry it too. */
export async function doSystemMessage(
  trx: Kysely<DB>,
  conv: ConversationRow,
  body: string,
  now: number,
): Promise<MessageRow> {
  const seq = await conversationStore.nextSeq(trx, conv.id, {
    at: now,
    author: 'system',
    isPublic: true,
    preview: null,
    firstResponse: false,
    assignTo: null,
  });
  const row: MessageRow = {
    id: newId(),
    conversation_id: conv.id,
    seq,
    author_kind: 'system',
    author_id: null,
    private: 0,
    body,
    attachments: '[]',
    client_msg_id: null,
    created_at: now,
  };
  await conversationStore.insertMessage(trx, row);
  return row;
}

async function changeConversation(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: 'assigned' | 'closed' | 'reopened',
  apply: (
    trx: Kysely<DB>,
    conv: ConversationRow,
    now: number,
  ) => Promise<{ patch: Partial<ConversationRow>; line: string } | null>,
): Promise<ConversationRow> {
  const now = ctx.clock.now();
  const r = await withRetry(ctx, async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    const change = await apply(trx, conv, now);
    if (!change) return { conv, line: null };
    await conversationStore.update(trx, id, { ...change.patch, updated_at: now });
    const line = await doSystemMessage(trx, conv, change.line, now);
    return { conv: { ...conv, ...change.patch, last_seq: line.seq, last_public_seq: line.seq }, line };
  });
  if (r.line) {
    notifyConversation(ctx, r.conv, reason);
    notifyMessage(ctx, r.conv, presentMessage(r.line, null));
  }
  return r.conv;
}

/** Whom a conversation may be given to: an active agent who works on the conversation's site. */
export async function checkAssignee(
  trx: Kysely<DB>,
  conv: Pick<ConversationRow, 'site_id'>,
  agentId: string,
): Promise<AgentRow> {
  const target = await agentStore.byId(trx, agentId);
  if (!target || target.active !== 1) throw new AppError('validation_failed', 'no such active agent', 422);
  if (seesAllSites(target.role)) return target;
  const sites = (await agentStore.siteIdsFor(trx, [agentId])).get(agentId) ?? [];
  if (!sites.includes(conv.site_id))
    throw new AppError('validation_failed', 'that agent has no access to this site', 422);
  return target;
}

export function assignConversation(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  agentId: string | null,
): Promise<ConversationRow> {
  return changeConversation(ctx, actor, id, 'assigned', async (trx, conv) => {
    if (conv.assignee_id === agentId) return null;
    if (agentId === null)
      return { patch: { assignee_id: null }, line: `${actor.name} unassigned the conversation` };
    const target = await checkAssignee(trx, conv, agentId);
    const line =
      agentId === actor.id
        ? `${actor.name} joined the conversation`
        : `${actor.name} assigned the conversation to ${target.name}`;
    return { patch: { assignee_id: agentId }, line };
  });
}

export function closeConversation(
  ctx: AppContext,
  actor: AgentActor | VisitorActor,
  id: string,
): Promise<ConversationRow> {
  return changeConversation(ctx, actor, id, 'closed', (_trx, conv, now) => {
    if (conv.status === 'closed') return Promise.resolve(null);
    const who = actor.kind === 'agent' ? actor.name : 'The visitor';
    return Promise.resolve({
      patch: { status: 'closed' as const, closed_at: now, waiting_since: null, snoozed_until: null },
      line: `${who} closed the conversation`,
    });
  });
}

export function reopenConversation(ctx: AppContext, actor: AgentActor, id: string): Promise<ConversationRow> {
  return changeConversation(ctx, actor, id, 'reopened', async (trx, conv) => {
    if (conv.status !== 'closed') return null;
    if (await conversationStore.openForVisitor(trx, conv.visitor_id)) {
      throw new AppError('conflict', 'the visitor already has another open conversation', 409);
    }
    return {
      patch: { status: 'open' as const, closed_at: null },
      line: `${actor.name} reopened the conversation`,
    };
  });
}

/** Raise the actor's read mark (never lowers it, never beyond the log). */
export async function markRead(
  ctx: AppContext,
  actor: AgentActor | VisitorActor,
  id: string,
  seq: number,
): Promise<number> {
  const conv = await checkConversation(ctx.db, actor, id);
  const stored = await conversationStore.raiseReadMark(ctx.db, {
    conversationId: id,
    kind: actor.kind,
    participantId: actor.id,
    seq: Math.min(seq, actor.kind === 'visitor' ? conv.last_public_seq : conv.last_seq),
    at: ctx.clock.now(),
  });
  ctx.bus.publish({
    type: 'read',
    siteId: conv.site_id,
    conversationId: id,
    visitorId: conv.visitor_id,
    reader: { kind: actor.kind, id: actor.id },
    seq: stored,
  });
  return stored;
}
