import * as z from 'zod';
import {
  Agent,
  Attachment,
  Author,
  CannedResponse,
  Tag,
  AgentRole,
  AgentStatus,
  ConversationForAgent,
  ConversationForVisitor,
  ConversationStatus,
  Department,
  Id,
  Message,
  Site,
  Timestamp,
  Visitor,
} from './entities';
import { MAX_BODY_CHARS, MAX_PAGE } from './limits';
import { ERROR_CODES } from './errors';
import { AttachmentIds, hasContent } from './frames';
import { CANNED_SHORTCUT } from './canned';

export const ErrorResponse = z.object({
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() }),
  requestId: z.string().optional(),
});

const Email = z
  .email()
  .max(254)
  .transform((s) => s.toLowerCase());
const Password = z.string().min(10).max(200);

export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(200) });
export const SessionResponse = z.object({
  agent: Agent,
  /** Send as `x-csrf-token` on every state-changing request made with the session cookie. */
  csrfToken: z.string(),
});
export const ChangePasswordRequest = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: Password,
});

export const VisitorSessionRequest = z.object({
  siteKey: z.string().min(1).max(64),
  /** A token from an earlier visit; when valid for this site the same visitor is resumed. */
  token: z.string().max(200).optional(),
  pageUrl: z.string().max(2000).optional(),
  pageTitle: z.string().max(500).optional(),
  referrer: z.string().max(2000).optional(),
});
export const VisitorSessionResponse = z.object({
  visitor: Visitor,
  /** Bearer token for REST and for the WebSocket `hello`. Shown once per issue; store it client-side. */
  token: z.string(),
  /** False when the `token` in the request was accepted and returned unchanged. */
  created: z.boolean(),
  site: z.object({ id: Id, name: z.string(), settings: z.record(z.string(), z.unknown()) }),
});

export const VisitorConversationList = z.object({
  conversations: z.array(ConversationForVisitor),
  /** Pass as `before` to get older conversations. */
  nextCursor: z.string().nullable(),
});
export const VisitorConversationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: z.string().max(200).optional(),
});
export const AgentConversationList = z.object({
  conversations: z.array(ConversationForAgent),
  /** Pass as `before` to get the next page. */
  nextCursor: z.string().nullable(),
});
export const StartConversationResponse = z.object({
  conversation: ConversationForVisitor,
  created: z.boolean(),
});

export const MessagesQuery = z.object({
  after: z.coerce.number().int().nonnegative().default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
});
export const MessagesPage = z.object({
  messages: z.array(Message),
  lastSeq: z.number().int().nonnegative(),
  hasMore: z.boolean(),
});

export const SendRequest = z
  .object({
    clientMsgId: z.uuid(),
    body: z.string().max(MAX_BODY_CHARS).default(''),
    attachmentIds: AttachmentIds.optional(),
    private: z.boolean().optional(),
  })
  .refine(hasContent, { message: 'body must not be empty', path: ['body'] });

export const FileUploadQuery = z.object({
  /** The file's name as the user sees it; path parts are dropped. */
  name: z.string().min(1).max(255),
  /** Agents: the site the file is for (the conversation it will be attached to must be on it). */
  siteId: Id.optional(),
});
export const FileUploadResponse = z.object({ file: Attachment });
export const SendResponse = z.object({
  message: Message,
  duplicate: z.boolean(),
});

/**
 * Inbox statuses. `open` and `pending` leave out snoozed conversations, which `snoozed` lists
 * (whatever their status); `active` is every conversation that is not closed, snoozed or not.
 */
export const InboxStatus = z.enum(['open', 'pending', 'snoozed', 'closed', 'active', 'all']);
/** `departments`: conversations in a department the agent is a member of. */
export const InboxView = z.enum(['unassigned', 'mine', 'departments', 'all']);
/**
 * `newest`: newest conversation first. `waiting`: conversations waiting for an answer first, the
 * longest waiting on top (`waitingSince`), then the others, latest activity first. `recent`: latest
 * activity (last message, else creation) first.
 */
export const InboxSort = z.enum(['newest', 'waiting', 'recent']);

