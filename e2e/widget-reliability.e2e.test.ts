/**
 * The reliability contract seen from the widget (DESIGN.md §3): a message written offline is shown
 * as pending and delivered exactly once when the connection returns; a lost ack is resent and
 * stored once; a pending message survives a reload while the chat server is out of reach; a first
 * visit with the server out of reach keeps what the visitor writes. The database is the judge.
 */
import { expect, test } from 'vitest';
import { eventually, SocketSwitch, waitForText } from './browser';
import {
  openChat,
  sendFromWidget,
  storedBodies,
  useWidgetPage,
  waitForDelivery,
  widget,
} from './widgetFixture';

const w = useWidgetPage();

async function chatPage(): Promise<{ siteKey: string; url: string }> {
  const site = await w.site();
  return { siteKey: site.key, url: w.hostPage({ siteKey: site.key }) };
}

const token = (siteKey: string): Promise<string | null> =>
  w.page.evaluate((key) => localStorage.getItem(key), `parley:token:${siteKey}`);

test('a message written offline is shown as pending and delivered exactly once when back online', async () => {
  const sockets = await SocketSwitch.install(w.context);
  const agent = await w.agent();
  const { url } = await chatPage();
  await w.page.goto(url);
  await openChat(w.page);
  const ui = widget(w.page);
  await sendFromWidget(w.page, 'Before the tunnel');
  await waitForDelivery(w.page, 'Before the tunnel', 'delivered');

  // Offline for real (the browser fires `offline`) and the open socket dropped: Chromium's offline
  // emulation alone leaves an open WebSocket untouched.
  await w.context.setOffline(true);
  await sockets.cut();
  const socketsBefore = sockets.connections;
  await waitForText(ui.connection, 'You are offline');
  const body = 'Written in a tunnel';
  await sendFromWidget(w.page, body);
  await waitForDelivery(w.page, body, 'queued');
  await expect(ui.row(body).locator('.delivery').textContent()).resolves.toContain('Waiting for connection');
  expect(await storedBodies(w.server, body)).toBe(0);

  sockets.restore();
  await w.context.setOffline(false);
  await waitForDelivery(w.page, body, 'delivered', 20_000);
  await ui.connection.filter({ hasText: /^$/ }).waitFor({ state: 'attached' });
  // Delivered over a new socket, by the outbox's resend after the welcome.
  expect(sockets.connections).toBe(socketsBefore + 1);
  expect(await storedBodies(w.server, body)).toBe(1);
  await expect(ui.row(body).count()).resolves.toBe(1);
  await eventually(() => expect(agent.messages.filter((m) => m.body === body)).toHaveLength(1));
});

test('a message whose ack was lost is resent after reconnecting and stored once', async () => {
  const sockets = await SocketSwitch.install(w.context);
  await w.agent();
  const { url } = await chatPage();
  await w.page.goto(url);
  await openChat(w.page);
  await widget(w.page).connection.filter({ hasText: /^$/ }).waitFor({ state: 'attached' });

  // The server stores the message, but the ack (and the echo) never reach the page.
  sockets.deafen();
  const body = 'Stored, but the page was not told';
  await sendFromWidget(w.page, body);
  await eventually(() => expect(storedBodies(w.server, body)).resolves.toBe(1));
  await waitForDelivery(w.page, body, 'sent');

  await w.context.setOffline(true);
  await sockets.cut();
  sockets.restore();
  await w.context.setOffline(false);
  await waitForDelivery(w.page, body, 'delivered', 20_000);
  expect(await storedBodies(w.server, body)).toBe(1);
  await expect(widget(w.page).row(body).count()).resolves.toBe(1);
});

test('a pending message survives a reload while the chat server is unreachable and is delivered once', async () => {
  // "Unreachable" for the chat only: the host page, the widget's assets and its configuration still
  // load, while the visitor-session call is refused and every WebSocket is dropped at once.
  const sockets = await SocketSwitch.install(w.context);
  await w.agent();
  const { siteKey, url } = await chatPage();
  await w.page.goto(url);
  await openChat(w.page);
  await sendFromWidget(w.page, 'Hello before the outage');
  await waitForDelivery(w.page, 'Hello before the outage', 'delivered');
  const before = await token(siteKey);

  await sockets.cut();
  await w.page.route('**/api/v1/visitor/session', (route) => route.abort('connectionrefused'));
  w.expectErrors(/ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED/);
  const body = 'Typed during the outage';
  await sendFromWidget(w.page, body);
  await waitForDelivery(w.page, body, 'queued');

  await w.page.reload();
  // The outbox is not empty: the chat UI comes back by itself and shows the message as pending.
  await widget(w.page).row(body).waitFor({ state: 'attached' });
  await openChat(w.page);
  await waitForDelivery(w.page, body, 'queued');
  expect(await storedBodies(w.server, body)).toBe(0);

  // The network comes back: the browser fires `online`, and the client retries at once.
  await w.context.setOffline(true);
  sockets.restore();
  await w.page.unroute('**/api/v1/visitor/session');
  await w.context.setOffline(false);
  await waitForDelivery(w.page, body, 'delivered', 20_000);
  await widget(w.page).row('Hello before the outage').waitFor();
  expect(await storedBodies(w.server, body)).toBe(1);
  await expect(widget(w.page).row(body).count()).resolves.toBe(1);
  expect(await token(siteKey)).toBe(before);
});

test('a first visit while the chat server is unreachable keeps what the visitor writes and sends it later', async () => {
  const sockets = await SocketSwitch.install(w.context);
  await w.agent();
  const { siteKey, url } = await chatPage();
  await sockets.cut();
  await w.page.route('**/api/v1/visitor/session', (route) => route.abort('connectionrefused'));
  w.expectErrors(/ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED/);
  await w.page.goto(url);
  await openChat(w.page);
  const ui = widget(w.page);
  await waitForText(ui.connection, 'Connecting…');
  const body = 'Is anyone there?';
  await sendFromWidget(w.page, body);
  await waitForDelivery(w.page, body, 'queued');
  expect(await token(siteKey)).toBeNull();

  await w.context.setOffline(true);
  sockets.restore();
  await w.page.unroute('**/api/v1/visitor/session');
  await w.context.setOffline(false);
  await waitForDelivery(w.page, body, 'delivered', 20_000);
  expect(await token(siteKey)).toMatch(/^pv_/);
  expect(await storedBodies(w.server, body)).toBe(1);
  await expect(ui.row(body).count()).resolves.toBe(1);
});

test('an unknown site key or a refused origin shows no widget and says why in the console', async () => {
  w.expectErrors(/status of 404/, /status of 403/);
  const warnings: string[] = [];
  w.page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  await w.page.goto(w.hostPage({ siteKey: 'no-such-site' }));
  await eventually(() => expect(warnings.join('\n')).toMatch(/Parley: the chat is not available/));
  await expect(w.page.locator('parley-widget').count()).resolves.toBe(0);

  const other = await w.site({}, { allowedOrigins: ['https://shop.example'] });
  await w.page.goto(w.hostPage({ siteKey: other.key }));
  await eventually(() => expect(warnings).toHaveLength(2));
  await expect(w.page.locator('parley-widget').count()).resolves.toBe(0);
});
