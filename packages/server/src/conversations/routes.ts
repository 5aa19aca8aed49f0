import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import {
  AgentConversationList,
  AssignRequest,
  ConversationListQuery,
  ConversationResponse,
  MessagesPage,
  MessagesQuery,
  ReadRequest,
  SendRequest,
  SendResponse,
  StartConversationResponse,
  VisitorConversationList,
  VisitorConversationListQuery,
  ConversationForVisitor,
  OfflineMessageRequest,
  OfflineMessageResponse,
  RatingRequest,
  RatingResponse,
  TranscriptRequest,
  TranscriptResponse,
  ErrorResponse,
  ConversationTagRequest,
  SnoozeRequest,
  TransferRequest,
} from '@parley/protocol';
import type { AgentActor, AppContext } from '../shared/context';
import { AppError } from '../shared/errors';
import { IdParams, errors, typed } from '../shared/routing';
import { requireAgent, requireVisitor } from '../auth/http';
import { perVisitor } from '../visitors/routes';
import type { Mailer } from '../mail/mailer';
import {
  assignConversation,
  closeConversation,
  fetchMessages,
  leaveOfflineMessage,
  markRead,
  rateConversation,
  reopenConversation,
  sendMessage,
  startConversation,
} from './actions';
import { presentMessageForVisitor } from './presenters';
import {
  getConversationForAgent,
  getConversationForVisitor,
  listConversationsForAgent,
  listConversationsForVisitor,
} from './queries';
import { sendTranscript } from './transcript';
import {
  setPending,
  snoozeConversation,
  tagConversation,
  transferConversation,
  unsnoozeConversation,
  untagConversation,
} from './triage';

const ReadResponse = z.object({ readSeq: z.number().int() });

/** The cursor after the last item of a full page (lists are newest first by (createdAt, id)). */
function nextCursorOf(items: readonly { createdAt: string; id: string }[], limit: number): string | null {
  const last = items.at(-1);
  return items.length === limit && last ? `${Date.parse(last.createdAt)}~${last.id}` : null;
}

function parseCursor(c: string | undefined): { createdAt: number; id: string } | undefined {
  if (c === undefined) return undefined;
  const [t, id] = c.split('~');
  const createdAt = Number(t);
  if (!id || !Number.isSafeInteger(createdAt)) throw new AppError('validation_failed', 'bad cursor', 400);
  return { createdAt, id };
}

/**
 * A view and an assignee filter as store filters (both apply when both are given); null when
 * they contradict each other, so that nothing can match.
 */
function inboxView(
  agentId: string,
  view: 'unassigned' | 'mine' | 'departments' | 'all',
  assignee: string | undefined,
): { assigneeId?: string | null; departmentsOf?: string } | null {
  const fromView =
    view === 'unassigned'
      ? { assigneeId: null }
      : view === 'mine'
        ? { assigneeId: agentId }
        : view === 'departments'
          ? { departmentsOf: agentId }
          : {};
  if (assignee === undefined) return fromView;
  const assigneeId = assignee === 'me' ? agentId : assignee === 'none' ? null : assignee;
  if ('assigneeId' in fromView && fromView.assigneeId !== assigneeId) return null;
  return { ...fromView, assigneeId };
}

