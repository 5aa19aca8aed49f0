import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ConsoleApi, Session } from '../api/ConsoleApi';
import { parseRoute, routeHash } from '../lib/router';
import { commandFor, isEditable, type Command } from '../lib/shortcuts';
import type { AuthStore } from '../state/AuthStore';
import { ConsoleRuntime } from '../state/ConsoleRuntime';
import { Banners } from './Banners';
import { ConversationPane } from './conversation/ConversationPane';
import { useRoute, useStores } from './hooks';
import { InboxPane } from './inbox/InboxPane';
import { lazyComponent } from './Lazy';
import { ShortcutsHelp } from './ShortcutsHelp';
import { TopBar } from './TopBar';

const ProfilePage = lazyComponent(() => import('./profile/ProfilePage').then((m) => m.ProfilePage));
const AdminArea = lazyComponent(() => import('./admin/AdminArea').then((m) => m.AdminArea));
const LiveVisitorsPage = lazyComponent(() =>
  import('./visitors/LiveVisitorsPage').then((m) => m.LiveVisitorsPage),
);
const ReportsPage = lazyComponent(() => import('./reports/ReportsPage').then((m) => m.ReportsPage));

/** The signed-in console: one runtime for the life of this session, and the screen the URL names. */
export function Workspace({ api, session, auth }: { api: ConsoleApi; session: Session; auth: AuthStore }) {
  const runtime = useMemo(
    () => new ConsoleRuntime(api, session, (end) => auth.ended(end)),
    [api, session, auth],
  );
  const route = useRoute();
  const [help, setHelp] = useState(false);
  useStores(runtime.directory);

  useEffect(() => {
    runtime.start();
    return () => runtime.stop();
  }, [runtime]);
  useEffect(() => {
    runtime.select(route.name === 'inbox' ? route.conversationId : null);
  }, [runtime, route]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      const { key, altKey, ctrlKey, metaKey } = event; // getters of the event, not own properties
      const command = commandFor({ key, altKey, ctrlKey, metaKey, inEditable: isEditable(event.target) });
      if (command === null) return;
      if (run(runtime, command, route.name === 'inbox', help, setHelp, event.target)) event.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [runtime, route, help]);

  const isAdmin = runtime.directory.isAdmin;
  return (
    <div class="app" id="screen-app">
      <TopBar runtime={runtime} route={route} onHelp={() => setHelp(true)} />
      <Banners runtime={runtime} />
      {route.name === 'inbox' && (
        <div class="workspace" data-open={route.conversationId === null ? 'list' : 'conversation'}>
          <InboxPane runtime={runtime} />
          <ConversationPane runtime={runtime} />
        </div>
      )}
      {route.name === 'profile' && <ProfilePage runtime={runtime} />}
      {route.name === 'reports' && <ReportsPage runtime={runtime} />}
      {route.name === 'visitors' && <LiveVisitorsPage runtime={runtime} />}
      {route.name === 'invite' && (
        <p class="page-error" role="alert">
          This is an invitation link for someone new. You are signed in as {runtime.directory.me.name}: sign
          out first to accept it in this browser.
        </p>
      )}
      {route.name === 'admin' &&
        (isAdmin ? (
          <AdminArea runtime={runtime} route={route} />
        ) : (
          <p class="page-error" role="alert">
            Only owners and admins manage sites and the team.
          </p>
        ))}
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

/** Carries out a shortcut; returns whether it did something (then the key is not typed). */
function run(
  runtime: ConsoleRuntime,
  command: Command,
  inInbox: boolean,
  help: boolean,
  setHelp: (open: boolean) => void,
  target: EventTarget | null,
): boolean {
  if (command === 'help') {
    setHelp(!help);
    return true;
  }
  if (command === 'escape') {
    if (help) setHelp(false);
    else if (target instanceof HTMLElement && isEditable(target)) target.blur();
    else return false;
    return true;
  }
  if (!inInbox) return false;
  if (command === 'search') {
    document.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
    return true;
  }
  // The URL, not the runtime: a key pressed right after a navigation must see where it went.
  const current = parseRoute(location.hash);
  const id = current.name === 'inbox' ? current.conversationId : null;
  switch (command) {
    case 'next':
    case 'previous': {
      const next = runtime.neighbour(id, command === 'next' ? 1 : -1);
      if (next !== null) location.hash = routeHash({ name: 'inbox', conversationId: next });
      return true;
    }
    case 'assignToMe':
      if (id !== null) runtime.assign(id, runtime.me.id);
      return id !== null;
    case 'close':
      if (id !== null) runtime.close(id);
      return id !== null;
    case 'focusComposer':
    case 'noteMode': {
      if (id === null) return false;
      runtime.composer.setNote(id, command === 'noteMode');
      document.getElementById('reply-input')?.focus();
      return true;
    }
  }
}
