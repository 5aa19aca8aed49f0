import { useEffect, useRef } from 'preact/hooks';
import type { AuthScreen, AuthStore } from '../../state/AuthStore';

export function PasswordForm({
  auth,
  screen,
}: {
  auth: AuthStore;
  screen: Extract<AuthScreen, { name: 'password' }>;
}) {
  const current = useRef<HTMLInputElement>(null);
  const next = useRef<HTMLInputElement>(null);
  const repeat = useRef<HTMLInputElement>(null);
  useEffect(() => {
    (screen.askCurrent ? current : next).current?.focus();
  }, [screen.askCurrent]);
  useEffect(() => {
    if (screen.error === null) return;
    if (screen.askCurrent && /current/.test(screen.error)) current.current?.focus();
    else if (/not the same/.test(screen.error)) repeat.current?.focus();
  }, [screen.error, screen.askCurrent]);
  const submit = (event: Event): void => {
    event.preventDefault();
    void auth.choosePassword(
      current.current?.value ?? '',
      next.current?.value ?? '',
      repeat.current?.value ?? '',
    );
  };
  return (
    <main class="auth" id="screen-password">
      <form class="auth-card" onSubmit={submit}>
        <h1>Choose your password</h1>
        <p class="auth-lead">
          You signed in with a one-time password. Choose your own password before you continue.
        </p>
        {screen.askCurrent && (
          <>
            <label for="password-current">Current (one-time) password</label>
            <input
              id="password-current"
              ref={current}
              type="password"
              autocomplete="current-password"
              required
            />
          </>
        )}
        <label for="password-new">New password</label>
        <input
          id="password-new"
          ref={next}
          type="password"
          autocomplete="new-password"
          minLength={10}
          maxLength={200}
          required
          aria-describedby="password-rule"
        />
        <p class="field-hint" id="password-rule">
          At least 10 characters.
        </p>
        <label for="password-confirm">Repeat the new password</label>
        <input id="password-confirm" ref={repeat} type="password" autocomplete="new-password" required />
        {screen.error !== null && (
          <p class="form-error" id="password-error" role="alert">
            {screen.error}
          </p>
        )}
        <button class="primary" type="submit" disabled={screen.busy}>
          Save and continue
        </button>
        <button class="link" type="button" onClick={() => void auth.abandon()}>
          Sign out
        </button>
      </form>
    </main>
  );
}
