/**
 * Browser tests of the website widget: one Parley server, one Chromium and one host-page server per
 * test file. The host pages are served from a different origin (127.0.0.2, another port) than the
 * Parley server (127.0.0.1), as on a real website, and each test's site allows exactly that origin.
 * After each test: no request went to any host but these two, and the console showed no error but
 * those a test expects.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { http as request, login, type AgentSession, type TestServer } from '../packages/server/test/helpers';
import { startTestServer } from '../packages/server/test/helpers';
import { startTestSmtp, type TestSmtp } from '../packages/server/test/smtp';
import { eventually, launchBrowser, usePagePerTest, type Recording } from './browser';
import { nodeAgent, type NodeParticipant } from './nodeClients';

/** A static host page server on another origin. Pages are registered per test. */
export class HostPages {
  readonly #pages: Map<string, { html: string; headers: Record<string, string> }>;
  readonly #server: http.Server;
  origin = '';

  private constructor(
    server: http.Server,
    pages: Map<string, { html: string; headers: Record<string, string> }>,
  ) {
    this.#server = server;
    this.#pages = pages;
  }

  static async start(): Promise<HostPages> {
    const registered = new Map<string, { html: string; headers: Record<string, string> }>();
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const page = registered.get(path);
      if (page === undefined) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...page.headers }).end(page.html);
    });
    const pages = new HostPages(server, registered);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    pages.origin = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
    return pages;
  }

  /** Registers a page at this path (the query string is ignored). */
  set(path: string, html: string, headers: Record<string, string> = {}): string {
    this.#pages.set(path, { html, headers });
    return this.origin + path;
  }

  clear(): void {
    this.#pages.clear();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

export interface HostPageOptions {
  siteKey: string;
  /** Extra markup in <head> before the snippet (a hostile stylesheet, the stub). */
  head?: string;
  /** Page content; the default is a paragraph of text. */
  body?: string;
  /** Response headers, e.g. a Content-Security-Policy. */
  headers?: Record<string, string>;
  path?: string;
  /** `data-poll`: how often (ms) the loader asks for proactive messages; 20 s by default. */
  poll?: number;
}

export interface WidgetFixture {
  readonly server: TestServer;
  /** The SMTP server the Parley server sends transcripts to (with `smtp: true`). */
  readonly smtp: TestSmtp;
  readonly browser: Browser;
  readonly host: HostPages;
  readonly owner: AgentSession;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly recording: Recording;
  readonly others: NodeParticipant[];
  expectErrors(...patterns: RegExp[]): void;
  /** A new site whose widget settings are `settings`, allowing the host pages' origin. */
  site(
    settings?: Record<string, unknown>,
    extra?: { allowedOrigins?: string[] },
  ): Promise<{ id: string; key: string }>;
  /** Serves a host page carrying the widget snippet for `siteKey`; returns its URL. */
  hostPage(options: HostPageOptions): string;
  /** The owner, connected as an agent client with status online (agentsOnline is then true). */
  agent(): Promise<NodeParticipant>;
}

export function useWidgetPage(
  opts: { allowedErrors?: readonly RegExp[]; smtp?: boolean } = {},
): WidgetFixture {
  let file:
    | {
        server: TestServer;
        browser: Browser;
        host: HostPages;
        owner: AgentSession;
        smtp: TestSmtp | undefined;
      }
    | undefined;
  const inFile = () => {
    if (!file) throw new Error('the servers and browser exist only while this file runs its tests');
    return file;
  };
  beforeAll(async () => {
    const smtp = opts.smtp === true ? await startTestSmtp() : undefined;
    const [server, browser, host] = await Promise.all([
      startTestServer(smtp === undefined ? {} : { smtpUrl: smtp.url }),
      launchBrowser(),
      HostPages.start(),
    ]);
    const owner = await login(server, server.ownerEmail, server.ownerPassword);
    file = { server, browser, host, owner, smtp };
  });
  afterAll(async () => {
    await file?.browser.close();
    await file?.host.close();
    await file?.server.stop();
    await file?.smtp?.close();
    file = undefined;
  });
  const perTest = usePagePerTest({
    browser: () => inFile().browser,
    allowedUrls: () => [inFile().server.url, inFile().host.origin],
    allowedErrors: opts.allowedErrors,
    afterTest: async () => {
      const { server, host, owner } = inFile();
      host.clear();
      // Offline again for the next test: the owner's status is shared by the whole file.
      await request(server, 'PATCH', '/api/v1/me', { agent: owner, body: { status: 'offline' } });
    },
  });

  return {
    get server() {
      return inFile().server;
    },
    get browser() {
      return inFile().browser;
    },
    get smtp() {
      const smtp = inFile().smtp;
      if (smtp === undefined) throw new Error('useWidgetPage({ smtp: true }) starts an SMTP server');
      return smtp;
    },
    get host() {
      return inFile().host;
    },
    get owner() {
      return inFile().owner;
    },
    get context() {
      return perTest.context;
    },
    get page() {
      return perTest.page;
    },
    get recording() {
      return perTest.recording;
    },
    others: perTest.others,
    expectErrors: (...patterns) => {
      perTest.expectErrors(...patterns);
    },
    async site(settings = {}, extra = {}) {
      const { server, owner, host } = inFile();
      const res = await request<{ site: { id: string; key: string } }>(server, 'POST', '/api/v1/sites', {
        agent: owner,
        body: { name: 'Widget test site', allowedOrigins: extra.allowedOrigins ?? [host.origin], settings },
      });
      if (res.status !== 201) throw new Error(`site create failed: ${JSON.stringify(res.body)}`);
      return res.body.site;
    },
    hostPage({ siteKey, head = '', body, headers = {}, path = '/', poll }) {
      const { server, host } = inFile();
      return host.set(
        path,
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
${head}
<script async src="${server.url}/widget.js" data-site="${siteKey}"${poll === undefined ? '' : ` data-poll="${String(poll)}"`}></script></head>
<body>${body ?? '<main><h1>A host page</h1><p>Some content of the website that carries the widget.</p></main>'}</body></html>`,
        headers,
      );
    },
    async agent() {
      const { server, owner } = inFile();
      const status = await request(server, 'PATCH', '/api/v1/me', {
        agent: owner,
        body: { status: 'online' },
      });
      if (status.status !== 200) throw new Error(`status change failed: ${JSON.stringify(status.body)}`);
      const agent = await nodeAgent(server, server.ownerEmail, server.ownerPassword);
      perTest.others.push(agent);
      await eventually(() => expect(agent.client.state).toBe('open'));
      return agent;
    },
  };
}

/* ───────────── the widget as a test sees it ───────────── */

/** Locators inside the widget's shadow root (Playwright's CSS engine pierces open shadow roots). */
export function widget(page: Page | Frame) {
  const host = page.locator('parley-widget');
  return {
    host,
    launcher: host.locator('button.launcher'),
    badge: host.locator('.badge'),
    panel: host.locator('#parley-panel'),
    input: host.locator('#parley-input'),
    send: host.locator('button.send'),
    connection: host.locator('.conn'),
    typing: host.locator('.typing'),
    teaser: host.locator('.teaser'),
    rows: host.locator('.log > li.msg:not(.intro)'),
    row: (text: string): Locator => host.locator('.log > li.msg:not(.intro)').filter({ hasText: text }),
    intro: host.locator('.log > li.intro'),
  };
}

/** Opens the panel from the launcher and waits for the composer. */
export async function openChat(page: Page): Promise<void> {
  const w = widget(page);
  await w.launcher.click();
  await w.input.waitFor();
}

export async function sendFromWidget(page: Page, text: string): Promise<void> {
  const w = widget(page);
  await w.input.fill(text);
  await w.input.press('Enter');
}

/** Delivery mark of the visitor's message with this text: queued | sent | delivered | read. */
export function delivery(page: Page, text: string): Promise<string | null> {
  return widget(page).row(text).getAttribute('data-delivery');
}

export async function waitForDelivery(
  page: Page,
  text: string,
  state: string,
  timeout = 15_000,
): Promise<void> {
  await widget(page)
    .host.locator(`.log > li[data-delivery="${state}"]`)
    .filter({ hasText: text })
    .waitFor({ timeout });
}

/** Messages stored with this body (the database is the judge of "exactly once"). */
export async function storedBodies(server: TestServer, body: string): Promise<number> {
  const rows = await server.ctx.db.selectFrom('messages').select('id').where('body', '=', body).execute();
  return rows.length;
}

/** Every URL path the page requested from the Parley server, in order. */
export function parleyPaths(recording: Recording, serverUrl: string): string[] {
  const origin = new URL(serverUrl).origin;
  return recording.urls.filter((u) => u.startsWith(origin)).map((u) => new URL(u).pathname);
}
