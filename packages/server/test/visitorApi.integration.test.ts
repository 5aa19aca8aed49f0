/**
 * The widget's visitor API: identify (identity verification), attributes, page views, custom events,
 * the pre-chat form — and agents seeing visitors change live (`visitor` frames), on their sites only.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Visitor } from '@parley/protocol';
import { trackVisitorEvent } from '../src/visitors/actions';
import { MAX_EVENTS_PER_VISITOR } from '../src/visitors/store';
import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  http,
  useTestServer,
  visitorSocket,
  type AgentSession,
} from './helpers';

const t = useTestServer();

const hmac = (secret: string, id: string) => createHmac('sha256', secret).update(id).digest('hex');

async function secretOf(siteId: string): Promise<string> {
  const r = await http<{ secret: string }>(t.server, 'GET', `/api/v1/sites/${siteId}/identity-secret`, {
    agent: t.owner,
  });
  return r.body.secret;
}

async function newSite(settings: Record<string, unknown> = {}, origins: string[] = []) {
  const site = await createSite(t.server, t.owner, origins);
  if (Object.keys(settings).length > 0) {
    const r = await http(t.server, 'PATCH', `/api/v1/sites/${site.id}`, {
      agent: t.owner,
      body: { settings },
    });
    expect(r.status).toBe(200);
  }
  return { ...site, secret: await secretOf(site.id) };
}

interface IdentifyBody {
  visitor: { id: string; name: string | null; email: string | null };
  verified: boolean;
  token: string | null;
}

function identify(token: string, body: Record<string, unknown>) {
  return http<IdentifyBody>(t.server, 'POST', '/api/v1/visitor/identify', { visitorToken: token, body });
}

function visitorRow(id: string) {
  return t.server.ctx.db.selectFrom('visitors').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** The visitor as an agent of its site sees it. */
async function agentView(id: string, agent: AgentSession = t.owner) {
  return http<{ visitor: Visitor; pageViews: { url: string }[]; events: { name: string }[] }>(
    t.server,
    'GET',
    `/api/v1/visitors/${id}`,
    { agent },
  );
}