/** Agent-side REST. The same actions serve the WebSocket frames. */
export function agentConversationRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['conversations'];

  api.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        summary:
          'Inbox: conversations of the sites this agent may see, by view (unassigned / mine / my departments / all), status (open / pending / snoozed / closed / active / all), site, visitor and tag; sorted newest first, by waiting time, or by latest activity',
        querystring: ConversationListQuery,
        response: { 200: AgentConversationList, ...errors(400, 401) },
      },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      const q = req.query;
      const before = parseCursor(q.before);
      const who = inboxView(actor.id, q.view, q.assignee);
      if (who === null) return { conversations: [], nextCursor: null };
      return listConversationsForAgent(ctx, actor, {
        ...who,
        status: q.status,
        siteId: q.siteId,
        visitorId: q.visitorId,
        tagId: q.tagId,
        sort: q.sort,
        limit: q.limit,
        before: before && { key: before.createdAt, id: before.id },
      });
    },
  );

  api.get(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        summary: 'One conversation',
        params: IdParams,
        response: { 200: ConversationResponse, ...errors(401, 404) },
      },
    },
    async (req) => ({
      conversation: await getConversationForAgent(ctx, await requireAgent(ctx, req), req.params.id),
    }),
  );

  api.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary: 'The log after `after` (gap fetch, history), private notes included',
        params: IdParams,
        querystring: MessagesQuery,
        response: { 200: MessagesPage, ...errors(400, 401, 404) },
      },
    },
    async (req) =>
      fetchMessages(ctx, await requireAgent(ctx, req), req.params.id, req.query.after, req.query.limit),
  );

  api.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        summary:
          'Reply (or write a private note). Idempotent by clientMsgId: a retry returns the original message with `duplicate: true`',
        params: IdParams,
        body: SendRequest,
        response: { 200: SendResponse, 201: SendResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
      config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const r = await sendMessage(ctx, await requireAgent(ctx, req), {
        ...req.body,
        conversationId: req.params.id,
      });
      return reply.status(r.duplicate ? 200 : 201).send({ message: r.message, duplicate: r.duplicate });
    },
  );

  const change = (
    path: string,
    summary: string,
    fn: (actor: Awaited<ReturnType<typeof requireAgent>>, id: string, body: unknown) => Promise<unknown>,
  ) =>
    api.post(
      `/api/v1/conversations/:id/${path}`,
      {
        schema: {
          tags,
          summary,
          params: IdParams,
          ...(path === 'assign' && { body: AssignRequest }),
          response: { 200: ConversationResponse, ...errors(400, 401, 403, 404, 409, 422) },
        },
      },
      async (req) => {
        const actor = await requireAgent(ctx, req);
        await fn(actor, req.params.id, req.body);
        return { conversation: await getConversationForAgent(ctx, actor, req.params.id) };
      },
    );
  change('assign', 'Assign to an agent (`agentId: null` unassigns)', (a, id, body) =>
    assignConversation(ctx, a, id, (body as z.infer<typeof AssignRequest>).agentId),
  );
  change('close', 'Close the conversation', (a, id) => closeConversation(ctx, a, id));
  change('reopen', 'Reopen a closed conversation', (a, id) => reopenConversation(ctx, a, id));
  change(
    'pending',
    'Mark pending: the team waits for the visitor. The visitor writing (or `open`) makes it open again',
    (a, id) => setPending(ctx, a, id, 'pending'),
  );
  change('open', 'From pending back to open', (a, id) => setPending(ctx, a, id, 'open'));

  const respond = async (actor: AgentActor, id: string) => ({
    conversation: await getConversationForAgent(ctx, actor, id),
  });
  const changed = { 200: ConversationResponse, ...errors(400, 401, 403, 404, 409, 422) };

  api.post(
    '/api/v1/conversations/:id/snooze',
    {
      schema: {
        tags,
        summary:
          'Snooze until a time (at most a year ahead): out of the open and pending views until then, when it wakes by itself (or when the visitor writes)',
        params: IdParams,
        body: SnoozeRequest,
        response: changed,
      },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      await snoozeConversation(ctx, actor, req.params.id, Date.parse(req.body.until));
      return respond(actor, req.params.id);
    },
  );

  api.post(
    '/api/v1/conversations/:id/unsnooze',
    {
      schema: { tags, summary: 'End a snooze now', params: IdParams, response: changed },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      await unsnoozeConversation(ctx, actor, req.params.id);
      return respond(actor, req.params.id);
    },
  );

  api.post(
    '/api/v1/conversations/:id/transfer',
    {
      schema: {
        tags,
        summary:
          'Transfer to an agent (the new assignee) or to a department (unassigned there), with an optional note kept as a private note in the log',
        params: IdParams,
        body: TransferRequest,
        response: changed,
      },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      await transferConversation(ctx, actor, req.params.id, req.body);
      return respond(actor, req.params.id);
    },
  );

  api.post(
    '/api/v1/conversations/:id/tags',
    {
      schema: {
        tags,
        summary: 'Add a tag (a global one, or one of the conversation’s site)',
        params: IdParams,
        body: ConversationTagRequest,
        response: changed,
      },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      await tagConversation(ctx, actor, req.params.id, req.body.tagId);
      return respond(actor, req.params.id);
    },
  );

  api.delete(
    '/api/v1/conversations/:id/tags/:tagId',
    {
      schema: {
        tags,
        summary: 'Remove a tag',
        params: z.object({ id: IdParams.shape.id, tagId: IdParams.shape.id }),
        response: changed,
      },
    },
    async (req) => {
      const actor = await requireAgent(ctx, req);
      await untagConversation(ctx, actor, req.params.id, req.params.tagId);
      return respond(actor, req.params.id);
    },
  );

  api.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        summary: 'Raise own read mark',
        params: IdParams,
        body: ReadRequest,
        response: { 200: ReadResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({
      readSeq: await markRead(ctx, await requireAgent(ctx, req), req.params.id, req.body.seq),
    }),
  );
}

