import { WebSocket } from 'ws';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  ParleyClientCore,
  onEveryEvent,
  structuralCodec,
  zodCodec,
  type ClientEvents,
  type FrameCodec,
  type ParleyClientOptions,
} from '../src/index';
import { AGENT_COOKIE, FakeServer, VISITOR_TOKEN } from './fakeServer';

export type Recorded = { [K in keyof ClientEvents]: ClientEvents[K][] };

/** Everything a client emits, per event type, in order. */
export function record(client: ParleyClient): Recorded {
  const recorded = Object.fromEntries(CLIENT_EVENT_TYPES.map((type) => [type, []])) as unknown as Recorded;
  onEveryEvent(client, (e) => (recorded[e.type] as unknown[]).push(e.payload));
  return recorded;
}

type ParleyClient = ParleyClientCore;

/**
 * Where the structural codec (the widget's) disagreed with the zod one on a frame that zod
 * accepted, or on a send's verdict, in the running test. Every test ends with this list empty.
 */
const codecDisagreements: string[] = [];
afterEach(() => {
  expect(codecDisagreements.splice(0)).toEqual([]);
});

/**
 * The clients under test decide with the protocol's zod schemas, exactly as `ParleyClient` does;
 * every frame and send of the whole suite is also put to `structuralCodec`, which must agree.
 */
const checkedCodec: FrameCodec = {
  decodeServerFrame(text) {
    const strict = zodCodec.decodeServerFrame(text);
    const light = structuralCodec.decodeServerFrame(text);
    if (strict.ok && !light.ok) codecDisagreements.push(`structural refused ${text}: ${light.message}`);
    if (!strict.ok && light.ok && strict.code === 'bad_json')
      codecDisagreements.push(`structural parsed ${text}`);
    return strict;
  },
  checkSend(frame) {
    const strict = zodCodec.checkSend(frame);
    const light = structuralCodec.checkSend(frame);
    if ((strict === null) !== (light === null)) {
      codecDisagreements.push(
        `send ${JSON.stringify(frame)}: zod ${String(strict)}, structural ${String(light)}`,
      );
    }
    return strict;
  },
};

/** Fast timings: tests must not wait for production-sized backoffs. */
export function visitorClient(server: FakeServer, options: Partial<ParleyClientOptions> = {}): ParleyClient {
  return new ParleyClientCore(
    {
      url: server.url,
      auth: { role: 'visitor', siteKey: 'site', token: VISITOR_TOKEN },
      WebSocketImpl: WebSocket,
      backoff: { baseMs: 5, capMs: 20 },
      sendRetry: { baseMs: 5, capMs: 20 },
      resumeGraceMs: 50,
      readDelayMs: 10,
      ...options,
    },
    checkedCodec,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Same fast timings for an agent, authenticated by the fake server's cookie. */
export function agentClient(server: FakeServer, options: Partial<ParleyClientOptions> = {}): ParleyClient {
  return new ParleyClientCore(
    {
      url: server.url,
      auth: { role: 'agent' },
      headers: { cookie: AGENT_COOKIE },
      WebSocketImpl: WebSocket,
      backoff: { baseMs: 5, capMs: 20 },
      resumeGraceMs: 50,
      readDelayMs: 10,
      ...options,
    },
    checkedCodec,
  );
}

export interface FakeServerFixture {
  /** The fake server of the running test. */
  readonly server: FakeServer;
  readonly visitor: (options?: Partial<ParleyClientOptions>) => ParleyClient;
  readonly agent: (options?: Partial<ParleyClientOptions>) => ParleyClient;
}

/** A fresh fake server for every test, and every client made through the fixture closed after it. */
export function useFakeServer(): FakeServerFixture {
  let current: FakeServer | undefined;
  const clients: ParleyClient[] = [];
  const server = (): FakeServer => {
    if (!current) throw new Error('the fake server exists only while a test runs');
    return current;
  };
  const track = (client: ParleyClient): ParleyClient => {
    clients.push(client);
    return client;
  };
  beforeEach(async () => {
    current = await FakeServer.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server().stop();
    current = undefined;
  });
  return {
    get server() {
      return server();
    },
    visitor: (options) => track(visitorClient(server(), options)),
    agent: (options) => track(agentClient(server(), options)),
  };
}

export async function connected(client: ParleyClient): Promise<void> {
  client.connect();
  await vi.waitFor(() => expect(client.state).toBe('open'));
}
