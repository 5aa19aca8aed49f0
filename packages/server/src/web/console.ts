/**
 * The agent console: sign-in, the forced change of a one-time password, then the inbox and the
 * conversation view (see console/app.ts), all on the shared client library.
 */
import './shared/strictCsp';
import { ApiError, ConsoleApi, type Session } from './console/api';
import { ConsoleApp } from './console/app';
import type { AppEnd } from './console/appEnd';
import { appElements } from './console/appView';
import { authElements, preparePasswordForm, setBusy, showError, showScreen } from './console/authView';

const api = new ConsoleApi();
const auth = authElements();
const appEls = appElements();
/** Kept between the sign-in and the password form only, so that it is not asked for twice. */
let oneTimePassword: string | null = null;
let pendingSession: Session | null = null;

async function boot(message: string | null): Promise<void> {
  showScreen(auth, 'loading');
  let session: Session | null;
  try {
    session = await api.session();
  } catch (error) {
    signIn(errorText(error));
    return;
  }
  if (session === null) signIn(message);
  else enter(session);
}

function signIn(message: string | null): void {
  oneTimePassword = null;
  pendingSession = null;
  auth.signinPassword.value = '';
  showError(auth.signinError, message);
  showScreen(auth, 'signin');
  auth.signinEmail.focus();
}

function enter(session: Session): void {
  if (session.agent.mustChangePassword) {
    pendingSession = session;
    preparePasswordForm(auth, oneTimePassword !== null);
    showScreen(auth, 'password');
    (oneTimePassword === null ? auth.passwordCurrent : auth.passwordNew).focus();
    return;
  }
  oneTimePassword = null;
  showScreen(auth, 'app');
  new ConsoleApp(api, session, appEls, (end) => leave(session, end)).start();
}

/** The signed-in console ended: where to go from here (see `AppEnd`). */
function leave(session: Session, end: AppEnd): void {
  switch (end.to) {
    case 'start':
      void boot(end.message);
      break;
    case 'signin':
      signIn(end.message);
      break;
    case 'password':
      // The session stays; only choosing a new password opens the console again.
      enter({ ...session, agent: { ...session.agent, mustChangePassword: true } });
      break;
  }
}

auth.signinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const password = auth.signinPassword.value;
  setBusy(auth.signinForm, true);
  showError(auth.signinError, null);
  api
    .login(auth.signinEmail.value, password)
    .then((session) => {
      auth.signinPassword.value = '';
      oneTimePassword = session.agent.mustChangePassword ? password : null;
      enter(session);
    })
    .catch((error: unknown) => showError(auth.signinError, signInErrorText(error)))
    .finally(() => setBusy(auth.signinForm, false));
});

auth.passwordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const session = pendingSession;
  if (session === null) return;
  const current = oneTimePassword ?? auth.passwordCurrent.value;
  const next = auth.passwordNew.value;
  if (next !== auth.passwordConfirm.value) {
    showError(auth.passwordError, 'The two new passwords are not the same.');
    auth.passwordConfirm.focus();
    return;
  }
  setBusy(auth.passwordForm, true);
  showError(auth.passwordError, null);
  api
    .changePassword(current, next)
    .then(() => enter({ ...session, agent: { ...session.agent, mustChangePassword: false } }))
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'invalid_credentials') {
        // Asked again: the remembered one-time password no longer works.
        oneTimePassword = null;
        auth.passwordCurrentField.hidden = false;
        auth.passwordCurrent.required = true;
        showError(auth.passwordError, 'The current password is wrong.');
        auth.passwordCurrent.focus();
      } else if (error instanceof ApiError && error.status === 401) {
        signIn('Your session has ended. Sign in again.');
      } else {
        showError(auth.passwordError, errorText(error));
      }
    })
    .finally(() => setBusy(auth.passwordForm, false));
});

auth.passwordSignOut.addEventListener('click', () => {
  api
    .logout()
    .catch(() => undefined)
    .finally(() => signIn(null));
});

function signInErrorText(error: unknown): string {
  if (!(error instanceof ApiError)) return errorText(error);
  switch (error.code) {
    case 'invalid_credentials':
      return 'Wrong e-mail or password.';
    case 'account_locked':
      return `This account is locked: ${error.message}.`;
    case 'rate_limited':
      return 'Too many sign-in attempts from this address. Wait a minute, then try again.';
    case 'validation_failed':
      return 'Enter your e-mail address and your password.';
    default:
      return errorText(error);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : 'Something went wrong. Try again.';
}

void boot(null);
