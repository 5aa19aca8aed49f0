/** Shared steps of the console's browser tests. */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { createVisitorSession, ParleyClient, websocketUrl } from '@parley/client';
import { eventually, type BrowserPageFixture } from './browser';
import { nodeVisitor, type NodeParticipant } from './nodeClients';

export async function signIn(page: Page, serverUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${serverUrl}/console`);
  await page.locator('#signin-email').fill(email);
  await page.locator('#signin-password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A visitor on the test server's demo site (a Node client), closed after the test. */
export async function visitorOf(b: BrowserPageFixture): Promise<NodeParticipant> {
  const v = await nodeVisitor(b.server, b.server.siteKey);
  b.others.push(v);
  await eventually(() => expect(v.client.state).toBe('open'));
  return v;
}

/** A visitor whose token the test keeps, for the visitor REST calls (rating, page views). */
export async function visitorWithToken(
  b: BrowserPageFixture,
  pageUrl = 'https://shop.example/pricing',
): Promise<NodeParticipant & { token: string }> {
  const { token } = await createVisitorSession(b.server.url, { siteKey: b.server.siteKey, pageUrl });
  const client = new ParleyClient({
    url: websocketUrl(b.server.url),
    auth: { role: 'visitor', siteKey: b.server.siteKey, token },
    WebSocketImpl: WebSocket,
  });
  const v: NodeParticipant & { token: string } = { client, messages: [], typing: [], token };
  client.on('message', (m) => v.messages.push(m));
  client.connect();
  b.others.push(v);
  await eventually(() => expect(client.state).toBe('open'));
  return v;
}

export const inboxItem = (page: Page, text: string): Locator =>
  page.locator('#inbox-list .inbox-item').filter({ hasText: text });

export const threadRow = (page: Page, text: string): Locator =>
  page.locator('#thread-messages > li').filter({ hasText: text });
