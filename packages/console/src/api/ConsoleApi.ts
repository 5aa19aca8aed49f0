import {
  AgentConversationList,
  AgentList,
  AgentResponse,
  AgentSessionList,
  InvitationCreatedResponse,
  InvitationList,
  InvitationPreviewResponse,
  LiveVisitorList,
  ProactiveMessageResponse,
  SearchResponse,
  CannedResponseList,
  CannedResponseResponse,
  ConversationResponse,
  DepartmentList,
  DepartmentResponse,
  ErrorResponse,
  SessionResponse,
  SiteList,
  SiteResponse,
  TagList,
  TagResponse,
  VisitorDetailsResponse,
  type Agent,
  type AgentRole,
  type AgentStatus,
  type ConversationForAgent,
  type ConversationStatus,
  type Department,
  type Site,
  type Tag,
  type AgentSession,
  type CannedResponse,
} from '@parley/protocol';
import type * as z from 'zod';
import { ApiError } from './ApiError';

export interface Session {
  agent: Agent;
  csrfToken: string;
}

export interface ConversationQuery {
  status: ConversationStatus | 'all';
  siteId?: string | undefined;
  /** One visitor's conversations (the visitor panel). */
  visitorId?: string | undefined;
  assignee?: 'me' | 'none' | undefined;
  before?: string | undefined;
  limit?: number;
}

export interface ConversationPage {
  conversations: ConversationForAgent[];
  nextCursor: string | null;
}

export interface AgentInput {
  email: string;
  name: string;
  role: AgentRole;
  password: string;
  siteIds: string[];
}

export interface AgentChange {
  name?: string;
  role?: AgentRole;
  active?: boolean;
  maxChats?: number;
  siteIds?: string[];
}

export interface SiteInput {
  name?: string;
  allowedOrigins?: string[];
  settings?: Record<string, unknown>;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The console's REST calls. The browser sends the HttpOnly session cookie by itself; this adds the
 * CSRF token to every state-changing request, checks answers against the protocol's schemas and
 * turns `{error: {code, message}}` into `ApiError`.
 */
export class ConsoleApi {
  #csrfToken: string | null = null;

  get csrfToken(): string | null {
    return this.#csrfToken;
  }

  /** The signed-in session, or null when there is none (401). */
  async session(): Promise<Session | null> {
    try {
      return this.#remember(await this.call('GET', '/api/v1/auth/session', undefined, SessionResponse));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async login(email: string, password: string): Promise<Session> {
    return this.#remember(
      await this.call('POST', '/api/v1/auth/login', { email, password }, SessionResponse),
    );
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.call('POST', '/api/v1/auth/password', { currentPassword, newPassword });
  }

  async logout(): Promise<void> {
    try {
      await this.call('POST', '/api/v1/auth/logout');
    } finally {
      this.#csrfToken = null;
    }
  }

  /** Ends every session of this agent, this one included; their sockets close at once. */
  async logoutEverywhere(): Promise<void> {
    try {
      await this.call('POST', '/api/v1/auth/logout-all');
    } finally {
      this.#csrfToken = null;
    }
  }

  async updateMe(change: { name?: string; status?: AgentStatus; maxChats?: number }): Promise<Agent> {
    return (await this.call('PATCH', '/api/v1/me', change, AgentResponse)).agent;
  }