export const ConversationListQuery = z.object({
  status: z.union([ConversationStatus, InboxStatus]).default('open'),
  view: InboxView.default('all'),
  siteId: Id.optional(),
  /** Narrower than `view`: `me`, `none` or an agent id. */
  assignee: z.union([z.literal('me'), z.literal('none'), Id]).optional(),
  /** One visitor's conversations (the visitor panel's "previous conversations"). */
  visitorId: Id.optional(),
  /** Only conversations carrying this tag. */
  tagId: Id.optional(),
  sort: InboxSort.default('newest'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `nextCursor` of the previous page (valid for the same `sort` only). */
  before: z.string().max(200).optional(),
});
export const AssignRequest = z.object({ agentId: Id.nullable() });
export const ReadRequest = z.object({ seq: z.number().int().nonnegative() });
export const ConversationResponse = z.object({ conversation: ConversationForAgent });

export const SiteCreateRequest = z.object({
  name: z.string().trim().min(1).max(200),
  allowedOrigins: z.array(z.url().max(300)).max(50).default([]),
  settings: z.record(z.string(), z.unknown()).default({}),
});
export const SiteUpdateRequest = SiteCreateRequest.partial();
export const SiteList = z.object({ sites: z.array(Site) });
export const SiteResponse = z.object({ site: Site });

export const AgentCreateRequest = z.object({
  email: Email,
  name: z.string().trim().min(1).max(200),
  role: AgentRole.default('agent'),
  password: Password,
  siteIds: z.array(Id).max(500).default([]),
});
export const AgentUpdateRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  role: AgentRole.optional(),
  active: z.boolean().optional(),
  maxChats: z.number().int().min(0).max(100).optional(),
  siteIds: z.array(Id).max(500).optional(),
});
export const MeUpdateRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  status: AgentStatus.optional(),
  maxChats: z.number().int().min(0).max(100).optional(),
});
export const AgentList = z.object({ agents: z.array(Agent) });
export const AgentResponse = z.object({ agent: Agent });

export const DepartmentCreateRequest = z.object({
  name: z.string().trim().min(1).max(200),
  siteId: Id.nullable().default(null),
  agentIds: z.array(Id).max(500).default([]),
});
/** `PATCH /api/v1/departments/{id}` (admin): `agentIds` replaces the members. */
export const DepartmentUpdateRequest = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  agentIds: z.array(Id).max(500).optional(),
});
export const DepartmentList = z.object({ departments: z.array(Department) });
export const DepartmentResponse = z.object({ department: Department });

/** `GET /api/v1/visitors/:id` (agents): the visitor, and where it has been lately. */
export const VisitorDetailsResponse = z.object({
  visitor: Visitor,
  /** Newest first, at most 50. */
  pageViews: z.array(
    z.object({
      url: z.string(),
      title: z.string().nullable(),
      referrer: z.string().nullable(),
      at: Timestamp,
    }),
  ),
  /** `Parley.track()` events, newest first, at most 50. */
  events: z.array(
    z.object({
      name: z.string(),
      data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      at: Timestamp,
    }),
  ),
});

export const Health = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  checks: z.record(
    z.string(),
    z.object({ ok: z.boolean(), latencyMs: z.number().optional(), error: z.string().optional() }),
  ),
  uptimeSeconds: z.number(),
  version: z.string(),
  time: Timestamp,
});

/* ───────────── the agent console (issue 4) ───────────── */

const HexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb');

/** One of the signed-in agent's own sessions (`GET /api/v1/auth/sessions`). */
export const AgentSession = z.object({
  id: Id,
  /** The session of this request. */
  current: z.boolean(),
  userAgent: z.string().nullable(),
  /** A short reading of the user agent, e.g. "Firefox 128 on Linux"; null when unknown. */
  device: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
});
export type AgentSession = z.infer<typeof AgentSession>;
/** Newest activity first. */
export const AgentSessionList = z.object({ sessions: z.array(AgentSession) });

/** `POST /api/v1/conversations/{id}/snooze`: out of the open views until then (at most a year ahead). */
export const SnoozeRequest = z.object({ until: Timestamp });

/**
 * `POST /api/v1/conversations/{id}/transfer`: to an agent (who becomes the assignee) or to a
 * department (the conversation becomes unassigned in it), with an optional note for the team,
 * stored as a private note in the log.
 */
export const TransferRequest = z
  .object({
    agentId: Id.optional(),
    departmentId: Id.optional(),
    note: z.string().trim().max(MAX_BODY_CHARS).optional(),
  })
  .refine((t) => (t.agentId === undefined) !== (t.departmentId === undefined), {
    message: 'name either agentId or departmentId',
    path: ['agentId'],
  });

