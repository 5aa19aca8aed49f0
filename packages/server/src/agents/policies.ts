import { forbidden } from '../shared/errors';
import type { AgentActor } from '../shared/context';

/** The one place that decides what an agent may see and do. */
export function canAccessSite(actor: AgentActor, siteId: string): boolean {
  return actor.siteIds === 'all' || actor.siteIds.has(siteId);
}

export function checkSiteAccess(actor: AgentActor, siteId: string): void {
  // Same answer as "no such site": an agent must not learn which ids exist elsewhere.
  if (!canAccessSite(actor, siteId)) throw forbidden('no access to this site');
}

export function isAdmin(actor: AgentActor): boolean {
  return actor.role === 'owner' || actor.role === 'admin';
}

export function checkAdmin(actor: AgentActor): void {
  if (!isAdmin(actor)) throw forbidden('admin role required');
}

export function checkOwner(actor: AgentActor): void {
  if (actor.role !== 'owner') throw forbidden('owner role required');
}

export function seesAllSites(role: AgentActor['role']): boolean {
  return role === 'owner' || role === 'admin';
}
