import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Site } from '@parley/protocol';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { SiteDraft } from '../../state/SiteDraft';
import { useStores } from '../hooks';
import { AppearanceSection } from './siteAppearance';
import { FormsSection } from './siteForms';
import { GeneralSection } from './siteGeneral';
import { HoursSection } from './siteHours';
import { PrivacySection, RetentionSection } from './sitePrivacy';
import { AvailabilitySection, TargetingSection, TriggersSection } from './siteRules';

const SECTIONS = [
  ['general', 'General'],
  ['appearance', 'Appearance'],
  ['hours', 'Business hours'],
  ['availability', 'When nobody can answer'],
  ['targeting', 'Targeting'],
  ['triggers', 'Triggers'],
  ['forms', 'Forms'],
  ['privacy', 'Privacy and identity'],
  ['data', 'Data retention'],
] as const;
type SectionName = (typeof SECTIONS)[number][0];

/** One site's settings, edited as a draft and saved at once; the preview beside it is the real widget. */
export function SiteEditor({ runtime, siteId }: { runtime: ConsoleRuntime; siteId: string }) {
  const [site, setSite] = useState<Site | null>(() => runtime.directory.site(siteId) ?? null);
  const [loadError, setLoadError] = useState<string | null>(null);
  useEffect(() => {
    runtime.api
      .call('GET', `/api/v1/sites/${encodeURIComponent(siteId)}`)
      .then((raw) => setSite((raw as { site: Site }).site))
      .catch((e: unknown) => setLoadError(errorText(e)));
  }, [runtime, siteId]);
  if (site === null) {
    return loadError === null ? (
      <p class="page-loading">Loading…</p>
    ) : (
      <p class="page-error" role="alert">
        {loadError}
      </p>
    );
  }
  return <Editor runtime={runtime} site={site} />;
}

function Editor({ runtime, site }: { runtime: ConsoleRuntime; site: Site }) {
  const draft = useMemo(() => new SiteDraft(site), [site]);
  useStores(draft);
  const [section, setSection] = useState<SectionName>('general');
  const issues = draft.issues();
  const save = (): void => {
    void draft.save(runtime.api).then((ok) => {
      if (ok) runtime.directory.putSite(draft.saved);
    });
  };
  return (
    <>
      <div class="page-head">
        <h1>{draft.saved.name}</h1>
        <a href="#/admin/sites">All sites</a>
      </div>
      <div class="site-editor">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <div class="site-sections" role="group" aria-label="Settings section">
            {SECTIONS.map(([name, text]) => (
              <button
                key={name}
                type="button"
                aria-pressed={section === name}
                onClick={() => setSection(name)}
              >
                {text}
              </button>
            ))}
          </div>
          {section === 'general' && <GeneralSection draft={draft} />}
          {section === 'appearance' && <AppearanceSection draft={draft} />}
          {section === 'hours' && <HoursSection draft={draft} />}
          {section === 'availability' && <AvailabilitySection draft={draft} />}
          {section === 'targeting' && <TargetingSection draft={draft} />}
          {section === 'triggers' && <TriggersSection draft={draft} />}
          {section === 'forms' && <FormsSection draft={draft} />}
          {section === 'privacy' && <PrivacySection draft={draft} runtime={runtime} />}
          {section === 'data' && <RetentionSection draft={draft} />}
          <div class="save-bar">
            <button
              class="primary"
              type="submit"
              disabled={!draft.dirty || draft.saving || issues.length > 0}
            >
              {draft.saving ? 'Saving…' : 'Save changes'}
            </button>
            {draft.dirty ? (
              <span class="muted">Unsaved changes</span>
            ) : (
              draft.savedAt !== null && (
                <span class="form-ok" role="status">
                  Saved.
                </span>
              )
            )}
            {draft.error !== null && (
              <span class="form-error" role="alert">
                {draft.error}
              </span>
            )}
          </div>
          {issues.length > 0 && (
            <ul class="issues" aria-label="Problems to fix before saving">
              {issues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          )}
        </form>
        <Preview site={draft.saved} version={draft.savedAt} />
      </div>
    </>
  );
}

/**
 * The real widget on a page of this server, in a sandboxed frame. It loads the site's saved
 * configuration (the widget reads it from the server), so it shows a change once saved.
 */
function Preview({ site, version }: { site: Site; version: number | null }) {
  const ownOrigin = location.origin;
  const reachable = site.allowedOrigins.length === 0 || site.allowedOrigins.includes(ownOrigin);
  const [shown, setShown] = useState(version);
  useEffect(() => {
    if (version === null || version === shown) return;
    // Widgets may keep the configuration 30 s (Cache-Control): fetch it anew, the way the widget
    // does, so that the frame's widget reads the settings just saved from this browser's cache.
    const url = `/api/v1/widget/config?site=${encodeURIComponent(site.key)}`;
    fetch(url, { credentials: 'omit', cache: 'reload' })
      .catch(() => undefined)
      .finally(() => setShown(version));
  }, [version, shown, site.key]);
  const src = `/console/preview?site=${encodeURIComponent(site.key)}${shown === null ? '' : `&v=${shown}`}`;
  return (
    <aside class="preview" aria-label="Preview">
      <h2>Preview</h2>
      {reachable ? (
        <>
          <iframe
            title="Widget preview"
            src={src}
            sandbox="allow-scripts allow-same-origin allow-forms allow-popups"
            referrerpolicy="same-origin"
          />
          <p class="field-hint">The real widget with the saved settings: save to see a change here.</p>
        </>
      ) : (
        <p class="muted">
          The preview runs on this server ({ownOrigin}), which is not among the site’s allowed origins, so the
          widget refuses it there. Add it to the allowed origins to see the preview.
        </p>
      )}
    </aside>
  );
}
