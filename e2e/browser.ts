/**
 * Shared browser setup for the end-to-end tests: Debian's Chromium driven by playwright-core (no
 * browser is ever downloaded), and a recorder that keeps every request, page error and dialog of a
 * context so that tests can assert on them.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  type WebSocketRoute,
} from 'playwright-core';
import { startTestServer, type TestServer } from '../packages/server/test/helpers';
import type { NodeParticipant } from './nodeClients';

const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** What the pages of one context did, for assertions. */
export interface Recording {
  /** Every HTTP request and WebSocket opened, by URL. */
  urls: string[];
  /** Uncaught exceptions and console errors of the pages. */
  errors: string[];
  /** Messages of `alert`/`confirm`/`prompt` dialogs (an XSS payload would open one). */
  dialogs: string[];
}

export async function newRecordedContext(
  browser: Browser,
): Promise<{ context: BrowserContext; recording: Recording }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const recording: Recording = { urls: [], errors: [], dialogs: [] };
  context.on('request', (request) => recording.urls.push(request.url()));
  context.on('weberror', (error) => recording.errors.push(`page error: ${error.error().message}`));
  context.on('console', (message) => {
    if (message.type() === 'error') recording.errors.push(`console: ${message.text()}`);
  });
  context.on('dialog', (dialog) => {
    recording.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  context.on('page', (page) => page.on('websocket', (ws) => recording.urls.push(ws.url())));
  return { context, recording };
}

/**
 * A switch between the page's WebSockets and the server, for "the chat server is unreachable".
 * Every page socket is proxied to the server through Playwright's WebSocket routing; `cut()` closes
 * the proxied ones (the page sees its socket drop, as on a lost connection) and refuses new ones
 * until `restore()`. Only WebSockets are affected: the page itself and its REST calls still load,
 * which `context.setOffline` cannot offer across a reload.
 */
export class SocketSwitch {
  #cut = false;
  #deaf = false;
  #connections = 0;
  readonly #live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();

  static async install(target: Page | BrowserContext): Promise<SocketSwitch> {
    const sw = new SocketSwitch();
    await target.routeWebSocket(/\/ws$/, (ws) => sw.#route(ws));
    return sw;
  }

  /** Sockets that reached the server through the switch so far. */
  get connections(): number {
    return this.#connections;
  }

  async cut(): Promise<void> {
    this.#cut = true;
    const live = [...this.#live];
    this.#live.clear();
    const reason = 'test: network cut';
    await Promise.all(
      live.flatMap((pair) => [
        pair.server.close({ code: 1001, reason }),
        pair.page.close({ code: 4000, reason }),
      ]),
    );
  }

  /** Let frames through again, both ways, for sockets opened from now on. */
  restore(): void {
    this.#cut = false;
    this.#deaf = false;
  }

  /**
   * The server's frames stop reaching the page while the page's still reach the server: a message
   * is then stored but its ack is lost, the case that idempotent resends exist for.
   */
  deafen(): void {
    this.#deaf = true;
  }

  #route(ws: WebSocketRoute): void {
    if (this.#cut) {
      void ws.close({ code: 4000, reason: 'test: network cut' });
      return;
    }
    const pair = { page: ws, server: ws.connectToServer() };
    this.#connections += 1;
    this.#live.add(pair);
    // With close handlers installed Playwright no longer forwards a close to the other side: we do.
    ws.onClose((code, reason) => {
      this.#live.delete(pair);
      void pair.server.close({ code, reason });
    });
    pair.server.onMessage((message) => {
      if (!this.#deaf) ws.send(message);
    });
    pair.server.onClose((code, reason) => {
      this.#live.delete(pair);
      void ws.close({ code, reason });
    });
  }
}

/** Retries an assertion about Node-side state until it passes (10 s at most). */
export function eventually<T>(check: () => T | Promise<T>, timeout = 10_000): Promise<T> {
  return vi.waitFor(check, { timeout, interval: 25 });
}

/** Waits until the locator's text content includes `text` (auto-polling, no fixed sleeps). */
export async function waitForText(locator: Locator, text: string, timeout = 10_000): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout });
}

