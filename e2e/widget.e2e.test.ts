/**
 * The widget on a host page of another origin, in Chromium: the round trip with an agent, what is
 * downloaded when, the JS API (stub queue, events), the unread badge, and a returning visitor.
 */
import { expect, test } from 'vitest';
import { http as request } from '../packages/server/test/helpers';
import { eventually, waitForText } from './browser';
import {
  openChat,
  parleyPaths,
  sendFromWidget,
  storedBodies,
  useWidgetPage,
  waitForDelivery,
  widget,
} from './widgetFixture';

const w = useWidgetPage({ smtp: true });

const STUB = `<script>
(function (w, m) {
  var p = (w.Parley = w.Parley || function () { (p.q = p.q || []).push([].slice.call(arguments)); });
  m.forEach(function (n) { p[n] = p[n] || function () { p.apply(null, [n].concat([].slice.call(arguments))); }; });
})(window, ['open', 'close', 'toggle', 'show', 'hide', 'identify', 'setAttributes', 'track', 'on']);
</script>`;

test('a visitor and an agent talk through the widget; history and identity survive a reload', async () => {
  const site = await w.site({ sneakPeek: true });
  const agent = await w.agent();
  const url = w.hostPage({
    siteKey: site.key,
    head:
      STUB +
      `<script>
        window.heard = [];
        Parley.on('unread', function (e) { window.unread = e.count; });
        Parley.on('message', function (m) { window.heard.push(m.author + ': ' + m.body); });
      </script>`,
  });
  const ui = widget(w.page);
  await w.page.goto(url);
  await openChat(w.page);

  const question = 'Hi! Do you ship to Norway?';
  await sendFromWidget(w.page, question);
  await waitForDelivery(w.page, question, 'delivered');
  await eventually(() => expect(agent.messages.map((m) => m.body)).toContain(question));
  const conversationId = agent.messages.find((m) => m.body === question)?.conversationId ?? '';

  // Sneak peek is on for this site: the draft reaches the agent, throttled, and the notice says so.
  await waitForText(ui.panel.locator('.privacy'), 'can see what you type');
  await ui.input.fill('And how long does it');
  await ui.input.press('Space');
  await ui.input.press('t');
  await eventually(() => expect(agent.typing.map((t) => t.preview).at(-1)).toBe('And how long does it t'));
  await ui.input.fill('');

  agent.client.typing(conversationId);
  await waitForText(ui.typing, 'Owner is typing…');
  const answer = 'Yes, we do: 3 to 5 working days. See https://shop.example/shipping';
  const ack = await agent.client.send(answer, { conversationId }).acked;
  await ui.row(answer).waitFor();
  await expect(ui.row(answer).locator('.meta').textContent()).resolves.toContain('Owner');
  await expect(ui.row(answer).locator('a').getAttribute('href')).resolves.toBe(
    'https://shop.example/shipping',
  );
  await expect(ui.typing.textContent()).resolves.toBe('');
  // The page hears of the team's message (once; the visitor's own are not announced).
  await eventually(async () =>
    expect(await w.page.evaluate(() => (window as { heard?: string[] }).heard)).toEqual([`Owner: ${answer}`]),
  );

  // The agent reads: the visitor's message is marked read.
  agent.client.markRead(conversationId, ack.seq);
  await waitForDelivery(w.page, question, 'read');

  // Closed panel: a new agent message shows as unread on the launcher, and the page hears of it.
  await ui.panel.getByRole('button', { name: 'Close chat' }).click();
  await agent.client.send('Anything else?', { conversationId }).acked;
  await waitForText(ui.badge, '1');
  await expect(ui.launcher.getAttribute('aria-label')).resolves.toBe('Chat (1 unread)');
  await eventually(async () =>
    expect(await w.page.evaluate(() => (window as { unread?: number }).unread)).toBe(1),
  );
  await ui.launcher.click();
  await ui.badge.filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
  await eventually(async () =>
    expect(await w.page.evaluate(() => (window as { unread?: number }).unread)).toBe(0),
  );

  const token = await w.page.evaluate((key) => localStorage.getItem(key), `parley:token:${site.key}`);
  expect(token).toMatch(/^pv_/);
  await w.page.reload();
  // A conversation is under way: the chat UI connects at once, without a click, and shows the history.
  await ui.row(answer).waitFor({ state: 'attached' });
  await openChat(w.page);
  await waitForDelivery(w.page, question, 'read');
  await expect(ui.rows.count()).resolves.toBe(3);
  expect(await w.page.evaluate((key) => localStorage.getItem(key), `parley:token:${site.key}`)).toBe(token);
  const visitors = await w.server.ctx.db
    .selectFrom('visitors')
    .select('id')
    .where('site_id', '=', site.id)
    .execute();
  expect(visitors).toHaveLength(1);
  expect(await storedBodies(w.server, question)).toBe(1);
});

