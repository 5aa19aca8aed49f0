import { SiteSettings, type Site } from '@parley/protocol';
import { errorText } from '../api/ApiError';
import type { SiteInput } from '../api/ConsoleApi';
import { Observable } from '../lib/observable';

export type Settings = SiteSettings;

export interface SiteSaver {
  updateSite(id: string, input: SiteInput): Promise<Site>;
}

/**
 * A site being edited: name, allowed origins and every widget setting, checked against the
 * protocol's own schema (the server checks the same one) before anything is sent. Nothing is
 * saved until `save`; `dirty` says whether there is anything to save.
 */
export class SiteDraft extends Observable {
  saved: Site;
  name: string;
  originsText: string;
  settings: Settings;
  saving = false;
  /** The last save's failure, or null. */
  error: string | null = null;
  savedAt: number | null = null;

  constructor(site: Site) {
    super();
    this.saved = site;
    this.name = site.name;
    this.originsText = site.allowedOrigins.join('\n');
    this.settings = readSettings(site.settings);
  }

  setName(name: string): void {
    this.name = name;
    this.changed();
  }

  setOrigins(text: string): void {
    this.originsText = text;
    this.changed();
  }

  /** An edit of the settings: `change` returns the new settings (never mutates). */
  update(change: (s: Settings) => Settings): void {
    this.settings = change(this.settings);
    this.changed();
  }

  origins(): string[] {
    return this.originsText
      .split(/[\s,]+/)
      .map((o) => o.trim())
      .filter((o) => o !== '');
  }

  /** Problems that would make the server refuse the save, as "where: what" lines. */
  issues(): string[] {
    const issues: string[] = [];
    if (this.name.trim() === '') issues.push('Name: a site needs a name.');
    for (const origin of this.origins()) {
      if (originOf(origin) === null) issues.push(`Allowed origins: “${origin}” is not an http(s) address.`);
    }
    const parsed = SiteSettings.safeParse(this.settings);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push(`${pathText(issue.path)}: ${issue.message}`);
    }
    return issues;
  }

  get dirty(): boolean {
    return (
      this.name !== this.saved.name ||
      this.origins().map(originOrSelf).join('\n') !== this.saved.allowedOrigins.join('\n') ||
      JSON.stringify(this.settings) !== JSON.stringify(readSettings(this.saved.settings))
    );
  }

  async save(api: SiteSaver): Promise<boolean> {
    if (this.saving || this.issues().length > 0) return false;
    this.saving = true;
    this.error = null;
    this.changed();
    try {
      const site = await api.updateSite(this.saved.id, {
        name: this.name.trim(),
        allowedOrigins: this.origins(),
        settings: this.settings,
      });
      this.saved = site;
      this.name = site.name;
      this.originsText = site.allowedOrigins.join('\n');
      this.settings = readSettings(site.settings);
      this.savedAt = Date.now();
      return true;
    } catch (error) {
      this.error = errorText(error);
      return false;
    } finally {
      this.saving = false;
      this.changed();
    }
  }

  /** What a site owner pastes into their pages. */
  snippet(serverOrigin: string): string {
    return `<script async src="${serverOrigin}/widget.js" data-site="${this.saved.key}"></script>`;
  }
}

/** A site's stored settings with every default filled in (what the widget will use). */
export function readSettings(raw: unknown): Settings {
  const parsed = SiteSettings.safeParse(raw);
  return parsed.success ? parsed.data : SiteSettings.parse({});
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function originOrSelf(value: string): string {
  return originOf(value) ?? value;
}

const FIELD_NAMES: Record<string, string> = {
  appearance: 'Appearance',
  hours: 'Business hours',
  targeting: 'Targeting',
  triggers: 'Triggers',
  prechatForm: 'Pre-chat form',
  offlineForm: 'Offline form',
  weekly: 'opening hours',
  holidays: 'holidays',
  fields: 'field',
};

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `#${p + 1}` : (FIELD_NAMES[String(p)] ?? String(p))))
    .join(' › ');
}
