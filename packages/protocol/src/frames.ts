import * as z from 'zod';
import { ERROR_CODES } from './errors';
import {
  Agent,
  AuthorKind,
  Author,
  ConversationForAgent,
  ConversationForVisitor,
  Id,
  Message,
  Timestamp,
  Visitor,
} from './entities';
import {
  MAX_ATTACHMENTS,
  MAX_BODY_CHARS,
  MAX_PAGE,
  MAX_PREVIEW_CHARS,
  MAX_RESUME_ENTRIES,
  PROTOCOL_VERSION,
} from './limits';

/** Up to MAX_ATTACHMENTS distinct file ids. */
export const AttachmentIds = z
  .array(Id)
  .max(MAX_ATTACHMENTS)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'attachment ids must be distinct' });

/** A message needs text or at least one file. */
export function hasContent(m: { body: string; attachmentIds?: readonly string[] | undefined }): boolean {
  return m.body.trim().length > 0 || (m.attachmentIds?.length ?? 0) > 0;
}

/** conversationId → highest seq the client has seen. */
export const ResumeMap = z
  .record(Id, z.number().int().nonnegative())
  .refine((m) => Object.keys(m).length <= MAX_RESUME_ENTRIES, {
    message: `resume names at most ${MAX_RESUME_ENTRIES} conversations; fetch older ones with fetch frames`,
  });

/* ───────────── client → server ───────────── */

export const HelloVisitor = z.object({
  t: z.literal('hello'),
  v: z.number().int(),
  role: z.literal('visitor'),
  siteKey: z.string().min(1).max(64),
  token: z.string().min(1).max(200),
  resume: ResumeMap.optional(),
});
export const HelloAgent = z.object({
  t: z.literal('hello'),
  v: z.number().int(),
  role: z.literal('agent'),
  resume: ResumeMap.optional(),
});
export const Hello = z.discriminatedUnion('role', [HelloVisitor, HelloAgent]);
export type Hello = z.infer<typeof Hello>;

export const Send = z
  .object({
    t: z.literal('send'),
    /** Client-generated UUID; the server stores it under a unique key so a resend never duplicates. */
    clientMsgId: z.uuid(),
    /** Omitted by a visitor to write into its open conversation, or to start one. Required for agents. */
    conversationId: Id.optional(),
    /** May be empty when files are attached. */
    body: z.string().max(MAX_BODY_CHARS).default(''),
    /** Files uploaded earlier by the same sender (POST /api/v1/files or /api/v1/visitor/files). */
    attachmentIds: AttachmentIds.optional(),
    /** Agents only: a note for colleagues, never delivered to the visitor. */
    private: z.boolean().optional(),
  })
  .refine(hasContent, { message: 'body must not be empty', path: ['body'] });
export type Send = z.infer<typeof Send>;

export const TypingIn = z.object({
  t: z.literal('typing'),
  conversationId: Id,
  /**
   * The text being typed. Only a visitor's preview is ever shown (to agents, and only when the site
   * enables sneak peek); typing frames are ephemeral hints that expire on the receiving side.
   */
  preview: z.string().max(MAX_PREVIEW_CHARS).optional(),
});
export const ReadIn = z.object({
  t: z.literal('read'),
  conversationId: Id,
  seq: z.number().int().nonnegative(),
});
export const Fetch = z.object({
  t: z.literal('fetch'),
  ref: z.string().max(64),
  conversationId: Id,
  afterSeq: z.number().int().nonnegative(),
  limit: z.number().int().min(1).max(MAX_PAGE).optional(),
});
export const Ping = z.object({ t: z.literal('ping'), ref: z.string().max(64).optional() });

/** Every frame type a client may send, keyed by `t`. */
export const ClientFrameSchemas = {
  hello: Hello,
  send: Send,
  typing: TypingIn,
  read: ReadIn,
  fetch: Fetch,
  ping: Ping,
} as const;
export type ClientFrameType = keyof typeof ClientFrameSchemas;
export type ClientFrame = {
  [K in ClientFrameType]: z.infer<(typeof ClientFrameSchemas)[K]>;
}[ClientFrameType];

/* ───────────── server → client ───────────── */

