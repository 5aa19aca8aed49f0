import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '@parley/protocol';
import {
  RawSocket,
  agentSocket,
  createVisitor,
  http,
  uuid,
  visitorSocket,
  startTestServer,
  useTestServer,
} from './helpers';

const t = useTestServer({
  sendRate: { visitor: { perSecond: 1, burst: 5 }, agent: { perSecond: 20, burst: 60 } },
});

const countMessages = async () =>
  Number(
    (
      await t.server.ctx.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function readyVisitor() {
  const v = await createVisitor(t.server, t.server.siteKey);
  const ws = await visitorSocket(t.server, v.token);
  await ws.next('welcome');
  return { ...v, ws };
}

describe('WebSocket frames that are not right get an error frame and change nothing', () => {
  it.each([
    ['malformed JSON', '{"t":"send",', 'bad_json'],
    ['a JSON array', '[1,2,3]', 'bad_frame'],
    ['a JSON string', '"hello"', 'bad_frame'],
    ['an unknown type', JSON.stringify({ t: 'launch_missiles' }), 'unknown_type'],
    ['a missing type', JSON.stringify({ body: 'x' }), 'unknown_type'],
    ['an inherited type name', JSON.stringify({ t: 'toString' }), 'unknown_type'],
    ['wrong field types', JSON.stringify({ t: 'send', clientMsgId: 42, body: ['x'] }), 'bad_frame'],
    [
      'a clientMsgId that is not a UUID',
      JSON.stringify({ t: 'send', clientMsgId: 'abc', body: 'x' }),
      'bad_frame',
    ],
    ['an empty body', JSON.stringify({ t: 'send', clientMsgId: uuid(), body: '   ' }), 'bad_frame'],
    [
      'a body over the limit',
      JSON.stringify({ t: 'send', clientMsgId: uuid(), body: 'x'.repeat(10_001) }),
      'bad_frame',
    ],
    [
      'a __proto__ key',
      `{"t":"send","clientMsgId":"${uuid()}","body":"x","__proto__":{"private":true}}`,
      'bad_json',
    ],
    [
      'a nested constructor.prototype',
      `{"t":"ping","x":{"constructor":{"prototype":{"polluted":1}}}}`,
      'bad_json',
    ],
    ['a negative seq', JSON.stringify({ t: 'read', conversationId: 'c', seq: -1 }), 'bad_frame'],
  ])('%s', async (_name, frame, code) => {
    const { ws } = await readyVisitor();
    const before = await countMessages();
    ws.send(frame);
    expect(await ws.next('error')).toMatchObject({ code });
    // The socket stays usable.
    ws.send({ t: 'ping', ref: 'still-there' });
    expect(await ws.next('pong')).toMatchObject({ ref: 'still-there' });
    expect(await countMessages()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    ws.close();
  });

  it('answers frames in the order they arrived, errors included', async () => {
    const { ws } = await readyVisitor();
    ws.send({ t: 'ping', ref: 'a' });
    ws.send({ t: 'ping', ref: 'b' });
    ws.send('{nope');
    ws.send({ t: 'ping', ref: 'c' });
    await ws.next('pong', (p) => p.ref === 'c');
    expect(ws.frames.filter((f) => f.t !== 'welcome').map((f) => (f.t === 'pong' ? f.ref : f.t))).toEqual([
      'a',
      'b',
      'error',
      'c',
    ]);
    ws.close();
  });

  it('refuses frames beyond the per-socket backlog instead of queueing without bound', async () => {
    const { ws } = await readyVisitor();
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'hello' });
    const { conversationId } = await ws.next('ack');
    // Each fetch reads the database, so 600 sent at once pile up behind one another whatever the
    // network's chunking: more than the backlog of 256 are waiting, and the rest are refused.
    const total = 600;
    for (let i = 0; i < total; i++) ws.send({ t: 'fetch', ref: `f${i}`, conversationId, afterSeq: 0 });
    const answered = (): number =>
      ws.all('history').length + ws.all('error').filter((e) => e.code === 'rate_limited').length;
    const deadline = Date.now() + 20_000;
    while (answered() < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const refused = ws.all('error').filter((e) => e.code === 'rate_limited');
    expect(refused.length).toBeGreaterThan(0);
    expect(ws.all('history').length + refused.length).toBe(total);
    // The socket is still served afterwards.
    ws.send({ t: 'ping', ref: 'after' });
    await ws.next('pong', (p) => p.ref === 'after');
    ws.close();
  });

  it('refuses a resume map naming too many conversations', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const resume = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`c${i}`, 0]));
    const ws = await visitorSocket(t.server, v.token, { resume });
    expect(await ws.next('error')).toMatchObject({ code: 'bad_frame' });
    ws.close();
  });

  it('refuses a frame over the size limit before parsing it', async () => {
    const { ws } = await readyVisitor();
    ws.send(JSON.stringify({ t: 'send', clientMsgId: uuid(), body: 'x', pad: 'y'.repeat(MAX_FRAME_BYTES) }));
    expect(await ws.next('error')).toMatchObject({ code: 'frame_too_large' });
    ws.send({ t: 'ping' });
    await ws.next('pong');
    ws.close();
  });

  it('closes with 1009 on a frame over the hard cap', async () => {
    const { ws } = await readyVisitor();
    ws.send('x'.repeat(2 * 1024 * 1024));
    expect((await ws.closed()).code).toBe(1009);
  });

  it('rejects invalid UTF-8 and binary frames', async () => {
    const { ws } = await readyVisitor();
    ws.ws.send(Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), { binary: false });
    expect(await ws.next('error')).toMatchObject({ code: 'invalid_utf8' });
    ws.ws.send(Buffer.from('{"t":"ping"}'), { binary: true });
    expect(await ws.next('error')).toMatchObject({ code: 'bad_frame' });
    ws.close();
  });

  it('requires hello first and refuses a second hello', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const ws = await RawSocket.open(t.server.wsUrl);
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'sneaky' });
    expect(await ws.next('error')).toMatchObject({ code: 'not_authenticated' });
    ws.send({ t: 'hello', v: 1, role: 'visitor', siteKey: t.server.siteKey, token: v.token });
    await ws.next('welcome');
    ws.send({ t: 'hello', v: 1, role: 'visitor', siteKey: t.server.siteKey, token: v.token });
    expect(await ws.next('error')).toMatchObject({ code: 'already_authenticated' });
    ws.close();
  });

  it('refuses an unknown protocol version and a bad token', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const ws = await RawSocket.open(t.server.wsUrl);
    ws.send({ t: 'hello', v: 99, role: 'visitor', siteKey: t.server.siteKey, token: v.token });
    expect(await ws.next('error')).toMatchObject({ code: 'unsupported_version' });
    await ws.closed();
    const bad = await visitorSocket(t.server, 'pv_not-a-real-token');
    expect(await bad.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await bad.closed()).code).toBe(4401);
  });

  it('closes a socket that never says hello, and one that goes silent', async () => {
    const quick = await startTestServer({ heartbeatMs: 300, helloTimeoutMs: 200 });
    try {
      const mute = await RawSocket.open(quick.wsUrl);
      expect(await mute.next('error')).toMatchObject({ code: 'hello_timeout' });
      expect((await mute.closed()).code).toBe(4408);

      // A client that stops answering pings (a dead laptop) is dropped after two heartbeats.
      const v = await createVisitor(quick, quick.siteKey);
      const ws = await RawSocket.open(quick.wsUrl, {}, { autoPong: false });
      ws.send({ t: 'hello', v: 1, role: 'visitor', siteKey: quick.siteKey, token: v.token });
      await ws.next('welcome');
      expect((await ws.closed()).code).toBe(1001);
    } finally {
      await quick.stop();
    }
  });

  it('rate-limits sends per socket with an error the client can retry on', async () => {
    const { ws } = await readyVisitor();
    const ids = Array.from({ length: 8 }, () => uuid());
    for (const clientMsgId of ids) ws.send({ t: 'send', clientMsgId, body: 'spam' });
    const limited = await ws.next('error', (e) => e.code === 'rate_limited');
    expect(ids).toContain(limited.ref);
    await new Promise((r) => setTimeout(r, 300));
    const acked = ws.all('ack').map((a) => a.clientMsgId);
    expect(acked.length).toBeGreaterThanOrEqual(5);
    expect(acked.length).toBeLessThan(8);
    ws.close();
  });
});

