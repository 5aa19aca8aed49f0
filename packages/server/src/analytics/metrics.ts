import {
  isOpenAt,
  nextOpeningChange,
  type AnalyticsAgentRow,
  type AnalyticsChange,
  type AnalyticsDepartmentRow,
  type AnalyticsReport,
  type AnalyticsSummary,
  type HoursLike,
} from '@parley/protocol';
import { iso } from '../shared/clock';
import { ZoneCalendar, dateOfDayNumber, midnight } from './zone';

/**
 * THE place where every analytics figure is computed (docs/analytics.md is its specification).
 * Pure functions over facts read from the conversation log: no database, no clock of its own
 * (`now` is passed in), so tests feed it known timestamps and assert exact figures.
 */

/** One conversation as read from the log (analytics/store.ts). */
export interface ConversationFacts {
  id: string;
  siteId: string;
  createdAt: number;
  source: 'chat' | 'offline_form' | 'proactive';
  status: 'open' | 'pending' | 'closed';
  assigneeId: string | null;
  departmentId: string | null;
  closedAt: number | null;
  rating: 'good' | 'bad' | null;
  /** First public visitor message; null: the visitor never wrote (not a conversation started). */
  firstVisitorAt: number | null;
  /** First public message of a human agent at or after firstVisitorAt. */
  firstAgentReplyAt: number | null;
  /** Public visitor, agent and bot messages. */
  messages: number;
}

export type Outcome = 'answered' | 'missed' | 'offline' | 'waiting';

export interface Classified extends ConversationFacts {
  start: number;
  outcome: Outcome;
  firstResponseMs: number | null;
  resolutionMs: number | null;
}

export interface StatusChange {
  at: number;
  status: 'online' | 'away' | 'offline';
}

/* ───────────── percentiles ───────────── */

/** Nearest-rank percentile of values sorted ascending: the value at rank ⌈p/100·n⌉. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.max(1, Math.ceil((p * n) / 100));
  return sorted[rank - 1] ?? null;
}

function percentiles(values: Float64Array): AnalyticsSummary['firstResponseMs'] {
  const sorted = values.sort();
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90), count: sorted.length };
}

/* ───────────── the business-hours clock ───────────── */

/**
 * Open intervals of a site by its business hours, generated lazily forward from `origin` with the
 * protocol's hours logic (the same the widget uses), so a deadline is a walk over intervals.
 */
export class BusinessClock {
  readonly #opens: number[] = [];
  readonly #closes: number[] = [];
  #cursor: number;
  #openNow: boolean;
  #openedAt: number;
  #done = false;

  constructor(
    private readonly hours: HoursLike,
    origin: number,
  ) {
    this.#cursor = origin;
    this.#openNow = !hours.enabled || isOpenAt(hours, origin);
    this.#openedAt = origin;
  }

  #extendTo(t: number): void {
    while (!this.#done && this.#cursor <= t) {
      const next = nextOpeningChange(this.hours, this.#cursor);
      if (next === null) {
        this.#done = true;
        return;
      }
      if (this.#openNow) {
        this.#opens.push(this.#openedAt);
        this.#closes.push(next);
      } else {
        this.#openedAt = next;
      }
      this.#openNow = !this.#openNow;
      this.#cursor = next;
    }
  }

  /**
   * The instant `ms` of open time have elapsed since `start`, if that is no later than `limit`;
   * otherwise Infinity (later than anything that matters).
   */
  deadline(start: number, ms: number, limit: number): number {
    if (!this.hours.enabled) return start + ms;
    this.#extendTo(limit);
    let remaining = ms;
    // First interval that closes after start.
    let lo = 0;
    let hi = this.#closes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#closes[mid] ?? 0) <= start) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.#closes.length; i++) {
      const a = Math.max(this.#opens[i] ?? 0, start);
      const b = this.#closes[i] ?? 0;
      if (a > limit) return Infinity;
      if (b - a >= remaining) return a + remaining <= limit ? a + remaining : Infinity;
      remaining -= b - a;
    }
    // The interval still running where generation stopped (it closes after limit, or never).
    if (this.#openNow) {
      const a = Math.max(this.#openedAt, start);
      return a + remaining <= limit ? a + remaining : Infinity;
    }
    return Infinity;
  }
}

/* ───────────── who was online ───────────── */

/** Intervals in which at least one of a set of agents had the status online (status history). */
export class OnlineTimeline {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];

  constructor(histories: Iterable<readonly StatusChange[]>) {
    const edges: [number, number][] = [];
    for (const history of histories) {
      let since: number | null = null;
      for (const c of history) {
        if (c.status === 'online' && since === null) since = c.at;
        else if (c.status !== 'online' && since !== null) {
          edges.push([since, 1], [c.at, -1]);
          since = null;
        }
      }
      if (since !== null) edges.push([since, 1], [Infinity, -1]);
    }
    // Ends before starts at the same instant: a hand-over at t leaves nobody for no time at all.
    edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let depth = 0;
    for (const [at, delta] of edges) {
      if (depth === 0 && delta > 0) this.#starts.push(at);
      depth += delta;
      if (depth === 0) this.#ends.push(at);
    }
  }

