/**
 * The widget's public configuration (`GET /api/v1/widget/config`), the site settings it is made
 * from (deep-merged PATCH, validated), and the identity secret admins hand to their backend.
 */
import { describe, expect, it } from 'vitest';
import { VisitorPollResponse, WidgetConfig } from '@parley/protocol';
import {
  agentSocket,
  createAgent,
  createSite,
  createVisitor,
  http,
  useTestServer,
  type AgentSession,
} from './helpers';

const t = useTestServer();

interface SiteBody {
  site: { id: string; key: string; settings: Record<string, unknown> };
}

function config(key: string, headers: Record<string, string> = {}) {
  return http(t.server, 'GET', `/api/v1/widget/config?site=${key}`, { headers });
}

function patchSite(id: string, body: unknown, agent: AgentSession = t.owner) {
  return http<SiteBody>(t.server, 'PATCH', `/api/v1/sites/${id}`, { agent, body });
}

async function setStatus(agent: AgentSession, status: 'online' | 'away' | 'offline') {
  const r = await http(t.server, 'PATCH', '/api/v1/me', { agent, body: { status } });
  expect(r.status).toBe(200);
}

describe('GET /api/v1/widget/config', () => {
  it('answers the full public configuration with defaults, and no secret', async () => {
    const site = await createSite(t.server, t.owner);
    const r = await config(site.key);
    expect(r.status).toBe(200);
    const cfg = WidgetConfig.parse(r.body);
    expect(cfg).toMatchObject({
      siteKey: site.key,
      siteName: 'Other site',
      appearance: { color: '#2563eb', position: 'right', teamName: 'Support', language: 'auto' },
      hours: { enabled: false, timeZone: 'UTC' },
      outsideHours: 'offline_form',
      noAgents: 'offline_form',
      agentsOnline: false,
      triggers: [],
      sneakPeek: false,
      requireIdentityVerification: false,
      transcripts: false,
    });
    const secret = await http<{ secret: string }>(
      t.server,
      'GET',
      `/api/v1/sites/${site.id}/identity-secret`,
      {
        agent: t.owner,
      },
    );
    expect(JSON.stringify(r.body)).not.toContain(secret.body.secret);
    expect(Object.keys(r.body)).not.toContain('missedAfterSeconds');
  });

  it('is cacheable: ETag, Cache-Control, 304 on If-None-Match, a new ETag when settings change', async () => {
    const site = await createSite(t.server, t.owner);
    const first = await config(site.key);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=30');
    expect(first.headers.get('vary')).toMatch(/origin/i);

    const again = await config(site.key, { 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=30');
    // Pages of the server itself (console preview, demo page) revalidate every time.
    const own = await config(site.key, { 'sec-fetch-site': 'same-origin' });
    expect(own.headers.get('cache-control')).toBe('no-cache');
    // Weak and listed validators match too; another one does not.
    expect((await config(site.key, { 'if-none-match': `"nope", W/${etag ?? ''}` })).status).toBe(304);
    expect((await config(site.key, { 'if-none-match': '"nope"' })).status).toBe(200);

    expect((await patchSite(site.id, { settings: { appearance: { teamName: 'Crew' } } })).status).toBe(200);
    const changed = await config(site.key, { 'if-none-match': etag ?? '' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body).toMatchObject({ appearance: { teamName: 'Crew' } });
  });

  it('enforces the site’s allowed origins (CORS like the other visitor routes)', async () => {
    const site = await createSite(t.server, t.owner, ['https://shop.example']);
    const ok = await config(site.key, { origin: 'https://shop.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(ok.headers.get('access-control-expose-headers')).toMatch(/etag/i);
    const bad = await config(site.key, { origin: 'https://evil.example' });
    expect(bad.status).toBe(403);
    expect(bad.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
    expect(bad.headers.get('cache-control')).toBeNull();

    const preflight = await fetch(`${t.server.url}/api/v1/widget/config?site=${site.key}`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'if-none-match',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('if-none-match');
  });

  it('answers 404 JSON for an unknown key and 400 without one', async () => {
    const r = await config('no-such-key');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: { code: 'not_found' } });
    const missing = await http(t.server, 'GET', '/api/v1/widget/config');
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ error: { code: 'validation_failed' } });
  });

  it('lists only enabled triggers, the site’s and global departments, and at most 5 agents', async () => {
    const site = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const triggers = [
      { id: 'a', kind: 'time_on_page', seconds: 10, message: 'Need help?' },
      { id: 'b', kind: 'exit_intent', message: 'Wait!', enabled: false },
      { id: 'c', kind: 'custom_event', event: 'checkout_started', message: 'Questions?' },
    ];
    expect((await patchSite(site.id, { settings: { triggers } })).status).toBe(200);
    const dept = async (name: string, siteId: string | null) =>
      (
        await http<{ department: { id: string } }>(t.server, 'POST', '/api/v1/departments', {
          agent: t.owner,
          body: { name, siteId },
        })
      ).body.department.id;
    const sales = await dept('Sales (widget test)', site.id);
    const global = await dept('Global (widget test)', null);
    const foreign = await dept('Foreign (widget test)', other.id);
    for (let i = 0; i < 6; i++)
      await createAgent(t.server, t.owner, { siteIds: [site.id], name: `Member ${i}` });

    const cfg = WidgetConfig.parse((await config(site.key)).body);
    expect(cfg.triggers.map((x) => x.id)).toEqual(['a', 'c']);
    const ids = cfg.departments.map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining([sales, global]));
    expect(ids).not.toContain(foreign);
    expect(cfg.agents).toHaveLength(5);
    expect(cfg.agents[0]?.avatarUrl).toBeNull();
    expect(cfg.agents[0]?.name).toMatch(/^Member \d$/);

    await patchSite(site.id, { settings: { appearance: { showAgents: false } } });
    expect(WidgetConfig.parse((await config(site.key)).body).agents).toEqual([]);
  });

  it('agentsOnline: an agent of the site with status online and a live connection', async () => {
    const site = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const member = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Zed Online' });
    const outsider = await createAgent(t.server, t.owner, { siteIds: [other.id] });
    const visitor = await createVisitor(t.server, site.key);
    // The configuration a page loads and the poll of a page already open say the same.
    const online = async () => {
      const loaded = WidgetConfig.parse((await config(site.key)).body).agentsOnline;
      const poll = await http(t.server, 'GET', '/api/v1/visitor/poll', { visitorToken: visitor.token });
      expect(VisitorPollResponse.parse(poll.body).agentsOnline).toBe(loaded);
      return loaded;
    };

    // An outsider online and connected does not count.
    await setStatus(outsider, 'online');
    const o = await agentSocket(t.server, outsider);
    await o.next('welcome');
    expect(await online()).toBe(false);

    // Status online without a connection: not there.
    await setStatus(member, 'online');
    expect(await online()).toBe(false);

    const s = await agentSocket(t.server, member);
    await s.next('welcome');
    expect(await online()).toBe(true);
    // Online agents are listed first.
    expect(WidgetConfig.parse((await config(site.key)).body).agents[0]?.name).toBe('Zed Online');

    await setStatus(member, 'away');
    expect(await online()).toBe(false);
    await setStatus(member, 'online');
    expect(await online()).toBe(true);
    s.close();
    await s.closed();
    await expect.poll(online).toBe(false);
    o.close();
    await setStatus(member, 'offline');
    await setStatus(outsider, 'offline');
  });
});

describe('PATCH /api/v1/sites/:id settings', () => {
  it('merges nested objects, replaces arrays, and null restores a default', async () => {
    const site = await createSite(t.server, t.owner);
    await patchSite(site.id, {
      settings: {
        appearance: { teamName: 'Crew', position: 'left' },
        targeting: { include: ['/a*', '/b*'] },
      },
    });
    const r = await patchSite(site.id, {
      settings: { appearance: { color: '#ff0000' }, targeting: { include: ['/c*'] } },
    });
    expect(r.status).toBe(200);
    expect(r.body.site.settings).toMatchObject({
      appearance: { color: '#ff0000', teamName: 'Crew', position: 'left' },
      targeting: { include: ['/c*'], exclude: [] },
    });
    const reset = await patchSite(site.id, { settings: { appearance: { teamName: null } } });
    expect(reset.body.site.settings).toMatchObject({
      appearance: { color: '#ff0000', teamName: 'Support', position: 'left' },
    });
    const cfg = WidgetConfig.parse((await config(site.key)).body);
    expect(cfg.appearance).toMatchObject({ color: '#ff0000', position: 'left', teamName: 'Support' });
    expect(cfg.targeting.include).toEqual(['/c*']);
  });

  it('refuses invalid settings with 422 and the issues, and changes nothing', async () => {
    const site = await createSite(t.server, t.owner);
    const before = await http<SiteBody>(t.server, 'GET', `/api/v1/sites/${site.id}`, { agent: t.owner });
    for (const settings of [
      { appearance: { color: 'red' } },
      { hours: { timeZone: 'Mars/Olympus' } },
      { hours: { weekly: [{ day: 1, open: '18:00', close: '09:00' }] } },
      { triggers: [{ id: 'x', kind: 'time_on_page', seconds: 0, message: 'hi' }] },
      { prechatForm: { fields: [{ key: '1bad', label: 'x', type: 'text' }] } },
      { sneakPeek: 'yes' },
    ]) {
      const r = await http<{ error: { code: string; details: unknown[] } }>(
        t.server,
        'PATCH',
        `/api/v1/sites/${site.id}`,
        { agent: t.owner, body: { name: 'Renamed', settings } },
      );
      expect(r.status, JSON.stringify(settings)).toBe(422);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.length).toBeGreaterThan(0);
    }
    const after = await http<SiteBody>(t.server, 'GET', `/api/v1/sites/${site.id}`, { agent: t.owner });
    expect(after.body).toEqual(before.body);
  });

  it('tells connected visitors’ sockets when sneak peek changes (site.changed, as before)', async () => {
    const seen: unknown[] = [];
    const off = t.server.ctx.bus.subscribe((e) => {
      if (e.type === 'site.changed') seen.push(e);
    });
    await patchSite(t.server.siteId, { settings: { sneakPeek: false } });
    await patchSite(t.server.siteId, { settings: { sneakPeek: true } });
    off();
    expect(seen).toEqual([
      { type: 'site.changed', siteId: t.server.siteId, sneakPeek: false },
      { type: 'site.changed', siteId: t.server.siteId, sneakPeek: true },
    ]);
  });

  it('is for admins only', async () => {
    const agent = await createAgent(t.server, t.owner);
    const r = await patchSite(t.server.siteId, { settings: { appearance: { color: '#000000' } } }, agent);
    expect(r.status).toBe(403);
  });
});

describe('identity secret', () => {
  it('admins read and rotate it; agents get 403; unknown sites 404', async () => {
    const site = await createSite(t.server, t.owner);
    const admin = await createAgent(t.server, t.owner, { role: 'admin' });
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const path = `/api/v1/sites/${site.id}/identity-secret`;

    const read = await http<{ secret: string }>(t.server, 'GET', path, { agent: admin });
    expect(read.status).toBe(200);
    expect(read.body.secret.length).toBeGreaterThanOrEqual(32);

    const rotated = await http<{ secret: string }>(t.server, 'POST', `${path}/rotate`, { agent: t.owner });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(read.body.secret);
    expect((await http<{ secret: string }>(t.server, 'GET', path, { agent: admin })).body.secret).toBe(
      rotated.body.secret,
    );

    for (const [method, p] of [
      ['GET', path],
      ['POST', `${path}/rotate`],
    ] as const) {
      const r = await http(t.server, method, p, { agent });
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(
      (await http(t.server, 'GET', '/api/v1/sites/nope/identity-secret', { agent: t.owner })).status,
    ).toBe(404);
    expect((await http(t.server, 'GET', path)).status).toBe(401);
    // The site's admin view never carries it.
    const view = await http(t.server, 'GET', `/api/v1/sites/${site.id}`, { agent: t.owner });
    expect(JSON.stringify(view.body)).not.toContain(rotated.body.secret);
  });
});