describe('Origin checks on the WebSocket handshake', () => {
  it('visitors: only the site’s allowed origins', async () => {
    const site = await http<{ site: { id: string; key: string } }>(t.server, 'POST', '/api/v1/sites', {
      agent: t.owner,
      body: { name: 'Shop', allowedOrigins: ['https://shop.example.com'] },
    });
    const key = site.body.site.key;
    const denied = await http(t.server, 'POST', '/api/v1/visitor/session', {
      body: { siteKey: key },
      headers: { origin: 'https://evil.example.net' },
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
    const ok = await http<{ token: string }>(t.server, 'POST', '/api/v1/visitor/session', {
      body: { siteKey: key },
      headers: { origin: 'https://shop.example.com' },
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');

    const evil = await visitorSocket(t.server, ok.body.token, {
      siteKey: key,
      origin: 'https://evil.example.net',
    });
    expect(await evil.next('error')).toMatchObject({ code: 'origin_not_allowed' });
    expect((await evil.closed()).code).toBe(4403);
    const good = await visitorSocket(t.server, ok.body.token, {
      siteKey: key,
      origin: 'https://shop.example.com',
    });
    await good.next('welcome');
    good.close();
  });

  it('agents: only the console’s own origin', async () => {
    const cross = await agentSocket(t.server, t.owner, { origin: 'https://evil.example.net' });
    expect(await cross.next('error')).toMatchObject({ code: 'origin_not_allowed' });
    expect((await cross.closed()).code).toBe(4403);
    const same = await agentSocket(t.server, t.owner, { origin: t.server.url });
    await same.next('welcome');
    same.close();
  });

  it('agents without a session are refused', async () => {
    const ws = await RawSocket.open(t.server.wsUrl, { cookie: 'parley_session=forged' });
    ws.send({ t: 'hello', v: 1, role: 'agent' });
    expect(await ws.next('error')).toMatchObject({ code: 'unauthorized' });
    expect((await ws.closed()).code).toBe(4401);
  });

  it('404s upgrades on other paths', async () => {
    const ws = new WebSocket(t.server.url.replace('http', 'ws') + '/not-ws');
    const err = await new Promise<Error>((resolve) => ws.once('error', resolve));
    expect(err.message).toContain('404');
  });
});

describe('REST bad input: 4xx JSON, nothing changed', () => {
  it('malformed JSON, invalid UTF-8, prototype keys, wrong types, too large, wrong media type', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const before = await t.server.ctx.db.selectFrom('sites').select('id').execute();
    const cases: [
      string,
      { rawBody?: BodyInit; body?: unknown; headers?: Record<string, string> },
      number,
      string,
    ][] = [
      [
        'malformed',
        { rawBody: '{"name":', headers: { 'content-type': 'application/json' } },
        400,
        'bad_json',
      ],
      [
        'utf8',
        {
          rawBody: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
          headers: { 'content-type': 'application/json' },
        },
        400,
        'invalid_utf8',
      ],
      [
        'proto',
        {
          rawBody: '{"name":"x","__proto__":{"admin":true}}',
          headers: { 'content-type': 'application/json' },
        },
        400,
        'bad_json',
      ],
      ['types', { body: { name: 42, allowedOrigins: 'x' } }, 400, 'validation_failed'],
      ['blank', { body: { name: '   ' } }, 400, 'validation_failed'],
      ['origin', { body: { name: 'x', allowedOrigins: ['javascript:alert(1)'] } }, 422, 'validation_failed'],
      [
        'large',
        {
          rawBody: JSON.stringify({ name: 'x'.repeat(300_000) }),
          headers: { 'content-type': 'application/json' },
        },
        413,
        'payload_too_large',
      ],
      [
        'media',
        { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
        415,
        'unsupported_media_type',
      ],
    ];
    for (const [name, opts, status, code] of cases) {
      const r = await http(t.server, 'POST', '/api/v1/sites', { ...opts, agent: t.owner });
      expect({ name, status: r.status, body: r.body }).toMatchObject({
        name,
        status,
        body: { error: { code } },
      });
      expect(r.headers.get('content-type')).toContain('application/json');
    }
    expect(await t.server.ctx.db.selectFrom('sites').select('id').execute()).toEqual(before);
    const conv = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      { visitorToken: v.token },
    );
    const blank = await http(
      t.server,
      'POST',
      `/api/v1/visitor/conversations/${conv.body.conversation.id}/messages`,
      {
        visitorToken: v.token,
        body: { clientMsgId: uuid(), body: ' \n ' },
      },
    );
    expect(blank).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    const badUrl = await http(t.server, 'GET', '/api/v1/conversations/%zz', { visitorToken: v.token });
    expect(badUrl).toMatchObject({
      status: 400,
      body: { error: { code: 'validation_failed' }, requestId: expect.any(String) as unknown },
    });
    const unknown = await http(t.server, 'GET', '/api/v1/nope', { visitorToken: v.token });
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const badSession = await http(t.server, 'POST', '/api/v1/visitor/session', {
      body: { siteKey: 'no-such-site' },
    });
    expect(badSession).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
