/** Shared steps of the console's browser tests. */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
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

export const inboxItem = (page: Page, text: string): Locator =>
  page.locator('#inbox-list .inbox-item').filter({ hasText: text });

export const threadRow = (page: Page, text: string): Locator =>
  page.locator('#thread-messages > li').filter({ hasText: text });