  onlineAt(t: number): boolean {
    let lo = 0;
    let hi = this.#starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#starts[mid] ?? 0) <= t) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && t < (this.#ends[i] ?? Infinity);
  }
}

/** Milliseconds in each status within [from, to), from a history sorted by time. */
export function statusDurations(
  history: readonly StatusChange[],
  from: number,
  to: number,
): Record<StatusChange['status'], number> {
  const out = { online: 0, away: 0, offline: 0 };
  for (let i = 0; i < history.length; i++) {
    const c = history[i];
    if (c === undefined) continue;
    const a = Math.max(c.at, from);
    const b = Math.min(history[i + 1]?.at ?? Infinity, to);
    if (b > a) out[c.status] += b - a;
  }
  return out;
}

/* ───────────── one conversation ───────────── */

export interface SiteRules {
  thresholdMs: number;
  clock: BusinessClock;
  online: OnlineTimeline;
}

/**
 * Start, outcome and clocks of one conversation; null when the visitor never wrote. Completes the
 * facts object itself (reports classify 200,000 of them: no copies).
 */
export function classify(f: ConversationFacts, rules: SiteRules, now: number): Classified | null {
  const start = f.firstVisitorAt;
  if (start === null) return null;
  const c = f as Classified;
  c.start = start;
  c.firstResponseMs = null;
  c.resolutionMs = null;
  if (f.source === 'offline_form') {
    c.outcome = 'offline';
    return c;
  }
  const reply = f.firstAgentReplyAt;
  if (reply !== null && reply - start <= rules.thresholdMs) {
    // Open time never exceeds wall-clock time: within the threshold on the wall clock is in time.
    c.outcome = 'answered';
  } else {
    const limit = reply ?? now;
    const deadline = rules.online.onlineAt(start)
      ? rules.clock.deadline(start, rules.thresholdMs, limit)
      : start + rules.thresholdMs;
    if (reply !== null) c.outcome = reply <= deadline ? 'answered' : 'missed';
    else c.outcome = now > deadline ? 'missed' : 'waiting';
  }
  if (reply !== null) c.firstResponseMs = reply - start;
  if (f.status === 'closed' && f.closedAt !== null) c.resolutionMs = Math.max(0, f.closedAt - start);
  return c;
}

/* ───────────── groups of conversations ───────────── */

export function summarize(list: readonly Classified[]): AnalyticsSummary {
  let answered = 0;
  let missed = 0;
  let offline = 0;
  let waiting = 0;
  let good = 0;
  let ratings = 0;
  let messages = 0;
  let nFirst = 0;
  let nResolution = 0;
  const firstResponse = new Float64Array(list.length);
  const resolution = new Float64Array(list.length);
  for (const c of list) {
    if (c.outcome === 'answered') answered++;
    else if (c.outcome === 'missed') missed++;
    else if (c.outcome === 'offline') offline++;
    else waiting++;
    if (c.firstResponseMs !== null) firstResponse[nFirst++] = c.firstResponseMs;
    if (c.resolutionMs !== null) resolution[nResolution++] = c.resolutionMs;
    if (c.rating !== null) {
      ratings++;
      if (c.rating === 'good') good++;
    }
    messages += c.messages;
  }
  return {
    started: list.length,
    answered,
    missed,
    offline,
    waiting,
    firstResponseMs: percentiles(firstResponse.subarray(0, nFirst)),
    resolutionMs: percentiles(resolution.subarray(0, nResolution)),
    csat: { share: ratings === 0 ? null : good / ratings, good, ratings },
    messages,
    messagesPerConversation: list.length === 0 ? null : messages / list.length,
  };
}