export const TagCreateRequest = z.object({
  name: z.string().trim().min(1).max(50),
  /** Null: a tag for every site. */
  siteId: Id.nullable().default(null),
  color: HexColor.default('#64748b'),
});
export const TagUpdateRequest = z.object({
  name: z.string().trim().min(1).max(50).optional(),
  color: HexColor.optional(),
});
export const TagList = z.object({ tags: z.array(Tag) });
export const TagResponse = z.object({ tag: Tag });
/** `POST /api/v1/conversations/{id}/tags`. */
export const ConversationTagRequest = z.object({ tagId: Id });
export const TagListQuery = z.object({ siteId: Id.optional() });

const Shortcut = z
  .string()
  .trim()
  .toLowerCase()
  .regex(CANNED_SHORTCUT, 'lowercase letters, digits, - and _ (at most 32)');
export const CannedResponseCreateRequest = z.object({
  shortcut: Shortcut,
  body: z.string().trim().min(1).max(MAX_BODY_CHARS),
  /** True: shared with the team (admins only); false: the agent's own. */
  shared: z.boolean().default(false),
  /** Shared responses only: the site it is for; null = every site. */
  siteId: Id.nullable().default(null),
});
export const CannedResponseUpdateRequest = z.object({
  shortcut: Shortcut.optional(),
  body: z.string().trim().min(1).max(MAX_BODY_CHARS).optional(),
  siteId: Id.nullable().optional(),
});
/** Shared ones first, then personal; each by shortcut. */
export const CannedResponseList = z.object({ cannedResponses: z.array(CannedResponse) });
export const CannedResponseResponse = z.object({ cannedResponse: CannedResponse });
/** `siteId`: only what applies on that site (its shared responses, the global ones, one's own). */
export const CannedResponseListQuery = z.object({ siteId: Id.optional() });

/**
 * Text with highlighted parts, safe by construction: `text` is plain text (never HTML: render it
 * as text), `highlights` are `[start, end)` ranges of it in UTF-16 code units, ascending and
 * disjoint — wrap them in `<mark>` with DOM calls, never by building HTML.
 */
export const Highlighted = z.object({
  text: z.string(),
  highlights: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])),
});
export type Highlighted = z.infer<typeof Highlighted>;

export const SearchQuery = z.object({
  /** Words; each must match the start of a word (prefix), all of them must match. */
  q: z.string().trim().min(1).max(200),
  siteId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  before: z.string().max(200).optional(),
});
/**
 * One search result: a message (`field: body`) or a conversation whose visitor's name or e-mail
 * matched (`field: name | email`, `message` null). Newest first.
 */
export const SearchHit = z.object({
  conversation: ConversationForAgent,
  field: z.enum(['body', 'name', 'email']),
  message: z
    .object({ id: Id, seq: z.number().int().positive(), author: Author, private: z.boolean(), at: Timestamp })
    .nullable(),
  snippet: Highlighted,
});
export type SearchHit = z.infer<typeof SearchHit>;
export const SearchResponse = z.object({
  results: z.array(SearchHit),
  /** Pass as `before` for the next page. */
  nextCursor: z.string().nullable(),
});

/** A visitor on one of the agent's sites now: a live widget connection, or seen in the last minutes. */
export const LiveVisitor = z.object({
  visitor: Visitor,
  /** A widget connection is open now (refreshed every heartbeat, in the whole cluster). */
  connected: z.boolean(),
  /** The page the visitor is on, and since when. */
  page: z.object({ url: z.string(), title: z.string().nullable(), since: Timestamp }).nullable(),
  /** This visit began then (a visit ends after 30 minutes without any sign of the visitor). */
  visitStartedAt: Timestamp,
  /** Visits so far, this one included. */
  visits: z.number().int().positive(),
  pagesThisVisit: z.number().int().nonnegative(),
  /** The visitor's conversation that is not closed, if any. */
  conversationId: Id.nullable(),
});
export type LiveVisitor = z.infer<typeof LiveVisitor>;
export const LiveVisitorsQuery = z.object({ siteId: Id.optional() });
export const LiveVisitorList = z.object({
  /** Latest activity first. */
  visitors: z.array(LiveVisitor),
  /** More visitors are live than listed (500). */
  truncated: z.boolean(),
  /** "Seen in the last minutes": how far back, in seconds. */
  windowSeconds: z.number().int().positive(),
});

/**
 * `POST /api/v1/visitors/{id}/messages`: an agent writes to a visitor first. The message goes to
 * the visitor's conversation that is not closed, or starts one (source `proactive`, assigned to
 * the agent). Idempotent by clientMsgId like every send.
 */
