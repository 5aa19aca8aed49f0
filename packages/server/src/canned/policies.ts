import { canAccessSite, checkAdmin } from '../agents/policies';
import type { AgentActor } from '../shared/context';
import { notFound } from '../shared/errors';
import type { CannedRow } from './store';

/** Own personal responses, and the shared ones of the agent's sites (or global). */
export function canSeeCanned(actor: AgentActor, row: Pick<CannedRow, 'owner_id' | 'site_id'>): boolean {
  if (row.owner_id !== null) return row.owner_id === actor.id;
  return row.site_id === null || canAccessSite(actor, row.site_id);
}

/** Personal ones are changed by their owner only; shared ones by admins only. */
export function checkMayEdit(actor: AgentActor, row: Pick<CannedRow, 'owner_id' | 'site_id'>): void {
  if (!canSeeCanned(actor, row)) throw notFound('canned response');
  if (row.owner_id === null) checkAdmin(actor);
}
