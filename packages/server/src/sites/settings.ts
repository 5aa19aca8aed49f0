import * as z from 'zod';

/**
 * Per-site settings with their defaults. Stored as JSON so that later features (appearance, hours,
 * triggers, bots) add keys without a migration; unknown keys are kept as they are.
 */
export const SiteSettings = z.looseObject({
  /** Agents may see what a visitor is typing before it is sent. Off by default (privacy). */
  sneakPeek: z.boolean().default(false),
  /** Require HMAC identity verification for identified visitors. */
  requireIdentityVerification: z.boolean().default(false),
  /** Seconds an incoming chat may wait for an agent reply before it counts as missed. */
  missedAfterSeconds: z.number().int().positive().default(120),
  timeZone: z.string().default('UTC'),
});
export type SiteSettings = z.infer<typeof SiteSettings>;

export function readSettings(raw: unknown): SiteSettings {
  const parsed = SiteSettings.safeParse(raw);
  return parsed.success ? parsed.data : SiteSettings.parse({});
}