  /** A new profile photo (the raw image; the server decides its type from the bytes and resizes it). */
  async uploadAvatar(image: Blob): Promise<Agent> {
    let response: Response;
    try {
      response = await fetch('/api/v1/me/avatar', {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/octet-stream',
          ...(this.#csrfToken === null ? {} : { 'x-csrf-token': this.#csrfToken }),
        },
        credentials: 'same-origin',
        body: image,
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw toApiError(response, json);
    return AgentResponse.parse(json).agent;
  }

  async removeAvatar(): Promise<Agent> {
    return (await this.call('DELETE', '/api/v1/me/avatar', undefined, AgentResponse)).agent;
  }

  async agents(): Promise<Agent[]> {
    return (await this.call('GET', '/api/v1/agents', undefined, AgentList)).agents;
  }

  async createAgent(input: AgentInput): Promise<Agent> {
    return (await this.call('POST', '/api/v1/agents', input, AgentResponse)).agent;
  }

  async updateAgent(id: string, change: AgentChange): Promise<Agent> {
    return (await this.call('PATCH', `/api/v1/agents/${encodeURIComponent(id)}`, change, AgentResponse))
      .agent;
  }

  async departments(): Promise<Department[]> {
    return (await this.call('GET', '/api/v1/departments', undefined, DepartmentList)).departments;
  }

  async updateDepartment(id: string, change: { name?: string; agentIds?: string[] }): Promise<Department> {
    const path = `/api/v1/departments/${encodeURIComponent(id)}`;
    return (await this.call('PATCH', path, change, DepartmentResponse)).department;
  }

  async deleteDepartment(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/departments/${encodeURIComponent(id)}`);
  }

  async invitations(): Promise<z.output<typeof InvitationList>['invitations']> {
    return (await this.call('GET', '/api/v1/invitations', undefined, InvitationList)).invitations;
  }

  inviteAgent(input: {
    email: string;
    role: AgentRole;
    siteIds: string[];
    expiresInDays: number;
    sendEmail: boolean;
  }): Promise<z.output<typeof InvitationCreatedResponse>> {
    return this.call('POST', '/api/v1/invitations', input, InvitationCreatedResponse);
  }

  async revokeInvitation(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/invitations/${encodeURIComponent(id)}`);
  }

  /** What an invitation link offers (public: the invitee has no session yet). */
  invitationPreview(token: string): Promise<z.output<typeof InvitationPreviewResponse>> {
    return this.call('POST', '/api/v1/invitations/preview', { token }, InvitationPreviewResponse);
  }

  /** Creates the invited agent and signs it in, as `login` does. */
  async acceptInvitation(token: string, name: string, password: string): Promise<Session> {
    return this.#remember(
      await this.call('POST', '/api/v1/invitations/accept', { token, name, password }, SessionResponse),
    );
  }

  async createDepartment(input: {
    name: string;
    siteId: string | null;
    agentIds: string[];
  }): Promise<Department> {
    return (await this.call('POST', '/api/v1/departments', input, DepartmentResponse)).department;
  }

  async sites(): Promise<Site[]> {
    return (await this.call('GET', '/api/v1/sites', undefined, SiteList)).sites;
  }

  async createSite(input: SiteInput & { name: string }): Promise<Site> {
    return (await this.call('POST', '/api/v1/sites', input, SiteResponse)).site;
  }

  async updateSite(id: string, input: SiteInput): Promise<Site> {
    return (await this.call('PATCH', `/api/v1/sites/${encodeURIComponent(id)}`, input, SiteResponse)).site;
  }

  /** The visitor with their recent pages and events (agents of the visitor's site). */
  async visitor(id: string): Promise<z.output<typeof VisitorDetailsResponse>> {
    return this.call('GET', `/api/v1/visitors/${encodeURIComponent(id)}`, undefined, VisitorDetailsResponse);
  }

  async conversations(query: ConversationQuery): Promise<ConversationPage> {
    const params = new URLSearchParams({ status: query.status, limit: String(query.limit ?? 50) });
    if (query.siteId !== undefined) params.set('siteId', query.siteId);
    if (query.visitorId !== undefined) params.set('visitorId', query.visitorId);
    if (query.assignee !== undefined) params.set('assignee', query.assignee);
    if (query.before !== undefined) params.set('before', query.before);
    return this.call('GET', `/api/v1/conversations?${params.toString()}`, undefined, AgentConversationList);
  }

  async conversation(id: string): Promise<ConversationForAgent> {
    const path = `/api/v1/conversations/${encodeURIComponent(id)}`;
    return (await this.call('GET', path, undefined, ConversationResponse)).conversation;
  }

  assign(id: string, agentId: string | null): Promise<ConversationForAgent> {
    return this.#change(id, 'assign', { agentId });
  }

  close(id: string): Promise<ConversationForAgent> {
    return this.#change(id, 'close');
  }

  reopen(id: string): Promise<ConversationForAgent> {
    return this.#change(id, 'reopen');
  }

  /** Pending: the team waits for the visitor (the visitor writing makes it open again); or open. */
  setPending(id: string, pending: boolean): Promise<ConversationForAgent> {
    return this.#change(id, pending ? 'pending' : 'open');
  }

  snooze(id: string, until: string): Promise<ConversationForAgent> {
    return this.#change(id, 'snooze', { until });
  }

  unsnooze(id: string): Promise<ConversationForAgent> {
    return this.#change(id, 'unsnooze');
  }

  /** To an agent (the new assignee) or a department (unassigned there), with a private note. */
  transfer(
    id: string,
    to: { agentId: string } | { departmentId: string },
    note: string,
  ): Promise<ConversationForAgent> {
    return this.#change(id, 'transfer', { ...to, ...(note.trim() === '' ? {} : { note }) });
  }

  tag(id: string, tagId: string): Promise<ConversationForAgent> {
    return this.#change(id, 'tags', { tagId });
  }

  async untag(id: string, tagId: string): Promise<ConversationForAgent> {
    const path = `/api/v1/conversations/${encodeURIComponent(id)}/tags/${encodeURIComponent(tagId)}`;
    return (await this.call('DELETE', path, undefined, ConversationResponse)).conversation;
  }

  async tags(): Promise<Tag[]> {
    return (await this.call('GET', '/api/v1/tags', undefined, TagList)).tags;
  }

  async createTag(input: { name: string; siteId: string | null; color: string }): Promise<Tag> {
    return (await this.call('POST', '/api/v1/tags', input, TagResponse)).tag;
  }

  async updateTag(id: string, input: { name?: string; color?: string }): Promise<Tag> {
    return (await this.call('PATCH', `/api/v1/tags/${encodeURIComponent(id)}`, input, TagResponse)).tag;
  }

  async deleteTag(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/tags/${encodeURIComponent(id)}`);
  }

  /** Shared responses this agent may use and its own (all sites). */
  async cannedResponses(): Promise<CannedResponse[]> {
    return (await this.call('GET', '/api/v1/canned-responses', undefined, CannedResponseList))
      .cannedResponses;
  }

  async createCanned(input: {
    shortcut: string;
    body: string;
    shared: boolean;
    siteId: string | null;
  }): Promise<CannedResponse> {
    return (await this.call('POST', '/api/v1/canned-responses', input, CannedResponseResponse))
      .cannedResponse;
  }

  async updateCanned(
    id: string,
    input: { shortcut?: string; body?: string; siteId?: string | null },
  ): Promise<CannedResponse> {
    const path = `/api/v1/canned-responses/${encodeURIComponent(id)}`;
    return (await this.call('PATCH', path, input, CannedResponseResponse)).cannedResponse;
  }

  async deleteCanned(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/canned-responses/${encodeURIComponent(id)}`);
  }