test('before any interaction only the loader is downloaded, nothing shifts, and only Parley is asked', async () => {
  const site = await w.site();
  await w.agent();
  await w.page.addInitScript(() => {
    const shifts: number[] = [];
    (window as { shifts?: number[] }).shifts = shifts;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) shifts.push((entry as unknown as { value: number }).value);
    }).observe({ type: 'layout-shift', buffered: true });
  });
  const url = w.hostPage({
    siteKey: site.key,
    body: `<main><h1>Article</h1>${'<p>Long content of the host page, paragraph after paragraph.</p>'.repeat(30)}</main>`,
  });
  await w.page.goto(url);
  const ui = widget(w.page);
  await ui.launcher.waitFor();
  await eventually(() => expect(parleyPaths(w.recording, w.server.url)).toContain('/api/v1/visitor/session'));
  await w.page.waitForTimeout(500);
  expect(parleyPaths(w.recording, w.server.url).sort()).toEqual(
    ['/widget.js', '/api/v1/widget/config', '/api/v1/visitor/session'].sort(),
  );
  expect(await w.page.evaluate(() => (window as { shifts?: number[] }).shifts)).toEqual([]);
  // The launcher is fixed in its corner, over the page, and takes no room in it.
  const box = await ui.launcher.boundingBox();
  expect(box).not.toBeNull();
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeCloseTo(1280 - 20, 0);
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeCloseTo(720 - 20, 0);

  await openChat(w.page);
  expect(parleyPaths(w.recording, w.server.url).filter((p) => p.startsWith('/widget/ui.'))).toHaveLength(1);
  expect(await w.page.evaluate(() => (window as { shifts?: number[] }).shifts)).toEqual([]);
  // The only global the widget adds.
  const globals = await w.page.evaluate(() => Object.keys(window).filter((k) => /parley/i.test(k)));
  expect(globals).toEqual(['Parley']);
});

test('calls queued through the stub before the loader arrived are replayed, and events reach the page', async () => {
  const site = await w.site();
  await w.agent();
  const url = w.hostPage({
    siteKey: site.key,
    head:
      STUB +
      `<script>
        window.events = [];
        Parley.on('ready', function (e) { window.events.push('ready:' + e.mode); });
        Parley.on('open', function () { window.events.push('open'); });
        Parley.on('close', function () { window.events.push('close'); });
        Parley('open');
      </script>`,
  });
  await w.page.goto(url);
  const ui = widget(w.page);
  await ui.input.waitFor();
  await expect(ui.launcher.getAttribute('aria-expanded')).resolves.toBe('true');
  await w.page.evaluate(() => (window as unknown as { Parley: { close(): void } }).Parley.close());
  await ui.panel.waitFor({ state: 'hidden' });
  expect(await w.page.evaluate(() => (window as { events?: string[] }).events)).toEqual([
    'ready:chat',
    'open',
    'close',
  ]);
  // An unknown method is refused loudly, not silently ignored.
  await expect(
    w.page.evaluate(() => (window as unknown as { Parley: (m: string) => void }).Parley('explode')),
  ).rejects.toThrow(/no method explode/);
});

