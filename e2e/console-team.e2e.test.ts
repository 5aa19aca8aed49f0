/**
 * The console with more than one person: two agents in two browser contexts handing a chat to each
 * other, an admin changing the widget's colour (the demo page shows it), a deactivated agent thrown
 * out live. With PARLEY_SCREENSHOTS=1 it also refreshes the screenshots in docs/images/.
 */
import path from 'node:path';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createAgent, http, login } from '../packages/server/test/helpers';
import { eventually, newRecordedContext, useBrowserPage, waitForText } from './browser';
import { inboxItem, signIn, threadRow, visitorOf, visitorWithToken } from './consoleHelpers';

const b = useBrowserPage({
  // The console asks for a session on load; without one the server answers 401, which Chromium logs.
  allowedErrors: [/status of 401/],
});
const IMAGES = path.resolve(import.meta.dirname, '../docs/images');

async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.PARLEY_SCREENSHOTS !== '1') return;
  await page.screenshot({ path: path.join(IMAGES, name) });
}

/** A second agent's console in a browser context of its own. */
async function colleagueConsole(name: string) {
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const agent = await createAgent(b.server, owner, { name });
  const side = await newRecordedContext(b.browser);
  const page = await side.context.newPage();
  await signIn(page, b.server.url, agent.email, agent.password);
  await waitForText(page.locator('#connection'), 'Connected');
  return { agent, page, side, owner };
}

test('two agents: the owner hands a chat to a colleague, who sees it live, answers, and hands it back', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const sam = await colleagueConsole('Sam');
  try {
    // A few chats, for the inbox's order and the screenshot.
    const early = await visitorOf(b);
    await early.client.send('Do you ship to Norway?').acked;
    const customer = await visitorWithToken(b);
    const ack = await customer.client.send('My invoice shows the wrong address').acked;
    const id = ack.conversationId;
    const later = await visitorOf(b);
    await later.client.send('Is the blue one back in stock?').acked;
    await inboxItem(b.page, 'blue one').waitFor();
    // Longest waiting first.
    await expect(b.page.locator('#inbox-list .inbox-preview').allTextContents()).resolves.toEqual([
      'Do you ship to Norway?',
      'My invoice shows the wrong address',
      'Is the blue one back in stock?',
    ]);
    await screenshot(b.page, 'console-inbox.png');

    await inboxItem(b.page, 'wrong address').click();
    await threadRow(b.page, 'wrong address').waitFor();
    // The visitor panel: the page the visitor came in on, the device.
    await waitForText(b.page.locator('.visitor-panel'), 'shop.example/pricing');
    await b.page.getByLabel('Private note').check();
    await b.page.locator('#reply-input').fill('Sam handles invoices: handing over.');
    await b.page.getByRole('button', { name: 'Add note' }).click();
    await threadRow(b.page, 'handing over').waitFor();

    // Hand it to Sam: his console shows it under "Mine", live.
    await b.page.locator('select[aria-label="Assign to"]').selectOption(sam.agent.agentId);
    await waitForText(b.page.locator('#thread-status'), 'Assigned to Sam');
    await sam.page.getByRole('button', { name: /^Mine/ }).click();
    const samItem = sam.page.locator(`#inbox-list [data-conversation-id="${id}"]`);
    await samItem.waitFor();
    await samItem.click();
    // Sam reads the owner's note (notes are for colleagues) and answers.
    await threadRow(sam.page, 'handing over').waitFor();
    customer.client.typing(id, 'It should be Main Street 5');
    await waitForText(sam.page.locator('#thread-typing-preview'), 'Main Street 5');
    await waitForText(b.page.locator('#thread-typing-preview'), 'Main Street 5');
    await screenshot(b.page, 'console-conversation.png');
    await sam.page.locator('#reply-input').fill('I am fixing the address now.');
    await sam.page.locator('#reply-input').press('Enter');
    await waitForText(threadRow(b.page, 'fixing the address').locator('.msg-author'), 'Sam');
    await eventually(() =>
      expect(
        customer.messages.filter((m) => m.author.kind === 'agent').map((m) => [m.author.name, m.body]),
      ).toEqual([['Sam', 'I am fixing the address now.']]),
    );
    expect(customer.messages.map((m) => m.body)).not.toContain('Sam handles invoices: handing over.');

    // And back: Sam transfers it to the owner with a note for the team.
    await sam.page.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = sam.page.getByRole('dialog', { name: 'Transfer the conversation' });
    await dialog.getByLabel('To').selectOption(`agent:${sam.owner.agentId}`);
    await dialog.getByLabel('Note for the team').fill('Address fixed; please resend the invoice.');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await waitForText(b.page.locator('#thread-status'), 'Assigned to you');
    await threadRow(b.page, 'Sam transferred the conversation to Owner').waitFor();
    await expect(threadRow(b.page, 'resend the invoice').getAttribute('data-kind')).resolves.toBe('note');
    await customer.client.send('Thank you both').acked;
    await eventually(() => expect(customer.messages.map((m) => m.body)).toContain('Thank you both'));
    expect(customer.messages.some((m) => m.private || m.body.includes('resend the invoice'))).toBe(false);

    // Closed, then rated by the visitor: the console shows the rating live.
    await b.page.getByRole('button', { name: 'Close', exact: true }).click();
    await waitForText(b.page.locator('#thread-status'), 'Closed');
    const rated = await http(b.server, 'POST', `/api/v1/visitor/conversations/${id}/rating`, {
      visitorToken: customer.token,
      body: { rating: 'good', comment: 'Quick and kind' },
    });
    expect(rated.status).toBe(200);
    await waitForText(b.page.locator('#thread-rating'), 'Quick and kind');
  } finally {
    await sam.side.context.close();
  }
}, 60_000);

