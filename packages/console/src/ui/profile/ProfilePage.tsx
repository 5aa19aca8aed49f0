import type { Agent, AgentSession } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import { applyTheme, storedTheme, type ThemeChoice } from '../../lib/theme';
import { fullTime, shortTime } from '../../lib/time';
import { describeUserAgent } from '../../lib/userAgent';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { CannedManager } from '../CannedManager';
import { useStores } from '../hooks';

/** The agent's own profile and this browser's settings (loaded on demand, not in the first load). */
export function ProfilePage({ runtime }: { runtime: ConsoleRuntime }) {
  return (
    <main class="page" aria-labelledby="profile-title">
      <h1 id="profile-title">Profile and settings</h1>
      <ProfileForm runtime={runtime} />
      <PhotoField runtime={runtime} />
      <section class="card" aria-labelledby="profile-canned">
        <h2 id="profile-canned">Your canned responses</h2>
        <p class="muted">
          Type / and the shortcut in a reply to insert one. Shared ones are managed by admins.
        </p>
        <CannedManager runtime={runtime} shared={false} />
      </section>
      <NotificationSettings runtime={runtime} />
      <ThemeSettings />
      <SecuritySettings runtime={runtime} />
    </main>
  );
}

function PhotoField({ runtime }: { runtime: ConsoleRuntime }) {
  useStores(runtime.directory);
  const me = runtime.directory.me;
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const run = (work: Promise<Agent>): void => {
    setState({ busy: true, error: null });
    work.then(
      (agent) => {
        runtime.directory.setMe(agent);
        setState({ busy: false, error: null });
      },
      (e: unknown) => setState({ busy: false, error: errorText(e) }),
    );
  };
  return (
    <section class="card" aria-labelledby="profile-photo">
      <h2 id="profile-photo">Photo</h2>
      <div class="row">
        {me.avatarUrl === null ? (
          <span class="avatar avatar-large" aria-hidden="true">
            {initials(me.name)}
          </span>
        ) : (
          <img class="avatar avatar-large" src={me.avatarUrl} alt="Your photo" width={96} height={96} />
        )}
        <div>
          <p class="muted">
            Visitors see it next to your replies when the site shows agents. PNG, JPEG, GIF or WebP.
          </p>
          <div class="form-actions">
            <label class="button-like">
              {me.avatarUrl === null ? 'Upload a photo…' : 'Change the photo…'}
              <input
                type="file"
                accept="image/png,image/jpeg,image/gif,image/webp"
                class="visually-hidden"
                disabled={state.busy}
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  e.currentTarget.value = '';
                  if (file !== undefined) run(runtime.api.uploadAvatar(file));
                }}
              />
            </label>
            {me.avatarUrl !== null && (
              <button type="button" disabled={state.busy} onClick={() => run(runtime.api.removeAvatar())}>
                Remove
              </button>
            )}
            {state.busy && <span role="status">Uploading…</span>}
          </div>
          {state.error !== null && (
            <p class="form-error" role="alert">
              {state.error}
            </p>
          )}
        </div>
      </div>
    </section>
  );
}