function relative(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

export function changeOf(cur: AnalyticsSummary, prev: AnalyticsSummary): AnalyticsChange {
  return {
    started: relative(cur.started, prev.started),
    answered: relative(cur.answered, prev.answered),
    missed: relative(cur.missed, prev.missed),
    offline: relative(cur.offline, prev.offline),
    firstResponseMedian: relative(cur.firstResponseMs.median, prev.firstResponseMs.median),
    firstResponseP90: relative(cur.firstResponseMs.p90, prev.firstResponseMs.p90),
    resolutionMedian: relative(cur.resolutionMs.median, prev.resolutionMs.median),
    resolutionP90: relative(cur.resolutionMs.p90, prev.resolutionMs.p90),
    csatShare: relative(cur.csat.share, prev.csat.share),
    ratings: relative(cur.csat.ratings, prev.csat.ratings),
    messagesPerConversation: relative(cur.messagesPerConversation, prev.messagesPerConversation),
  };
}

function groupBy<K>(list: readonly Classified[], key: (c: Classified) => K): Map<K, Classified[]> {
  const out = new Map<K, Classified[]>();
  for (const c of list) {
    const k = key(c);
    const group = out.get(k);
    if (group) group.push(c);
    else out.set(k, [c]);
  }
  return out;
}

/* ───────────── the report ───────────── */

export interface SiteInput {
  thresholdMs: number;
  hours: HoursLike;
  /** Every agent with access to the site (owners and admins included). */
  agentIds: readonly string[];
}

export interface AgentInput {
  id: string;
  name: string;
  status: 'online' | 'away' | 'offline';
  maxChats: number;
  openNow: number;
}

export interface DepartmentInput {
  id: string | null;
  name: string;
  openNow: number;
  membersOnline: number;
}

export interface ReportInput {
  timeZone: string;
  /** Day numbers (days since 1970-01-01) of the first and last day, both included. */
  fromDay: number;
  toDay: number;
  now: number;
  scope: 'all' | 'own';
  /** Conversations created from the previous period's start to the period's end. */
  facts: readonly ConversationFacts[];
  sites: ReadonlyMap<string, SiteInput>;
  /** Status histories, each sorted, starting with the last change before the previous period. */
  statusLog: ReadonlyMap<string, readonly StatusChange[]>;
  /** The rows of the agents table (already limited to what the caller may see). */
  agents: readonly AgentInput[];
  departments: readonly DepartmentInput[];
}

export interface Periods {
  start: number;
  end: number;
  prevStart: number;
  days: number;
}

export function periodsOf(fromDay: number, toDay: number, timeZone: string): Periods {
  const days = toDay - fromDay + 1;
  return {
    start: midnight(fromDay, timeZone),
    end: midnight(toDay + 1, timeZone),
    prevStart: midnight(fromDay - days, timeZone),
    days,
  };
}

/** Every conversation of the input, classified (those the visitor never wrote in are left out). */
export function classifyAll(
  input: Pick<ReportInput, 'facts' | 'sites' | 'statusLog' | 'now'>,
  origin: number,
) {
  const rules = new Map<string, SiteRules>();
  for (const [siteId, site] of input.sites) {
    const histories = site.agentIds.map((id) => input.statusLog.get(id) ?? []);
    rules.set(siteId, {
      thresholdMs: site.thresholdMs,
      clock: new BusinessClock(site.hours, origin),
      online: new OnlineTimeline(histories),
    });
  }
  const out: Classified[] = [];
  for (const f of input.facts) {
    const r = rules.get(f.siteId);
    if (r === undefined) continue;
    const c = classify(f, r, input.now);
    if (c !== null) out.push(c);
  }
  return out;
}

export function buildReport(input: ReportInput): AnalyticsReport {
  const zone = new ZoneCalendar(input.timeZone);
  const p = periodsOf(input.fromDay, input.toDay, input.timeZone);
  const all = classifyAll(input, p.prevStart);
  const current = all.filter((c) => c.createdAt >= p.start && c.createdAt < p.end);
  const previous = all.filter((c) => c.createdAt >= p.prevStart && c.createdAt < p.start);

  const cur = summarize(current);
  const prev = summarize(previous);

  const byDay = groupBy(current, (c) => zone.dayOf(c.createdAt));
  const daily = [];
  for (let d = input.fromDay; d <= input.toDay; d++) {
    daily.push({ date: dateOfDayNumber(d), ...summarize(byDay.get(d) ?? []) });
  }

  const heatmap = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const c of current) {
    const { weekday, hour } = zone.weekdayHour(c.createdAt);
    const row = heatmap[weekday];
    if (row) row[hour] = (row[hour] ?? 0) + 1;
  }

  const until = Math.min(p.end, input.now);
  const byAgent = groupBy(current, (c) => c.assigneeId);
  const agents: AnalyticsAgentRow[] = input.agents.map((a) => {
    const time = statusDurations(input.statusLog.get(a.id) ?? [], p.start, until);
    return {
      agentId: a.id,
      name: a.name,
      ...summarize(byAgent.get(a.id) ?? []),
      onlineMs: time.online,
      awayMs: time.away,
      openNow: a.openNow,
      maxChats: a.maxChats,
      status: a.status,
    };
  });

  const byDepartment = groupBy(current, (c) => c.departmentId);
  const departments: AnalyticsDepartmentRow[] = input.departments.map((d) => ({
    departmentId: d.id,
    name: d.name,
    ...summarize(byDepartment.get(d.id) ?? []),
    openNow: d.openNow,
    membersOnline: d.membersOnline,
  }));

  const period = (from: number, to: number, start: number, end: number) => ({
    from: dateOfDayNumber(from),
    to: dateOfDayNumber(to),
    start: iso(start),
    end: iso(end),
  });
  return {
    timeZone: input.timeZone,
    period: period(input.fromDay, input.toDay, p.start, p.end),
    previous: period(input.fromDay - p.days, input.fromDay - 1, p.prevStart, p.start),
    scope: input.scope,
    generatedAt: iso(input.now),
    overview: { current: cur, previous: prev, change: changeOf(cur, prev) },
    daily,
    heatmap,
    agents,
    departments,
  };
}
