import type { ErrorCode } from '@parley/protocol';
import { WebSocket } from 'ws';
import { describe, expect, it, vi } from 'vitest';
import { CLOSE_ABANDONED } from '../src/index';
import { record, sleep, useFakeServer } from './helpers';

const fx = useFakeServer();
const { visitor } = fx;

describe('connection lifecycle', () => {
  it('goes connecting → open, and closed on close(), without reconnecting afterwards', async () => {
    const client = visitor();
    const events = record(client);
    expect(client.state).toBe('idle');
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    expect(fx.server.framesOf('hello')).toEqual([
      { t: 'hello', v: 1, role: 'visitor', siteKey: 'site', token: 'visitor-token', resume: {} },
    ]);
    expect(client.session?.visitor?.id).toBe('v1');
    client.close();
    expect(events.state).toEqual(['connecting', 'open', 'closed']);
    await sleep(60);
    expect(fx.server.framesOf('hello')).toHaveLength(1);
    expect(() => client.send('after close')).toThrow(/closed/);
  });

  it('reconnects after any non-fatal close, forever', async () => {
    const client = visitor();
    const events = record(client);
    client.connect();
    for (let round = 1; round <= 3; round++) {
      await vi.waitFor(() => expect(events.welcome).toHaveLength(round));
      fx.server.closeAll(round === 1 ? 1011 : 1001, 'restarting');
    }
    await vi.waitFor(() => expect(events.welcome).toHaveLength(4));
    expect(events.state).toEqual([
      'connecting',
      'open',
      'reconnecting',
      'open',
      'reconnecting',
      'open',
      'reconnecting',
      'open',
    ]);
  });

  it.each([4401, 4403])('stops for good on close code %i', async (code) => {
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    const pendingSend = client.send('never delivered');
    fx.server.onSend = () => 'dropBeforeCommit';
    fx.server.closeAll(code, 'credentials expired');
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(events.authFailed).toEqual([{ closeCode: code, reason: 'credentials expired' }]);
    await expect(pendingSend.acked).rejects.toMatchObject({ code: 'client_closed' });
    await sleep(80);
    expect(fx.server.framesOf('hello')).toHaveLength(1);
  });

  it.each<[ErrorCode, number]>([
    ['unauthorized', 4401],
    ['password_change_required', 4403],
    ['origin_not_allowed', 4403],
  ])('tells why the hello was refused: %s, close %i', async (code, closeCode) => {
    fx.server.refuseHello = { code, closeCode };
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(events.authFailed).toEqual([{ closeCode, reason: code, code }]);
    await sleep(50);
    expect(fx.server.framesOf('hello')).toHaveLength(1);
  });

  it('does not blame a fatal close on an earlier, unrelated error', async () => {
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    fx.server.broadcast({ t: 'error', code: 'rate_limited', message: 'typing too fast' });
    fx.server.broadcast({ t: 'pong', serverTime: new Date().toISOString() });
    await vi.waitFor(() => expect(events.error).toHaveLength(1));
    fx.server.closeAll(4401, 'session ended');
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(events.authFailed).toEqual([{ closeCode: 4401, reason: 'session ended' }]);
    expect(events.authFailed[0]).not.toHaveProperty('code');
  });

  it('does not retry refused credentials', async () => {
    const client = visitor({ auth: { role: 'visitor', siteKey: 'site', token: 'stolen' } });
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(events.authFailed.map((e) => e.closeCode)).toEqual([4401]);
    expect(events.welcome).toEqual([]);
    await sleep(80);
    expect(fx.server.framesOf('hello')).toHaveLength(1);
  });

  it('stops on bye without reconnect', async () => {
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    fx.server.broadcast({ t: 'bye', reason: 'deactivated', reconnect: false });
    await vi.waitFor(() => expect(client.state).toBe('closed'));
    expect(events.bye).toEqual([{ t: 'bye', reason: 'deactivated', reconnect: false }]);
    await sleep(80);
    expect(fx.server.framesOf('hello')).toHaveLength(1);
  });

  it('comes back soon after bye with reconnect, and resends what was pending', async () => {
    const client = visitor({ reconnectSoonMs: 30 });
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    // The node is shutting down: it cannot store anything any more.
    fx.server.onSend = () => ({ error: 'internal' });
    const handle = client.send('during a deploy');
    await vi.waitFor(() => expect(fx.server.framesOf('send').length).toBeGreaterThanOrEqual(1));
    expect(client.pending()).toHaveLength(1);
    fx.server.onSend = () => 'ack';
    fx.server.broadcast({ t: 'bye', reason: 'shutdown', reconnect: true });
    await handle.acked;
    expect(events.bye).toHaveLength(1);
    expect(events.welcome.length).toBeGreaterThanOrEqual(2);
    expect(fx.server.stored('c1')).toHaveLength(1);
  });

  it('pings, and replaces a socket that stays silent for two heartbeats', async () => {
    fx.server.heartbeatMs = 60;
    fx.server.answerPings = false;
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(events.welcome.length).toBeGreaterThanOrEqual(2), { timeout: 2000 });
    expect(fx.server.framesOf('ping').length).toBeGreaterThan(0);
    expect(events.state.slice(0, 3)).toEqual(['connecting', 'open', 'reconnecting']);
  });

  it('keeps a socket that answers pings', async () => {
    fx.server.heartbeatMs = 40;
    const client = visitor();
    const events = record(client);
    client.connect();
    await sleep(300);
    expect(events.welcome).toHaveLength(1);
    expect(fx.server.framesOf('ping').length).toBeGreaterThanOrEqual(5);
  });

  it('retries at once when the hello is answered with an error but no close', async () => {
    fx.server.helloError = 'internal';
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    expect(fx.server.framesOf('hello')).toHaveLength(2);
    expect(events.error.map((e) => [e.code, e.source])).toEqual([['internal', 'server']]);
  });

  it(`closes a socket it gives up on with ${CLOSE_ABANDONED}, never with the server's 4000`, async () => {
    /** Without `terminate`, the client closes with a code, as in browsers. */
    class BrowserLikeWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        Object.defineProperty(this, 'terminate', { value: undefined });
      }
    }
    const client = visitor({ connectTimeoutMs: 50, WebSocketImpl: BrowserLikeWebSocket });
    fx.server.answerHello = false;
    client.connect();
    await vi.waitFor(() => expect(fx.server.closeCodes).toContain(CLOSE_ABANDONED));
    fx.server.answerHello = true;
    await vi.waitFor(() => expect(client.state).toBe('open'));
    client.close();
    await vi.waitFor(() => expect(fx.server.closeCodes.at(-1)).toBe(1000));
    expect(fx.server.closeCodes).not.toContain(4000);
  });

  it('abandons an attempt that gets no welcome in time', async () => {
    const client = visitor({ connectTimeoutMs: 50 });
    const events = record(client);
    fx.server.answerHello = false;
    client.connect();
    await vi.waitFor(() => expect(fx.server.framesOf('hello').length).toBeGreaterThanOrEqual(2));
    fx.server.answerHello = true;
    await vi.waitFor(() => expect(client.state).toBe('open'));
    expect(events.state.slice(0, 2)).toEqual(['connecting', 'reconnecting']);
  });
});

