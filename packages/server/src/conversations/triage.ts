import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { AppError } from '../shared/errors';
import { newId } from '../shared/crypto';
import type { AgentActor, AppContext } from '../shared/context';
import { departmentStore } from '../departments/store';
import { tagStore } from '../tags/store';
import { tagFitsSite } from '../tags/policies';
import { checkConversation } from './policies';
import { presentMessage } from './presenters';
import { checkAssignee, doSystemMessage, notifyConversation, notifyMessage, withRetry } from './actions';
import { conversationStore, type ConversationRow, type MessageRow } from './store';

/**
 * What agents do to sort their inbox: snooze, transfer, tag. Same steps as every write: check…
 * (rights, input), do… (in one transaction), notify… (after commit, with the reason).
 */

/** A snooze ends at most this far ahead. */
export const MAX_SNOOZE_MS = 366 * 24 * 3600_000;

function checkOpen(conv: ConversationRow): void {
  if (conv.status === 'closed')
    throw new AppError('conversation_closed', 'the conversation is closed; reopen it first', 409);
}

/** Out of the open views until `until`; the wake-up job (or a visitor message) brings it back. */
export async function snoozeConversation(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  until: number,
): Promise<void> {
  const now = ctx.clock.now();
  if (until <= now) throw new AppError('validation_failed', 'until must be in the future', 422);
  if (until > now + MAX_SNOOZE_MS)
    throw new AppError('validation_failed', 'a snooze lasts at most a year', 422);
  const conv = await ctx.db.transaction().execute(async (trx) => {
    const c = await checkConversation(trx, actor, id);
    checkOpen(c);
    await conversationStore.update(trx, id, { snoozed_until: until, updated_at: now });
    return c;
  });
  notifyConversation(ctx, conv, 'snoozed');
}

/**
 * Pending (`pending`): the team waits for the visitor (asked for an order number, say). Out of the
 * open views until the visitor writes, which makes it open again (doSend), or an agent opens it
 * (`open`). Nothing happens when it has that status already.
 */
export async function setPending(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  status: 'pending' | 'open',
): Promise<void> {
  const now = ctx.clock.now();
  const r = await ctx.db.transaction().execute(async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    checkOpen(conv);
    if (conv.status === status) return null;
    await conversationStore.update(trx, id, { status, updated_at: now });
    return conv;
  });
  if (r) notifyConversation(ctx, r, status === 'pending' ? 'pending' : 'opened');
}

/** Ends a snooze before its time; nothing happens when the conversation is not snoozed. */
export async function unsnoozeConversation(ctx: AppContext, actor: AgentActor, id: string): Promise<void> {
  const now = ctx.clock.now();
  const r = await ctx.db.transaction().execute(async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    if (conv.snoozed_until === null) return null;
    await conversationStore.update(trx, id, { snoozed_until: null, updated_at: now });
    return conv;
  });
  if (r) notifyConversation(ctx, r, 'unsnoozed');
}

/**
 * Background job: snoozes whose time has come end, a batch at a time. Each conversation is woken by
 * one conditional UPDATE, so a visitor message or an agent waking it at the same moment does not
 * produce a second event; running the job twice (a lapsed lease) wakes nothing twice.
 */
export async function wakeSnoozedConversations(
  ctx: AppContext,
  signal?: AbortSignal,
): Promise<{ woken: number }> {
  let woken = 0;
  for (;;) {
    signal?.throwIfAborted();
    const now = ctx.clock.now();
    const due = await conversationStore.dueSnoozes(ctx.db, now, 200);
    if (due.length === 0) return { woken };
    const rows = await conversationStore.wake(
      ctx.db,
      due.map((d) => d.id),
      now,
    );
    for (const c of rows) notifyConversation(ctx, c, 'unsnoozed');
    woken += rows.length;
    if (due.length < 200) return { woken };
  }
}

async function doNote(
  trx: Kysely<DB>,
  conv: ConversationRow,
  actor: AgentActor,
  body: string,
  now: number,
): Promise<MessageRow> {
  const seq = await conversationStore.nextSeq(trx, conv.id, {
    at: now,
    author: 'agent',
    isPublic: false,
    preview: null,
    firstResponse: false,
    assignTo: null,
  });
  const row: MessageRow = {
    id: newId(),
    conversation_id: conv.id,
    seq,
    author_kind: 'agent',
    author_id: actor.id,
    private: 1,
    body,
    attachments: '[]',
    client_msg_id: null,
    created_at: now,
  };
  await conversationStore.insertMessage(trx, row);
  return row;
}

export interface TransferInput {
  agentId?: string | undefined;
  departmentId?: string | undefined;
  note?: string | undefined;
}

/**
 * Hands a conversation to an agent (the new assignee; its department stays) or to a department
 * (unassigned there, for its members to take). A line in the log says so, and the note, if any,
 * follows it as a private note of the transferring agent. A transfer that changes nothing writes
 * nothing (a retried request is harmless).
 */
export async function transferConversation(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  input: TransferInput,
): Promise<void> {
  const now = ctx.clock.now();
  const note = input.note?.trim() ?? '';
  const r = await withRetry(ctx, async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    checkOpen(conv);
    let patch: Partial<ConversationRow>;
    let line: string;
    if (input.agentId !== undefined) {
      const target = await checkAssignee(trx, conv, input.agentId);
      if (conv.assignee_id === target.id) return null;
      patch = { assignee_id: target.id };
      line = `${actor.name} transferred the conversation to ${target.name}`;
    } else {
      const dept = await departmentStore.byId(trx, input.departmentId ?? '');
      if (!dept || (dept.site_id !== null && dept.site_id !== conv.site_id))
        throw new AppError('validation_failed', 'no such department for this site', 422);
      if (conv.department_id === dept.id && conv.assignee_id === null) return null;
      patch = { department_id: dept.id, assignee_id: null };
      line = `${actor.name} transferred the conversation to ${dept.name}`;
    }
    await conversationStore.update(trx, id, { ...patch, updated_at: now });
    const system = await doSystemMessage(trx, conv, line, now);
    const private_ = note === '' ? null : await doNote(trx, conv, actor, note, now);
    return { conv: { ...conv, ...patch }, system, note: private_ };
  });
  if (!r) return;
  notifyConversation(ctx, r.conv, 'transferred');
  notifyMessage(ctx, r.conv, presentMessage(r.system, null));
  if (r.note) notifyMessage(ctx, r.conv, presentMessage(r.note, actor.name));
}

/** Puts a tag on a conversation (a global tag, or one of the conversation's site). */
export async function tagConversation(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  tagId: string,
): Promise<void> {
  const r = await ctx.db.transaction().execute(async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    const tag = await tagStore.byId(trx, tagId);
    if (!tag || !tagFitsSite(tag, conv.site_id))
      throw new AppError('validation_failed', 'no such tag for this site', 422);
    const added = await tagStore.attach(trx, {
      conversationId: id,
      tagId,
      agentId: actor.id,
      at: ctx.clock.now(),
    });
    return added ? conv : null;
  });
  if (r) notifyConversation(ctx, r, 'tagged');
}

export async function untagConversation(
  ctx: AppContext,
  actor: AgentActor,
  id: string,
  tagId: string,
): Promise<void> {
  const r = await ctx.db.transaction().execute(async (trx) => {
    const conv = await checkConversation(trx, actor, id);
    return (await tagStore.detach(trx, id, tagId)) ? conv : null;
  });
  if (r) notifyConversation(ctx, r, 'tagged');
}
