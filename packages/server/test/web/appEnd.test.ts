import { describe, expect, test } from 'vitest';
import type { AuthFailedEvent } from '@parley/client';
import { byeEnd, refusalEnd } from '../../src/web/console/appEnd';

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
  });
});
