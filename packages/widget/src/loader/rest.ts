import type { RestError } from '../shared/shell';

/**
 * JSON over fetch to the Parley server; failures reject with a plain `RestError` object (status 0 =
 * unreachable), which is also what `Parley.identify()` and friends reject with: a class would cost
 * the loader bytes and tell the page nothing more.
 */
/* eslint-disable @typescript-eslint/only-throw-error */
export async function request<T>(url: string, body?: unknown, token?: string | null): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      credentials: 'omit',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    throw { status: 0, code: 'network', message: 'unreachable' } satisfies RestError;
  }
  const json = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string };
  } | null;
  if (!response.ok) {
    throw {
      status: response.status,
      code: json?.error?.code ?? 'internal',
      message: json?.error?.message ?? `HTTP ${response.status}`,
    } satisfies RestError;
  }
  return json as T;
}

/** Refusals that no retry will change (unknown site, origin not allowed, bad input). */
export const isRefusal = (e: unknown): boolean => {
  const status = (e as Partial<RestError>).status ?? 0;
  return status >= 400 && status < 500 && status !== 429;
};

/** Waits `ms`, or less when the browser says the network is back. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    addEventListener('online', done);
  });
}
