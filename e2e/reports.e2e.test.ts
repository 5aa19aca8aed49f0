/**
 * The console's Reports area in Chromium: seeded conversations with known timestamps, the figures
 * the page shows, its charts (uPlot, drawn under the console's strict CSP), the table behind a
 * chart, the heat map, the agents table, the CSV downloads, the dark theme. With
 * PARLEY_SCREENSHOTS=1 it also refreshes docs/images/console-reports.png.
 */
import path from 'node:path';
import { expect, test } from 'vitest';
import { at, seedConversation } from '../packages/server/test/analyticsFactories';
import { eventually, useBrowserPage, waitForText } from './browser';
import { signIn } from './consoleHelpers';

const b = useBrowserPage({ allowedErrors: [/status of 401/] });
const IMAGES = path.resolve(import.meta.dirname, '../docs/images');

const DAY = 86_400_000;
const day = (daysAgo: number): string => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);

/** The demo site: business hours off, UTC, answers count within 120 s. */
async function seed(): Promise<void> {
  const db = b.server.ctx.db;
  const site = b.server.siteId;
  const owner = (await db.selectFrom('agents').select('id').executeTakeFirstOrThrow()).id;
  const chat = async (
    iso: string,
    replyAfterS: number | null,
    opts: { closeAfterMin?: number; rating?: 'good' | 'bad'; offline?: boolean } = {},
  ) => {
    const t = at(iso);
    await seedConversation(db, {
      siteId: site,
      createdAt: t,
      source: opts.offline ? 'offline_form' : 'chat',
      assigneeId: replyAfterS === null ? null : owner,
      closedAt: opts.closeAfterMin === undefined ? null : t + opts.closeAfterMin * 60_000,
      rating: opts.rating ?? null,
      messages: [
        { kind: 'visitor', at: t },
        ...(replyAfterS === null ? [] : [{ kind: 'agent' as const, at: t + replyAfterS * 1000 }]),
      ],
    });
  };
  // Yesterday, the day the test checks figure by figure.
  const y = day(1);
  await chat(`${y}T10:00:00Z`, 30, { closeAfterMin: 10, rating: 'good' });
  await chat(`${y}T11:00:00Z`, 300, { closeAfterMin: 60, rating: 'bad' });
  await chat(`${y}T12:00:00Z`, null, { offline: true });
  await chat(`${y}T13:00:00Z`, 90);
  // The days before: a busier week for the charts and the heat map.
  for (let d = 2; d <= 6; d++) {
    for (let k = 0; k < 3 + d; k++) {
      await chat(`${day(d)}T${String(8 + k).padStart(2, '0')}:15:00Z`, 20 + 15 * k, {
        closeAfterMin: 10 + 5 * k,
        ...(k % 3 !== 2 ? { rating: 'good' as const } : { rating: 'bad' as const }),
      });
    }
    await chat(`${day(d)}T19:30:00Z`, null, { offline: true });
  }
}

const tile = (metric: string) => b.page.locator(`#overview .tile[data-metric="${metric}"] .tile-value`);