test('tags from the admin screen on a conversation and in the inbox filter; snooze and wake up; pending until the visitor writes', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  await b.page.goto(`${b.server.url}/console#/admin/tags`);
  await b.page.getByLabel('Name').fill('VIP');
  await b.page.getByRole('button', { name: 'Create tag' }).click();
  await waitForText(b.page.locator('#tags-table'), 'VIP');

  const customer = await visitorOf(b);
  const { conversationId: id } = await customer.client.send('I bought the premium plan').acked;
  await b.page.goto(`${b.server.url}/console#/c/${id}`);
  await threadRow(b.page, 'premium plan').waitFor();
  await b.page.getByLabel('Add a tag').selectOption({ label: 'VIP' });
  await waitForText(b.page.locator('.thread-meta'), 'VIP');
  const item = b.page.locator(`#inbox-list [data-conversation-id="${id}"]`);
  await waitForText(item, 'VIP');
  await b.page.locator('.site-filter select').last().selectOption({ label: 'VIP' });
  await expect(b.page.locator('#inbox-list .inbox-item').count()).resolves.toBe(1);
  await b.page.locator('.site-filter select').last().selectOption({ label: 'Any tag' });

  // Snoozed for an hour: out of Open (once another conversation is opened), in Snoozed.
  await b.page.getByRole('button', { name: 'Snooze…' }).click();
  await b.page.getByRole('button', { name: 'For an hour' }).click();
  await b.page.locator('#thread-snoozed').waitFor();
  await b.page.goto(`${b.server.url}/console#/`);
  await item.waitFor({ state: 'detached' });
  await b.page.getByRole('button', { name: 'Snoozed', exact: true }).click();
  await item.click();
  await b.page.getByRole('button', { name: 'Wake up now' }).click();
  await b.page.locator('#thread-snoozed').waitFor({ state: 'detached' });
  await b.page.getByRole('button', { name: 'Open', exact: true }).click();
  await item.waitFor();
  // Pending: the team waits for the visitor. Out of Open, in Pending, until the visitor writes.
  await item.click();
  await b.page.getByRole('button', { name: 'Mark pending' }).click();
  await b.page.getByRole('button', { name: 'Open again' }).waitFor();
  await b.page.goto(`${b.server.url}/console#/`);
  await item.waitFor({ state: 'detached' });
  await b.page.getByRole('button', { name: 'Pending', exact: true }).click();
  await item.waitFor();
  await customer.client.send('My order number is 1234').acked;
  await item.waitFor({ state: 'detached' });
  await b.page.getByRole('button', { name: 'Open', exact: true }).click();
  await item.click();
  await b.page.getByRole('button', { name: 'Mark pending' }).waitFor();
  // The tag comes off again.
  await b.page.getByRole('button', { name: 'Remove tag VIP' }).click();
  await b.page.locator('.thread-meta .tag-chip').waitFor({ state: 'detached' });
});

