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

/**
 * How a conversation began: a live chat, a message left with the offline form, or an agent's
 * proactive message to a visitor on the site (`POST /api/v1/visitors/{id}/messages`).
 */
export const ConversationSource = z.enum(['chat', 'offline_form', 'proactive']);
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
  /**
   * Since when the visitor has been waiting for an answer: from the start of a conversation the
   * visitor began, and from the first visitor message after each public agent or bot reply, until
   * the next such reply (a private note or a system line is no answer). Null when nobody waits
   * (the team spoke last, or the conversation is closed). The inbox's `sort=waiting` order.
   */
  waitingSince: Timestamp.nullable(),
  /**
   * Set while the conversation is snoozed: it is out of the open / pending views until then, when
   * it wakes by itself (or earlier, when the visitor writes). Status stays `open` / `pending`.
   */
  snoozedUntil: Timestamp.nullable(),
  /** Tags on the conversation (ids of `Tag`), in the order they were added. */
  tagIds: z.array(Id),
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
  /**
   * The profile photo, 256×256 WebP, as a path on the server (`/avatars/{agentId}/{key}/256.webp`;
   * the same path ending in `128.webp` is the 128×128 one). Public and cacheable for ever: a new
   * photo gets a new key. Null: no photo.
   */
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

/** A label for conversations. `siteId` null: usable on every site. Managed by admins. */
export const Tag = z.object({
  id: Id,
  siteId: Id.nullable(),
  name: z.string(),
  /** `#rrggbb`. */
  color: z.string(),
  createdAt: Timestamp,
});
export type Tag = z.infer<typeof Tag>;

/**
 * A reply typed with `/shortcut` in the composer. Shared ones (`ownerId` null) are managed by admins,
 * for one site or all (`siteId` null); personal ones belong to one agent. The body may contain the
 * variables of `CANNED_VARIABLES` (`{{visitor.name}}`…), expanded by the client (canned.ts).
 */
export const CannedResponse = z.object({
  id: Id,
  /** Lowercase letters, digits, `-` and `_`; typed after `/`. */
  shortcut: z.string(),
  body: z.string(),
  /** Null: shared with the team; else the agent it belongs to. */
  ownerId: Id.nullable(),
  /** Null: every site (shared ones); personal ones are always null. */
  siteId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CannedResponse = z.infer<typeof CannedResponse>;
