/**
 * The agent console (packages/console) in a real browser: sign-in and its refusals, the forced
 * change of a one-time password, a socket refused later on, the live inbox, sneak peek, replies and
 * private notes, assign and close, reconnecting and catching up, user text rendered as text only, and
 * desktop notifications.
 * Two agents at once, admin screens and live sign-out are in console-team.e2e.test.ts.
 */
import { expect, test } from 'vitest';
import { resetPassword } from '../packages/server/src/agents/actions';
import { createAgent, http, login } from '../packages/server/test/helpers';
import { eventually, SocketSwitch, useBrowserPage, waitForText } from './browser';
import { inboxItem, signIn, threadRow, visitorOf } from './consoleHelpers';

const b = useBrowserPage({
  // A refused sign-in is an HTTP error the browser logs by itself; anything else is a bug.
  allowedErrors: [/status of 40[13]|status of 429/],
});

async function signInAsOwner(): Promise<void> {
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
}

test('an agent sees a new chat live, reads the sneak peek, replies, writes a private note, and closes', async () => {
  await signInAsOwner();
  await expect(b.page.locator('#me').textContent()).resolves.toBe('Owner');
  await b.page.locator('#inbox-empty').waitFor();

  const customer = await visitorOf(b);
  const first = 'Hello, my order #1234 has not arrived';
  const ack = await customer.client.send(first).acked;
  const conversationId = ack.conversationId;

  // Live, without a reload: the new conversation, its preview, its unread count, its waiting time.
  await inboxItem(b.page, first).waitFor();
  const item = b.page.locator(`[data-conversation-id="${conversationId}"]`);
  await waitForText(item.locator('.inbox-unread'), '1');
  await waitForText(item.locator('.inbox-title'), 'Visitor ');
  await item.locator('.inbox-waiting').waitFor();
  await expect(b.page.title()).resolves.toBe('(1) Parley');

  await item.click();
  await threadRow(b.page, first).waitFor();
  await item.locator('.inbox-unread').waitFor({ state: 'hidden' });
  await eventually(() => expect(b.page.title()).resolves.toBe('Parley'));
  await waitForText(b.page.locator('#thread-status'), 'Open · Unassigned');

  // Sneak peek: the draft shows while the visitor types.
  customer.client.typing(conversationId, 'It was supposed to come on Mon');
  await waitForText(b.page.locator('#thread-typing-preview'), 'It was supposed to come on Mon');
  await waitForText(item.locator('.inbox-preview'), 'typing…');

  await b.page.getByRole('button', { name: 'Assign to me' }).click();
  await waitForText(b.page.locator('#thread-status'), 'Assigned to you');
  await threadRow(b.page, 'Owner joined the conversation').waitFor();
  await b.page.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'hidden' });

  const reply = 'Sorry about that! Let me check with the carrier. See https://carrier.example/track?id=1234';
  await b.page.locator('#reply-input').fill(reply);
  await b.page.locator('#reply-input').press('Enter');
  await waitForText(threadRow(b.page, 'Sorry about that').locator('.msg-delivery'), 'Sent');
  // Addresses become links, http(s) only.
  await expect(threadRow(b.page, 'Sorry about that').locator('a').getAttribute('href')).resolves.toBe(
    'https://carrier.example/track?id=1234',
  );
  await eventually(() =>
    expect(
      customer.messages.filter((m) => m.author.kind === 'agent').map((m) => [m.author.name, m.body]),
    ).toEqual([['Owner', reply]]),
  );
  // The visitor reads it: the console shows it as seen.
  customer.client.markRead(conversationId, customer.messages.at(-1)?.seq ?? 0);
  await waitForText(threadRow(b.page, 'Sorry about that').locator('.msg-delivery'), 'Seen');

  const note = 'Internal: carrier lost the parcel, resend at our cost';
  await b.page.getByLabel('Private note').check();
  await b.page.locator('#reply-input').fill(note);
  await b.page.getByRole('button', { name: 'Add note' }).click();
  const noteRow = threadRow(b.page, note);
  await noteRow.waitFor();
  await expect(noteRow.getAttribute('data-kind')).resolves.toBe('note');
  await waitForText(noteRow.locator('.msg-author'), 'Private note');
  await eventually(async () => {
    const rows = await b.server.ctx.db.selectFrom('messages').selectAll().where('body', '=', note).execute();
    expect(rows.map((r) => r.private)).toEqual([1]);
  });

  // A later visitor message arrives after the note in the log: had the note been sent to the
  // visitor, it would have arrived first. It is sent while the last draft is still due at the end
  // of the typing throttle's interval (1 s): that draft never shows after the message.
  customer.client.typing(conversationId, 'Thanks');
  customer.client.typing(conversationId, 'Thanks!');
  await customer.client.send('Thanks!').acked;
  await threadRow(b.page, 'Thanks!').waitFor();
  await b.page.locator('#thread-typing').waitFor({ state: 'hidden' });
  await b.page.waitForTimeout(1500);
  await expect(b.page.locator('#thread-typing').isHidden()).resolves.toBe(true);
  await eventually(() => expect(customer.messages.map((m) => m.body)).toContain('Thanks!'));
  expect(customer.messages.map((m) => m.body)).not.toContain(note);
  expect(customer.messages.some((m) => m.private)).toBe(false);

  await b.page.getByRole('button', { name: 'Close', exact: true }).click();
  await waitForText(b.page.locator('#thread-status'), 'Closed');
  await threadRow(b.page, 'Owner closed the conversation').waitFor();
  await b.page.getByRole('button', { name: 'Reopen' }).waitFor();
  await eventually(() => expect(customer.client.conversation(conversationId)?.status).toBe('closed'));

  // The closed tab lists it (loaded over REST: the socket's welcome carries open ones only).
  await b.page.goto(`${b.server.url}/console#/`);
  await waitForText(b.page.locator('#connection'), 'Connected');
  await b.page.getByRole('button', { name: 'Closed', exact: true }).click();
  await b.page.locator(`[data-conversation-id="${conversationId}"]`).waitFor();

  await b.page.getByRole('button', { name: 'Sign out' }).click();
  await b.page.locator('#screen-signin').waitFor();
  await b.page.reload();
  await b.page.locator('#screen-signin').waitFor();
});