/** "Ada Lovelace" → "AL": the stand-in for a missing photo. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}

function ProfileForm({ runtime }: { runtime: ConsoleRuntime }) {
  useStores(runtime.directory);
  const me = runtime.directory.me;
  const [name, setName] = useState(me.name);
  const [maxChats, setMaxChats] = useState(String(me.maxChats));
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({
    busy: false,
    message: null,
    error: false,
  });
  const save = (event: Event): void => {
    event.preventDefault();
    setState({ busy: true, message: null, error: false });
    runtime
      .updateProfile({ name: name.trim(), maxChats: Number(maxChats) })
      .then(() => setState({ busy: false, message: 'Saved.', error: false }))
      .catch((error: unknown) => setState({ busy: false, message: errorText(error), error: true }));
  };
  return (
    <section class="card" aria-labelledby="profile-me">
      <h2 id="profile-me">You</h2>
      <form class="form" onSubmit={save}>
        <p class="muted">
          {me.email} · {me.role}
        </p>
        <label for="profile-name">Name (visitors see it)</label>
        <input
          id="profile-name"
          value={name}
          maxLength={200}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="profile-max">Maximum concurrent chats</label>
        <input
          id="profile-max"
          type="number"
          min={0}
          max={100}
          value={maxChats}
          onInput={(e) => setMaxChats(e.currentTarget.value)}
        />
        <p class="field-hint">0 means no limit.</p>
        <div class="form-actions">
          <button class="primary" type="submit" disabled={state.busy}>
            Save profile
          </button>
          {state.message !== null && (
            <span class={state.error ? 'form-error' : 'form-ok'} role="status">
              {state.message}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function NotificationSettings({ runtime }: { runtime: ConsoleRuntime }) {
  const center = runtime.notifications;
  useStores(center);
  const { prefs, permission, audio } = center;
  return (
    <section class="card" aria-labelledby="profile-notifications">
      <h2 id="profile-notifications">Notifications</h2>
      <p class="muted">Kept in this browser, for your account.</p>
      <label class="check">
        <input
          type="checkbox"
          checked={prefs.sound}
          onChange={(e) => center.setPrefs({ sound: e.currentTarget.checked })}
        />{' '}
        Play a sound for new conversations and new visitor messages
      </label>
      <div class="form-actions">
        <button type="button" onClick={() => void runtime.enableSound()}>
          Play the sound
        </button>
        {audio === 'blocked' && (
          <span class="muted">The browser blocks sound until you click in the page.</span>
        )}
        {audio === 'unsupported' && <span class="muted">This browser cannot play sounds.</span>}
      </div>
      <label class="check">
        <input
          type="checkbox"
          checked={prefs.desktop}
          disabled={permission !== 'granted'}
          onChange={(e) => center.setPrefs({ desktop: e.currentTarget.checked })}
        />{' '}
        Show a system notification while the console is in the background
      </label>
      {permission === 'default' && (
        <div class="form-actions">
          <button type="button" onClick={() => void runtime.requestDesktopPermission()}>
            Allow notifications…
          </button>
          <span class="muted">Your browser will ask you to confirm.</span>
        </div>
      )}
      {permission === 'denied' && (
        <p class="muted">
          Notifications are blocked for this site. Allow them in the browser’s site settings, then reload.
        </p>
      )}
      {permission === 'unsupported' && <p class="muted">This browser does not offer notifications here.</p>}
    </section>
  );
}

function ThemeSettings() {
  const [theme, setTheme] = useState(storedTheme);
  const choose = (choice: ThemeChoice): void => {
    applyTheme(choice);
    setTheme(choice);
  };
  return (
    <section class="card" aria-labelledby="profile-theme">
      <h2 id="profile-theme">Appearance</h2>
      <div role="radiogroup" aria-labelledby="profile-theme" class="radios">
        {(['system', 'light', 'dark'] as const).map((choice) => (
          <label key={choice} class="check">
            <input type="radio" name="theme" checked={theme === choice} onChange={() => choose(choice)} />{' '}
            {choice === 'system' ? 'Like the system' : choice === 'light' ? 'Light' : 'Dark'}
          </label>
        ))}
      </div>
    </section>
  );
}

function SecuritySettings({ runtime }: { runtime: ConsoleRuntime }) {
  const [confirming, setConfirming] = useState(false);
  const [sessions, setSessions] = useState<AgentSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    runtime.api.sessions().then(setSessions, (e: unknown) => setError(errorText(e)));
  };
  useEffect(load, [runtime]);
  const revoke = (session: AgentSession): void => {
    setError(null);
    if (session.current) {
      void runtime.signOut();
      return;
    }
    runtime.api.revokeSession(session.id).then(load, (e: unknown) => setError(errorText(e)));
  };
  return (
    <section class="card" aria-labelledby="profile-security">
      <h2 id="profile-security">Sessions</h2>
      <p class="muted">Where your account is signed in. Ending a session signs that device out at once.</p>
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {sessions !== null && (
        <table class="table" id="sessions-table">
          <thead>
            <tr>
              <th>Device</th>
              <th>Address</th>
              <th>Last active</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id} data-current={s.current ? 'true' : undefined}>
                <td>
                  {s.device ?? (s.userAgent === null ? 'Unknown device' : describeUserAgent(s.userAgent))}
                  {s.current && <span class="badge"> This browser</span>}
                </td>
                <td>{s.ip ?? '—'}</td>
                <td>
                  <time dateTime={s.lastSeenAt} title={fullTime(s.lastSeenAt)}>
                    {shortTime(s.lastSeenAt)}
                  </time>
                </td>
                <td>
                  <button type="button" onClick={() => revoke(s)}>
                    {s.current ? 'Sign out' : 'End session'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="form-actions">
        {confirming ? (
          <>
            <button type="button" class="danger" onClick={() => void runtime.signOutEverywhere()}>
              Yes, sign out everywhere
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Sign out everywhere…
          </button>
        )}
      </div>
    </section>
  );
}
