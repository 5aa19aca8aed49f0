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
  /** '' unless asked for (the raw list needs ids, the report does not). */
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

/** A growing list of numbers: no boxing, doubling copies only. */
class Numbers {
  #values = new Float64Array(32);
  #n = 0;

  push(x: number): void {
    if (this.#n === this.#values.length) {
      const bigger = new Float64Array(this.#n * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#n++] = x;
  }

  sorted(): Float64Array {
    return this.#values.subarray(0, this.#n).sort();
  }
}

/**
 * The figures of a group of conversations, added one classified conversation at a time: reports
 * stream 200,000 conversations through these without keeping one object per conversation.
 */
export class SummaryBuilder {
  #answered = 0;
  #missed = 0;
  #offline = 0;
  #waiting = 0;
  #good = 0;
  #ratings = 0;
  #messages = 0;
  readonly #firstResponse = new Numbers();
  readonly #resolution = new Numbers();

  get started(): number {
    return this.#answered + this.#missed + this.#offline + this.#waiting;
  }

  add(c: Readonly<Classified>): void {
    if (c.outcome === 'answered') this.#answered++;
    else if (c.outcome === 'missed') this.#missed++;
    else if (c.outcome === 'offline') this.#offline++;
    else this.#waiting++;
    if (c.firstResponseMs !== null) this.#firstResponse.push(c.firstResponseMs);
    if (c.resolutionMs !== null) this.#resolution.push(c.resolutionMs);
    if (c.rating !== null) {
      this.#ratings++;
      if (c.rating === 'good') this.#good++;
    }
    this.#messages += c.messages;
  }

  result(): AnalyticsSummary {
    const started = this.started;
    return {
      started,
      answered: this.#answered,
      missed: this.#missed,
      offline: this.#offline,
      waiting: this.#waiting,
      firstResponseMs: percentiles(this.#firstResponse.sorted()),
      resolutionMs: percentiles(this.#resolution.sorted()),
      csat: {
        share: this.#ratings === 0 ? null : this.#good / this.#ratings,
        good: this.#good,
        ratings: this.#ratings,
      },
      messages: this.#messages,
      messagesPerConversation: started === 0 ? null : this.#messages / started,
    };
  }
}

export function summarize(list: readonly Classified[]): AnalyticsSummary {
  const b = new SummaryBuilder();
  for (const c of list) b.add(c);
  return b.result();
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

/** What a report knows before it reads the conversations. */
export interface ReportFrame {
  timeZone: string;
  /** Day numbers (days since 1970-01-01) of the first and last day, both included. */
  fromDay: number;
  toDay: number;
  now: number;
  scope: 'all' | 'own';
  sites: ReadonlyMap<string, SiteInput>;
  /**
   * Status histories of every agent with access to the sites, each sorted, starting with the last
   * change before the previous period.
   */
  statusLog: ReadonlyMap<string, readonly StatusChange[]>;
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

/**
 * Classifies conversations created at or after `origin` by the rules of their sites: completes
 * each facts object in place (see classify) and returns it, or null when the visitor never wrote
 * or the site is not part of the report.
 */
export function classifier(input: Pick<ReportFrame, 'sites' | 'statusLog' | 'now'>, origin: number) {
  const rules = new Map<string, SiteRules>();
  for (const [siteId, site] of input.sites) {
    const histories = site.agentIds.map((id) => input.statusLog.get(id) ?? []);
    rules.set(siteId, {
      thresholdMs: site.thresholdMs,
      clock: new BusinessClock(site.hours, origin),
      online: new OnlineTimeline(histories),
    });
  }
  return (f: ConversationFacts): Classified | null => {
    const r = rules.get(f.siteId);
    return r === undefined ? null : classify(f, r, input.now);
  };
}

/**
 * A report, built while the conversations stream past: the previous period's and the period's
 * conversations are added one at a time (the caller may reuse one facts object for all of them),
 * then `finish` adds the agents and departments tables.
 */
export class ReportBuilder {
  readonly periods: Periods;
  readonly #frame: ReportFrame;
  readonly #zone: ZoneCalendar;
  readonly #classify: (f: ConversationFacts) => Classified | null;
  readonly #current = new SummaryBuilder();
  readonly #previous = new SummaryBuilder();
  readonly #days: SummaryBuilder[];
  readonly #heatmap = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  readonly #agents = new Map<string | null, SummaryBuilder>();
  readonly #departments = new Map<string | null, SummaryBuilder>();

  constructor(frame: ReportFrame) {
    this.#frame = frame;
    this.#zone = new ZoneCalendar(frame.timeZone);
    this.periods = periodsOf(frame.fromDay, frame.toDay, frame.timeZone);
    this.#classify = classifier(frame, this.periods.prevStart);
    this.#days = Array.from({ length: frame.toDay - frame.fromDay + 1 }, () => new SummaryBuilder());
  }

  /** A conversation created in the previous period: only its summary is shown. */
  addPrevious(f: ConversationFacts): void {
    const c = this.#classify(f);
    if (c !== null) this.#previous.add(c);
  }

  /** A conversation created in the period. */
  addCurrent(f: ConversationFacts): void {
    const c = this.#classify(f);
    if (c === null) return;
    this.#current.add(c);
    this.#days[this.#zone.dayOf(c.createdAt) - this.#frame.fromDay]?.add(c);
    const { weekday, hour } = this.#zone.weekdayHour(c.createdAt);
    const row = this.#heatmap[weekday];
    if (row) row[hour] = (row[hour] ?? 0) + 1;
    group(this.#agents, c.assigneeId).add(c);
    group(this.#departments, c.departmentId).add(c);
  }

  /** Agents assigned to conversations of the period. */
  assignees(): string[] {
    return [...this.#agents.keys()].filter((id) => id !== null);
  }

  /** The report, with a row for each agent and department given (`statusLog`: theirs included). */
  finish(
    agentInputs: readonly AgentInput[],
    departmentInputs: readonly DepartmentInput[],
    statusLog: ReadonlyMap<string, readonly StatusChange[]>,
  ): AnalyticsReport {
    const frame = this.#frame;
    const p = this.periods;
    const cur = this.#current.result();
    const prev = this.#previous.result();
    const daily = this.#days.map((d, i) => ({ date: dateOfDayNumber(frame.fromDay + i), ...d.result() }));
    const until = Math.min(p.end, frame.now);
    const empty = new SummaryBuilder();
    const agents: AnalyticsAgentRow[] = agentInputs.map((a) => {
      const time = statusDurations(statusLog.get(a.id) ?? [], p.start, until);
      return {
        agentId: a.id,
        name: a.name,
        ...(this.#agents.get(a.id) ?? empty).result(),
        onlineMs: time.online,
        awayMs: time.away,
        openNow: a.openNow,
        maxChats: a.maxChats,
        status: a.status,
      };
    });
    const departments: AnalyticsDepartmentRow[] = departmentInputs.map((d) => ({
      departmentId: d.id,
      name: d.name,
      ...(this.#departments.get(d.id) ?? empty).result(),
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
      timeZone: frame.timeZone,
      period: period(frame.fromDay, frame.toDay, p.start, p.end),
      previous: period(frame.fromDay - p.days, frame.fromDay - 1, p.prevStart, p.start),
      scope: frame.scope,
      generatedAt: iso(frame.now),
      overview: { current: cur, previous: prev, change: changeOf(cur, prev) },
      daily,
      heatmap: this.#heatmap,
      agents,
      departments,
    };
  }
}

function group<K>(groups: Map<K, SummaryBuilder>, key: K): SummaryBuilder {
  let b = groups.get(key);
  if (b === undefined) {
    b = new SummaryBuilder();
    groups.set(key, b);
  }
  return b;
}
