import type { Agent } from '@parley/protocol';
import { ApiError, errorText } from '../api/ApiError';
import type { Session } from '../api/ConsoleApi';
import { Observable } from '../lib/observable';
import type { AppEnd } from './appEnd';

/** The REST calls the sign-in flow needs (ConsoleApi in the page, a fake in tests). */
export interface AuthApi {
  session(): Promise<Session | null>;
  login(email: string, password: string): Promise<Session>;
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  logout(): Promise<void>;
}

export type AuthScreen =
  | { name: 'loading' }
  | { name: 'signin'; message: string | null; busy: boolean }
  /** `askCurrent`: the one-time password was not typed on this page (a reload, a refused socket). */
  | { name: 'password'; askCurrent: boolean; error: string | null; busy: boolean }
  | { name: 'app'; session: Session };

/**
 * Sign-in, the forced change of a one-time password, and where the page goes when the signed-in
 * console ends. The one-time password just typed is kept only between the two forms, so that it is
 * not asked for twice.
 */
export class AuthStore extends Observable {
  screen: AuthScreen = { name: 'loading' };
  readonly #api: AuthApi;
  #oneTimePassword: string | null = null;
  #pending: Session | null = null;

  constructor(api: AuthApi) {
    super();
    this.#api = api;
  }

  /** Asks the server whether a session exists, then shows what it calls for. */
  async boot(message: string | null = null): Promise<void> {
    this.#show({ name: 'loading' });
    let session: Session | null;
    try {
      session = await this.#api.session();
    } catch (error) {
      this.#signIn(errorText(error));
      return;
    }
    if (session === null) this.#signIn(message);
    else this.#enter(session);
  }

  async signIn(email: string, password: string): Promise<void> {
    if (this.screen.name !== 'signin' || this.screen.busy) return;
    this.#show({ name: 'signin', message: null, busy: true });
    try {
      const session = await this.#api.login(email, password);
      this.#oneTimePassword = session.agent.mustChangePassword ? password : null;
      this.#enter(session);
    } catch (error) {
      this.#show({ name: 'signin', message: signInErrorText(error), busy: false });
    }
  }

  async choosePassword(current: string, next: string, repeat: string): Promise<void> {
    const screen = this.screen;
    const session = this.#pending;
    if (screen.name !== 'password' || screen.busy || session === null) return;
    if (next !== repeat) {
      this.#show({ ...screen, error: 'The two new passwords are not the same.' });
      return;
    }
    this.#show({ ...screen, error: null, busy: true });
    try {
      await this.#api.changePassword(this.#oneTimePassword ?? current, next);
      this.#enter({ ...session, agent: { ...session.agent, mustChangePassword: false } });
    } catch (error) {
      if (error instanceof ApiError && error.code === 'invalid_credentials') {
        // Asked again: the remembered one-time password no longer works.
        this.#oneTimePassword = null;
        this.#show({
          name: 'password',
          askCurrent: true,
          error: 'The current password is wrong.',
          busy: false,
        });
      } else if (error instanceof ApiError && error.status === 401) {
        this.#signIn('Your session has ended. Sign in again.');
      } else {
        this.#show({ ...screen, error: errorText(error), busy: false });
      }
    }
  }

  /** "Sign out" on the password form. */
  async abandon(): Promise<void> {
    try {
      await this.#api.logout();
    } catch {
      // Signed out here either way; a session nobody uses expires on the server.
    }
    this.#signIn(null);
  }

  /** The signed-in console ended (see `AppEnd`). */
  ended(end: AppEnd): void {
    if (this.screen.name !== 'app') return;
    const { session } = this.screen;
    switch (end.to) {
      case 'start':
        void this.boot(end.message);
        break;
      case 'signin':
        this.#signIn(end.message);
        break;
      case 'password':
        // The session stays; only choosing a new password opens the console again.
        this.#enter({ ...session, agent: { ...session.agent, mustChangePassword: true } });
        break;
    }
  }

  /** An invitation was accepted: the new agent is signed in (the server set the session cookie). */
  accepted(session: Session): void {
    this.#oneTimePassword = null;
    this.#enter(session);
  }

  /** The signed-in agent changed (profile saved, welcome): the app screen keeps the fresh copy. */
  agentChanged(agent: Agent): void {
    if (this.screen.name === 'app') this.#show({ name: 'app', session: { ...this.screen.session, agent } });
  }

  #enter(session: Session): void {
    if (session.agent.mustChangePassword) {
      this.#pending = session;
      this.#show({ name: 'password', askCurrent: this.#oneTimePassword === null, error: null, busy: false });
      return;
    }
    this.#oneTimePassword = null;
    this.#pending = null;
    this.#show({ name: 'app', session });
  }

  #signIn(message: string | null): void {
    this.#oneTimePassword = null;
    this.#pending = null;
    this.#show({ name: 'signin', message, busy: false });
  }

  #show(screen: AuthScreen): void {
    this.screen = screen;
    this.changed();
  }
}

export function signInErrorText(error: unknown): string {
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