describe('hostile or unexpected frames', () => {
  it('ignores malformed and unknown frames, reporting them, and carries on', async () => {
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    fx.server.broadcastRaw('{not json');
    fx.server.broadcastRaw(JSON.stringify({ t: 'surprise', x: 1 }));
    fx.server.broadcastRaw(JSON.stringify({ t: 'msg', conversationId: 'c1', seq: -1 }));
    fx.server.broadcastRaw('{"__proto__": {"polluted": true}, "t": "pong"}');
    await vi.waitFor(() => expect(events.error).toHaveLength(4));
    expect(events.error.every((e) => e.source === 'client')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await client.send('still working').acked).seq).toBe(1);
    expect(client.state).toBe('open');
  });

  it('reports server errors that answer no pending request', async () => {
    const client = visitor();
    const events = record(client);
    client.connect();
    await vi.waitFor(() => expect(client.state).toBe('open'));
    fx.server.broadcast({ t: 'error', code: 'rate_limited', message: 'slow down', ref: 'nothing-of-ours' });
    await vi.waitFor(() =>
      expect(events.error).toEqual([
        { code: 'rate_limited', message: 'slow down', ref: 'nothing-of-ours', source: 'server' },
      ]),
    );
  });

  it('survives a listener that throws', async () => {
    const client = visitor();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      client.on('message', () => {
        throw new Error('buggy UI');
      });
      const events = record(client);
      client.connect();
      await vi.waitFor(() => expect(client.state).toBe('open'));
      fx.server.post('c1', 'one');
      fx.server.post('c1', 'two');
      await vi.waitFor(() => expect(events.message.map((m) => m.seq)).toEqual([1, 2]));
      await vi.waitFor(() => expect(uncaught).toHaveLength(2));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});

describe('browser niceties', () => {
  it('retries at once when the browser says the network is back', async () => {
    const window = new EventTarget();
    vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
    vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
    vi.stubGlobal('navigator', { onLine: true });
    try {
      const client = visitor({ backoff: { baseMs: 60_000, capMs: 60_000 }, random: () => 0.999 });
      const events = record(client);
      client.connect();
      await vi.waitFor(() => expect(client.state).toBe('open'));
      fx.server.dropAll();
      await vi.waitFor(() => expect(client.state).toBe('reconnecting'));
      await sleep(50);
      expect(fx.server.framesOf('hello')).toHaveLength(1);
      window.dispatchEvent(new Event('online'));
      await vi.waitFor(() => expect(events.welcome).toHaveLength(2));
      client.close();
      // Once closed, the client no longer listens.
      window.dispatchEvent(new Event('online'));
      await sleep(30);
      expect(fx.server.framesOf('hello')).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  function stubWindow(): EventTarget {
    const window = new EventTarget();
    vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
    vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
    vi.stubGlobal('navigator', { onLine: true });
    return window;
  }

  it('when the browser goes offline, drops a socket that does not answer a ping, and waits for online', async () => {
    const window = stubWindow();
    try {
      const client = visitor({
        offlineProbeMs: 50,
        backoff: { baseMs: 60_000, capMs: 60_000 },
        random: () => 0.999,
      });
      const events = record(client);
      client.connect();
      await vi.waitFor(() => expect(client.state).toBe('open'));
      // The socket is dead but does not know it: the heartbeat (60 s) would take two minutes.
      fx.server.answerPings = false;
      window.dispatchEvent(new Event('offline'));
      expect(fx.server.framesOf('ping')).toHaveLength(0);
      await vi.waitFor(() => expect(fx.server.framesOf('ping')).toHaveLength(1));
      await vi.waitFor(() => expect(client.state).toBe('reconnecting'));
      expect(events.state).toEqual(['connecting', 'open', 'reconnecting']);
      await sleep(50);
      expect(fx.server.framesOf('hello')).toHaveLength(1);
      fx.server.answerPings = true;
      window.dispatchEvent(new Event('online'));
      await vi.waitFor(() => expect(events.welcome).toHaveLength(2));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('keeps the socket when it answers the ping sent on offline', async () => {
    const window = stubWindow();
    try {
      const client = visitor({ offlineProbeMs: 50 });
      const events = record(client);
      client.connect();
      await vi.waitFor(() => expect(client.state).toBe('open'));
      window.dispatchEvent(new Event('offline'));
      window.dispatchEvent(new Event('offline'));
      await sleep(150);
      expect(fx.server.framesOf('ping')).toHaveLength(1);
      expect(client.state).toBe('open');
      expect(events.state).toEqual(['connecting', 'open']);
      // Once closed, the client no longer listens.
      client.close();
      window.dispatchEvent(new Event('offline'));
      await sleep(20);
      expect(fx.server.framesOf('ping')).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('ignores offline while not connected, and never throws where the window events misbehave', async () => {
    const window = stubWindow();
    try {
      const quiet = visitor({ offlineProbeMs: 20 });
      quiet.connect();
      window.dispatchEvent(new Event('offline'));
      await vi.waitFor(() => expect(quiet.state).toBe('open'));
      await sleep(60);
      expect(quiet.state).toBe('open');
      expect(fx.server.framesOf('ping')).toHaveLength(0);

      vi.stubGlobal('addEventListener', () => {
        throw new Error('not here');
      });
      const client = visitor();
      expect(() => client.connect()).not.toThrow();
      await vi.waitFor(() => expect(client.state).toBe('open'));
      expect(() => client.close()).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