export const Welcome = z.object({
  t: z.literal('welcome'),
  v: z.literal(PROTOCOL_VERSION),
  role: z.enum(['visitor', 'agent']),
  connectionId: z.string(),
  serverTime: Timestamp,
  heartbeatMs: z.number().int().positive(),
  visitor: Visitor.optional(),
  agent: Agent.optional(),
  /**
   * Visitors: all their conversations. Agents: every open or pending conversation of their sites.
   * Each carries `lastSeq`, so a client can tell what it has missed even for conversations it did
   * not name in `resume`.
   */
  conversations: z.array(z.union([ConversationForAgent, ConversationForVisitor])),
  /** True when the list was cut at its limit (500 for agents, 100 for visitors): page the rest over REST. */
  conversationsTruncated: z.boolean(),
});
export type Welcome = z.infer<typeof Welcome>;

export const Ack = z.object({
  t: z.literal('ack'),
  clientMsgId: z.string(),
  conversationId: Id,
  seq: z.number().int().positive(),
  messageId: Id,
  at: Timestamp,
  /** True when this clientMsgId had already been stored: the original seq is returned. */
  duplicate: z.boolean(),
});
export type Ack = z.infer<typeof Ack>;

export const Msg = Message.extend({ t: z.literal('msg') });
export type Msg = z.infer<typeof Msg>;

/**
 * Why a conversation frame was sent. Visitors get frames only for what they can see (`created`,
 * `assigned`, `transferred`, `closed`, `reopened`, `rated`); the others are for agents.
 */
export const ConversationChangeReason = z.enum([
  'created',
  'assigned',
  /** Handed to another agent or to a department (a private note may carry the reason). */
  'transferred',
  'closed',
  'reopened',
  'rated',
  'snoozed',
  /** The snooze ended: its time came, an agent cancelled it, or the visitor wrote. */
  'unsnoozed',
  /** A tag was added or removed. */
  'tagged',
  /** An agent marked it pending: the team waits for the visitor (agents only). */
  'pending',
  /** Back from pending to open: the visitor wrote, or an agent took it up again (agents only). */
  'opened',
]);
export type ConversationChangeReason = z.infer<typeof ConversationChangeReason>;

export const ConversationFrame = z.object({
  t: z.literal('conversation'),
  conversation: z.union([ConversationForAgent, ConversationForVisitor]),
  /** Absent on the snapshots a client asks for; present on live changes. */
  reason: ConversationChangeReason.optional(),
});
export const TypingOut = z.object({
  t: z.literal('typing'),
  conversationId: Id,
  author: Author,
  preview: z.string().optional(),
});
export const ReadOut = z.object({
  t: z.literal('read'),
  conversationId: Id,
  reader: z.object({ kind: AuthorKind, id: Id }),
  seq: z.number().int().nonnegative(),
});
export const History = z.object({
  t: z.literal('history'),
  ref: z.string(),
  conversationId: Id,
  messages: z.array(Message),
  lastSeq: z.number().int().nonnegative(),
  /** More messages follow the last one returned: fetch again after it. */
  hasMore: z.boolean(),
});
export const Pong = z.object({ t: z.literal('pong'), ref: z.string().optional(), serverTime: Timestamp });
export const ErrorFrame = z.object({
  t: z.literal('error'),
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The `clientMsgId` or `ref` of the frame that caused the error, when there was one. */
  ref: z.string().optional(),
});
/**
 * Agents only: a visitor of one of the agent's sites changed (page, identity, attributes, pre-chat
 * values). Carries the whole visitor, so applying it is a replace.
 */
export const VisitorFrame = z.object({ t: z.literal('visitor'), visitor: Visitor });
/**
 * Agents: conversations of one of their sites were deleted with everything in them — the visitor
 * was erased (GDPR), or they were closed longer ago than the site keeps conversations. Drop them.
 */
export const ConversationsRemoved = z.object({
  t: z.literal('conversations_removed'),
  conversationIds: z.array(Id).min(1),
  reason: z.enum(['erased', 'retention']),
});
export const Bye = z.object({
  t: z.literal('bye'),
  /**
   * `resync`: events of other nodes may have been missed (the cluster's Redis link broke); reconnect
   * and resume, which catches up by seq.
   */
  reason: z.enum(['shutdown', 'session_revoked', 'deactivated', 'access_changed', 'resync']),
  /** Whether the client should reconnect (to this or another node). */
  reconnect: z.boolean(),
});

export const ServerFrame = z.discriminatedUnion('t', [
  Welcome,
  Ack,
  Msg,
  ConversationFrame,
  TypingOut,
  ReadOut,
  History,
  Pong,
  ErrorFrame,
  Bye,
  VisitorFrame,
  ConversationsRemoved,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame['t']> = Extract<ServerFrame, { t: T }>;
