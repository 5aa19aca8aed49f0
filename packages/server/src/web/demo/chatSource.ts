import {
  Outbox,
  ParleyClient,
  ParleyError,
  randomUuid,
  websocketUrl,
  type Conversation,
  type PendingMessage,
} from '@parley/client';
import { formatIssues, Send, type Message } from '@parley/protocol';

/** Where the chat box reads the conversation from and writes to. */
export interface ChatSource {
  conversations(): readonly Conversation[];
  messages(conversationId: string): readonly Message[];
  pending(): readonly PendingMessage[];
  /** Throws a `ParleyError` for input the server would refuse (too long, blank). */
  send(body: string): void;
  typing(conversationId: string, preview: string): void;
  markRead(conversationId: string, seq: number): void;
}

export const tokenKey = (siteKey: string): string => `parley:token:${siteKey}`;
export const outboxKey = (siteKey: string): string => `parley:outbox:${siteKey}`;

export function visitorClient(siteKey: string, token: string): ParleyClient {
  return new ParleyClient({
    url: websocketUrl(location.origin),
    auth: { role: 'visitor', siteKey, token },
    persist: { storage: localStorage, key: outboxKey(siteKey) },
  });
}

export function clientSource(client: ParleyClient): ChatSource {
  return {
    conversations: () => client.conversations(),
    messages: (id) => client.messages(id),
    pending: () => client.pending(),
    send: (body) => void client.send(body),
    typing: (id, preview) => client.typing(id, preview),
    markRead: (id, seq) => client.markRead(id, seq),
  };
}

/**
 * A first visit while the server cannot be reached: there is no visitor token yet, hence no client,
 * but what the visitor writes already goes into the persisted outbox, which the client sends once
 * it exists (and which survives a reload meanwhile).
 */
export function outboxSource(siteKey: string): ChatSource {
  const outbox = new Outbox({ storage: localStorage, key: outboxKey(siteKey) });
  return {
    conversations: () => [],
    messages: () => [],
    pending: () => outbox.list(),
    send: (body) => {
      const clientMsgId = randomUuid();
      // The same check the client makes in `send()`: what the server would refuse never waits in the outbox.
      const check = Send.safeParse({ t: 'send', clientMsgId, body });
      if (!check.success) throw new ParleyError('validation_failed', formatIssues(check.error));
      outbox.add({ clientMsgId, body, private: false, createdAt: new Date().toISOString() });
    },
    typing: () => undefined,
    markRead: () => undefined,
  };
}
