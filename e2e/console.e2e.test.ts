/**
 * The agent console in a real browser: sign-in (and its refusals), the forced change of a one-time
 * password, a socket refused later on, the live inbox, sneak peek, replies and private notes, assign
 * and close, and user text rendered as text only.
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { resetPassword } from '../packages/server/src/agents/actions';
import { createAgent, http, login } from '../packages/server/test/helpers';
import {
  eventually,
  foreignUrls,
  newRecordedContext,
  SocketSwitch,
  useBrowserPage,
  waitForText,
} from './browser';
import { nodeVisitor, type NodeParticipant } from './nodeClients';

const b = useBrowserPage({
  // A refused sign-in is an HTTP error the browser logs by itself; anything else is a bug.
  allowedErrors: [/status of 40[13]|status of 429/],
});

async function signIn(email: string, password: string): Promise<void> {
  await b.page.goto(`${b.server.url}/console`);
  await b.page.locator('#signin-email').fill(email);
  await b.page.locator('#signin-password').fill(password);
  await b.page.getByRole('button', { name: 'Sign in' }).click();
}

async function signInAsOwner(): Promise<void> {
  await signIn(b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
}

async function visitor(): Promise<NodeParticipant> {
  const v = await nodeVisitor(b.server, b.server.siteKey);
  b.others.push(v);
  await eventually(() => expect(v.client.state).toBe('open'));
  return v;
}

const inboxItem = (text: string): ReturnType<Page['locator']> =>
  b.page.locator('#inbox-list .inbox-item').filter({ hasText: text });
const threadRow = (text: string): ReturnType<Page['locator']> =>
  b.page.locator('#thread-messages > li').filter({ hasText: text });

test('an agent sees a new chat live, reads the sneak peek, replies, writes a private note, and closes', async () => {
  await signInAsOwner();
  await expect(b.page.locator('#me').textContent()).resolves.toBe('Owner');
  await b.page.locator('#inbox-empty').waitFor();

  const customer = await visitor();
  const first = 'Hello, my order #1234 has not arrived';
  const ack = await customer.client.send(first).acked;
  const conversationId = ack.conversationId;

  // Live, without a reload: the new conversation, its preview and its unread count.
  await inboxItem(first).waitFor();
  const item = b.page.locator(`[data-conversation-id="${conversationId}"]`);
  await waitForText(item.locator('.inbox-unread'), '1');
  await waitForText(item.locator('.inbox-title'), 'Visitor ');

  await item.click();
  await threadRow(first).waitFor();
  await item.locator('.inbox-unread').waitFor({ state: 'hidden' });
  await waitForText(b.page.locator('#thread-status'), 'Open · Unassigned');

  // Sneak peek: the draft shows while the visitor types.
  customer.client.typing(conversationId, 'It was supposed to come on Mon');
  await waitForText(b.page.locator('#thread-typing-preview'), 'It was supposed to come on Mon');
  await waitForText(item.locator('.inbox-preview'), 'typing…');

  await b.page.getByRole('button', { name: 'Assign to me' }).click();
  await waitForText(b.page.locator('#thread-status'), 'Assigned to you');
  await threadRow('Owner joined the conversation').waitFor();
  await b.page.getByRole('button', { name: 'Assign to me' }).waitFor({ state: 'hidden' });

  const reply = 'Sorry about that! Let me check with the carrier.';
  await b.page.locator('#reply-input').fill(reply);
  await b.page.locator('#reply-input').press('Enter');
  await waitForText(threadRow(reply).locator('.msg-delivery'), 'Sent');
  await eventually(() =>
    expect(
      customer.messages.filter((m) => m.author.kind === 'agent').map((m) => [m.author.name, m.body]),
    ).toEqual([['Owner', reply]]),
  );
  // The visitor reads it: the console shows it as seen.
  customer.client.markRead(conversationId, customer.messages.at(-1)?.seq ?? 0);
  await waitForText(threadRow(reply).locator('.msg-delivery'), 'Seen');

  const note = 'Internal: carrier lost the parcel, resend at our cost';
  await b.page.getByLabel('Private note').check();
  await b.page.locator('#reply-input').fill(note);
  await b.page.getByRole('button', { name: 'Add note' }).click();
  const noteRow = threadRow(note);
  await noteRow.waitFor();
  await expect(noteRow.getAttribute('class')).resolves.toContain('msg-note');
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
  await threadRow('Thanks!').waitFor();
  await b.page.locator('#thread-typing').waitFor({ state: 'hidden' });
  await b.page.waitForTimeout(1500);
  await expect(b.page.locator('#thread-typing').isHidden()).resolves.toBe(true);
  await eventually(() => expect(customer.messages.map((m) => m.body)).toContain('Thanks!'));
  expect(customer.messages.map((m) => m.body)).not.toContain(note);
  expect(customer.messages.some((m) => m.private)).toBe(false);

  await b.page.getByRole('button', { name: 'Close', exact: true }).click();
  await waitForText(b.page.locator('#thread-status'), 'Closed');
  await threadRow('Owner closed the conversation').waitFor();
  await b.page.getByRole('button', { name: 'Reopen' }).waitFor();
  await eventually(() => expect(customer.client.conversation(conversationId)?.status).toBe('closed'));

  await b.page.getByRole('button', { name: 'Sign out' }).click();
  await b.page.locator('#screen-signin').waitFor();
  await b.page.reload();
  await b.page.locator('#screen-signin').waitFor();
});

test('a one-time password must be replaced at the first sign-in', async () => {
  const owner = await login(b.server, b.server.ownerEmail, b.server.ownerPassword);
  const colleague = await createAgent(b.server, owner, { name: 'Sam' });
  const oneTime = 'one-time password 4711';
  await resetPassword(b.server.ctx, colleague.email, oneTime);

  await signIn(colleague.email, oneTime);
  await b.page.locator('#screen-password').waitFor();
  // Just typed at sign-in: not asked for again.
  await b.page.locator('#password-current').waitFor({ state: 'hidden' });
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
  await signIn(colleague.email, oneTime);
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
  await signIn(colleague.email, colleague.password);
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
  await signIn(colleague.email, 'wrong password 1');
  await waitForText(b.page.locator('#signin-error'), 'Wrong e-mail or password.');
  for (let attempt = 2; attempt <= 5; attempt++) {
    await b.page.locator('#signin-password').fill(`wrong password ${attempt}`);
    await b.page.getByRole('button', { name: 'Sign in' }).click();
    await b.page.getByRole('button', { name: 'Sign in' }).and(b.page.locator(':enabled')).waitFor();
  }
  await b.page.locator('#signin-password').fill(colleague.password);
  await b.page.getByRole('button', { name: 'Sign in' }).click();
  await waitForText(b.page.locator('#signin-error'), 'This account is locked');
  await expect(b.page.locator('#screen-app').isHidden()).resolves.toBe(true);
});

test('visitor text is shown as text, never as HTML, on both sides', async () => {
  await signInAsOwner();
  // The visitor in a second browser context, on the demo page.
  const visitorSide = await newRecordedContext(b.browser);
  const visitorPage = await visitorSide.context.newPage();
  try {
    await visitorPage.goto(`${b.server.url}/demo?site=${b.server.siteKey}`);
    await waitForText(visitorPage.locator('#chat-status'), 'Connected');
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    await visitorPage.locator('#chat-input').fill(payload);
    await visitorPage.locator('#chat-input').press('Enter');

    const item = inboxItem('<img src=x');
    await item.waitFor();
    await expect(item.locator('.inbox-preview').textContent()).resolves.toBe(payload);
    await item.click();
    await expect(threadRow('<img').locator('.msg-body').textContent()).resolves.toBe(payload);
    await expect(b.page.locator('#screen-app img, #screen-app script').count()).resolves.toBe(0);

    const answer = '<b>bold?</b><img src=x onerror=alert(3)>';
    await b.page.locator('#reply-input').fill(answer);
    await b.page.locator('#reply-input').press('Enter');
    const shown = visitorPage.locator('#chat-messages > li').filter({ hasText: '<b>bold?</b>' });
    await shown.waitFor();
    await expect(shown.locator('.msg-body').textContent()).resolves.toBe(answer);
    await expect(visitorPage.locator('#chat img, #chat b').count()).resolves.toBe(0);

    expect(b.recording.dialogs).toEqual([]);
    expect(visitorSide.recording.dialogs).toEqual([]);
    expect(foreignUrls(visitorSide.recording.urls, b.server.url)).toEqual([]);
    expect(visitorSide.recording.errors).toEqual([]);
  } finally {
    await visitorSide.context.close();
  }
});
