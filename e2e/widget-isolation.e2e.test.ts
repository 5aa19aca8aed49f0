/**
 * The widget and its host page leave each other alone: hostile page CSS does not break it, a strict
 * host CSP allowing only the Parley origin is enough, axe-core finds no violation in the open
 * widget, the keyboard alone works (focus trap, Escape returns to the launcher), languages, theme,
 * corner and the phone layout. Screenshots for docs/images are written when PARLEY_SCREENSHOTS=1.
 */
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { eventually, waitForText } from './browser';
import type { NodeParticipant } from './nodeClients';
import {
  openChat,
  parleyPaths,
  sendFromWidget,
  useWidgetPage,
  waitForDelivery,
  widget,
} from './widgetFixture';

const w = useWidgetPage();
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SCREENSHOTS = process.env.PARLEY_SCREENSHOTS === '1';

const HOSTILE_CSS = `<style>
  * { all: unset !important; font-size: 40px !important; line-height: 3 !important; color: lime !important; }
  div, span, p, button, textarea, form, ol, li { display: none !important; }
  button { background: red !important; width: 2px !important; }
  body > * { transform: scale(0.5) rotate(3deg) !important; filter: blur(3px) !important; opacity: 0.2 !important; }
  parley-widget { display: none !important; position: static !important; visibility: hidden !important; }
  [hidden] { display: block !important; }
</style>`;

/** A plain shop page, for the screenshots. */
const SHOP_CSS = `<style>
  body { margin: 0; font: 17px/1.5 Georgia, serif; color: #24211c; background: #faf7f2; }
  header { padding: 16px 32px; background: #24211c; color: #faf7f2; font-weight: 700; font-size: 22px; }
  main { max-width: 760px; margin: 40px auto; padding: 0 32px 0 460px; }
  h1 { font-size: 40px; margin: 0 0 8px; } .price { font-size: 24px; font-weight: 700; }
</style>`;
const SHOP = `<header>Northwind Outfitters</header><main><h1>Trail Runner 2</h1><p class="price">€129</p>
  <p>A light trail shoe with a rock plate and a grippy outsole, for long days on rough ground.
  Sizes 36 to 47, in two widths.</p><p>Weight 290 g · Drop 6 mm · Free returns within 30 days.</p></main>`;

/** The conversation the agent received this visitor message in (the agent sees every site's). */
async function conversationOf(agent: NodeParticipant, body: string): Promise<string> {
  return eventually(() => {
    const message = agent.messages.find((m) => m.body === body);
    expect(message).toBeDefined();
    return message?.conversationId ?? '';
  });
}

/** Violations of WCAG 2.x A/AA rules inside the widget, as axe-core reports them. */
async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: unknown,
            options: unknown,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(
      { include: [['parley-widget']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } },
    );
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}

test('hostile host-page CSS does not break the widget', async () => {
  const agent = await w.agent();
  const site = await w.site();
  await w.page.goto(w.hostPage({ siteKey: site.key, head: HOSTILE_CSS }));
  const ui = widget(w.page);
  await ui.launcher.waitFor();
  const box = await ui.launcher.boundingBox();
  expect(box?.height).toBe(56);
  expect((box?.x ?? 0) + (box?.width ?? 0)).toBeCloseTo(1280 - 20, 0);
  await openChat(w.page);
  const styles = await ui.input.evaluate((el) => {
    const s = getComputedStyle(el);
    return { fontSize: s.fontSize, display: s.display, color: s.color };
  });
  expect(styles.fontSize).toBe('15px');
  expect(styles.display).not.toBe('none');
  expect(styles.color).not.toBe('rgb(0, 255, 0)');
  await sendFromWidget(w.page, 'Styled by the page? No.');
  await waitForDelivery(w.page, 'Styled by the page? No.', 'delivered');
  await eventually(() => expect(agent.messages.map((m) => m.body)).toContain('Styled by the page? No.'));
  const panel = await ui.panel.boundingBox();
  expect(panel?.width).toBe(370);
  // Hidden stays hidden, even against the page's `[hidden] { display: block !important }`.
  await w.page.evaluate(() => (window as unknown as { Parley: { hide(): void } }).Parley.hide());
  await ui.host.waitFor({ state: 'hidden' });
});

