import * as z from 'zod';
import {
  Agent,
  Attachment,
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

export const ConversationListQuery = z.object({
  status: z.union([ConversationStatus, z.literal('all')]).default('open'),
  siteId: Id.optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), Id]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
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