test('pre-chat form, emoji, a file with upload progress; rating and the transcript by e-mail once the team closes', async () => {
  const agent = await w.agent();
  const site = await w.site({
    prechatForm: {
      enabled: true,
      fields: [
        { key: 'name', label: 'Your name', type: 'text', required: true },
        { key: 'email', label: 'E-mail', type: 'email', required: false },
      ],
    },
  });
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  const ui = widget(w.page);
  await ui.launcher.click();
  await ui.panel.getByRole('button', { name: 'Start chat' }).click();
  await waitForText(ui.panel.locator('.problem'), 'Please fill in the required fields.');
  await ui.panel.getByLabel(/Your name/).fill('Grace');
  await ui.panel.getByRole('button', { name: 'Start chat' }).click();
  await ui.input.waitFor();
  await eventually(async () => {
    const visitor = await w.server.ctx.db
      .selectFrom('visitors')
      .select('name')
      .where('site_id', '=', site.id)
      .executeTakeFirst();
    expect(visitor?.name).toBe('Grace');
  });

  await ui.input.fill('Thanks ');
  await ui.panel.getByRole('button', { name: 'Emoji' }).click();
  await ui.panel.getByRole('group', { name: 'Emoji' }).getByRole('button', { name: '👍' }).click();
  await expect(ui.input.inputValue()).resolves.toBe('Thanks 👍');
  await ui.input.press('Enter');
  await waitForDelivery(w.page, 'Thanks 👍', 'delivered');

  // A real PNG (the server checks files by content), big enough for progress events.
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  await w.page.evaluate(() => {
    const seen: number[] = [];
    (window as { progress?: number[] }).progress = seen;
    const root = document.querySelector('parley-widget')?.shadowRoot;
    new MutationObserver(() => {
      const bar = root?.querySelector('progress');
      if (bar) seen.push(bar.value);
    }).observe(root as ShadowRoot, { subtree: true, childList: true, attributes: true });
  });
  await ui.panel
    .locator('input[type=file]')
    .setInputFiles({ name: 'receipt.png', mimeType: 'image/png', buffer: png });
  const image = ui.host.locator('.log img[alt="receipt.png"]');
  await image.waitFor();
  expect(await w.page.evaluate(() => (window as { progress?: number[] }).progress?.length)).toBeGreaterThan(
    0,
  );
  await eventually(() =>
    expect(agent.messages.some((m) => m.attachments.some((a) => a.name === 'receipt.png'))).toBe(true),
  );

  // The team closes the conversation: the visitor rates it.
  const conversationId = agent.messages.find((m) => m.body === 'Thanks 👍')?.conversationId ?? '';
  const closed = await request(w.server, 'POST', `/api/v1/conversations/${conversationId}/close`, {
    agent: w.owner,
  });
  expect(closed.status).toBe(200);
  const rating = ui.panel.getByRole('form', { name: 'How was this conversation?' });
  await rating.getByRole('button', { name: /Good/ }).click();
  await rating.getByLabel('Comment (optional)').fill('Quick and friendly.');
  await rating.getByRole('button', { name: 'Send' }).click();
  await waitForText(rating, 'Thank you for your feedback.');
  await eventually(async () => {
    const row = await w.server.ctx.db
      .selectFrom('conversations')
      .selectAll()
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    expect([row.rating, (row as { rating_comment?: string | null }).rating_comment]).toEqual([
      'good',
      'Quick and friendly.',
    ]);
  });

  // The server can send e-mail in this file: the visitor asks for the transcript.
  await ui.panel.getByRole('button', { name: 'E-mail me this transcript' }).click();
  const transcript = ui.panel.getByRole('form', { name: 'E-mail me this transcript' });
  await transcript.getByLabel('E-mail').fill('grace@example.test');
  await transcript.getByRole('button', { name: 'E-mail me this transcript' }).click();
  await waitForText(transcript, 'The transcript is on its way to grace@example.test');
  await eventually(() => expect(w.smtp.mails.map((m) => m.to)).toEqual([['grace@example.test']]));
  expect(w.smtp.mails[0]?.text).toContain('Thanks 👍');
});
