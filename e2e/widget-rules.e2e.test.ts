/**
 * What decides whether and how the widget shows: business hours (open, closed by a holiday) with
 * both behaviours (hide, offline form), nobody online and an open page following agents who come
 * and go, URL targeting with single-page-app route changes, each kind of invitation trigger (once
 * per visit unless `repeat: 'always'`), and identity verification accepted and refused.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { http } from '../packages/server/test/helpers';
import { eventually, waitForText } from './browser';
import { openChat, parleyPaths, useWidgetPage, widget } from './widgetFixture';

const w = useWidgetPage();

const ALL_WEEK = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }));
/** Today in a time zone, as the site's holidays are written. */
const today = (timeZone: string): string => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

/** The launcher appears after the idle start; `ready` says what the loader decided. */
async function readyMode(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve) =>
        (
          window as unknown as { Parley: { on(e: string, f: (p: { mode: string }) => void): void } }
        ).Parley.on('ready', (e) => resolve(e.mode)),
      ),
  );
}

test('within business hours with an agent online the widget offers the chat', async () => {
  await w.agent();
  const site = await w.site({ hours: { enabled: true, timeZone: 'Asia/Tokyo', weekly: ALL_WEEK } });
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  expect(await readyMode(w.page)).toBe('chat');
  await openChat(w.page);
});

test('outside business hours (a holiday) the widget hides, or offers the offline form that stores a message', async () => {
  await w.agent();
  const tz = 'Pacific/Auckland';
  const hours = {
    enabled: true,
    timeZone: tz,
    weekly: ALL_WEEK,
    holidays: [{ date: today(tz), name: 'Holiday' }],
  };
  const hidden = await w.site({ hours, outsideHours: 'hide' });
  await w.page.goto(w.hostPage({ siteKey: hidden.key }));
  expect(await readyMode(w.page)).toBe('hidden');
  await expect(widget(w.page).host.isHidden()).resolves.toBe(true);

  const form = await w.site({
    hours,
    outsideHours: 'offline_form',
    appearance: { awayMessage: 'Closed for the holiday. Leave us a note.' },
  });
  await w.page.goto(w.hostPage({ siteKey: form.key, path: '/form' }));
  expect(await readyMode(w.page)).toBe('offline');
  const ui = widget(w.page);
  await ui.launcher.click();
  await waitForText(ui.panel, 'Closed for the holiday. Leave us a note.');
  await ui.panel.getByRole('button', { name: 'Send' }).click();
  await waitForText(ui.panel.locator('.problem'), 'Please fill in the required fields.');
  await ui.panel.getByLabel('Name').fill('Ada');
  await ui.panel.getByLabel('E-mail').fill('ada@example.test');
  await ui.panel.getByLabel(/^Message/).fill('Do you have size 47 in stock?');
  await ui.panel.getByRole('button', { name: 'Send' }).click();
  await waitForText(ui.panel, 'We have your message');
  const stored = await w.server.ctx.db
    .selectFrom('conversations')
    .innerJoin('messages', 'messages.conversation_id', 'conversations.id')
    .innerJoin('visitors', 'visitors.id', 'conversations.visitor_id')
    .select(['conversations.source', 'messages.body', 'visitors.email', 'visitors.name'])
    .where('conversations.site_id', '=', form.id)
    .execute();
  expect(stored).toEqual([
    { source: 'offline_form', body: 'Do you have size 47 in stock?', email: 'ada@example.test', name: 'Ada' },
  ]);
});

test('during hours with nobody online the site chooses between hiding and the offline form', async () => {
  const hidden = await w.site({ noAgents: 'hide' });
  await w.page.goto(w.hostPage({ siteKey: hidden.key }));
  expect(await readyMode(w.page)).toBe('hidden');
  // The page may still show it on purpose: show() then offers the offline form.
  await w.page.evaluate(() => (window as unknown as { Parley: { show(): void } }).Parley.show());
  await widget(w.page).launcher.waitFor();
  await widget(w.page).launcher.click();
  await waitForText(widget(w.page).panel, 'Leave us a message');

  const form = await w.site({ noAgents: 'offline_form' });
  await w.page.goto(w.hostPage({ siteKey: form.key, path: '/other' }));
  expect(await readyMode(w.page)).toBe('offline');
});

test('an open page follows the team: the hidden launcher shows when an agent comes online, and goes when nobody is left', async () => {
  const site = await w.site({ noAgents: 'hide' });
  await w.page.goto(w.hostPage({ siteKey: site.key, poll: 300 }));
  expect(await readyMode(w.page)).toBe('hidden');
  const ui = widget(w.page);
  await w.agent();
  await ui.launcher.waitFor();
  const away = await http(w.server, 'PATCH', '/api/v1/me', { agent: w.owner, body: { status: 'away' } });
  expect(away.status).toBe(200);
  await ui.host.waitFor({ state: 'hidden' });
});

