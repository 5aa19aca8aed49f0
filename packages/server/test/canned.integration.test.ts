/** Canned responses: personal ones for their owner, shared ones managed by admins per site or for all. */
import { describe, expect, it } from 'vitest';
import type { CannedResponse } from '@parley/protocol';
import { createAgent, createSite, http, useTestServer, type AgentSession } from './helpers';

const t = useTestServer();

const create = (agent: AgentSession, body: unknown) =>
  http<{ cannedResponse: CannedResponse }>(t.server, 'POST', '/api/v1/canned-responses', { agent, body });
const list = async (agent: AgentSession, query = '') => {
  const r = await http<{ cannedResponses: CannedResponse[] }>(
    t.server,
    'GET',
    `/api/v1/canned-responses${query}`,
    { agent },
  );
  return r.body.cannedResponses;
};

describe('canned responses', () => {
  it('personal ones belong to their owner alone', async () => {
    const site = await createSite(t.server, t.owner);
    const alice = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const bob = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const mine = await create(alice, {
      shortcut: ' Thanks ',
      body: 'Thanks {{visitor.firstName|there}}! — {{agent.firstName}}',
    });
    expect(mine).toMatchObject({
      status: 201,
      body: { cannedResponse: { shortcut: 'thanks', ownerId: alice.agentId, siteId: null } },
    });
    const id = mine.body.cannedResponse.id;
    expect((await list(alice)).map((c) => c.id)).toContain(id);
    expect((await list(bob)).map((c) => c.id)).not.toContain(id);
    for (const [method, body] of [
      ['PATCH', { body: 'stolen' }],
      ['DELETE', undefined],
    ] as const) {
      expect(
        (await http(t.server, method, `/api/v1/canned-responses/${id}`, { agent: bob, body })).status,
      ).toBe(404);
    }
    // Even an admin does not edit someone's personal responses.
    expect(
      (
        await http(t.server, 'PATCH', `/api/v1/canned-responses/${id}`, {
          agent: t.owner,
          body: { body: 'x' },
        })
      ).status,
    ).toBe(404);
    const changed = await http<{ cannedResponse: CannedResponse }>(
      t.server,
      'PATCH',
      `/api/v1/canned-responses/${id}`,
      {
        agent: alice,
        body: { body: 'Thank you, {{visitor.name}}.' },
      },
    );
    expect(changed.body.cannedResponse).toMatchObject({
      body: 'Thank you, {{visitor.name}}.',
      shortcut: 'thanks',
    });
    expect((await create(alice, { shortcut: 'thanks', body: 'again' })).status).toBe(409);
    expect((await create(bob, { shortcut: 'thanks', body: 'Bob’s own' })).status).toBe(201);
    expect((await create(alice, { shortcut: 'x', body: 'y', siteId: site.id })).status).toBe(422);
    expect((await http(t.server, 'DELETE', `/api/v1/canned-responses/${id}`, { agent: alice })).status).toBe(
      200,
    );
    expect((await list(alice)).map((c) => c.id)).not.toContain(id);
  });

  it('shared ones are managed by admins, for one site or all, and listed first', async () => {
    const site = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    expect((await create(agent, { shortcut: 'hours', body: 'We open at 9.', shared: true })).status).toBe(
      403,
    );
    const global = await create(t.owner, {
      shortcut: `hi-${site.id.slice(0, 8)}`,
      body: 'Hello {{visitor.name|there}}',
      shared: true,
    });
    const forSite = await create(t.owner, {
      shortcut: 'refund',
      body: 'Refunds take 5 days.',
      shared: true,
      siteId: site.id,
    });
    const forOther = await create(t.owner, {
      shortcut: 'refund',
      body: 'Other policy.',
      shared: true,
      siteId: other.id,
    });
    expect([global.status, forSite.status, forOther.status]).toEqual([201, 201, 201]);
    expect(
      (await create(t.owner, { shortcut: 'refund', body: 'dup', shared: true, siteId: site.id })).status,
    ).toBe(409);
    await create(agent, { shortcut: 'aaa', body: 'my own' });

    const seen = await list(agent);
    const ids = seen.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([global.body.cannedResponse.id, forSite.body.cannedResponse.id]),
    );
    expect(ids).not.toContain(forOther.body.cannedResponse.id);
    // Shared first, then personal.
    expect(seen.at(-1)).toMatchObject({ shortcut: 'aaa', ownerId: agent.agentId });
    expect(seen.slice(0, -1).every((c) => c.ownerId === null)).toBe(true);
    expect((await list(agent, `?siteId=${site.id}`)).map((c) => c.id)).toContain(
      forSite.body.cannedResponse.id,
    );
    expect(
      (await http(t.server, 'GET', `/api/v1/canned-responses?siteId=${other.id}`, { agent })).status,
    ).toBe(403);

    const sharedId = forSite.body.cannedResponse.id;
    expect(
      (await http(t.server, 'PATCH', `/api/v1/canned-responses/${sharedId}`, { agent, body: { body: 'x' } }))
        .status,
    ).toBe(403);
    expect((await http(t.server, 'DELETE', `/api/v1/canned-responses/${sharedId}`, { agent })).status).toBe(
      403,
    );
    expect(
      (
        await http(t.server, 'DELETE', `/api/v1/canned-responses/${forOther.body.cannedResponse.id}`, {
          agent,
        })
      ).status,
    ).toBe(404);
    const moved = await http<{ cannedResponse: CannedResponse }>(
      t.server,
      'PATCH',
      `/api/v1/canned-responses/${sharedId}`,
      {
        agent: t.owner,
        body: { siteId: null, body: 'Refunds take 5 working days.' },
      },
    );
    expect(moved.body.cannedResponse).toMatchObject({ siteId: null, body: 'Refunds take 5 working days.' });
    expect(
      (await http(t.server, 'DELETE', `/api/v1/canned-responses/${sharedId}`, { agent: t.owner })).status,
    ).toBe(200);
  });

  it('refuses unknown variables, bad shortcuts and empty bodies', async () => {
    const agent = await createAgent(t.server, t.owner);
    expect(
      await create(agent, { shortcut: 'typo', body: 'Hi {{visitor.nmae}} and {{order.id}}' }),
    ).toMatchObject({
      status: 422,
      body: {
        error: { code: 'validation_failed', message: 'unknown variables: {{visitor.nmae}}, {{order.id}}' },
      },
    });
    expect((await create(agent, { shortcut: 'with space', body: 'x' })).status).toBe(400);
    expect((await create(agent, { shortcut: 'ok', body: '   ' })).status).toBe(400);
    expect((await create(agent, { shortcut: '', body: 'x' })).status).toBe(400);
    const ok = await create(agent, { shortcut: 'ok', body: 'Fine, {{ agent.name }}' });
    expect(ok.status).toBe(201);
    expect(
      (
        await http(t.server, 'PATCH', `/api/v1/canned-responses/${ok.body.cannedResponse.id}`, {
          agent,
          body: { body: '{{site.url}}' },
        })
      ).status,
    ).toBe(422);
  });
});
