import { canAccessSite } from '../agents/policies';
import type { AgentActor } from '../shared/context';
import type { TagRow } from './store';

/** A tag an agent may see and use: a global one, or one of a site the agent works on. */
export function canSeeTag(actor: AgentActor, tag: Pick<TagRow, 'site_id'>): boolean {
  return tag.site_id === null || canAccessSite(actor, tag.site_id);
}

/** A tag may go on a conversation of its own site, or on any when it is global. */
export function tagFitsSite(tag: Pick<TagRow, 'site_id'>, siteId: string): boolean {
  return tag.site_id === null || tag.site_id === siteId;
}