test('a personal canned response: made in the profile, typed as /shortcut, its variables filled in', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  await b.page.goto(`${b.server.url}/console#/profile`);
  await b.page.getByLabel('Shortcut (typed after /)').fill('hello');
  await b.page
    .getByLabel('Text', { exact: true })
    .fill('Hi {{visitor.firstName|there}}, {{agent.name}} here. How can I help?');
  await b.page.getByRole('button', { name: 'Add canned response' }).click();
  await waitForText(b.page.locator('.canned-table'), '/hello');
  // A typo in a variable never reaches a visitor: the server refuses it (Chromium logs the 422).
  b.expectErrors(/status of 422/);
  await b.page.getByLabel('Shortcut (typed after /)').fill('oops');
  await b.page.getByLabel('Text', { exact: true }).fill('Hi {{visitor.nmae}}');
  await b.page.getByRole('button', { name: 'Add canned response' }).click();
  await waitForText(b.page.locator('.canned-form .form-error'), 'visitor.nmae');

  const customer = await visitorOf(b);
  const { conversationId: id } = await customer.client.send('Hello?').acked;
  await b.page.goto(`${b.server.url}/console#/c/${id}`);
  await threadRow(b.page, 'Hello?').waitFor();
  await b.page.locator('#reply-input').fill('');
  await b.page.locator('#reply-input').pressSequentially('/hel');
  await waitForText(b.page.locator('#canned-picker'), '/hello');
  await b.page.locator('#reply-input').press('Enter');
  await expect(b.page.locator('#reply-input').inputValue()).resolves.toBe(
    'Hi there, Owner here. How can I help?',
  );
  await b.page.locator('#reply-input').press('Enter');
  await eventually(() =>
    expect(customer.messages.map((m) => m.body)).toContain('Hi there, Owner here. How can I help?'),
  );
});

test('live visitors: who is on the site and where; an agent writes first and the conversation opens', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const browsing = await visitorWithToken(b, 'https://shop.example/shoes');
  await b.page.getByRole('link', { name: 'Visitors' }).click();
  const row = b.page.locator(
    `#live-visitors tr[data-visitor-id="${browsing.client.session?.visitor?.id ?? ''}"]`,
  );
  await waitForText(row, 'shop.example/shoes');
  // A new page reaches the list live (a visitor frame), before the next read.
  const moved = await http(b.server, 'POST', '/api/v1/visitor/pageviews', {
    visitorToken: browsing.token,
    body: { url: 'https://shop.example/checkout', title: 'Checkout' },
  });
  expect(moved.status).toBeLessThan(300);
  await waitForText(row, 'Checkout');
  await row.getByRole('button', { name: /^Write to/ }).click();
  await row.getByLabel(/^Message to/).fill('Hi! Need help choosing a size?');
  await row.getByRole('button', { name: 'Send' }).click();
  await threadRow(b.page, 'Need help choosing a size?').waitFor();
  await waitForText(b.page.locator('#thread-status'), 'Assigned to you');
  await eventually(() =>
    expect(browsing.messages.map((m) => m.body)).toContain('Hi! Need help choosing a size?'),
  );
});

test('the profile lists the agent’s sessions; ending another one signs that device out', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const elsewhere = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  await b.page.goto(`${b.server.url}/console#/profile`);
  const table = b.page.locator('#sessions-table');
  await waitForText(table, 'This browser');
  const others = table.locator('tbody tr:not([data-current])');
  expect(await others.count()).toBeGreaterThan(0);
  const before = await http(b.server, 'GET', '/api/v1/auth/session', { agent: elsewhere });
  expect(before.status).toBe(200);
  // The newest other session (the one just made) is listed first among the others.
  await others.first().getByRole('button', { name: 'End session' }).click();
  await eventually(async () =>
    expect((await http(b.server, 'GET', '/api/v1/auth/session', { agent: elsewhere })).status).toBe(401),
  );
  await waitForText(b.page.locator('#connection'), 'Connected');

  // A photo: uploaded, resized by the server, shown in the profile and the top bar; then removed.
  const onePixelPng = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  await b.page
    .getByText('Upload a photo…')
    .locator('input[type="file"]')
    .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: onePixelPng });
  const photo = b.page.getByRole('img', { name: 'Your photo' });
  await photo.waitFor();
  const src = await photo.getAttribute('src');
  expect(src).toMatch(/^\/avatars\/.+\/256\.webp$/);
  const served = await fetch(`${b.server.url}${src ?? ''}`);
  expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/webp']);
  await expect(b.page.locator('.topbar img.avatar').getAttribute('src')).resolves.toMatch(/128\.webp$/);
  await b.page.getByRole('button', { name: 'Remove' }).click();
  await photo.waitFor({ state: 'detached' });
});

