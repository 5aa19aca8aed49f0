import { describe, expect, test } from 'vitest';
import { ReportsStore, addDays, presetRange, todayIn } from '../src/state/ReportsStore';
import { ApiError } from '../src/api/ApiError';
import { duration, change, shortDuration } from '../src/ui/reports/format';

/** A fake API that records the paths asked for and answers with what the test gives it. */
function fakeApi(answer: (path: string) => unknown) {
  const paths: string[] = [];
  return {
    paths,
    call: (_method: string, path: string) => {
      paths.push(path);
      try {
        return Promise.resolve(answer(path));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

// 2025-03-30 00:30 UTC: still the 29th in New York, already the 30th in Budapest.
const NOW = new Date('2025-03-30T00:30:00Z');

describe('periods', () => {
  test('today is the date in the site’s zone, not the browser’s', () => {
    expect(todayIn('America/New_York', NOW)).toBe('2025-03-29');
    expect(todayIn('Europe/Budapest', NOW)).toBe('2025-03-30');
    expect(todayIn('Not/AZone', NOW)).toBe('2025-03-30');
  });

  test('presets end today and count calendar days', () => {
    expect(presetRange('today', '2025-03-30')).toEqual({ from: '2025-03-30', to: '2025-03-30' });
    expect(presetRange('7d', '2025-03-30')).toEqual({ from: '2025-03-24', to: '2025-03-30' });
    expect(presetRange('30d', '2025-03-01')).toEqual({ from: '2025-01-31', to: '2025-03-01' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});

describe('the Reports store', () => {
  const zones: Record<string, string> = { ny: 'America/New_York', bud: 'Europe/Budapest' };
  const zoneOf = (siteId: string | null) => zones[siteId ?? 'bud'] ?? 'UTC';

  test('filters become the query of the report, the live view and the CSV links', () => {
    const api = fakeApi(() => {
      throw new ApiError(500, 'internal', 'not in this test');
    });
    const store = new ReportsStore(api, zoneOf, () => NOW);
    expect(store.filters).toMatchObject({ preset: '7d', from: '2025-03-24', to: '2025-03-30' });
    store.update({ siteId: 'ny', agentId: 'a1' });
    // A preset follows the chosen site's zone.
    expect(store.filters).toMatchObject({ from: '2025-03-23', to: '2025-03-29' });
    expect(store.csvUrl('agents')).toBe(
      '/api/v1/analytics/export/agents?from=2025-03-23&to=2025-03-29&siteId=ny&agentId=a1',
    );
    expect(api.paths).toContain(
      '/api/v1/analytics/report?from=2025-03-23&to=2025-03-29&siteId=ny&agentId=a1',
    );
    expect(api.paths).toContain('/api/v1/analytics/live?siteId=ny');
    store.update({ from: '2025-03-10' });
    expect(store.filters.preset).toBe('custom');
    store.update({ from: '2025-04-02' });
    expect(store.filters).toMatchObject({ from: '2025-04-02', to: '2025-04-02' });
    store.stop();
  });

  test('an error is shown, and a late answer for old filters never replaces the new one', async () => {
    let reject = true;
    const api = fakeApi(() => {
      if (reject) throw new ApiError(403, 'forbidden', 'agents see their own figures only');
      return new Promise(() => undefined);
    });
    const store = new ReportsStore(api, zoneOf, () => NOW);
    await store.load();
    expect(store.error).toBe('agents see their own figures only');
    reject = false;
    const pending = store.load();
    expect(store.loading).toBe(true);
    expect(store.error).toBeNull();
    store.stop();
    void pending;
  });
});

describe('figures as written', () => {
  test('durations, changes and axis ticks', () => {
    expect(duration(null)).toBe('–');
    expect(duration(90_000)).toBe('1 min 30 s');
    expect(duration(3_600_000)).toBe('1 h 00 min');
    expect(duration(3 * 86_400_000 + 3_600_000)).toBe('3 d 1 h');
    expect(change(null)).toBe('–');
    expect(change(0.25)).toBe('+25 %');
    expect(change(-0.125)).toBe('−12.5 %');
    expect(change(0)).toBe('±0 %');
    expect(shortDuration(45_000)).toBe('45 s');
    expect(shortDuration(150_000)).toBe('2.5 min');
  });
});