export const ProactiveMessageRequest = z
  .object({
    clientMsgId: z.uuid(),
    body: z.string().max(MAX_BODY_CHARS).default(''),
    attachmentIds: AttachmentIds.optional(),
  })
  .refine(hasContent, { message: 'body must not be empty', path: ['body'] });
export const ProactiveMessageResponse = z.object({
  conversation: ConversationForAgent,
  message: Message,
  /** A conversation was started for it. */
  created: z.boolean(),
  duplicate: z.boolean(),
});

export const InvitationStatus = z.enum(['pending', 'accepted', 'revoked', 'expired']);
export const Invitation = z.object({
  id: Id,
  email: z.string(),
  role: AgentRole,
  siteIds: z.array(Id),
  status: InvitationStatus,
  invitedBy: z.object({ id: Id, name: z.string() }).nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
  /** The agent created by accepting it. */
  agentId: Id.nullable(),
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationCreateRequest = z.object({
  email: Email,
  role: AgentRole.default('agent'),
  siteIds: z.array(Id).max(500).default([]),
  expiresInDays: z.number().int().min(1).max(30).default(7),
  /** E-mail the link when the server has SMTP; the link is returned either way. */
  sendEmail: z.boolean().default(true),
});
export const InvitationCreatedResponse = z.object({
  invitation: Invitation,
  /** The one-time secret; shown only in this answer (the server keeps a hash). */
  token: z.string(),
  /** `…/console/#/invite/<token>`: the link to give the invitee. */
  url: z.string(),
  /** The link was handed to the SMTP server. */
  emailed: z.boolean(),
  /** Why it was not e-mailed although asked: `mail_not_configured` or `mail_failed`. */
  emailError: z.enum(['mail_not_configured', 'mail_failed']).nullable(),
});
/** Pending ones first, then the others newest first (the last 100). */
export const InvitationList = z.object({ invitations: z.array(Invitation) });
export const InvitationTokenRequest = z.object({ token: z.string().min(1).max(200) });
/** What the invitee sees before accepting. */
export const InvitationPreviewResponse = z.object({
  email: z.string(),
  role: AgentRole,
  invitedByName: z.string().nullable(),
  expiresAt: Timestamp,
});
/** Accepting creates the agent with this name and password and signs it in (as login does). */
export const InvitationAcceptRequest = z.object({
  token: z.string().min(1).max(200),
  name: z.string().trim().min(1).max(200),
  password: Password,
});

/** `GET /api/v1/visitors/{id}/export` (admin): everything stored about a visitor, for a GDPR request. */
export const VisitorExport = z.object({
  exportedAt: Timestamp,
  visitor: Visitor,
  /** Oldest first. */
  pageViews: z.array(
    z.object({
      url: z.string(),
      title: z.string().nullable(),
      referrer: z.string().nullable(),
      at: Timestamp,
    }),
  ),
  events: z.array(
    z.object({
      name: z.string(),
      data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
      at: Timestamp,
    }),
  ),
  /** Oldest first, each with the messages the visitor could see (never private notes). */
  conversations: z.array(
    z.object({
      id: Id,
      status: ConversationStatus,
      source: z.string(),
      createdAt: Timestamp,
      closedAt: Timestamp.nullable(),
      rating: z.enum(['good', 'bad']).nullable(),
      ratingComment: z.string().nullable(),
      messages: z.array(Message),
    }),
  ),
});
export type VisitorExport = z.infer<typeof VisitorExport>;
/** `DELETE /api/v1/visitors/{id}` (admin): what the erasure removed. */
export const VisitorEraseResponse = z.object({
  ok: z.literal(true),
  erased: z.object({
    conversations: z.number().int().nonnegative(),
    messages: z.number().int().nonnegative(),
    files: z.number().int().nonnegative(),
    pageViews: z.number().int().nonnegative(),
    events: z.number().int().nonnegative(),
  }),
});

/** A row of the audit log: who did what to what (no personal data of visitors in `details`). */
export const AuditEntry = z.object({
  id: z.number().int(),
  at: Timestamp,
  actor: z.object({ kind: z.enum(['agent', 'system']), id: Id.nullable(), name: z.string().nullable() }),
  action: z.string(),
  targetKind: z.string().nullable(),
  targetId: z.string().nullable(),
  siteId: Id.nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditLogQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
});
export const AuditLogResponse = z.object({
  /** Newest first. */
  entries: z.array(AuditEntry),
  /** Pass as `before` for older entries. */
  nextCursor: z.number().int().nullable(),
});