/** Visitor-side REST (bearer visitor token): a fallback and a convenience next to the WebSocket. */
export function visitorConversationRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { mailer: Mailer | null },
): void {
  const api = typed(app);
  const tags = ['visitor'];
  const bearer = [{ visitorToken: [] }];

  api.get(
    '/api/v1/visitor/conversations',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The visitor’s conversations (history), newest first, paged with `before`',
        querystring: VisitorConversationListQuery,
        response: { 200: VisitorConversationList, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const actor = await requireVisitor(ctx, req);
      const { limit, before } = req.query;
      const conversations = await listConversationsForVisitor(ctx, actor, {
        limit,
        before: parseCursor(before),
      });
      return { conversations, nextCursor: nextCursorOf(conversations, limit) };
    },
  );

  api.post(
    '/api/v1/visitor/conversations',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Start a conversation, or get the open one: concurrent calls all return the same conversation',
        response: { 200: StartConversationResponse, 201: StartConversationResponse, ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const actor = await requireVisitor(ctx, req);
      const r = await startConversation(ctx, actor);
      const conversation = (await listConversationsForVisitor(ctx, actor)).find(
        (c) => c.id === r.conversation.id,
      );
      return reply
        .status(r.created ? 201 : 200)
        .send({ conversation: conversation as z.infer<typeof ConversationForVisitor>, created: r.created });
    },
  );

  api.get(
    '/api/v1/visitor/conversations/:id/messages',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The log after `after` (private notes never included)',
        params: IdParams,
        querystring: MessagesQuery,
        response: { 200: MessagesPage, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const page = await fetchMessages(
        ctx,
        await requireVisitor(ctx, req),
        req.params.id,
        req.query.after,
        req.query.limit,
      );
      return { ...page, messages: page.messages.flatMap((m) => presentMessageForVisitor(m) ?? []) };
    },
  );

  api.post(
    '/api/v1/visitor/conversations/:id/messages',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Send a message (idempotent by clientMsgId)',
        params: IdParams,
        body: SendRequest,
        response: { 200: SendResponse, 201: SendResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      if (req.body.private) throw new AppError('forbidden', 'only agents can write private notes', 403);
      const r = await sendMessage(ctx, await requireVisitor(ctx, req), {
        ...req.body,
        conversationId: req.params.id,
      });
      return reply.status(r.duplicate ? 200 : 201).send({ message: r.message, duplicate: r.duplicate });
    },
  );

  api.post(
    '/api/v1/visitor/conversations/:id/close',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'End the chat',
        params: IdParams,
        response: { 200: z.object({ ok: z.literal(true) }), ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await closeConversation(ctx, await requireVisitor(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );

  api.post(
    '/api/v1/visitor/conversations/:id/read',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Raise the visitor’s read mark',
        params: IdParams,
        body: ReadRequest,
        response: { 200: ReadResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => ({
      readSeq: await markRead(ctx, await requireVisitor(ctx, req), req.params.id, req.body.seq),
    }),
  );

  api.post(
    '/api/v1/visitor/offline-messages',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'The offline form: a conversation (source offline_form) with the message as its first entry; the visitor’s open conversation if it has one. Idempotent by clientMsgId',
        body: OfflineMessageRequest,
        response: {
          200: OfflineMessageResponse,
          201: OfflineMessageResponse,
          ...errors(400, 401, 403, 409, 422, 429),
        },
      },
      config: { rateLimit: perVisitor(10, '1 minute') },
    },
    async (req, reply) => {
      const actor = await requireVisitor(ctx, req);
      const r = await leaveOfflineMessage(ctx, actor, req.body);
      const message = presentMessageForVisitor(r.message) ?? r.message;
      return reply.status(r.duplicate ? 200 : 201).send({
        conversation: await getConversationForVisitor(ctx, actor, r.conversation.id),
        message,
        created: r.created,
        duplicate: r.duplicate,
      });
    },
  );

  api.post(
    '/api/v1/visitor/conversations/:id/rating',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Rate the conversation good or bad, with an optional comment; a new rating replaces the last',
        params: IdParams,
        body: RatingRequest,
        response: { 200: RatingResponse, ...errors(400, 401, 403, 404, 429) },
      },
      config: { rateLimit: perVisitor(20, '1 minute') },
    },
    async (req) => {
      const actor = await requireVisitor(ctx, req);
      await rateConversation(ctx, actor, req.params.id, req.body.rating, req.body.comment);
      return { conversation: await getConversationForVisitor(ctx, actor, req.params.id) };
    },
  );

  api.post(
    '/api/v1/visitor/conversations/:id/transcript',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'E-mail the conversation (what the visitor can see, never private notes) to an address. 501 mail_not_configured without SMTP, 502 mail_failed when the mail server refuses; limited per visitor and per site',
        params: IdParams,
        body: TranscriptRequest,
        response: {
          200: TranscriptResponse,
          ...errors(400, 401, 403, 404, 429),
          501: ErrorResponse,
          502: ErrorResponse,
        },
      },
      config: { rateLimit: perVisitor(3, '1 minute') },
    },
    async (req) => {
      const actor = await requireVisitor(ctx, req);
      const r = await sendTranscript(ctx, opts.mailer, actor, req.params.id, req.body.email);
      return { ok: true as const, messages: r.messages };
    },
  );
}
