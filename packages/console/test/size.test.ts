import { beforeAll, describe, expect, test } from 'vitest';
import { buildConsole, gzippedSize, type ConsoleBundle } from '../src/build';

/** The budget of the issue: the console's first load, gzipped JavaScript. */
const FIRST_LOAD_BUDGET = 250 * 1024;

describe('the console bundle', () => {
  let bundle: ConsoleBundle;
  beforeAll(async () => {
    bundle = await buildConsole();
  }, 60_000);

  test(`the first load stays within ${FIRST_LOAD_BUDGET / 1024} KB of gzipped JavaScript`, () => {
    const size = gzippedSize(bundle, bundle.firstLoad);
    console.info(
      `console first load: ${(size / 1024).toFixed(1)} KB gzipped in ${bundle.firstLoad.length} files`,
    );
    expect(size).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
  });

  test('the admin area and the profile page are loaded on demand, not in the first load', () => {
    expect(bundle.lazy.length).toBeGreaterThanOrEqual(2);
    const firstLoad = bundle.firstLoad
      .map((n) => bundle.assets.get(n)?.body.toString('utf8') ?? '')
      .join('\n');
    // Texts only those screens contain.
    expect(firstLoad).not.toContain('Business hours');
    expect(firstLoad).not.toContain('Sign out everywhere');
    const lazy = bundle.lazy.map((n) => bundle.assets.get(n)?.body.toString('utf8') ?? '').join('\n');
    expect(lazy).toContain('Business hours');
    expect(lazy).toContain('Sign out everywhere');
  });

  test('the page loads only hashed files of its own: no inline script or style', () => {
    const scripts = [...bundle.html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toBe('');
    expect(bundle.html).not.toMatch(/<style|style=/);
    const urls = [...bundle.html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const url of urls.filter((u) => !u.startsWith('data:'))) {
      expect(url).toMatch(/^\/console\/assets\/[a-z]+-[A-Z0-9]+\.(js|css)$/);
      expect(bundle.assets.has(url.replace('/console/assets/', ''))).toBe(true);
    }
  });

  test('the same sources build the same files', async () => {
    const again = await buildConsole();
    expect([...again.assets.keys()].sort()).toEqual([...bundle.assets.keys()].sort());
  }, 60_000);
});
