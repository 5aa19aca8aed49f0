import { WebSocket } from 'ws';
import {
  CLIENT_EVENT_TYPES,
  ParleyClient,
  onEveryEvent,
  type ClientEvents,
  type ParleyClientOptions,
} from '../src/index';
import { FakeServer, VISITOR_TOKEN } from './fakeServer';

export type Recorded = { [K in keyof ClientEvents]: ClientEvents[K][] };

/** Everything a client emits, per event type, in order. */
export function record(client: ParleyClient): Recorded {
  const recorded = Object.fromEntries(CLIENT_EVENT_TYPES.map((type) => [type, []])) as unknown as Recorded;
  onEveryEvent(client, (e) => (recorded[e.type] as unknown[]).push(e.payload));
  return recorded;
}

/** Fast timings: tests must not wait for production-sized backoffs. */
export function visitorClient(server: FakeServer, options: Partial<ParleyClientOptions> = {}): ParleyClient {
  return new ParleyClient({
    url: server.url,
    auth: { role: 'visitor', siteKey: 'site', token: VISITOR_TOKEN },
    WebSocketImpl: WebSocket,
    backoff: { baseMs: 5, capMs: 20 },
    sendRetry: { baseMs: 5, capMs: 20 },
    resumeGraceMs: 50,
    readDelayMs: 10,
    ...options,
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