/** The server's origin, for "no request leaves it". */
/** URLs not served by one of `allowedUrls`' hosts over http(s)/ws(s) of the same scheme family. */
export function foreignUrls(urls: readonly string[], ...allowedUrls: string[]): string[] {
  const hosts = allowedUrls.map((u) => new URL(u).host);
  return urls.filter((u) => {
    if (u.startsWith('data:')) return false;
    const url = new URL(u);
    return !hosts.includes(url.host) || !['http:', 'ws:'].includes(url.protocol);
  });
}

/** What a test sees of its own recorded context and page. */
export interface PagePerTest {
  readonly context: BrowserContext;
  readonly recording: Recording;
  readonly page: Page;
  /** Node-side participants of the running test, closed after it. */
  readonly others: NodeParticipant[];
  /** Console errors the running test provokes on purpose. */
  expectErrors(...patterns: RegExp[]): void;
}

/**
 * A recorded context and page per test. After each test: its participants are closed, `afterTest`
 * runs, everything the pages loaded came from `allowedUrls()`' hosts, and the console showed no
 * error but those allowed for the whole file or expected by that test.
 */
export function usePagePerTest(opts: {
  browser: () => Browser;
  allowedUrls: () => string[];
  allowedErrors?: readonly RegExp[] | undefined;
  afterTest?: () => Promise<void>;
}): PagePerTest {
  let test: { context: BrowserContext; recording: Recording; page: Page } | undefined;
  let expected: RegExp[] = [];
  const others: NodeParticipant[] = [];
  const inTest = () => {
    if (!test) throw new Error('the page exists only while a test runs');
    return test;
  };
  beforeEach(async () => {
    const { context, recording } = await newRecordedContext(opts.browser());
    test = { context, recording, page: await context.newPage() };
    expected = [...(opts.allowedErrors ?? [])];
  });
  afterEach(async () => {
    for (const other of others.splice(0)) other.client.close();
    const { context, recording } = inTest();
    await context.close();
    test = undefined;
    await opts.afterTest?.();
    expect(foreignUrls(recording.urls, ...opts.allowedUrls())).toEqual([]);
    expect(recording.errors.filter((e) => !expected.some((re) => re.test(e)))).toEqual([]);
  });
  return {
    get context() {
      return inTest().context;
    },
    get recording() {
      return inTest().recording;
    },
    get page() {
      return inTest().page;
    },
    others,
    expectErrors: (...patterns) => {
      expected.push(...patterns);
    },
  };
}

export interface BrowserPageFixture extends PagePerTest {
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * One Parley server and one Chromium per test file; a recorded context and page per test. After
 * each test: everything the pages loaded came from the server itself, and the console showed no
 * error but those allowed for the whole file or expected by that test.
 */
export function useBrowserPage(opts: { allowedErrors?: readonly RegExp[] } = {}): BrowserPageFixture {
  let file: { server: TestServer; browser: Browser } | undefined;
  const inFile = () => {
    if (!file) throw new Error('the server and browser exist only while this file runs its tests');
    return file;
  };
  beforeAll(async () => {
    const [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    file = { server, browser };
  });
  afterAll(async () => {
    await file?.browser.close();
    await file?.server.stop();
    file = undefined;
  });
  const perTest = usePagePerTest({
    browser: () => inFile().browser,
    allowedUrls: () => [inFile().server.url],
    allowedErrors: opts.allowedErrors,
  });
  // The per-test fixture with the file's server and browser added (its getters stay live).
  return Object.create(perTest, {
    server: { get: () => inFile().server },
    browser: { get: () => inFile().browser },
  }) as BrowserPageFixture;
}