test('keyboard: next conversation, assign to me, focus the composer, close; the help overlay lists them', async () => {
  await signInAsOwner();
  const one = await visitorOf(b);
  const two = await visitorOf(b);
  const a = await one.client.send('first visitor asks').acked;
  const c = await two.client.send('second visitor asks').acked;
  await inboxItem(b.page, 'second visitor asks').waitFor();

  await b.page.keyboard.press('?');
  await b.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await b.page.keyboard.press('Escape');
  await b.page.getByRole('dialog').waitFor({ state: 'hidden' });

  // Longest waiting first: the first visitor.
  const opened = (id: string) => eventually(() => expect(new URL(b.page.url()).hash).toBe(`#/c/${id}`));
  await b.page.keyboard.press('j');
  await opened(a.conversationId);
  await b.page.keyboard.press('j');
  await opened(c.conversationId);
  await b.page.keyboard.press('a');
  await waitForText(b.page.locator('#thread-status'), 'Assigned to you');
  await b.page.keyboard.press('r');
  await expect(b.page.locator('#reply-input').evaluate((el) => el === document.activeElement)).resolves.toBe(
    true,
  );
  await b.page.keyboard.type('typed after r');
  await b.page.keyboard.press('Escape');
  await b.page.keyboard.press('c');
  await waitForText(b.page.locator('#thread-status'), 'Closed');
  await eventually(() => expect(two.client.conversation(c.conversationId)?.status).toBe('closed'));
});

