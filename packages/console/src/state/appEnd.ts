import type { AuthFailedEvent, ByeEvent } from '@parley/client';

/** How the signed-in console ended, and so where the page goes next. */
export type AppEnd =
  /** Signed out, or the server ended the session: the page asks the server what is left of it. */
  | { to: 'start'; message: string | null }
  /** The server refused this console's socket for good: the sign-in form, with the reason. */
  | { to: 'signin'; message: string }
  /** The agent's password must be changed first (a one-time password was set): the password form. */
  | { to: 'password' };

/** `bye {reconnect: false}`: signed out everywhere, or the account was deactivated. */
export function byeEnd(bye: ByeEvent): AppEnd {
  return {
    to: 'start',
    message:
      bye.reason === 'deactivated'
        ? 'Your account was deactivated.'
        : 'You were signed out. Sign in again to continue.',
  };
}

/**
 * A socket refused with 4401/4403, by the code of the server's error frame. None of these goes
 * back to the start: the session check there would open the console again, only to be refused again.
 */
export function refusalEnd({ closeCode, code }: AuthFailedEvent): AppEnd {
  switch (code ?? (closeCode === 4401 ? 'unauthorized' : undefined)) {
    case 'password_change_required':
      return { to: 'password' };
    case 'unauthorized':
      return { to: 'signin', message: 'Your session has ended. Sign in again to continue.' };
    case 'origin_not_allowed':
      return { to: 'signin', message: 'The server does not accept the console from this address.' };
    case 'unsupported_version':
      return { to: 'signin', message: 'This console is out of date. Reload the page.' };
    default:
      return { to: 'signin', message: 'The server refused the connection from this console.' };
  }
}