test('the Reports area shows the exact figures, charts with tooltips, tables and CSV', async () => {
  await seed();
  await signIn(b.page, b.server.url, b.server.ownerEmail, b.server.ownerPassword);
  await waitForText(b.page.locator('#connection'), 'Connected');
  // Tall enough for the whole screen in one picture (the page scrolls inside the app's frame).
  await b.page.setViewportSize({ width: 1280, height: 2700 });
  await b.page.getByRole('link', { name: 'Reports' }).click();

  // The 7-day preset: yesterday's 4 and the 5 busier days before (5, 6, 7, 8 and 9 chats, and an offline message each).
  await waitForText(tile('started'), String(4 + 5 + 6 + 7 + 8 + 9 + 5));
  await expect(b.page.locator('#reports-period').textContent()).resolves.toBe(`${day(6)} to ${day(0)} · UTC`);
  await eventually(async () => expect(await b.page.locator('.chart .uplot canvas').count()).toBe(3));
  await b.page.locator('#live').waitFor();
  if (process.env.PARLEY_SCREENSHOTS === '1')
    await b.page.screenshot({ path: path.join(IMAGES, 'console-reports.png') });

  // Hovering a chart shows that day's values.
  const over = b.page.locator('.chart .u-over').first();
  const box = await over.boundingBox();
  if (box === null) throw new Error('the chart has no size');
  await b.page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
  await waitForText(b.page.locator('.chart-tip').first(), 'Answered:');

  // Yesterday alone, exactly: 4 started, 2 answered (30 s, 90 s), 1 missed (300 s), 1 offline.
  await b.page.getByLabel('From').fill(day(1));
  await b.page.getByLabel('From').dispatchEvent('change');
  await b.page.getByLabel('To').fill(day(1));
  await b.page.getByLabel('To').dispatchEvent('change');
  await waitForText(b.page.locator('#reports-period'), `${day(1)} to ${day(1)}`);
  await waitForText(tile('started'), '4');
  await expect(tile('answered').textContent()).resolves.toBe('2');
  await expect(tile('missed').textContent()).resolves.toBe('1');
  await expect(tile('offline').textContent()).resolves.toBe('1');
  await expect(tile('frt-median').textContent()).resolves.toBe('1 min 30 s');
  await expect(tile('frt-p90').textContent()).resolves.toBe('5 min 00 s');
  await expect(tile('res-median').textContent()).resolves.toBe('10 min 00 s');
  await expect(tile('res-p90').textContent()).resolves.toBe('1 h 00 min');
  await expect(tile('csat').textContent()).resolves.toBe('50.0 %');
  await expect(tile('messages').textContent()).resolves.toBe('1.8');

  // The table behind the volume chart.
  await b.page.getByText('Conversations per day as a table').click();
  const row = b.page.locator('details[open] tbody tr').first();
  await expect(row.locator('th').textContent()).resolves.toBe(day(1));
  await expect(row.locator('td').allTextContents()).resolves.toEqual(['2', '1', '1', '0']);

  // The heat map: yesterday's weekday (Monday first) at 10:00 holds one conversation.
  const weekday = (new Date(`${day(1)}T00:00:00Z`).getUTCDay() + 6) % 7;
  const cell = b.page.locator(
    `#heatmap tbody tr:nth-child(${String(weekday + 1)}) td:nth-of-type(${String(10 + 1)})`,
  );
  await expect(cell.textContent()).resolves.toBe('1');

  // The agents table: the owner handled the three chats that got a reply.
  const owner = b.page.locator('#agents-table tbody tr').filter({ hasText: 'Owner' });
  await expect(owner.locator('td').first().textContent()).resolves.toBe('3');

  // CSV downloads carry the same filters.
  const csv = await b.page.evaluate(async () => {
    const link = document.querySelector<HTMLAnchorElement>('a[data-table="conversations"]');
    const res = await fetch(link?.href ?? '');
    return { type: res.headers.get('content-type'), text: await res.text() };
  });
  expect(csv.type).toBe('text/csv; charset=utf-8');
  const lines = csv.text.trimEnd().split('\r\n');
  expect(lines).toHaveLength(5);
  expect(lines.slice(1).map((l) => l.split(',')[6])).toEqual(['answered', 'missed', 'offline', 'answered']);

  // Dark theme: the charts are drawn again with the theme's colours, without errors.
  await b.page.getByRole('button', { name: /Theme: .* \(change\)/ }).click();
  await b.page.getByRole('button', { name: /Theme: .* \(change\)/ }).click();
  await expect(b.page.locator('html').getAttribute('data-theme')).resolves.toBe('dark');
  await eventually(async () => expect(await b.page.locator('.chart .uplot canvas').count()).toBe(3));
}, 60_000);