test('search: "/" focuses the field, matches are marked, a click opens the conversation, Escape clears', async () => {
  await signInAsOwner();
  const customer = await visitorOf(b);
  const { conversationId: id } = await customer.client.send('My invoice number is 4711, the café order')
    .acked;
  await inboxItem(b.page, 'invoice number').waitFor();
  await b.page.keyboard.press('/');
  await b.page.keyboard.type('invoi cafe');
  const results = b.page.locator('#search-results');
  const hit = results.locator(`[data-conversation-id="${id}"]`);
  await hit.waitFor();
  await expect(hit.locator('mark').allTextContents()).resolves.toEqual(['invoice', 'café']);
  await hit.click();
  await threadRow(b.page, 'invoice number').waitFor();
  await b.page.getByRole('searchbox', { name: 'Search conversations' }).press('Escape');
  await results.waitFor({ state: 'detached' });
  await inboxItem(b.page, 'invoice number').waitFor();
});

test('after the connection drops the console says so, catches up by itself, and sends what was written meanwhile', async () => {
  const sockets = await SocketSwitch.install(b.page);
  await signInAsOwner();
  const customer = await visitorOf(b);
  const ack = await customer.client.send('are you there?').acked;
  await inboxItem(b.page, 'are you there?').click();
  await threadRow(b.page, 'are you there?').waitFor();

  await sockets.cut();
  await waitForText(b.page.locator('#connection'), 'Reconnecting');
  await b.page.locator('#connection-banner').waitFor();
  // Written while away: shown as sending, then delivered after the reconnect.
  await b.page.locator('#reply-input').fill('yes, one moment');
  await b.page.locator('#reply-input').press('Enter');
  await waitForText(threadRow(b.page, 'yes, one moment').locator('.msg-delivery'), 'Sending');
  await customer.client.send('hello??').acked;
  sockets.restore();

  await waitForText(b.page.locator('#connection'), 'Connected', 20_000);
  await threadRow(b.page, 'hello??').waitFor();
  await waitForText(threadRow(b.page, 'yes, one moment').locator('.msg-delivery'), 'Sent');
  await b.page.locator('#connection-banner').waitFor({ state: 'hidden' });
  await eventually(() => expect(customer.messages.map((m) => m.body)).toContain('yes, one moment'));
  const stored = await b.server.ctx.db
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', ack.conversationId)
    .where('body', '=', 'yes, one moment')
    .execute();
  expect(stored).toHaveLength(1);
});

test('a one-time password must be replaced at the first sign-in', async () => {
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const colleague = await createAgent(b.server, owner, { name: 'Sam' });
  const oneTime = 'one-time password 4711';
  await resetPassword(b.server.ctx, colleague.email, oneTime);

  await signIn(b.page, b.server.url, colleague.email, oneTime);
  await b.page.locator('#screen-password').waitFor();
  // Just typed at sign-in: not asked for again.
  await expect(b.page.locator('#password-current').count()).resolves.toBe(0);
  const chosen = 'my very own password';
  await b.page.getByLabel('New password', { exact: true }).fill(chosen);
  await b.page.getByLabel('Repeat the new password').fill('my very own passwort');
  await b.page.getByRole('button', { name: 'Save and continue' }).click();
  await waitForText(b.page.locator('#password-error'), 'not the same');

  await b.page.getByLabel('Repeat the new password').fill(chosen);
  await b.page.getByRole('button', { name: 'Save and continue' }).click();
  await waitForText(b.page.locator('#connection'), 'Connected');
  await expect(b.page.locator('#me').textContent()).resolves.toBe('Sam');

  // The session resumes on reload, and the new password is the one that works now.
  await b.page.reload();
  await waitForText(b.page.locator('#connection'), 'Connected');
  const elsewhere = await login(b.server, colleague.email, chosen);
  await expect(login(b.server, colleague.email, oneTime)).rejects.toThrow(/401/);

  // "Sign out everywhere" from another device: the server ends this console's session too.
  await http(b.server, 'POST', '/api/v1/auth/logout-all', { agent: elsewhere });
  await waitForText(b.page.locator('#signin-error'), 'You were signed out');
});

