import { beforeAll, describe, expect, test } from 'vitest';
import { buildConsole, type ConsoleBundle } from '../src/build';

/** uPlot and the Reports screen are loaded with the Reports route only: the first load does not grow. */
describe('the Reports chunk', () => {
  let bundle: ConsoleBundle;
  beforeAll(async () => {
    bundle = await buildConsole();
  }, 60_000);

  const text = (names: string[]) =>
    names.map((n) => bundle.assets.get(n)?.body.toString('utf8') ?? '').join('\n');

  test('uPlot and the report screens are not in the first load, but in a lazy chunk', () => {
    const firstLoad = text(bundle.firstLoad);
    const lazy = text(bundle.lazy);
    // Class names uPlot's code creates, and texts of the Reports screen.
    for (const marker of ['u-over', 'u-axis', 'When conversations start', '/api/v1/analytics/report']) {
      expect(firstLoad, marker).not.toContain(marker);
      expect(lazy, marker).toContain(marker);
    }
  });

  test("uPlot's stylesheet and the Reports styles are in the console's CSS", () => {
    const css = [...bundle.assets.entries()]
      .filter(([name]) => name.endsWith('.css'))
      .map(([, a]) => a.body.toString('utf8'))
      .join('\n');
    expect(css).toContain('.u-legend');
    expect(css).toContain('.heatmap');
  });
});
