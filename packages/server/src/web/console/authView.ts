import { byId } from '../shared/dom';

export type Screen = 'loading' | 'signin' | 'password' | 'app';

export interface AuthElements {
  screens: Record<Screen, HTMLElement>;
  signinForm: HTMLFormElement;
  signinEmail: HTMLInputElement;
  signinPassword: HTMLInputElement;
  signinError: HTMLElement;
  passwordForm: HTMLFormElement;
  passwordCurrentField: HTMLElement;
  passwordCurrent: HTMLInputElement;
  passwordNew: HTMLInputElement;
  passwordConfirm: HTMLInputElement;
  passwordError: HTMLElement;
  passwordSignOut: HTMLButtonElement;
}

export function authElements(): AuthElements {
  return {
    screens: {
      loading: byId('screen-loading', HTMLElement),
      signin: byId('screen-signin', HTMLElement),
      password: byId('screen-password', HTMLElement),
      app: byId('screen-app', HTMLElement),
    },
    signinForm: byId('signin-form', HTMLFormElement),
    signinEmail: byId('signin-email', HTMLInputElement),
    signinPassword: byId('signin-password', HTMLInputElement),
    signinError: byId('signin-error', HTMLElement),
    passwordForm: byId('password-form', HTMLFormElement),
    passwordCurrentField: byId('password-current-field', HTMLElement),
    passwordCurrent: byId('password-current', HTMLInputElement),
    passwordNew: byId('password-new', HTMLInputElement),
    passwordConfirm: byId('password-confirm', HTMLInputElement),
    passwordError: byId('password-error', HTMLElement),
    passwordSignOut: byId('password-signout', HTMLButtonElement),
  };
}

export function showScreen(els: AuthElements, screen: Screen): void {
  for (const [name, node] of Object.entries(els.screens)) node.hidden = name !== screen;
}

export function showError(node: HTMLElement, text: string | null): void {
  node.textContent = text ?? '';
  node.hidden = text === null;
}

/** While a form's request is in flight its buttons are disabled, so a double click sends once. */
export function setBusy(form: HTMLFormElement, busy: boolean): void {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button')) button.disabled = busy;
}

/**
 * The password form right after signing in with a one-time password does not ask for it again;
 * after a reload (the session resumed) it must.
 */
export function preparePasswordForm(els: AuthElements, knowsCurrent: boolean): void {
  els.passwordForm.reset();
  els.passwordCurrentField.hidden = knowsCurrent;
  els.passwordCurrent.required = !knowsCurrent;
  showError(els.passwordError, null);
}