test('a strict host CSP that allows only the Parley origin is enough', async () => {
  await w.agent();
  const site = await w.site();
  const parley = new URL(w.server.url);
  const csp = [
    "default-src 'none'",
    `script-src ${parley.origin}`,
    `connect-src ${parley.origin} ws://${parley.host}`,
    `img-src ${parley.origin}`,
    "style-src 'none'",
    "font-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  await w.page.addInitScript(() => {
    const violations: string[] = [];
    (window as { violations?: string[] }).violations = violations;
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await w.page.goto(w.hostPage({ siteKey: site.key, headers: { 'content-security-policy': csp } }));
  await openChat(w.page);
  await sendFromWidget(w.page, 'Hello from a locked-down page');
  await waitForDelivery(w.page, 'Hello from a locked-down page', 'delivered');
  // Styled (by constructed stylesheets, which style-src does not govern), not merely present.
  expect(await widget(w.page).launcher.evaluate((el) => getComputedStyle(el).borderRadius)).toBe('28px');
  expect(await w.page.evaluate(() => (window as { violations?: string[] }).violations)).toEqual([]);
});

test('axe-core finds no WCAG A/AA violation in the open widget: chat with messages, and forms', async () => {
  const agent = await w.agent();
  const site = await w.site({ sneakPeek: true, appearance: { color: '#ffcc00', teamName: 'Northwind' } });
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  await openChat(w.page);
  await sendFromWidget(w.page, 'Do you ship to Norway?');
  const conversationId = await conversationOf(agent, 'Do you ship to Norway?');
  await agent.client.send('Yes, in 3 to 5 working days.', { conversationId }).acked;
  await widget(w.page).row('Yes, in 3 to 5').waitFor();
  // Light brand colour: the text on it is dark (chosen by contrast ratio).
  expect(await widget(w.page).launcher.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
  expect(await axeViolations(w.page)).toEqual([]);

  const prechat = await w.site({
    prechatForm: {
      enabled: true,
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'topic', label: 'Topic', type: 'select', options: ['Sizing', 'Delivery'] },
      ],
    },
    appearance: { theme: 'dark' },
  });
  await w.page.goto(w.hostPage({ siteKey: prechat.key, path: '/prechat' }));
  await widget(w.page).launcher.click();
  await widget(w.page).panel.getByRole('button', { name: 'Start chat' }).waitFor();
  expect(await axeViolations(w.page)).toEqual([]);

  const closed = { enabled: true, timeZone: 'UTC', weekly: [] };
  const offline = await w.site({ hours: closed, appearance: { theme: 'light', color: '#0b5cad' } });
  await w.page.goto(w.hostPage({ siteKey: offline.key, path: '/offline' }));
  await widget(w.page).launcher.click();
  await waitForText(widget(w.page).panel, 'Leave us a message');
  expect(await axeViolations(w.page)).toEqual([]);
});

test('keyboard only: Enter opens, focus stays in the panel, Escape closes and returns to the launcher', async () => {
  await w.agent();
  const site = await w.site();
  await w.page.goto(w.hostPage({ siteKey: site.key }));
  const ui = widget(w.page);
  await ui.launcher.focus();
  await w.page.keyboard.press('Enter');
  await ui.input.waitFor();
  const focused = () =>
    w.page.evaluate(
      () => document.querySelector('parley-widget')?.shadowRoot?.activeElement?.outerHTML.slice(0, 60) ?? '',
    );
  await eventually(async () => expect(await focused()).toContain('parley-input'));
  const inPanel = () =>
    w.page.evaluate(() => {
      const root = document.querySelector('parley-widget')?.shadowRoot;
      return root?.querySelector('#parley-panel')?.contains(root.activeElement) ?? false;
    });
  for (let i = 0; i < 12; i++) {
    await w.page.keyboard.press('Tab');
    expect(await inPanel()).toBe(true);
  }
  for (let i = 0; i < 12; i++) {
    await w.page.keyboard.press('Shift+Tab');
    expect(await inPanel()).toBe(true);
  }
  await w.page.keyboard.press('Escape');
  await ui.panel.waitFor({ state: 'hidden' });
  expect(await focused()).toContain('launcher');
  await expect(ui.launcher.getAttribute('aria-expanded')).resolves.toBe('false');
});