test('an invitation link: made on the team screen, accepted in another browser, which is then signed in', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  await b.page.goto(`${b.server.url}/console#/admin/team`);
  await b.page.getByLabel('E-mail address').fill('newcomer@example.test');
  await b.page.getByRole('button', { name: 'Create the invitation' }).click();
  const url = (await b.page.locator('#invitation-url').textContent()) ?? '';
  expect(url).toMatch(/\/console\/?#\/invite\/[A-Za-z0-9_-]+$/);
  await waitForText(b.page.locator('#invitations-table'), 'newcomer@example.test');

  const side = await newRecordedContext(b.browser);
  try {
    const page = await side.context.newPage();
    await page.goto(url);
    await waitForText(page.locator('#screen-invite'), 'newcomer@example.test');
    await page.getByLabel('Your name').fill('Nora');
    await page.getByLabel('Choose a password').fill('a fine new password');
    await page.getByLabel('Repeat the password').fill('a fine new password');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await waitForText(page.locator('#connection'), 'Connected');
    await expect(page.locator('#me').textContent()).resolves.toBe('Nora');
    expect(new URL(page.url()).hash).toBe('#/');
    // Spent: the same link is refused now.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#screen-signin').waitFor();
    await page.goto(url);
    await waitForText(page.locator('#screen-invite'), 'cannot be used');
  } finally {
    await side.context.close();
  }
  await b.page.reload();
  await waitForText(b.page.locator('#invitations-table'), 'Accepted');
  await waitForText(b.page.locator('#team-table'), 'Nora');
});

test('GDPR from the visitor panel: export as JSON, then erase; retention set on the site', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const customer = await visitorWithToken(b);
  const { conversationId: id } = await customer.client.send('Please delete my data').acked;
  await b.page.goto(`${b.server.url}/console#/c/${id}`);
  await threadRow(b.page, 'delete my data').waitFor();
  const [download] = await Promise.all([
    b.page.waitForEvent('download'),
    b.page.getByRole('link', { name: 'Export (JSON)' }).click(),
  ]);
  const exported = JSON.parse(await streamText(await download.createReadStream())) as {
    conversations: { messages: { body: string }[] }[];
  };
  expect(exported.conversations.flatMap((c) => c.messages.map((m) => m.body))).toContain(
    'Please delete my data',
  );
  // A colleague's console (another browser) has the conversation open while it is erased.
  const colleague = await newRecordedContext(b.browser);
  try {
    const other = await colleague.context.newPage();
    await signIn(other, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
    await waitForText(other.locator('#connection'), 'Connected');
    await other.goto(`${b.server.url}/console#/c/${id}`);
    await threadRow(other, 'delete my data').waitFor();

    await b.page.getByRole('button', { name: 'Erase…' }).click();
    await b.page.getByRole('button', { name: 'Erase for good' }).click();
    await eventually(() => expect(new URL(b.page.url()).hash).toBe('#/'));
    await b.page.locator(`[data-conversation-id="${id}"]`).waitFor({ state: 'detached' });
    await eventually(async () => expect(await dbMessagesOf(id)).toEqual([]));
    // Live, without a reload: gone from the colleague's inbox, and the open view says why.
    await other.locator(`[data-conversation-id="${id}"]`).waitFor({ state: 'detached' });
    await waitForText(other.locator('.conversation-empty'), "the visitor's data was erased");
  } finally {
    await colleague.context.close();
  }
  // Both are in the audit log.
  await b.page.goto(`${b.server.url}/console#/admin/audit`);
  await waitForText(b.page.locator('#audit-table'), 'Visitor erased');
  await waitForText(b.page.locator('#audit-table'), 'Visitor data exported');

  await b.page.goto(`${b.server.url}/console#/admin/sites/${b.server.siteId}`);
  await b.page.getByRole('button', { name: 'Data retention' }).click();
  await b.page.getByLabel('Delete closed conversations after a while').check();
  await b.page.getByLabel('Days after closing').fill('30');
  await b.page.getByRole('button', { name: 'Save changes' }).click();
  await waitForText(b.page.locator('.save-bar'), 'Saved.');
  const site = await http<{ site: { settings: { retentionDays: number | null } } }>(
    b.server,
    'GET',
    `/api/v1/sites/${b.server.siteId}`,
    { agent: await login(b.server, b.server.ownerEmail, b.server.ownerPassword) },
  );
  expect(site.body.site.settings.retentionDays).toBe(30);
});

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

