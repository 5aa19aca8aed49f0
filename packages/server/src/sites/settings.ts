import { SiteSettings } from '@parley/protocol';

/** The schema lives in the protocol (the console edits it, the widget reads its public part). */
export { SiteSettings };

export function readSettings(raw: unknown): SiteSettings {
  const parsed = SiteSettings.safeParse(raw);
  return parsed.success ? parsed.data : SiteSettings.parse({});
}