test('a session that still needs its password changed resumes on the password form', async () => {
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const colleague = await createAgent(b.server, owner, { name: 'Kim' });
  const oneTime = 'one-time password 0815';
  await resetPassword(b.server.ctx, colleague.email, oneTime);
  await signIn(b.page, b.server.url, colleague.email, oneTime);
  await b.page.locator('#screen-password').waitFor();

  await b.page.reload();
  await b.page.locator('#screen-password').waitFor();
  await b.page.getByLabel('Current (one-time) password').fill('not it at all');
  await b.page.getByLabel('New password', { exact: true }).fill('another good password');
  await b.page.getByLabel('Repeat the new password').fill('another good password');
  await b.page.getByRole('button', { name: 'Save and continue' }).click();
  await waitForText(b.page.locator('#password-error'), 'current password is wrong');
  await b.page.getByLabel('Current (one-time) password').fill(oneTime);
  await b.page.getByRole('button', { name: 'Save and continue' }).click();
  await waitForText(b.page.locator('#connection'), 'Connected');
});

test('a socket refused later leads to the screen its error code calls for', async () => {
  const sockets = await SocketSwitch.install(b.page);
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const colleague = await createAgent(b.server, owner, { name: 'Lee' });
  await signIn(b.page, b.server.url, colleague.email, colleague.password);
  await waitForText(b.page.locator('#connection'), 'Connected');
  const reconnectAfter = async (change: () => Promise<unknown>): Promise<void> => {
    await sockets.cut();
    await change();
    sockets.restore();
  };

  // A one-time password is set behind the session's back (`resetPassword` would also end the
  // session): the next socket is refused with `password_change_required`.
  await reconnectAfter(() =>
    b.server.ctx.db
      .updateTable('agents')
      .set({ must_change_password: 1 })
      .where('id', '=', colleague.agentId)
      .execute(),
  );
  await b.page.locator('#screen-password').waitFor();
  // This page never saw the new one-time password: it asks for it.
  await b.page.getByLabel('Current (one-time) password').fill(colleague.password);
  const chosen = 'chosen after the refusal';
  await b.page.getByLabel('New password', { exact: true }).fill(chosen);
  await b.page.getByLabel('Repeat the new password').fill(chosen);
  await b.page.getByRole('button', { name: 'Save and continue' }).click();
  await waitForText(b.page.locator('#connection'), 'Connected');
  await expect(b.page.locator('#me').textContent()).resolves.toBe('Lee');

  // The session ends without a word (gone from the database): the next socket is refused with
  // `unauthorized`, and the console says so on the sign-in form.
  await reconnectAfter(() =>
    b.server.ctx.db.deleteFrom('sessions').where('agent_id', '=', colleague.agentId).execute(),
  );
  await waitForText(b.page.locator('#signin-error'), 'Your session has ended. Sign in again to continue.');
  await b.page.locator('#screen-signin').waitFor();
});

test('sign-in refusals are explained: wrong password, then a locked account', async () => {
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const colleague = await createAgent(b.server, owner);
  await signIn(b.page, b.server.url, colleague.email, 'wrong password 1');
  await waitForText(b.page.locator('#signin-error'), 'Wrong e-mail or password.');
  for (let attempt = 2; attempt <= 5; attempt++) {
    await b.page.locator('#signin-password').fill(`wrong password ${attempt}`);
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await b.page.getByRole('button', { name: 'Sign in' }).and(b.page.locator(':enabled')).waitFor();
  }
  await b.page.locator('#signin-password').fill(colleague.password);
  await b.page.getByRole('button', { name: 'Sign in' }).click();
  await waitForText(b.page.locator('#signin-error'), 'This account is locked');
  await expect(b.page.locator('#screen-app').count()).resolves.toBe(0);
});

