import type { AdminSection, Route } from '../../lib/router';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { CannedManager } from '../CannedManager';
import { AuditPage } from './AuditPage';
import { DepartmentsPage } from './DepartmentsPage';
import { SiteEditor } from './SiteEditor';
import { SitesPage } from './SitesPage';
import { TagsPage } from './TagsPage';
import { TeamPage } from './TeamPage';

const SECTIONS: readonly { section: AdminSection; text: string }[] = [
  { section: 'sites', text: 'Sites' },
  { section: 'team', text: 'Team' },
  { section: 'departments', text: 'Departments' },
  { section: 'tags', text: 'Tags' },
  { section: 'canned', text: 'Canned responses' },
  { section: 'audit', text: 'Audit log' },
];

/**
 * Owners and admins: sites and their widget, the team, departments. Loaded on demand (its own
 * chunk). The server refuses these changes to anyone else whatever the page shows.
 */
export function AdminArea({
  runtime,
  route,
}: {
  runtime: ConsoleRuntime;
  route: Extract<Route, { name: 'admin' }>;
}) {
  return (
    <div class="admin">
      <nav class="admin-nav" aria-label="Admin">
        {SECTIONS.map((s) => (
          <a
            key={s.section}
            href={`#/admin/${s.section}`}
            aria-current={route.section === s.section ? 'page' : undefined}
          >
            {s.text}
          </a>
        ))}
      </nav>
      <main class="admin-main">
        {route.section === 'sites' &&
          (route.itemId === null ? (
            <SitesPage runtime={runtime} />
          ) : (
            <SiteEditor key={route.itemId} runtime={runtime} siteId={route.itemId} />
          ))}
        {route.section === 'team' && <TeamPage runtime={runtime} />}
        {route.section === 'departments' && <DepartmentsPage runtime={runtime} />}
        {route.section === 'tags' && <TagsPage runtime={runtime} />}
        {route.section === 'audit' && <AuditPage runtime={runtime} />}
        {route.section === 'canned' && (
          <>
            <div class="page-head">
              <h1>Shared canned responses</h1>
            </div>
            <p class="muted">
              Every agent can use these (on their site, or everywhere). Agents keep their own in their
              profile.
            </p>
            <CannedManager runtime={runtime} shared />
          </>
        )}
      </main>
    </div>
  );
}
