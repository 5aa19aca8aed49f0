import type { AgentStatus } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { errorText } from '../api/ApiError';
import type { Route } from '../lib/router';
import { applyTheme, nextTheme, storedTheme, type ThemeChoice } from '../lib/theme';
import type { ConsoleRuntime } from '../state/ConsoleRuntime';
import { useStores } from './hooks';

const THEME_LABEL: Record<ThemeChoice, string> = {
  system: 'Theme: system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

export function TopBar({
  runtime,
  route,
  onHelp,
}: {
  runtime: ConsoleRuntime;
  route: Route;
  onHelp: () => void;
}) {
  useStores(runtime.directory, runtime.connection);
  const [theme, setTheme] = useState(storedTheme);
  const [statusError, setStatusError] = useState<string | null>(null);
  const me = runtime.directory.me;
  const connection = runtime.connection.view();
  const changeStatus = (status: AgentStatus): void => {
    setStatusError(null);
    runtime.updateProfile({ status }).catch((error: unknown) => setStatusError(errorText(error)));
  };
  return (
    <header class="topbar">
      <a class="brand" href="#/">
        Parley
      </a>
      <nav class="topnav" aria-label="Main">
        <a href="#/" aria-current={route.name === 'inbox' ? 'page' : undefined}>
          Inbox
        </a>
        <a href="#/visitors" aria-current={route.name === 'visitors' ? 'page' : undefined}>
          Visitors
        </a>
        <a href="#/reports" aria-current={route.name === 'reports' ? 'page' : undefined}>
          Reports
        </a>
        {runtime.directory.isAdmin && (
          <a href="#/admin/sites" aria-current={route.name === 'admin' ? 'page' : undefined}>
            Admin
          </a>
        )}
      </nav>
      <p class="connection" id="connection" role="status" data-tone={connection.tone}>
        {connection.text}
      </p>
      <label class="status-select" data-status={me.status}>
        <span class="visually-hidden">My status</span>
        <select
          aria-label="My status"
          value={me.status}
          onChange={(e) => changeStatus(e.currentTarget.value as AgentStatus)}
        >
          <option value="online">Online</option>
          <option value="away">Away</option>
          <option value="offline">Offline</option>
        </select>
      </label>
      {statusError !== null && (
        <span class="form-error" role="alert">
          {statusError}
        </span>
      )}
      <button
        type="button"
        class="icon-button"
        title={THEME_LABEL[theme]}
        aria-label={`${THEME_LABEL[theme]} (change)`}
        onClick={() => {
          const next = nextTheme(theme);
          applyTheme(next);
          setTheme(next);
        }}
      >
        {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'}
      </button>
      <button
        type="button"
        class="icon-button"
        aria-label="Keyboard shortcuts"
        title="Keyboard shortcuts (?)"
        onClick={onHelp}
      >
        ?
      </button>
      <a class="me-link" href="#/profile" aria-current={route.name === 'profile' ? 'page' : undefined}>
        {me.avatarUrl !== null && (
          <img
            class="avatar"
            src={me.avatarUrl.replace(/256\.webp$/, '128.webp')}
            alt=""
            width={24}
            height={24}
          />
        )}
        <span id="me">{me.name}</span>
      </a>
      <button type="button" onClick={() => void runtime.signOut()}>
        Sign out
      </button>
    </header>
  );
}
