/**
 * The demo host page in a real browser: the visitor's round trip with an agent, and the reliability
 * contract seen from the page (offline queueing, lost acks, a reload while the server is out of reach).
 */
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually, SocketSwitch, useBrowserPage, waitForText } from './browser';
import { nodeAgent, type NodeParticipant } from './nodeClients';

const b = useBrowserPage();

const demoUrl = (): string => `${b.server.url}/demo?site=${b.server.siteKey}`;
const messages = (): ReturnType<Page['locator']> => b.page.locator('#chat-messages > li');
const row = (text: string): ReturnType<Page['locator']> => messages().filter({ hasText: text });

async function openDemo(): Promise<void> {
  await b.page.goto(demoUrl());
  await waitForText(b.page.locator('#chat-status'), 'Connected');
}

async function sendFromPage(text: string): Promise<void> {
  await b.page.locator('#chat-input').fill(text);
  await b.page.locator('#chat-input').press('Enter');
}

async function ownAgent(): Promise<NodeParticipant> {
  const agent = await nodeAgent(b.server, b.server.ownerEmail, b.server.ownerPassword);
  b.others.push(agent);
  await eventually(() => expect(agent.client.state).toBe('open'));
  return agent;
}

async function rowsWithBody(body: string): Promise<number> {
  const rows = await b.server.ctx.db.selectFrom('messages').select('id').where('body', '=', body).execute();
  return rows.length;
}

const storedToken = (): Promise<string | null> =>
  b.page.evaluate((key) => localStorage.getItem(key), `parley:token:${b.server.siteKey}`);

test('a visitor and an agent talk through the page; the history and the identity survive a reload', async () => {
  const agent = await ownAgent();
  await openDemo();
  await expect(b.page.locator('#chat-empty').isVisible()).resolves.toBe(true);

  const question = 'Hi! Do you ship to Norway?';
  await sendFromPage(question);
  await waitForText(row(question).locator('.msg-delivery'), 'Sent');
  await eventually(() => expect(agent.messages.map((m) => m.body)).toContain(question));
  const received = agent.messages.find((m) => m.body === question);
  expect(received?.author.kind).toBe('visitor');
  const conversationId = received?.conversationId ?? '';

  // The visitor's draft reaches the agent while being typed (the demo site enables sneak peek). Two
  // edits within the throttle's interval: the latest draft still arrives, on the interval's end.
  await b.page.locator('#chat-input').fill('And how long does it');
  await b.page.locator('#chat-input').press('Space');
  await b.page.locator('#chat-input').press('t');
  await eventually(() => expect(agent.typing.map((t) => t.preview).at(-1)).toBe('And how long does it t'));
  await b.page.locator('#chat-input').fill('');

  agent.client.typing(conversationId);
  await waitForText(b.page.locator('#chat-typing'), 'Owner is typing…');
  const answer = 'Yes, we do: 3 to 5 working days.';
  const ack = await agent.client.send(answer, { conversationId }).acked;
  const reply = row(answer);
  await reply.waitFor();
  await expect(reply.locator('.msg-author').textContent()).resolves.toBe('Owner');
  await expect(reply.getAttribute('class')).resolves.toContain('msg-agent');
  // The reply ends the typing indicator.
  await b.page.locator('#chat-typing:empty').waitFor({ state: 'attached' });

  // The agent reads: the visitor's message gets its read tick.
  agent.client.markRead(conversationId, ack.seq);
  await waitForText(row(question).locator('.msg-delivery'), 'Read');

  const token = await storedToken();
  expect(token).toMatch(/^pv_/);
  await b.page.reload();
  await waitForText(b.page.locator('#chat-status'), 'Connected');
  await row(answer).waitFor();
  await waitForText(row(question).locator('.msg-delivery'), 'Read');
  await expect(messages().allTextContents()).resolves.toHaveLength(2);
  expect(await storedToken()).toBe(token);
  const visitors = await b.server.ctx.db.selectFrom('visitors').select('id').execute();
  expect(visitors).toHaveLength(1);
});

test('a message written offline is shown as pending and delivered exactly once when back online', async () => {
  const sockets = await SocketSwitch.install(b.context);
  const agent = await ownAgent();
  await openDemo();

  // Offline for real (the browser fires `offline`), and the open socket dropped, as when a laptop
  // leaves the Wi-Fi: Chromium's offline emulation alone leaves an open WebSocket untouched.
  await b.context.setOffline(true);
  await sockets.cut();
  const socketsBefore = sockets.connections;
  await waitForText(b.page.locator('#chat-status'), 'Offline');
  const body = 'Written in a tunnel';
  await sendFromPage(body);
  await waitForText(row(body).locator('.msg-delivery'), 'Sending…');
  await waitForText(b.page.locator('#chat-status'), 'Offline — your message will be sent');
  expect(await rowsWithBody(body)).toBe(0);

  sockets.restore();
  await b.context.setOffline(false);
  await waitForText(row(body).locator('.msg-delivery'), 'Sent', 20_000);
  await waitForText(b.page.locator('#chat-status'), 'Connected');
  // Delivered over a new socket, by the outbox's resend after the welcome.
  expect(sockets.connections).toBe(socketsBefore + 1);
  expect(await rowsWithBody(body)).toBe(1);
  await expect(row(body).count()).resolves.toBe(1);
  await eventually(() => expect(agent.messages.filter((m) => m.body === body)).toHaveLength(1));
});

