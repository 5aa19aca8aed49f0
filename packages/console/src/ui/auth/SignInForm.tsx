import { useEffect, useRef } from 'preact/hooks';
import type { AuthScreen, AuthStore } from '../../state/AuthStore';

export function SignInForm({
  auth,
  screen,
}: {
  auth: AuthStore;
  screen: Extract<AuthScreen, { name: 'signin' }>;
}) {
  const email = useRef<HTMLInputElement>(null);
  const password = useRef<HTMLInputElement>(null);
  useEffect(() => email.current?.focus(), []);
  useEffect(() => {
    // A refused attempt: the password goes, so that the next try starts clean.
    if (screen.message !== null && password.current) password.current.value = '';
  }, [screen.message]);
  const submit = (event: Event): void => {
    event.preventDefault();
    void auth.signIn(email.current?.value ?? '', password.current?.value ?? '');
  };
  return (
    <main class="auth" id="screen-signin">
      <form class="auth-card" onSubmit={submit}>
        <h1>Parley</h1>
        <p class="auth-lead">Sign in to answer your visitors.</p>
        <label for="signin-email">E-mail</label>
        <input id="signin-email" ref={email} type="email" autocomplete="username" required />
        <label for="signin-password">Password</label>
        <input id="signin-password" ref={password} type="password" autocomplete="current-password" required />
        {screen.message !== null && (
          <p class="form-error" id="signin-error" role="alert">
            {screen.message}
          </p>
        )}
        <button class="primary" type="submit" disabled={screen.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