test('URL targeting: include and exclude patterns, re-checked on single-page-app route changes', async () => {
  await w.agent();
  const site = await w.site({ targeting: { include: ['/shop*'], exclude: ['/shop/checkout*'] } });
  const spa = `<main><h1>Shop</h1>
    <button id="go-checkout" onclick="history.pushState({}, '', '/shop/checkout?step=1')">Checkout</button>
    <button id="go-back" onclick="history.pushState({}, '', '/shop/shoes')">Shoes</button></main>`;
  await w.page.goto(w.hostPage({ siteKey: site.key, path: '/blog' }));
  expect(await readyMode(w.page)).toBe('chat');
  await expect(widget(w.page).host.isHidden()).resolves.toBe(true);

  await w.page.goto(w.hostPage({ siteKey: site.key, path: '/shop', body: spa }));
  await widget(w.page).launcher.waitFor();
  await w.page.locator('#go-checkout').click();
  await widget(w.page).host.waitFor({ state: 'hidden' });
  await w.page.locator('#go-back').click();
  await widget(w.page).launcher.waitFor();

  // Every route change was reported as a page view, so the agent sees where the visitor is.
  await eventually(async () => {
    const views = await w.server.ctx.db
      .selectFrom('page_views')
      .select('url')
      .where('site_id', '=', site.id)
      .orderBy('at')
      .execute();
    expect(views.map((v) => new URL(v.url).pathname)).toEqual([
      '/blog',
      '/shop',
      '/shop/checkout',
      '/shop/shoes',
    ]);
  });
});

const trigger = (kind: string, extra: Record<string, unknown>, message: string, repeat = 'visit') => ({
  id: `t-${kind}`,
  kind,
  message,
  repeat,
  ...extra,
});

test('triggers invite the visitor: time on page, once per visit; the invitation opens the chat', async () => {
  await w.agent();
  const site = await w.site({
    triggers: [trigger('time_on_page', { seconds: 1 }, 'Need help choosing a size?')],
  });
  const url = w.hostPage({ siteKey: site.key });
  await w.page.goto(url);
  const ui = widget(w.page);
  await waitForText(ui.teaser, 'Need help choosing a size?');
  await ui.teaser.getByRole('button', { name: 'Need help choosing a size?' }).click();
  await ui.input.waitFor();
  await waitForText(ui.intro, 'Need help choosing a size?');
  const events = await w.server.ctx.db
    .selectFrom('visitor_events')
    .select(['name', 'data'])
    .where('site_id', '=', site.id)
    .execute();
  expect(events.map((e) => [e.name, JSON.parse(e.data) as unknown])).toEqual([
    ['trigger', { id: 't-time_on_page', kind: 'time_on_page' }],
  ]);

  // Same visit, next page: it does not fire again.
  await w.page.goto(url);
  await ui.launcher.waitFor();
  await w.page.waitForTimeout(1500);
  await expect(ui.teaser.count()).resolves.toBe(0);
});

test('triggers: after N pages in a visit, on a URL match, and again each time with repeat "always"', async () => {
  await w.agent();
  const site = await w.site({
    triggers: [
      trigger('page_count', { pages: 2 }, 'Still looking? We can help.'),
      trigger('url_match', { pattern: '/pricing*' }, 'Questions about pricing?', 'always'),
    ],
  });
  const ui = widget(w.page);
  await w.page.goto(w.hostPage({ siteKey: site.key, path: '/a' }));
  await ui.launcher.waitFor();
  await w.page.waitForTimeout(300);
  await expect(ui.teaser.count()).resolves.toBe(0);
  await w.page.goto(w.hostPage({ siteKey: site.key, path: '/b' }));
  await waitForText(ui.teaser, 'Still looking? We can help.');

  for (let visit = 0; visit < 2; visit++) {
    await w.page.goto(w.hostPage({ siteKey: site.key, path: '/pricing' }));
    await waitForText(ui.teaser, 'Questions about pricing?');
  }
});