describe('identify', () => {
  it('stores an unverified id, name and e-mail when the site does not require verification', async () => {
    const site = await newSite();
    const v = await createVisitor(t.server, site.key);
    const r = await identify(v.token, { id: 'user-1', name: ' Ann ', email: 'ann@example.com' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      visitor: { id: v.visitorId, name: 'Ann', email: 'ann@example.com' },
      verified: false,
      token: null,
    });
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: 'user-1', verified: 0, name: 'Ann' });
    // A wrong hash on such a site is not an error either: the id stays a claim.
    const wrong = await identify(v.token, { id: 'user-1', hash: hmac('not the secret', 'user-1') });
    expect(wrong.status).toBe(200);
    expect(wrong.body.verified).toBe(false);
  });

  it('verifies a correct HMAC (hex, any case) and refuses a verified visitor’s unverified change of id', async () => {
    const site = await newSite();
    const v = await createVisitor(t.server, site.key);
    const r = await identify(v.token, {
      id: 'user-2',
      email: 'bo@example.com',
      hash: hmac(site.secret, 'user-2').toUpperCase(),
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ visitor: { id: v.visitorId }, verified: true, token: null });
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: 'user-2', verified: 1 });
    expect((await agentView(v.visitorId)).body.visitor).toMatchObject({
      externalId: 'user-2',
      verified: true,
    });

    // Unverified calls may update the profile of the same id, never swap the id.
    const same = await identify(v.token, { id: 'user-2', name: 'Bo' });
    expect(same.status).toBe(200);
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: 'user-2', verified: 1, name: 'Bo' });
    const other = await identify(v.token, { id: 'user-3' });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error: { code: 'identity_verification_failed' } });
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: 'user-2', verified: 1 });
  });

  it('refuses a missing or wrong hash with 403 when the site requires verification, storing nothing', async () => {
    const site = await newSite({ requireIdentityVerification: true });
    const otherSite = await newSite();
    const v = await createVisitor(t.server, site.key);
    for (const hash of [
      undefined,
      hmac('x', 'user-4'),
      hmac(site.secret, 'user-5'),
      hmac(otherSite.secret, 'user-4'),
    ]) {
      const r = await identify(v.token, { id: 'user-4', name: 'Eve', ...(hash !== undefined && { hash }) });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ error: { code: 'identity_verification_failed' } });
    }
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: null, verified: 0, name: null });
    const ok = await identify(v.token, { id: 'user-4', hash: hmac(site.secret, 'user-4') });
    expect(ok.body.verified).toBe(true);
  });

  it('a verified id known from another browser switches to that visitor with a new token; both browsers keep working', async () => {
    const site = await newSite();
    const first = await createVisitor(t.server, site.key);
    await identify(first.token, { id: 'user-42', hash: hmac(site.secret, 'user-42') });
    const started = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: first.token,
      },
    );

    const second = await createVisitor(t.server, site.key);
    const r = await identify(second.token, {
      id: 'user-42',
      name: 'Max',
      hash: hmac(site.secret, 'user-42'),
    });
    expect(r.status).toBe(200);
    expect(r.body.visitor.id).toBe(first.visitorId);
    expect(r.body.verified).toBe(true);
    expect(r.body.token).toMatch(/^pv_/);
    const token = r.body.token ?? '';

    // The new token is that visitor's: its history, its socket.
    const history = await http<{ conversations: { id: string }[] }>(
      t.server,
      'GET',
      '/api/v1/visitor/conversations',
      {
        visitorToken: token,
      },
    );
    expect(history.body.conversations.map((c) => c.id)).toEqual([started.body.conversation.id]);
    const ws = await visitorSocket(t.server, token, { siteKey: site.key });
    expect((await ws.next('welcome')).visitor?.id).toBe(first.visitorId);
    ws.close();
    // Resuming a session with it keeps it; the first browser's token still works; the second
    // browser's own visitor is untouched.
    const resumed = await http<{ visitor: { id: string }; created: boolean }>(
      t.server,
      'POST',
      '/api/v1/visitor/session',
      {
        body: { siteKey: site.key, token },
      },
    );
    expect(resumed.body).toMatchObject({ visitor: { id: first.visitorId }, created: false });
    const old = await http(t.server, 'GET', '/api/v1/visitor/conversations', { visitorToken: first.token });
    expect(old.status).toBe(200);
    expect(await visitorRow(first.visitorId)).toMatchObject({
      name: 'Max',
      external_id: 'user-42',
      verified: 1,
    });
    expect(await visitorRow(second.visitorId)).toMatchObject({ external_id: null, verified: 0 });
  });

  it('an unverified claim never switches identity, nor blocks the real user later', async () => {
    const site = await newSite();
    const owner = await createVisitor(t.server, site.key);
    await identify(owner.token, { id: 'user-7', hash: hmac(site.secret, 'user-7') });

    const mallory = await createVisitor(t.server, site.key);
    const claim = await identify(mallory.token, { id: 'user-7', name: 'Not really' });
    expect(claim.body).toEqual({
      visitor: { id: mallory.visitorId, name: 'Not really', email: null },
      verified: false,
      token: null,
    });
    expect(await visitorRow(owner.visitorId)).toMatchObject({ name: null });

    // A claim made first does not capture the id either: the verified user gets a visitor of its own.
    const squatter = await createVisitor(t.server, site.key);
    await identify(squatter.token, { id: 'user-8' });
    const real = await createVisitor(t.server, site.key);
    const r = await identify(real.token, { id: 'user-8', hash: hmac(site.secret, 'user-8') });
    expect(r.body).toMatchObject({ visitor: { id: real.visitorId }, verified: true, token: null });
    expect(await visitorRow(squatter.visitorId)).toMatchObject({ external_id: 'user-8', verified: 0 });
  });

  it('a browser verified as one user that verifies as another (shared computer) gets a fresh visitor', async () => {
    const site = await newSite();
    const v = await createVisitor(t.server, site.key);
    await identify(v.token, { id: 'alice', name: 'Alice', hash: hmac(site.secret, 'alice') });
    await http(t.server, 'POST', '/api/v1/visitor/attributes', {
      visitorToken: v.token,
      body: { attributes: { plan: 'pro' } },
    });
    const r = await identify(v.token, { id: 'bob', hash: hmac(site.secret, 'bob') });
    expect(r.body.verified).toBe(true);
    expect(r.body.visitor.id).not.toBe(v.visitorId);
    expect(r.body.token).toMatch(/^pv_/);
    const bob = await visitorRow(r.body.visitor.id);
    expect(bob).toMatchObject({
      external_id: 'bob',
      verified: 1,
      name: null,
      attributes: '{}',
      site_id: site.id,
    });
    expect(await visitorRow(v.visitorId)).toMatchObject({ external_id: 'alice', name: 'Alice' });
  });

  it('two browsers verifying the same new id at once end up as one visitor', async () => {
    const site = await newSite();
    const [a, b] = await Promise.all([createVisitor(t.server, site.key), createVisitor(t.server, site.key)]);
    const hash = hmac(site.secret, 'racer');
    const [ra, rb] = await Promise.all([
      identify(a.token, { id: 'racer', hash }),
      identify(b.token, { id: 'racer', hash }),
    ]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(ra.body.visitor.id).toBe(rb.body.visitor.id);
    // Exactly one of them was handed over with a new token.
    expect([ra.body.token, rb.body.token].filter((x) => x !== null)).toHaveLength(1);
    const owners = await t.server.ctx.db
      .selectFrom('visitors')
      .select('id')
      .where('site_id', '=', site.id)
      .where('external_id', '=', 'racer')
      .where('verified', '=', 1)
      .execute();
    expect(owners).toHaveLength(1);
  });

  it('verified ids are per site: the same id on another site is another visitor', async () => {
    const s1 = await newSite();
    const s2 = await newSite();
    const v1 = await createVisitor(t.server, s1.key);
    const v2 = await createVisitor(t.server, s2.key);
    await identify(v1.token, { id: 'shared', hash: hmac(s1.secret, 'shared') });
    const r = await identify(v2.token, { id: 'shared', hash: hmac(s2.secret, 'shared') });
    expect(r.body).toMatchObject({ visitor: { id: v2.visitorId }, verified: true, token: null });
  });

  it('validates input and authentication', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    expect((await identify(v.token, { id: '' })).status).toBe(400);
    expect((await identify(v.token, { id: 'x', hash: 'zz' })).status).toBe(400);
    expect((await identify(v.token, { id: 'x', email: 'not-mail' })).status).toBe(400);
    expect((await identify('pv_nope', { id: 'x' })).status).toBe(401);
  });
});