function dbMessagesOf(conversationId: string) {
  return b.server.ctx.db
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', conversationId)
    .execute();
}

test('an admin changes the widget colour: saved, published to widgets, shown on the demo page', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  await b.page.getByRole('link', { name: 'Admin' }).click();
  await b.page.getByRole('link', { name: 'Demo site' }).click();
  await waitForText(b.page.locator('#embed-snippet'), `data-site="${b.server.siteKey}"`);
  await b.page.getByRole('button', { name: 'Appearance' }).click();
  await b.page.getByLabel('Brand colour (hex)').fill('#d9480f');
  await b.page.getByLabel('Team name').fill('Shop helpers');
  // A bad value is explained and blocks the save.
  await b.page.getByLabel('Distance from the side (px)').fill('900');
  await waitForText(b.page.locator('.issues'), 'offsetX');
  await expect(b.page.getByRole('button', { name: 'Save changes' }).isDisabled()).resolves.toBe(true);
  await b.page.getByLabel('Distance from the side (px)').fill('24');
  await b.page.getByRole('button', { name: 'Save changes' }).click();
  await waitForText(b.page.locator('.save-bar'), 'Saved.');

  const config = await http<{ appearance: { color: string; teamName: string; offsetX: number } }>(
    b.server,
    'GET',
    `/api/v1/widget/config?site=${b.server.siteKey}`,
  );
  expect(config.body.appearance).toMatchObject({ color: '#d9480f', teamName: 'Shop helpers', offsetX: 24 });

  // The preview beside the settings is the real widget with the saved colour.
  const preview = b.page.frameLocator('iframe[title="Widget preview"]');
  await eventually(async () =>
    expect(
      await preview.locator('parley-widget').evaluate((el: HTMLElement) => el.style.getPropertyValue('--pc')),
    ).toBe('#d9480f'),
  );
  await screenshot(b.page, 'console-site-settings.png');

  // The identity-verification secret: shown on request, rotated after a confirmation.
  await b.page.getByRole('button', { name: 'Privacy and identity' }).click();
  await b.page.getByRole('button', { name: 'Show the secret' }).click();
  const first = (await b.page.locator('#identity-secret').textContent()) ?? '';
  expect(first.length).toBeGreaterThan(20);
  await b.page.getByRole('button', { name: 'Rotate…' }).click();
  await b.page.getByRole('button', { name: /^Rotate now/ }).click();
  await waitForText(b.page.locator('.form-ok'), 'A new secret is in force');
  await expect(b.page.locator('#identity-secret').textContent()).resolves.not.toBe(first);

  // The demo page, as a visitor would open it.
  const visitorPage = await b.context.newPage();
  await visitorPage.goto(`${b.server.url}/demo?site=${b.server.siteKey}`);
  await eventually(async () =>
    expect(
      await visitorPage
        .locator('parley-widget')
        .evaluate((el: HTMLElement) => el.style.getPropertyValue('--pc')),
    ).toBe('#d9480f'),
  );
  await visitorPage.close();
});

test('a deactivated agent is thrown out of the console live', async () => {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const kim = await colleagueConsole('Kim');
  try {
    await b.page.goto(`${b.server.url}/console#/admin/team`);
    const row = b.page.locator(`tr[data-agent-id="${kim.agent.agentId}"]`);
    await row.getByRole('button', { name: 'Deactivate…' }).click();
    await row.getByRole('button', { name: 'Deactivate Kim' }).click();
    await waitForText(row, 'Deactivated');
    await waitForText(kim.page.locator('#signin-error'), 'Your account was deactivated.');
    await kim.page.locator('#screen-signin').waitFor();
    // And stays out: the session is gone on the server too.
    await kim.page.reload();
    await kim.page.locator('#screen-signin').waitFor();
  } finally {
    await kim.side.context.close();
  }
});
