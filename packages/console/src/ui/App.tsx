import { useEffect, useMemo } from 'preact/hooks';
import { ConsoleApi } from '../api/ConsoleApi';
import { AuthStore } from '../state/AuthStore';
import { PasswordForm } from './auth/PasswordForm';
import { SignInForm } from './auth/SignInForm';
import { InviteAccept } from './auth/InviteAccept';
import { useRoute, useStores } from './hooks';
import { Workspace } from './Workspace';

/** The page: sign-in, the forced password change, or the signed-in workspace. */
export function App() {
  const api = useMemo(() => new ConsoleApi(), []);
  const auth = useMemo(() => new AuthStore(api), [api]);
  useStores(auth);
  const route = useRoute();
  useEffect(() => void auth.boot(), [auth]);
  const screen = auth.screen;
  // An invitation link is for someone without an account: it comes before any session.
  if (route.name === 'invite' && screen.name !== 'app')
    return <InviteAccept api={api} auth={auth} token={route.token} />;
  switch (screen.name) {
    case 'loading':
      return (
        <p class="boot" role="status">
          Loading…
        </p>
      );
    case 'signin':
      return <SignInForm auth={auth} screen={screen} />;
    case 'password':
      return <PasswordForm auth={auth} screen={screen} />;
    case 'app':
      // A new session (another sign-in) gets a new workspace: nothing of the last one stays.
      return <Workspace key={screen.session.csrfToken} api={api} session={screen.session} auth={auth} />;
  }
}