describe('attributes, page views and events', () => {
  it('merges attributes, null deletes, and limits the total', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const set = (attributes: Record<string, unknown>) =>
      http<{ visitor: Visitor }>(t.server, 'POST', '/api/v1/visitor/attributes', {
        visitorToken: v.token,
        body: { attributes },
      });
    await set({ plan: 'pro', seats: 3, trial: false });
    const r = await set({ seats: 5, trial: null, 'org.id': 'o-1' });
    expect(r.status).toBe(200);
    expect(r.body.visitor.attributes).toEqual({ plan: 'pro', seats: 5, 'org.id': 'o-1' });
    expect((await set({ '1bad': 'x' })).status).toBe(400);
    expect((await set({ big: 'x'.repeat(1001) })).status).toBe(400);

    const many = (from: number) =>
      Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${from + i}`, i] as const));
    expect((await set(many(0))).status).toBe(200);
    const over = await set(many(50));
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(Object.keys((await agentView(v.visitorId)).body.visitor.attributes)).toHaveLength(53);
  });

  it('records page views: last page and title, the agent’s list, http(s) URLs only', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const view = (body: Record<string, unknown>) =>
      http<{ visitor: Visitor }>(t.server, 'POST', '/api/v1/visitor/pageviews', {
        visitorToken: v.token,
        body,
      });
    expect(
      (await view({ url: 'https://shop.example/', title: 'Home', referrer: 'https://search.example/' }))
        .status,
    ).toBe(200);
    const r = await view({ url: 'https://shop.example/pricing?x=1#plans', title: 'Pricing' });
    expect(r.body.visitor).toMatchObject({
      lastPageUrl: 'https://shop.example/pricing?x=1#plans',
      lastPageTitle: 'Pricing',
    });
    for (const url of ['javascript:alert(1)', 'not a url', 'ftp://x.example/']) {
      const bad = await view({ url });
      expect(bad.status, url).toBe(422);
    }
    const details = await agentView(v.visitorId);
    expect(details.body.pageViews.map((p) => p.url)).toEqual([
      'https://shop.example/pricing?x=1#plans',
      'https://shop.example/',
    ]);
    expect(details.body.pageViews[1]).toMatchObject({ title: 'Home', referrer: 'https://search.example/' });
  });

  it('a session records its landing page, http(s) only, and the site’s agents see it', async () => {
    const ws = await agentSocket(t.server, t.owner);
    await ws.next('welcome');
    const start = (pageUrl: string) =>
      http<{ visitor: Visitor }>(t.server, 'POST', '/api/v1/visitor/session', {
        body: { siteKey: t.server.siteKey, pageUrl, pageTitle: 'Landing', referrer: 'https://ref.example/' },
      });
    const odd = await start('about:blank');
    expect(odd.status).toBe(201);
    expect(odd.body.visitor.lastPageUrl).toBeNull();
    const r = await start('https://shop.example/landing');
    expect(r.body.visitor).toMatchObject({
      lastPageUrl: 'https://shop.example/landing',
      lastPageTitle: 'Landing',
    });
    const f = await ws.next('visitor', (x) => x.visitor.id === r.body.visitor.id);
    expect(f.visitor.lastPageTitle).toBe('Landing');
    expect((await agentView(r.body.visitor.id)).body.pageViews).toEqual([
      expect.objectContaining({ url: 'https://shop.example/landing', referrer: 'https://ref.example/' }),
    ]);
    expect((await agentView(odd.body.visitor.id)).body.pageViews).toEqual([]);
    ws.close();
  });

  it('stores custom events with bounded data and keeps only the newest per visitor', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const track = (body: Record<string, unknown>) =>
      http(t.server, 'POST', '/api/v1/visitor/events', { visitorToken: v.token, body });
    expect((await track({ name: 'checkout_started', data: { cart: 3, coupon: null } })).status).toBe(200);
    expect((await track({ name: 'x'.repeat(101) })).status).toBe(400);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i] as const));
    expect((await track({ name: 'big', data: tooMany })).status).toBe(400);
    expect((await track({ name: 'nested', data: { a: { b: 1 } } })).status).toBe(400);
    const details = await agentView(v.visitorId);
    expect(details.body.events).toEqual([
      { name: 'checkout_started', data: { cart: 3, coupon: null }, at: expect.any(String) as unknown },
    ]);

    const actor = { kind: 'visitor' as const, id: v.visitorId, siteId: t.server.siteId, name: null };
    for (let i = 0; i < MAX_EVENTS_PER_VISITOR + 5; i++)
      await trackVisitorEvent(t.server.ctx, actor, { name: `e${i}` });
    const rows = await t.server.ctx.db
      .selectFrom('visitor_events')
      .select('name')
      .where('visitor_id', '=', v.visitorId)
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(MAX_EVENTS_PER_VISITOR);
    expect(rows[0]?.name).toBe('e5');
    expect(rows.at(-1)?.name).toBe(`e${MAX_EVENTS_PER_VISITOR + 4}`);
  });

  it('applies the site’s allowed origins to every visitor endpoint', async () => {
    const site = await newSite({}, ['https://shop.example']);
    const res = await http<{ token: string }>(t.server, 'POST', '/api/v1/visitor/session', {
      body: { siteKey: site.key },
      headers: { origin: 'https://shop.example' },
    });
    const token = res.body.token;
    for (const [path, body] of [
      ['/api/v1/visitor/identify', { id: 'x' }],
      ['/api/v1/visitor/attributes', { attributes: { a: 1 } }],
      ['/api/v1/visitor/pageviews', { url: 'https://shop.example/' }],
      ['/api/v1/visitor/events', { name: 'e' }],
      ['/api/v1/visitor/prechat', { fields: { name: 'x' } }],
    ] as const) {
      const bad = await http(t.server, 'POST', path, {
        visitorToken: token,
        body,
        headers: { origin: 'https://evil.example' },
      });
      expect(bad.status, path).toBe(403);
      expect(bad.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
      const good = await http(t.server, 'POST', path, {
        visitorToken: token,
        body,
        headers: { origin: 'https://shop.example' },
      });
      expect(good.status, path).toBe(200);
      expect(good.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    }
  });
});

describe('pre-chat form', () => {
  it('fills the visitor, chooses the department of the next conversation, keeps the rest as attributes', async () => {
    const site = await newSite();
    const dept = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Billing', siteId: site.id },
    });
    const departmentId = dept.body.department.id;
    const v = await createVisitor(t.server, site.key);
    const r = await http<{ visitor: Visitor; departmentId: string | null }>(
      t.server,
      'POST',
      '/api/v1/visitor/prechat',
      {
        visitorToken: v.token,
        body: {
          fields: {
            name: 'Cleo',
            email: 'cleo@example.com',
            department: departmentId,
            orderNo: 'A-17',
            note: '',
          },
        },
      },
    );
    expect(r.status).toBe(200);
    expect(r.body.departmentId).toBe(departmentId);
    expect(r.body.visitor).toMatchObject({
      name: 'Cleo',
      email: 'cleo@example.com',
      attributes: { orderNo: 'A-17' },
    });

    const conv = await http<{ conversation: { id: string } }>(
      t.server,
      'POST',
      '/api/v1/visitor/conversations',
      {
        visitorToken: v.token,
      },
    );
    const forAgent = await http<{
      conversation: { departmentId: string | null; visitorName: string | null };
    }>(t.server, 'GET', `/api/v1/conversations/${conv.body.conversation.id}`, { agent: t.owner });
    expect(forAgent.body.conversation).toMatchObject({ departmentId, visitorName: 'Cleo' });
  });

  it('refuses departments of other sites, unknown ones and bad e-mails, changing nothing', async () => {
    const site = await newSite();
    const other = await newSite();
    const foreign = await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
      agent: t.owner,
      body: { name: 'Elsewhere', siteId: other.id },
    });
    const v = await createVisitor(t.server, site.key);
    for (const fields of [
      { name: 'Dan', department: foreign.body.department.id },
      { name: 'Dan', department: 'no-such-department' },
      { name: 'Dan', email: 'not an email' },
      { name: 'Dan', 'bad key!': 'x' },
    ]) {
      const r = await http(t.server, 'POST', '/api/v1/visitor/prechat', {
        visitorToken: v.token,
        body: { fields },
      });
      expect(r.status, JSON.stringify(fields)).toBe(422);
      expect(r.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    expect(await visitorRow(v.visitorId)).toMatchObject({
      name: null,
      department_id: null,
      attributes: '{}',
    });
  });
});

describe('agents see visitors change live', () => {
  it('sends `visitor` frames to agents of the site only, never to visitors or other sites', async () => {
    const site = await newSite();
    const other = await newSite();
    const member = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const m = await agentSocket(t.server, member);
    const o = await agentSocket(t.server, outsider);
    const admin = await agentSocket(t.server, t.owner);
    await Promise.all([m.next('welcome'), o.next('welcome'), admin.next('welcome')]);

    const v = await createVisitor(t.server, site.key);
    const vs = await visitorSocket(t.server, v.token, { siteKey: site.key });
    await vs.next('welcome');
    const otherVisitor = await createVisitor(t.server, other.key);
    const ovs = await visitorSocket(t.server, otherVisitor.token, { siteKey: other.key });
    await ovs.next('welcome');

    await http(t.server, 'POST', '/api/v1/visitor/pageviews', {
      visitorToken: v.token,
      body: { url: 'https://shop.example/cart', title: 'Cart' },
    });
    const page = await m.next('visitor', (f) => f.visitor.id === v.visitorId);
    expect(page.visitor).toMatchObject({
      siteId: site.id,
      lastPageUrl: 'https://shop.example/cart',
      lastPageTitle: 'Cart',
    });
    await admin.next('visitor', (f) => f.visitor.id === v.visitorId);

    await identify(v.token, { id: 'u-99', email: 'u99@example.com', hash: hmac(site.secret, 'u-99') });
    const who = await m.next('visitor', (f) => f.visitor.id === v.visitorId && f.visitor.verified);
    expect(who.visitor).toMatchObject({ externalId: 'u-99', email: 'u99@example.com' });

    await http(t.server, 'POST', '/api/v1/visitor/attributes', {
      visitorToken: v.token,
      body: { attributes: { vip: true } },
    });
    await m.next('visitor', (f) => f.visitor.attributes.vip === true);
    await http(t.server, 'POST', '/api/v1/visitor/prechat', {
      visitorToken: v.token,
      body: { fields: { name: 'Nia' } },
    });
    await m.next('visitor', (f) => f.visitor.name === 'Nia');

    // The other site's visitor reaches only its own site's agents.
    await http(t.server, 'POST', '/api/v1/visitor/pageviews', {
      visitorToken: otherVisitor.token,
      body: { url: 'https://other.example/' },
    });
    await o.next('visitor', (f) => f.visitor.id === otherVisitor.visitorId);
    expect(m.all('visitor').every((f) => f.visitor.siteId === site.id)).toBe(true);
    expect(o.all('visitor').every((f) => f.visitor.siteId === other.id)).toBe(true);
    expect(vs.all('visitor')).toEqual([]);
    expect(ovs.all('visitor')).toEqual([]);
    // No event for the unchanged: a repeated identical attribute write publishes nothing.
    const before = m.all('visitor').length;
    await http(t.server, 'POST', '/api/v1/visitor/attributes', {
      visitorToken: v.token,
      body: { attributes: { vip: true } },
    });
    await http(t.server, 'POST', '/api/v1/visitor/pageviews', {
      visitorToken: v.token,
      body: { url: 'https://shop.example/end' },
    });
    await m.next('visitor', (f) => f.visitor.lastPageUrl === 'https://shop.example/end');
    expect(m.all('visitor').length).toBe(before + 1);
    // Events are fanned out in order: everything published before 'end' has reached every socket.
    expect(m.all('visitor').every((f) => f.visitor.siteId === site.id)).toBe(true);
    expect(o.all('visitor').every((f) => f.visitor.siteId === other.id)).toBe(true);
    expect(vs.all('visitor')).toEqual([]);
    expect(ovs.all('visitor')).toEqual([]);
    for (const s of [m, o, admin, vs, ovs]) s.close();
  });

  it('GET /api/v1/visitors/:id is for agents of the visitor’s site', async () => {
    const site = await newSite();
    const other = await newSite();
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const member = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const v = await createVisitor(t.server, site.key);
    expect((await agentView(v.visitorId, member)).status).toBe(200);
    const r = await agentView(v.visitorId, outsider);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: { code: 'not_found' } });
    expect(
      (await http(t.server, 'GET', `/api/v1/visitors/${v.visitorId}`, { visitorToken: v.token })).status,
    ).toBe(401);
  });
});
