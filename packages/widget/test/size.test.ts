/**
 * The widget's performance budget (docs/widget.md, docs/performance.md): the loader every host page
 * downloads stays under 5 KB gzipped, and the loader plus the chat UI of any language under 30 KB.
 * The bundles are built here exactly as the server builds them; sizes are deterministic.
 */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWidget, LANGUAGES, type WidgetBuild } from '../src/build';

const KB = 1024;
let build: WidgetBuild;

beforeAll(async () => {
  build = await buildWidget();
}, 60_000);

describe('widget bundle sizes', () => {
  it('keeps the loader under 5 KB gzipped', () => {
    expect(build.loader.gzip.length).toBeLessThanOrEqual(5 * KB);
  });

  it.each(LANGUAGES)('keeps loader + chat UI (%s) under 30 KB gzipped', (lang) => {
    expect(build.loader.gzip.length + build.ui[lang].gzip.length).toBeLessThanOrEqual(30 * KB);
  });

  it('serves gzip that unpacks to the very bytes built', () => {
    for (const asset of build.byPath.values()) expect(gunzipSync(asset.gzip).equals(asset.body)).toBe(true);
  });

  it('builds the same bytes twice (content-hashed names stay stable)', async () => {
    const again = await buildWidget();
    expect([...again.byPath.keys()]).toEqual([...build.byPath.keys()]);
  }, 60_000);

  it('ships no zod and no second framework in either bundle', () => {
    for (const asset of build.byPath.values()) {
      const text = asset.body.toString('utf8');
      expect(text).not.toMatch(/ZodError|zod\.dev|\$ZodType/);
      expect(text).not.toMatch(/react-dom|__REACT_DEVTOOLS/);
    }
  });

  it('the loader names the UI bundles it imports', () => {
    const loader = build.loader.body.toString('utf8');
    for (const lang of LANGUAGES) expect(loader).toContain(build.ui[lang].path);
  });
});