test('visitor text is shown as text, never as HTML; only http(s) and mailto become links', async () => {
  await signInAsOwner();
  const customer = await visitorOf(b);
  const payload =
    '<img src=x onerror=alert(1)><script>alert(2)</script> javascript:alert(3) see www.shop.example';
  await customer.client.send(payload).acked;

  const item = inboxItem(b.page, '<img src=x');
  await item.waitFor();
  await expect(item.locator('.inbox-preview').textContent()).resolves.toBe(payload);
  await item.click();
  const row = threadRow(b.page, '<img');
  await expect(row.locator('.msg-body').textContent()).resolves.toBe(payload);
  await expect(b.page.locator('#screen-app script, .message-list img').count()).resolves.toBe(0);
  await expect(
    row.locator('a').evaluateAll((links) => links.map((l) => l.getAttribute('href'))),
  ).resolves.toEqual(['https://www.shop.example/']);

  const answer = '<b>bold?</b><img src=x onerror=alert(3)>';
  await b.page.locator('#reply-input').fill(answer);
  await b.page.locator('#reply-input').press('Enter');
  await waitForText(threadRow(b.page, '<b>bold?</b>').locator('.msg-delivery'), 'Sent');
  await expect(threadRow(b.page, '<b>bold?</b>').locator('.msg-body').textContent()).resolves.toBe(answer);
  await eventually(() => expect(customer.messages.map((m) => m.body)).toContain(answer));
  expect(b.recording.dialogs).toEqual([]);
});

test('desktop notifications: allowed from the profile, raised while the console is in the background, a click opens the conversation', async () => {
  // The browser's Notification API, recorded: headless Chromium shows no system notifications.
  await b.page.addInitScript(() => {
    type Shown = { title: string; body: string; tag: string; closed: boolean; click: () => void };
    const shown: Shown[] = [];
    (window as unknown as { shownNotifications: Shown[] }).shownNotifications = shown;
    class RecordedNotification {
      static permission: NotificationPermission = 'default';
      static requestPermission(): Promise<NotificationPermission> {
        RecordedNotification.permission = 'granted';
        return Promise.resolve('granted');
      }
      readonly #entry: Shown;
      constructor(title: string, options: { body?: string; tag?: string } = {}) {
        this.#entry = {
          title,
          body: options.body ?? '',
          tag: options.tag ?? '',
          closed: false,
          click: () => {},
        };
        shown.push(this.#entry);
      }
      addEventListener(type: string, listener: () => void): void {
        if (type === 'click') this.#entry.click = listener;
      }
      close(): void {
        this.#entry.closed = true;
      }
    }
    Object.defineProperty(window, 'Notification', { value: RecordedNotification, configurable: true });
  });
  await signInAsOwner();
  await b.page.goto(`${b.server.url}/console#/profile`);
  const desktop = b.page.getByRole('checkbox', { name: /system notification/ });
  await expect(desktop.isDisabled()).resolves.toBe(true);
  await b.page.getByRole('button', { name: 'Allow notifications…' }).click();
  await eventually(async () => expect(await desktop.isChecked()).toBe(true));
  await b.page.goto(`${b.server.url}/console#/`);

  // In the foreground nothing is raised; in the background (no focus) a new chat is.
  const customer = await visitorOf(b);
  await customer.client.send('Seen in the foreground').acked;
  await inboxItem(b.page, 'Seen in the foreground').waitFor();
  await b.page.evaluate(() => {
    document.hasFocus = () => false;
  });
  const other = await visitorOf(b);
  const ack = await other.client.send('Is anyone there?').acked;
  await inboxItem(b.page, 'Is anyone there?').waitFor();
  const shown = () =>
    b.page.evaluate(() =>
      (
        window as unknown as {
          shownNotifications: { title: string; body: string; tag: string; closed: boolean }[];
        }
      ).shownNotifications.map(({ title, body, tag, closed }) => ({ title, body, tag, closed })),
    );
  await eventually(async () =>
    expect(await shown()).toEqual([
      {
        title: expect.stringMatching(/^New conversation: /) as string,
        body: 'Is anyone there?',
        tag: `parley:${ack.conversationId}`,
        closed: false,
      },
    ]),
  );
  await b.page.evaluate(() =>
    (window as unknown as { shownNotifications: { click: () => void }[] }).shownNotifications[0]?.click(),
  );
  await threadRow(b.page, 'Is anyone there?').waitFor();
  expect(new URL(b.page.url()).hash).toBe(`#/c/${ack.conversationId}`);
  await eventually(async () => expect((await shown())[0]?.closed).toBe(true));
});
