import { describe, expect, test } from 'vitest';
import type { AuthFailedEvent } from '@parley/client';
import { ApiError } from '../src/api/ApiError';
import type { Session } from '../src/api/ConsoleApi';
import { byeEnd, refusalEnd } from '../src/state/appEnd';
import { AuthStore, type AuthApi } from '../src/state/AuthStore';
import { buildAgent } from './fixtures';

const refused = (closeCode: number, code?: AuthFailedEvent['code']): AuthFailedEvent => ({
  closeCode,
  reason: 'refused',
  ...(code === undefined ? {} : { code }),
});
const signIn = (message: string) => ({ to: 'signin', message });

describe('where the console goes when the server ends it', () => {
  test("a refused socket goes by the server's error code", () => {
    expect(refusalEnd(refused(4403, 'password_change_required'))).toEqual({ to: 'password' });
    expect(refusalEnd(refused(4401, 'unauthorized'))).toEqual(
      signIn('Your session has ended. Sign in again to continue.'),
    );
    expect(refusalEnd(refused(4403, 'origin_not_allowed'))).toEqual(
      signIn('The server does not accept the console from this address.'),
    );
    expect(refusalEnd(refused(4403, 'unsupported_version'))).toEqual(
      signIn('This console is out of date. Reload the page.'),
    );
  });

  test('without an error frame the close code decides', () => {
    expect(refusalEnd(refused(4401))).toEqual(signIn('Your session has ended. Sign in again to continue.'));
    expect(refusalEnd(refused(4403))).toEqual(signIn('The server refused the connection from this console.'));
  });

  test('a bye goes back to the start, which asks the server what is left of the session', () => {
    expect(byeEnd({ t: 'bye', reason: 'deactivated', reconnect: false })).toEqual({
      to: 'start',
      message: 'Your account was deactivated.',
    });
    expect(byeEnd({ t: 'bye', reason: 'session_revoked', reconnect: false })).toEqual({
      to: 'start',
      message: 'You were signed out. Sign in again to continue.',
    });
  });
});

/** A scripted server for the sign-in flow: each call answers from the queue or with the default. */
class FakeAuthApi implements AuthApi {
  session: () => Promise<Session | null> = () => Promise.resolve(null);
  loginAnswer: (email: string, password: string) => Promise<Session> = () =>
    Promise.reject(new Error('unset'));
  passwordAnswer: (current: string, next: string) => Promise<void> = () => Promise.resolve();
  readonly passwordCalls: [string, string][] = [];
  logouts = 0;

  login(email: string, password: string): Promise<Session> {
    return this.loginAnswer(email, password);
  }

  changePassword(current: string, next: string): Promise<void> {
    this.passwordCalls.push([current, next]);
    return this.passwordAnswer(current, next);
  }

  logout(): Promise<void> {
    this.logouts += 1;
    return Promise.resolve();
  }
}

const session = (mustChangePassword: boolean): Session => ({
  agent: buildAgent({ mustChangePassword }),
  csrfToken: 'csrf',
});

describe('AuthStore', () => {
  test('no session: the sign-in form; a refused sign-in says why', async () => {
    const api = new FakeAuthApi();
    const auth = new AuthStore(api);
    await auth.boot();
    expect(auth.screen).toEqual({ name: 'signin', message: null, busy: false });
    api.loginAnswer = () => Promise.reject(new ApiError(401, 'invalid_credentials', 'no'));
    await auth.signIn('me@example.test', 'wrong');
    expect(auth.screen).toEqual({ name: 'signin', message: 'Wrong e-mail or password.', busy: false });
    api.loginAnswer = () => Promise.reject(new ApiError(423, 'account_locked', 'try again in 15 minutes'));
    await auth.signIn('me@example.test', 'right');
    expect(auth.screen).toMatchObject({ message: 'This account is locked: try again in 15 minutes.' });
  });

  test('a one-time password typed at sign-in is not asked for again, and is used for the change', async () => {
    const api = new FakeAuthApi();
    const auth = new AuthStore(api);
    await auth.boot();
    api.loginAnswer = () => Promise.resolve(session(true));
    await auth.signIn('me@example.test', 'one-time 123');
    expect(auth.screen).toEqual({ name: 'password', askCurrent: false, error: null, busy: false });
    await auth.choosePassword('', 'a new password', 'a new passwort');
    expect(auth.screen).toMatchObject({ error: 'The two new passwords are not the same.' });
    expect(api.passwordCalls).toEqual([]);
    await auth.choosePassword('', 'a new password', 'a new password');
    expect(api.passwordCalls).toEqual([['one-time 123', 'a new password']]);
    expect(auth.screen).toMatchObject({ name: 'app', session: { agent: { mustChangePassword: false } } });
  });

  test('a session resumed on the password form asks for the current password, again when it was wrong', async () => {
    const api = new FakeAuthApi();
    api.session = () => Promise.resolve(session(true));
    const auth = new AuthStore(api);
    await auth.boot();
    expect(auth.screen).toMatchObject({ name: 'password', askCurrent: true });
    api.passwordAnswer = () => Promise.reject(new ApiError(401, 'invalid_credentials', 'wrong'));
    await auth.choosePassword('not it', 'a new password', 'a new password');
    expect(auth.screen).toEqual({
      name: 'password',
      askCurrent: true,
      error: 'The current password is wrong.',
      busy: false,
    });
    api.passwordAnswer = () => Promise.reject(new ApiError(401, 'unauthorized', 'sign in first'));
    await auth.choosePassword('it', 'a new password', 'a new password');
    expect(auth.screen).toEqual({
      name: 'signin',
      message: 'Your session has ended. Sign in again.',
      busy: false,
    });
  });

  test('the end of a signed-in console leads where it says', async () => {
    const api = new FakeAuthApi();
    api.session = () => Promise.resolve(session(false));
    const auth = new AuthStore(api);
    await auth.boot();
    expect(auth.screen.name).toBe('app');
    auth.ended({ to: 'password' });
    expect(auth.screen).toMatchObject({ name: 'password', askCurrent: true });
    await auth.choosePassword('old one', 'a new password', 'a new password');
    expect(auth.screen.name).toBe('app');
    auth.ended({ to: 'signin', message: 'Your session has ended. Sign in again to continue.' });
    expect(auth.screen).toMatchObject({
      name: 'signin',
      message: 'Your session has ended. Sign in again to continue.',
    });
    await auth.abandon();
    expect(api.logouts).toBe(1);
  });

  test('a server that cannot be reached at start leaves the sign-in form with the reason', async () => {
    const api = new FakeAuthApi();
    api.session = () => Promise.reject(new ApiError(0, 'network', 'The server cannot be reached.'));
    const auth = new AuthStore(api);
    await auth.boot();
    expect(auth.screen).toEqual({ name: 'signin', message: 'The server cannot be reached.', busy: false });
  });
});
