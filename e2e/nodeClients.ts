/**
 * The other side of a browser test, as Node clients on the shared client library: an agent (bot-like)
 * facing the demo page, or a visitor facing the console.
 */
import { WebSocket } from 'ws';
import { createVisitorSession, login, ParleyClient, websocketUrl, type TypingEvent } from '@parley/client';
import type { Message } from '@parley/protocol';

export interface NodeParticipant {
  client: ParleyClient;
  /** Every message released to this client, in order. */
  messages: Message[];
  typing: TypingEvent[];
}

function participant(client: ParleyClient): NodeParticipant {
  const p: NodeParticipant = { client, messages: [], typing: [] };
  client.on('message', (m) => p.messages.push(m));
  client.on('typing', (t) => p.typing.push(t));
  client.connect();
  return p;
}

export async function nodeAgent(
  server: { url: string },
  email: string,
  password: string,
): Promise<NodeParticipant> {
  const { cookie } = await login(server.url, email, password);
  return participant(
    new ParleyClient({
      url: websocketUrl(server.url),
      auth: { role: 'agent' },
      headers: { cookie },
      WebSocketImpl: WebSocket,
      followAll: true,
    }),
  );
}

export async function nodeVisitor(server: { url: string }, siteKey: string): Promise<NodeParticipant> {
  const { token } = await createVisitorSession(server.url, { siteKey });
  return participant(
    new ParleyClient({
      url: websocketUrl(server.url),
      auth: { role: 'visitor', siteKey, token },
      WebSocketImpl: WebSocket,
    }),
  );
}