  /** Full-text search of what this agent may see; newest first, paged with `before`. */
  search(q: string, before?: string): Promise<z.output<typeof SearchResponse>> {
    const params = new URLSearchParams({ q, limit: '20' });
    if (before !== undefined) params.set('before', before);
    return this.call('GET', `/api/v1/search?${params.toString()}`, undefined, SearchResponse);
  }

  /** GDPR erasure: the visitor and everything it left (admins). */
  async eraseVisitor(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/visitors/${encodeURIComponent(id)}`);
  }

  /** Visitors on the agent's sites now (or on one site). */
  liveVisitors(siteId?: string): Promise<z.output<typeof LiveVisitorList>> {
    const query = siteId === undefined ? '' : `?siteId=${encodeURIComponent(siteId)}`;
    return this.call('GET', `/api/v1/live-visitors${query}`, undefined, LiveVisitorList);
  }

  /** The agent writes first: into the visitor's open conversation, or a new one. Idempotent by clientMsgId. */
  messageVisitor(
    visitorId: string,
    clientMsgId: string,
    body: string,
  ): Promise<z.output<typeof ProactiveMessageResponse>> {
    const path = `/api/v1/visitors/${encodeURIComponent(visitorId)}/messages`;
    return this.call('POST', path, { clientMsgId, body }, ProactiveMessageResponse);
  }

  /** This agent's own sessions (devices), latest activity first. */
  async sessions(): Promise<AgentSession[]> {
    return (await this.call('GET', '/api/v1/auth/sessions', undefined, AgentSessionList)).sessions;
  }

  async revokeSession(id: string): Promise<void> {
    await this.call('DELETE', `/api/v1/auth/sessions/${encodeURIComponent(id)}`);
  }

  async #change(id: string, action: string, body?: unknown): Promise<ConversationForAgent> {
    const path = `/api/v1/conversations/${encodeURIComponent(id)}/${action}`;
    return (await this.call('POST', path, body, ConversationResponse)).conversation;
  }

  #remember(session: Session): Session {
    this.#csrfToken = session.csrfToken;
    return session;
  }

  /** One call; `schema` checks (and types) the answer. Public for the lazily loaded screens' own calls. */
  async call(method: Method, path: string, body?: unknown): Promise<unknown>;
  async call<S extends z.ZodType>(
    method: Method,
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>>;
  async call(method: Method, path: string, body?: unknown, schema?: z.ZodType): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET' && this.#csrfToken !== null) headers['x-csrf-token'] = this.#csrfToken;
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw toApiError(response, json);
    return schema === undefined ? json : schema.parse(json);
  }
}

export function toApiError(response: { status: number; statusText: string }, json: unknown): ApiError {
  const parsed = ErrorResponse.safeParse(json);
  if (parsed.success) {
    const { code, message } = parsed.data.error;
    return new ApiError(response.status, code, message);
  }
  return new ApiError(
    response.status,
    'http_error',
    `The server answered ${response.status} ${response.statusText}.`,
  );
}
