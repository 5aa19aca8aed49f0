import type { ConversationForAgent } from '@parley/protocol';
import { createVisitor, http, uuid, type AgentSession, type TestServer } from './helpers';

/** A visitor of the site who has written `body`: their conversation is open and waits for an answer. */
export async function startChat(
  server: TestServer,
  opts: { siteKey?: string; body?: string } = {},
): Promise<{ conversationId: string; visitorId: string; token: string }> {
  const v = await createVisitor(server, opts.siteKey ?? server.siteKey);
  const started = await http<{ conversation: { id: string } }>(
    server,
    'POST',
    '/api/v1/visitor/conversations',
    {
      visitorToken: v.token,
    },
  );
  const conversationId = started.body.conversation.id;
  const sent = await http(server, 'POST', `/api/v1/visitor/conversations/${conversationId}/messages`, {
    visitorToken: v.token,
    body: { clientMsgId: uuid(), body: opts.body ?? 'Hello, anyone there?' },
  });
  if (sent.status !== 201) throw new Error(`visitor send failed: ${JSON.stringify(sent.body)}`);
  return { conversationId, visitorId: v.visitorId, token: v.token };
}

export async function agentReply(
  server: TestServer,
  agent: AgentSession,
  conversationId: string,
  body = 'Hi! How can I help?',
  extra: { private?: boolean } = {},
): Promise<void> {
  const r = await http(server, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
    agent,
    body: { clientMsgId: uuid(), body, ...extra },
  });
  if (r.status !== 201) throw new Error(`agent send failed: ${JSON.stringify(r.body)}`);
}

/** The ids of an inbox query's conversations, in the order the server gives them. */
export async function inboxIds(server: TestServer, agent: AgentSession, query: string): Promise<string[]> {
  const r = await http<{ conversations: ConversationForAgent[] }>(
    server,
    'GET',
    `/api/v1/conversations?${query}`,
    {
      agent,
    },
  );
  if (r.status !== 200) throw new Error(`inbox failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.conversations.map((c) => c.id);
}

export async function getConversation(
  server: TestServer,
  agent: AgentSession,
  id: string,
): Promise<ConversationForAgent> {
  const r = await http<{ conversation: ConversationForAgent }>(server, 'GET', `/api/v1/conversations/${id}`, {
    agent,
  });
  if (r.status !== 200) throw new Error(`conversation failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.conversation;
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