test('languages: the site setting, else the browser language; the UI bundle of that language only', async () => {
  await w.agent();
  const hu = await w.site({ appearance: { language: 'hu' } });
  await w.page.goto(w.hostPage({ siteKey: hu.key }));
  await openChat(w.page);
  await expect(widget(w.page).launcher.getAttribute('aria-label')).resolves.toBe('Csevegés');
  await expect(widget(w.page).input.getAttribute('placeholder')).resolves.toBe('Írj üzenetet…');
  expect(parleyPaths(w.recording, w.server.url).filter((p) => p.startsWith('/widget/ui.'))).toEqual([
    expect.stringMatching(/^\/widget\/ui\.hu\.[0-9a-f]{10}\.js$/),
  ]);

  const auto = await w.site();
  const context = await w.browser.newContext({ locale: 'ru-RU' });
  try {
    const page = await context.newPage();
    await page.goto(w.hostPage({ siteKey: auto.key, path: '/ru' }));
    await openChat(page);
    await expect(widget(page).input.getAttribute('placeholder')).resolves.toBe('Напишите сообщение…');
  } finally {
    await context.close();
  }
});

test('left corner, offsets, dark theme, z-index; desktop screenshot', async () => {
  const agent = await w.agent();
  const site = await w.site({
    sneakPeek: true,
    appearance: {
      position: 'left',
      offsetX: 32,
      offsetY: 24,
      theme: 'dark',
      zIndex: 1000,
      teamName: 'Northwind Outfitters',
    },
  });
  await w.page.goto(w.hostPage({ siteKey: site.key, head: SHOP_CSS, body: SHOP }));
  const ui = widget(w.page);
  await openChat(w.page);
  const box = await ui.launcher.boundingBox();
  expect(box?.x).toBe(32);
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBe(720 - 24);
  expect(await ui.host.evaluate((el) => getComputedStyle(el).zIndex)).toBe('1000');
  expect(await ui.panel.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(27, 29, 33)');

  await sendFromWidget(w.page, 'Hi! Is the Trail Runner 2 true to size? 👟');
  const conversationId = await conversationOf(agent, 'Hi! Is the Trail Runner 2 true to size? 👟');
  const ack = await agent.client.send('It runs a little small: take half a size up. 🙂', { conversationId })
    .acked;
  agent.client.markRead(conversationId, ack.seq);
  await waitForDelivery(w.page, 'true to size', 'read');
  agent.client.typing(conversationId);
  await waitForText(ui.typing, 'Owner is typing…');
  if (SCREENSHOTS) await w.page.screenshot({ path: 'docs/images/widget-desktop.png' });
});

test('on a phone the open panel takes the whole screen and the launcher steps aside; mobile screenshot', async () => {
  const agent = await w.agent();
  const site = await w.site({ appearance: { teamName: 'Northwind Outfitters' } });
  const context = await w.browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    await page.goto(w.hostPage({ siteKey: site.key, path: '/phone' }));
    const ui = widget(page);
    await ui.launcher.waitFor();
    const closedBox = await ui.launcher.boundingBox();
    expect(closedBox?.width).toBeLessThanOrEqual(56);
    await ui.launcher.tap();
    await ui.input.waitFor();
    await ui.panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
    expect(await ui.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 390, height: 844 });
    await expect(ui.launcher.isHidden()).resolves.toBe(true);
    await sendFromWidget(page, 'Do the Trail Runner 2 come in wide?');
    const conversationId = await conversationOf(agent, 'Do the Trail Runner 2 come in wide?');
    await agent.client.send('Yes: sizes 40 to 46 come in a wide fit too.', { conversationId }).acked;
    await ui.row('wide fit').waitFor();
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/images/widget-mobile.png' });
    await ui.panel.getByRole('button', { name: 'Close chat' }).tap();
    await ui.launcher.waitFor();
  } finally {
    await context.close();
  }
});
