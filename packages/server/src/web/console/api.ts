import {
  AgentList,
  ConversationResponse,
  ErrorResponse,
  SessionResponse,
  type Agent,
  type ConversationForAgent,
} from '@parley/protocol';
import type { z } from 'zod';

/** A refused or failed REST call, with the server's error code (`network` when it was not reached). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export interface Session {
  agent: Agent;
  csrfToken: string;
}

/**
 * The console's REST calls. The browser sends the HttpOnly session cookie by itself; this adds the
 * CSRF token to every state-changing request and turns `{error: {code, message}}` into `ApiError`.
 */
export class ConsoleApi {
  #csrfToken: string | null = null;

  /** The signed-in session, or null when there is none (401). */
  async session(): Promise<Session | null> {
    try {
      return this.#remember(await this.#call('GET', '/api/v1/auth/session', undefined, SessionResponse));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async login(email: string, password: string): Promise<Session> {
    return this.#remember(
      await this.#call('POST', '/api/v1/auth/login', { email, password }, SessionResponse),
    );
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.#call('POST', '/api/v1/auth/password', { currentPassword, newPassword });
  }

  async logout(): Promise<void> {
    try {
      await this.#call('POST', '/api/v1/auth/logout');
    } finally {
      this.#csrfToken = null;
    }
  }

  async agents(): Promise<Agent[]> {
    return (await this.#call('GET', '/api/v1/agents', undefined, AgentList)).agents;
  }

  async conversation(id: string): Promise<ConversationForAgent> {
    return (
      await this.#call(
        'GET',
        `/api/v1/conversations/${encodeURIComponent(id)}`,
        undefined,
        ConversationResponse,
      )
    ).conversation;
  }

  async assign(id: string, agentId: string | null): Promise<ConversationForAgent> {
    return this.#change(id, 'assign', { agentId });
  }

  async close(id: string): Promise<ConversationForAgent> {
    return this.#change(id, 'close');
  }

  async reopen(id: string): Promise<ConversationForAgent> {
    return this.#change(id, 'reopen');
  }

  async #change(id: string, action: string, body?: unknown): Promise<ConversationForAgent> {
    const path = `/api/v1/conversations/${encodeURIComponent(id)}/${action}`;
    return (await this.#call('POST', path, body, ConversationResponse)).conversation;
  }

  #remember(session: Session): Session {
    this.#csrfToken = session.csrfToken;
    return session;
  }

  async #call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>;
  async #call<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: S,
  ): Promise<z.output<S>>;
  async #call(method: 'GET' | 'POST', path: string, body?: unknown, schema?: z.ZodType): Promise<unknown> {
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

function toApiError(response: Response, json: unknown): ApiError {
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
