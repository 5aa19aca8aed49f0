import * as z from 'zod';
import { MAX_BODY_CHARS } from './limits';

export const Id = z.string().min(1).max(64);
/** ISO-8601 timestamp with milliseconds, always UTC. */
export const Timestamp = z.iso.datetime({ offset: false });

export const AuthorKind = z.enum(['visitor', 'agent', 'bot', 'system']);
export type AuthorKind = z.infer<typeof AuthorKind>;

export const Author = z.object({
  kind: AuthorKind,
  id: Id.nullable(),
  name: z.string().nullable(),
});
export type Author = z.infer<typeof Author>;

export const Attachment = z.object({
  id: Id,
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

/** One entry of a conversation's append-only log. `seq` is gap-free per conversation, starting at 1. */
export const Message = z.object({
  id: Id,
  conversationId: Id,
  seq: z.number().int().positive(),
  author: Author,
  body: z.string().max(MAX_BODY_CHARS),
  /** Private notes are visible to agents only; visitors never receive them. */
  private: z.boolean(),
  attachments: z.array(Attachment),
  clientMsgId: z.string().nullable(),
  at: Timestamp,
});
export type Message = z.infer<typeof Message>;

export const ConversationStatus = z.enum(['open', 'pending', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const Rating = z.enum(['good', 'bad']);

/** How a conversation began: a live chat, or a message left with the offline form. */
export const ConversationSource = z.enum(['chat', 'offline_form']);
export type ConversationSource = z.infer<typeof ConversationSource>;

/**
 * A conversation as a visitor sees it: nothing internal (notes, department, internal state). Its
 * `lastSeq` counts only messages the visitor may see, so trailing private notes are not revealed.
 */
export const ConversationForVisitor = z.object({
  id: Id,
  status: ConversationStatus,
  lastSeq: z.number().int().nonnegative(),
  /** The visitor's own read mark. */
  readSeq: z.number().int().nonnegative(),
  /** Highest seq any agent has read: drives the visitor's "read" ticks. */
  peerReadSeq: z.number().int().nonnegative(),
  assignee: z.object({ name: z.string(), avatarUrl: z.string().nullable() }).nullable(),
  rating: Rating.nullable(),
  createdAt: Timestamp,
  closedAt: Timestamp.nullable(),
});
export type ConversationForVisitor = z.infer<typeof ConversationForVisitor>;

export const ConversationForAgent = z.object({
  id: Id,
  siteId: Id,
  visitorId: Id,
  visitorName: z.string().nullable(),
  visitorEmail: z.string().nullable(),
  status: ConversationStatus,
  assigneeId: Id.nullable(),
  departmentId: Id.nullable(),
  lastSeq: z.number().int().nonnegative(),
  /** This agent's own read mark: messages with a higher seq are unread for this agent. */
  readSeq: z.number().int().nonnegative(),
  /** The visitor's read mark: drives the agent's "read" ticks. */
  peerReadSeq: z.number().int().nonnegative(),
  lastMessageAt: Timestamp.nullable(),
  lastMessagePreview: z.string().nullable(),
  source: ConversationSource,
  rating: Rating.nullable(),
  /** The visitor's comment with the rating. */
  ratingComment: z.string().nullable(),
  createdAt: Timestamp,
  firstResponseAt: Timestamp.nullable(),
  closedAt: Timestamp.nullable(),
});
export type ConversationForAgent = z.infer<typeof ConversationForAgent>;

export const AgentRole = z.enum(['owner', 'admin', 'agent']);
export type AgentRole = z.infer<typeof AgentRole>;
export const AgentStatus = z.enum(['online', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const Agent = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: AgentRole,
  status: AgentStatus,
  maxChats: z.number().int().nonnegative(),
  avatarUrl: z.string().nullable(),
  active: z.boolean(),
  mustChangePassword: z.boolean(),
  siteIds: z.array(Id),
  createdAt: Timestamp,
});
export type Agent = z.infer<typeof Agent>;

export const Visitor = z.object({
  id: Id,
  siteId: Id,
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** The site's own user id, from `identify()`. */
  externalId: z.string().nullable(),
  /** `externalId` was proven with the site's HMAC (identity verification); otherwise it is only a claim. */
  verified: z.boolean(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  firstSeenAt: Timestamp,
  lastSeenAt: Timestamp,
  lastPageUrl: z.string().nullable(),
  lastPageTitle: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type Visitor = z.infer<typeof Visitor>;

export const Site = z.object({
  id: Id,
  key: z.string(),
  name: z.string(),
  allowedOrigins: z.array(z.string()),
  settings: z.record(z.string(), z.unknown()),
  createdAt: Timestamp,
});
export type Site = z.infer<typeof Site>;

export const Department = z.object({
  id: Id,
  siteId: Id.nullable(),
  name: z.string(),
  agentIds: z.array(Id),
});
export type Department = z.infer<typeof Department>;