test('a message whose ack was lost is resent after reconnecting and stored once', async () => {
  const sockets = await SocketSwitch.install(b.context);
  await openDemo();

  // The server stores the message, but the ack (and the echo) never reach the page.
  sockets.deafen();
  const body = 'Stored, but the page was not told';
  await sendFromPage(body);
  await eventually(() => expect(rowsWithBody(body)).resolves.toBe(1));
  await waitForText(row(body).locator('.msg-delivery'), 'Sending…');

  // The connection drops and comes back: the page resends with the same clientMsgId.
  await b.context.setOffline(true);
  await sockets.cut();
  await waitForText(b.page.locator('#chat-status'), 'Offline');
  sockets.restore();
  await b.context.setOffline(false);
  await waitForText(row(body).locator('.msg-delivery'), 'Sent', 20_000);
  expect(await rowsWithBody(body)).toBe(1);
  await expect(row(body).count()).resolves.toBe(1);
});

test('a pending message survives a reload while the server is unreachable and is delivered once', async () => {
  // "Unreachable" for the chat only: the page and its assets still load (a reload needs them), while
  // the visitor-session call is refused and every WebSocket is dropped at once. A real outage of a
  // chat server hosted apart from the shop page looks exactly like this to the page.
  const sockets = await SocketSwitch.install(b.context);
  await openDemo();
  await sendFromPage('Hello before the outage');
  await waitForText(row('Hello before the outage').locator('.msg-delivery'), 'Sent');
  const token = await storedToken();

  await sockets.cut();
  await b.page.route('**/api/v1/visitor/session', (route) => route.abort('connectionrefused'));
  b.expectErrors(/ERR_CONNECTION_REFUSED/);
  const body = 'Typed during the outage';
  await sendFromPage(body);
  await waitForText(row(body).locator('.msg-delivery'), 'Sending…');

  await b.page.reload();
  // Restored from the persisted outbox, before any contact with the server.
  await waitForText(row(body).locator('.msg-delivery'), 'Sending…');
  await waitForText(b.page.locator('#chat-status'), 'Offline — your message will be sent');
  expect(await rowsWithBody(body)).toBe(0);

  // The network comes back: the browser fires `online`, and the client retries at once.
  await b.context.setOffline(true);
  sockets.restore();
  await b.page.unroute('**/api/v1/visitor/session');
  await b.context.setOffline(false);
  await waitForText(row(body).locator('.msg-delivery'), 'Sent', 20_000);
  await row('Hello before the outage').waitFor();
  expect(await rowsWithBody(body)).toBe(1);
  await expect(row(body).count()).resolves.toBe(1);
  expect(await storedToken()).toBe(token);
});

test('a first visit while the chat server is unreachable keeps what the visitor writes and sends it later', async () => {
  const sockets = await SocketSwitch.install(b.context);
  await sockets.cut();
  await b.page.route('**/api/v1/visitor/session', (route) => route.abort('connectionrefused'));
  b.expectErrors(/ERR_CONNECTION_REFUSED/);
  await b.page.goto(demoUrl());
  await waitForText(b.page.locator('#chat-status'), 'Connecting…');
  const body = 'Is anyone there?';
  await sendFromPage(body);
  await waitForText(row(body).locator('.msg-delivery'), 'Sending…');
  await waitForText(b.page.locator('#chat-status'), 'Offline — your message will be sent');
  expect(await storedToken()).toBeNull();

  await b.context.setOffline(true);
  sockets.restore();
  await b.page.unroute('**/api/v1/visitor/session');
  await b.context.setOffline(false);
  await waitForText(row(body).locator('.msg-delivery'), 'Sent', 20_000);
  expect(await storedToken()).toMatch(/^pv_/);
  expect(await rowsWithBody(body)).toBe(1);
  await expect(row(body).count()).resolves.toBe(1);
});

test('an unknown site key is explained instead of a chat box that cannot work', async () => {
  b.expectErrors(/status of 404/);
  await b.page.goto(`${b.server.url}/demo?site=no-such-site`);
  await waitForText(b.page.locator('#chat-status'), 'the site key in the address is unknown');
  await b.page.locator('#chat-form').waitFor({ state: 'hidden' });
});