test('triggers: exit intent and a custom event from the page', async () => {
  await w.agent();
  const site = await w.site({
    triggers: [
      trigger('exit_intent', {}, 'Before you go: 10% off today.'),
      trigger('custom_event', { event: 'checkout_started' }, 'Any questions about delivery?'),
    ],
  });
  const ui = widget(w.page);
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  await ui.launcher.waitFor();
  await w.page.mouse.move(640, 300);
  await w.page.mouse.move(640, 0);
  // The pointer leaves through the top edge (what a move to the tab bar looks like to the page).
  await w.page.evaluate(() =>
    document.documentElement.dispatchEvent(
      new MouseEvent('mouseout', { bubbles: true, clientY: -1, relatedTarget: null }),
    ),
  );
  await waitForText(ui.teaser, 'Before you go: 10% off today.');
  await ui.teaser.getByRole('button', { name: 'Dismiss' }).click();
  await expect(ui.teaser.count()).resolves.toBe(0);

  await w.page.evaluate(() =>
    (window as unknown as { Parley: { track(e: string, d?: object): Promise<unknown> } }).Parley.track(
      'checkout_started',
      {
        value: 129,
      },
    ),
  );
  await waitForText(ui.teaser, 'Any questions about delivery?');
  const events = await w.server.ctx.db
    .selectFrom('visitor_events')
    .select('name')
    .where('site_id', '=', site.id)
    .execute();
  expect(events.map((e) => e.name).sort()).toEqual(['checkout_started', 'trigger', 'trigger']);
});

test('identify: a valid HMAC is verified, a missing or wrong one refused when the site requires it', async () => {
  const site = await w.site({ requireIdentityVerification: true });
  const secret = await http<{ secret: string }>(w.server, 'GET', `/api/v1/sites/${site.id}/identity-secret`, {
    agent: w.owner,
  });
  expect(secret.status).toBe(200);
  const hash = createHmac('sha256', secret.body.secret).update('customer-42').digest('hex');
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  const identify = (user: Record<string, string>) =>
    w.page.evaluate(
      (u) =>
        (window as unknown as { Parley: { identify(u: object): Promise<unknown> } }).Parley.identify(u).then(
          (r) => ({ ok: true, r }),
          (e: unknown) => ({ ok: false, e }),
        ),
      user,
    );
  w.expectErrors(/status of 403/);
  await expect(identify({ id: 'customer-42', name: 'Ada' })).resolves.toMatchObject({
    ok: false,
    e: { status: 403, code: 'identity_verification_failed' },
  });
  await expect(identify({ id: 'customer-42', hash: '0'.repeat(64) })).resolves.toMatchObject({
    ok: false,
    e: { status: 403, code: 'identity_verification_failed' },
  });
  await expect(
    identify({ id: 'customer-42', name: 'Ada Lovelace', email: 'ada@example.test', hash }),
  ).resolves.toMatchObject({
    ok: true,
    r: { verified: true, visitor: { name: 'Ada Lovelace', email: 'ada@example.test' } },
  });
  const visitors = await w.server.ctx.db
    .selectFrom('visitors')
    .select(['external_id', 'verified'])
    .where('site_id', '=', site.id)
    .execute();
  expect(visitors).toEqual([{ external_id: 'customer-42', verified: 1 }]);
});

test('a proactive message from an agent opens the widget of a visitor whose chat is closed', async () => {
  await w.agent();
  const site = await w.site();
  await w.page.goto(w.hostPage({ siteKey: site.key, poll: 300 }));
  const ui = widget(w.page);
  await ui.launcher.waitFor();
  // No chat UI and no socket: the loader polls while the page is visible.
  const polls = (): number =>
    parleyPaths(w.recording, w.server.url).filter((p) => p === '/api/v1/visitor/poll').length;
  await eventually(() => expect(polls()).toBeGreaterThanOrEqual(2));
  expect(parleyPaths(w.recording, w.server.url).some((p) => p.startsWith('/widget/ui.'))).toBe(false);
  expect(await ui.panel.count()).toBe(0);

  // The agent sees the visitor on the site (not connected) and writes first.
  const live = await http<{ visitors: { visitor: { id: string }; connected: boolean }[] }>(
    w.server,
    'GET',
    `/api/v1/live-visitors?siteId=${site.id}`,
    { agent: w.owner },
  );
  expect(live.body.visitors).toHaveLength(1);
  expect(live.body.visitors[0]?.connected).toBe(false);
  const visitorId = live.body.visitors[0]?.visitor.id ?? '';
  const sent = await http(w.server, 'POST', `/api/v1/visitors/${visitorId}/messages`, {
    agent: w.owner,
    body: { clientMsgId: randomUUID(), body: 'Hello! Can I help you choose a plan?' },
  });
  expect(sent.status).toBe(201);

  // Within a poll interval the UI loads and the panel opens with the agent's message.
  await ui.panel.waitFor();
  await waitForText(ui.row('Hello! Can I help you choose a plan?'), 'Hello! Can I help you choose a plan?');
  await expect(ui.launcher.getAttribute('aria-expanded')).resolves.toBe('true');
  // From now on the socket carries everything: no more polls.
  const after = polls();
  await w.page.waitForTimeout(1000);
  expect(polls()).toBe(after);
});
