/**
 * Every key the widget stores starts with `parley:` and names the site, so two sites on one host
 * never share a visitor, and the host page's own keys are never touched.
 */
export type KeyName =
  | 'token'
  | 'outbox'
  | 'config'
  /** Set while the visitor has a conversation that is not closed: the chat stays available. */
  | 'active'
  | 'prechat'
  /** sessionStorage: pages seen in this visit. */
  | 'pages'
  /** sessionStorage: triggers fired in this visit. */
  | 'fired';

export const key = (name: KeyName, site: string): string => `parley:${name}:${site}`;

/** Storage that may be missing or throw (privacy modes, sandboxed frames): failures read as empty. */
export function read(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

export function write(storage: () => Storage, key: string, value: string | null): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, value);
  } catch {
    // Not persisted: the widget still works for this page.
  }
}

export const local = (): Storage => localStorage;
export const session = (): Storage => sessionStorage;
