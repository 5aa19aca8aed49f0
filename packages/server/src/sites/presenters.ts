import type { Site, WidgetConfig } from '@parley/protocol';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import { readSettings, type SiteSettings } from './settings';
import type { SiteRow } from './store';

export function siteOrigins(row: SiteRow): string[] {
  return parseJsonColumn<string[]>(row.allowed_origins, []);
}

/** Admin view of a site. The identity secret is never part of it. */
export function presentSite(row: SiteRow): Site {
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    allowedOrigins: siteOrigins(row),
    settings: readSettings(parseJsonColumn<unknown>(row.settings, {})),
    createdAt: iso(row.created_at),
  };
}

/** What a visitor's browser may know about the site. */
export function presentSiteForVisitor(row: SiteRow): {
  id: string;
  name: string;
  settings: Record<string, unknown>;
} {
  const s = readSettings(parseJsonColumn<unknown>(row.settings, {}));
  return { id: row.id, name: row.name, settings: { sneakPeek: s.sneakPeek, timeZone: s.hours.timeZone } };
}

/** Most agents a widget shows ("our team"). */
export const WIDGET_AGENTS = 5;

/**
 * The public part of a site's settings, as every widget of the site loads it. Secrets (the identity
 * secret) and internal settings (missedAfterSeconds) never appear; only enabled triggers do.
 */
export function presentWidgetConfig(
  row: SiteRow,
  settings: SiteSettings,
  live: {
    agentsOnline: boolean;
    /** Online agents first. */
    agents: readonly { name: string; avatar_url: string | null }[];
    departments: readonly { id: string; name: string }[];
    transcripts: boolean;
  },
): WidgetConfig {
  return {
    siteKey: row.key,
    siteName: row.name,
    appearance: settings.appearance,
    hours: settings.hours,
    outsideHours: settings.outsideHours,
    noAgents: settings.noAgents,
    agentsOnline: live.agentsOnline,
    targeting: settings.targeting,
    triggers: settings.triggers.filter((t) => t.enabled),
    prechatForm: settings.prechatForm,
    offlineForm: settings.offlineForm,
    departments: live.departments.map((d) => ({ id: d.id, name: d.name })),
    agents: settings.appearance.showAgents
      ? live.agents.slice(0, WIDGET_AGENTS).map((a) => ({ name: a.name, avatarUrl: a.avatar_url }))
      : [],
    sneakPeek: settings.sneakPeek,
    requireIdentityVerification: settings.requireIdentityVerification,
    transcripts: live.transcripts,
  };
}
