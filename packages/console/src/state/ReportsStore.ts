import { AnalyticsLive, AnalyticsReport, type AnalyticsTable } from '@parley/protocol';
import type { ConsoleApi } from '../api/ConsoleApi';
import { errorText } from '../api/ApiError';
import { Observable } from '../lib/observable';

export type Preset = 'today' | '7d' | '30d' | 'custom';

export interface ReportFilters {
  preset: Preset;
  /** Calendar days "YYYY-MM-DD", both included. */
  from: string;
  to: string;
  siteId: string | null;
  departmentId: string | null;
  agentId: string | null;
}

const DAYS: Record<Exclude<Preset, 'custom'>, number> = { today: 1, '7d': 7, '30d': 30 };

/** Today's date in a time zone, "YYYY-MM-DD". */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The period a preset names, ending today in the zone. */
export function presetRange(preset: Exclude<Preset, 'custom'>, today: string): { from: string; to: string } {
  return { from: addDays(today, 1 - DAYS[preset]), to: today };
}

/**
 * The Reports screen's state: the filters, the report and "live now" for them, and the links of
 * the CSV downloads. Loaded only with the Reports screen (a lazy chunk).
 */
export class ReportsStore extends Observable {
  filters: ReportFilters;
  report: AnalyticsReport | null = null;
  live: AnalyticsLive | null = null;
  loading = false;
  error: string | null = null;
  #request = 0;
  #liveTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly api: Pick<ConsoleApi, 'call'>,
    /** The time zone "today" is taken in for a site (null: all sites). */
    private readonly zoneOf: (siteId: string | null) => string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    super();
    this.filters = {
      preset: '7d',
      ...presetRange('7d', todayIn(zoneOf(null), clock())),
      siteId: null,
      departmentId: null,
      agentId: null,
    };
  }

  /** Filters changed by the user; a preset recomputes the dates in the chosen site's zone. */
  update(change: Partial<ReportFilters>): void {
    const next = { ...this.filters, ...change };
    if (change.from !== undefined || change.to !== undefined) next.preset = 'custom';
    if (next.preset !== 'custom' && (change.preset !== undefined || change.siteId !== undefined)) {
      Object.assign(next, presetRange(next.preset, todayIn(this.zoneOf(next.siteId), this.clock())));
    }
    if (next.from > next.to) next.to = next.from;
    this.filters = next;
    this.changed();
    void this.load();
    void this.loadLive();
  }

  /** The query string every report call and CSV link carries. */
  query(): string {
    const f = this.filters;
    const q = new URLSearchParams({ from: f.from, to: f.to });
    if (f.siteId !== null) q.set('siteId', f.siteId);
    if (f.departmentId !== null) q.set('departmentId', f.departmentId);
    if (f.agentId !== null) q.set('agentId', f.agentId);
    return q.toString();
  }

  csvUrl(table: AnalyticsTable): string {
    return `/api/v1/analytics/export/${table}?${this.query()}`;
  }

  async load(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    this.changed();
    try {
      const report = await this.api.call(
        'GET',
        `/api/v1/analytics/report?${this.query()}`,
        undefined,
        AnalyticsReport,
      );
      if (request !== this.#request) return; // a newer choice of filters answers instead
      this.report = report;
    } catch (error) {
      if (request !== this.#request) return;
      this.error = errorText(error);
    } finally {
      if (request === this.#request) {
        this.loading = false;
        this.changed();
      }
    }
  }

  async loadLive(): Promise<void> {
    const siteId = this.filters.siteId;
    const path = `/api/v1/analytics/live${siteId === null ? '' : `?siteId=${encodeURIComponent(siteId)}`}`;
    try {
      const live = await this.api.call('GET', path, undefined, AnalyticsLive);
      if (siteId !== this.filters.siteId) return;
      this.live = live;
      this.changed();
    } catch {
      // The figures of the period stay; live now shows its last state until the next refresh.
    }
  }

  /** Loads the report and keeps "live now" fresh while the screen is open. */
  start(liveEveryMs = 15_000): void {
    void this.load();
    void this.loadLive();
    this.#liveTimer = setInterval(() => void this.loadLive(), liveEveryMs);
  }

  stop(): void {
    if (this.#liveTimer !== null) clearInterval(this.#liveTimer);
    this.#liveTimer = null;
    this.#request++;
  }
}
