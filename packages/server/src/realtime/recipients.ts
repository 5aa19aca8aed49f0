import type { Connection } from './connection';
import type { Presence } from '../presence/presence';
import type { VisitorPresence } from './visitorPresence';

/**
 * Who is connected, indexed the ways fan-out needs. Recipient choice for every event is made here
 * and in the gateway's `deliver`, nowhere else.
 */
export class Registry {
  readonly all = new Set<Connection>();
  private readonly byVisitor = new Map<string, Set<Connection>>();
  private readonly byAgent = new Map<string, Set<Connection>>();
  private readonly bySite = new Map<string, Set<Connection>>();
  /** Owners and admins: every site, including ones created after they connected. */
  private readonly allSites = new Set<Connection>();

  constructor(
    private readonly presence?: Presence,
    private readonly visitors?: VisitorPresence,
  ) {}

  add(c: Connection): void {
    this.all.add(c);
    const a = c.auth;
    if (!a) return;
    if (a.role === 'visitor') {
      const first = !this.byVisitor.has(a.actor.id);
      addTo(this.byVisitor, a.actor.id, c);
      if (first) this.visitors?.visitorConnected(a.actor.id);
    } else {
      addTo(this.byAgent, a.actor.id, c);
      this.presence?.agentConnected(a.actor.id, c.meta.id);
      if (a.actor.siteIds === 'all') this.allSites.add(c);
      else for (const s of a.actor.siteIds) addTo(this.bySite, s, c);
    }
  }

  remove(c: Connection): void {
    this.all.delete(c);
    const a = c.auth;
    if (!a) return;
    if (a.role === 'visitor') {
      removeFrom(this.byVisitor, a.actor.id, c);
      if (!this.byVisitor.has(a.actor.id)) this.visitors?.visitorDisconnected(a.actor.id);
    } else {
      removeFrom(this.byAgent, a.actor.id, c);
      this.presence?.agentDisconnected(a.actor.id, c.meta.id);
      this.allSites.delete(c);
      if (a.actor.siteIds !== 'all') for (const s of a.actor.siteIds) removeFrom(this.bySite, s, c);
    }
  }

  visitor(id: string): Iterable<Connection> {
    return this.byVisitor.get(id) ?? [];
  }

  /** Visitors with at least one socket on this node. */
  visitorIds(): Iterable<string> {
    return this.byVisitor.keys();
  }

  agent(id: string): Iterable<Connection> {
    return this.byAgent.get(id) ?? [];
  }

  *agentsOfSite(siteId: string): Iterable<Connection> {
    yield* this.allSites;
    yield* this.bySite.get(siteId) ?? [];
  }

  count(role: 'visitor' | 'agent'): number {
    let n = 0;
    for (const c of this.all) if (c.auth?.role === role) n++;
    return n;
  }
}

function addTo(m: Map<string, Set<Connection>>, k: string, c: Connection): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(c);
}

function removeFrom(m: Map<string, Set<Connection>>, k: string, c: Connection): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(c);
  if (s.size === 0) m.delete(k);
}
