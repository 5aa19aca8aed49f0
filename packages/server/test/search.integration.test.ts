/**
 * Full-text search on each engine's own index: messages (notes included, system lines not) and
 * visitors' names and e-mail addresses, within the agent's sites; highlighted excerpts as plain
 * text + ranges; newest first, paged.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SearchHit } from '@parley/protocol';
import { createAgent, createSite, http, uuid, useTestServer, type AgentSession } from './helpers';
import { agentReply, startChat } from './consoleHelpers';

const t = useTestServer();

/** A word no other test writes. */
const word = (stem: string) =>
  stem + Array.from(randomBytes(6), (b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('');

async function find(agent: AgentSession, q: string, extra = '') {
  return http<{ results: SearchHit[]; nextCursor: string | null }>(
    t.server,
    'GET',
    `/api/v1/search?q=${encodeURIComponent(q)}${extra}`,
    { agent },
  );
}

/** The highlighted parts of an excerpt. */
const marked = (h: SearchHit) => h.snippet.highlights.map(([a, b]) => h.snippet.text.slice(a, b));

describe('search', () => {
  it('finds messages and notes by word prefix, newest first, with highlighted excerpts', async () => {
    const site = await createSite(t.server, t.owner);
    const alice = await createAgent(t.server, t.owner, { siteIds: [site.id], name: 'Alice' });
    const invoice = word('invoice');
    const chat = await startChat(t.server, {
      siteKey: site.key,
      body: `Hello, my ${invoice} number is 4711 and the café was closed when I came by`,
    });
    await agentReply(t.server, alice, chat.conversationId, 'Let me look into it.');
    await agentReply(t.server, alice, chat.conversationId, `Customer disputes the ${invoice}, see ticket`, {
      private: true,
    });

    const r = await find(alice, invoice.slice(0, 10));
    expect(r.status).toBe(200);
    expect(r.body.results.map((h) => [h.field, h.message?.private, h.message?.author.kind])).toEqual([
      ['body', true, 'agent'],
      ['body', false, 'visitor'],
    ]);
    const [note, visitorMessage] = r.body.results;
    expect(note?.conversation).toMatchObject({ id: chat.conversationId, siteId: site.id });
    expect(note?.message).toMatchObject({ seq: 3, author: { id: alice.agentId, name: 'Alice' } });
    expect(visitorMessage && marked(visitorMessage)).toEqual([invoice]);
    expect(visitorMessage?.snippet.text).toContain('number is 4711');
    // Accents do not matter ("cafe" finds "café"), all words must match, case neither.
    const cafe = await find(alice, `CAFE ${invoice}`);
    expect(cafe.body.results).toHaveLength(1);
    expect(cafe.body.results[0] && marked(cafe.body.results[0])).toEqual([invoice, 'café']);
    expect((await find(alice, `${invoice} nonexistentword`)).body.results).toEqual([]);
    // System lines ("Alice closed the conversation") are not searched.
    await http(t.server, 'POST', `/api/v1/conversations/${chat.conversationId}/close`, { agent: alice });
    const system = await find(alice, 'closed the conversation');
    expect(system.body.results.filter((h) => h.conversation.id === chat.conversationId)).toEqual([]);
  });

  it('finds conversations by the visitor’s name and e-mail address', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const surname = word('kovacs');
    const chat = await startChat(t.server, { siteKey: site.key, body: 'Hi' });
    const pre = await http(t.server, 'POST', '/api/v1/visitor/prechat', {
      visitorToken: chat.token,
      body: { fields: { name: `Zoltán ${surname}`, email: `${surname}@example.org` } },
    });
    expect(pre.status).toBe(200);

    const byName = await find(agent, `zoltan ${surname.slice(0, 9)}`);
    expect(byName.body.results).toHaveLength(1);
    expect(byName.body.results[0]).toMatchObject({
      field: 'name',
      message: null,
      conversation: { id: chat.conversationId },
    });
    expect(byName.body.results[0] && marked(byName.body.results[0])).toEqual(['Zoltán', surname]);
    const byMail = await find(agent, `${surname}@example.org`);
    expect(byMail.body.results.map((h) => h.field)).toEqual(['email']);
    expect(byMail.body.results[0]?.snippet.text).toBe(`${surname}@example.org`);
    const byDomain = await find(agent, `example ${surname}`);
    expect(byDomain.body.results.map((h) => h.conversation.id)).toEqual([chat.conversationId]);
  });

  it('stays within the agent’s sites', async () => {
    const mine = await createSite(t.server, t.owner);
    const other = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [mine.id] });
    const secret = word('secret');
    await startChat(t.server, { siteKey: other.key, body: `the ${secret} of the other site` });
    const own = await startChat(t.server, { siteKey: mine.key, body: `the ${secret} here` });
    expect((await find(agent, secret)).body.results.map((h) => h.conversation.id)).toEqual([
      own.conversationId,
    ]);
    expect((await find(t.owner, secret)).body.results).toHaveLength(2);
    expect((await find(t.owner, secret, `&siteId=${other.id}`)).body.results).toHaveLength(1);
    expect((await find(agent, secret, `&siteId=${other.id}`)).status).toBe(403);
  });

  it('pages through results without repeating one', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const topic = word('topic');
    const chat = await startChat(t.server, { siteKey: site.key, body: `${topic} one` });
    await http(t.server, 'POST', '/api/v1/visitor/prechat', {
      visitorToken: chat.token,
      body: { fields: { name: `${topic} Person` } },
    });
    for (const n of ['two', 'three', 'four'])
      await http(t.server, 'POST', `/api/v1/visitor/conversations/${chat.conversationId}/messages`, {
        visitorToken: chat.token,
        body: { clientMsgId: uuid(), body: `${topic} ${n}` },
      });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await find(
        agent,
        topic,
        `&limit=2${cursor === null ? '' : `&before=${encodeURIComponent(cursor)}`}`,
      );
      expect(r.body.results.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.results.map((h) => (h.message ? h.message.id : `visitor:${h.conversation.id}`)));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(seen).toHaveLength(5); // four messages and the visitor's name
    expect(new Set(seen).size).toBe(5);
    expect((await find(agent, topic, '&before=garbage')).status).toBe(400);
  });

  it('treats the query as words only, and markup in messages as text', async () => {
    const site = await createSite(t.server, t.owner);
    const agent = await createAgent(t.server, t.owner, { siteIds: [site.id] });
    const tag = word('markup');
    await startChat(t.server, { siteKey: site.key, body: `<b>${tag}</b> <img src=x onerror=alert(1)>` });
    for (const q of [`"${tag}`, `${tag} OR *`, `${tag}:*`, `(${tag}) & !x`, `${tag} NEAR(a b)`]) {
      const r = await find(agent, q);
      expect(r.status, q).toBe(200);
    }
    const r = await find(agent, tag);
    expect(r.body.results).toHaveLength(1);
    const hit = r.body.results[0];
    if (!hit) throw new Error('no hit');
    expect(marked(hit)).toEqual([tag]);
    expect(hit.snippet.text).not.toMatch(/[\uE000\uE001]/);
    for (const q of ['***', '"" ()', '-']) expect((await find(agent, q)).status, q).toBe(422);
    expect((await find(agent, '')).status).toBe(400);
  });
});
