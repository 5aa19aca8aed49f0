import {
  ErrorResponse,
  FileUploadResponse,
  SessionResponse,
  VisitorSessionResponse,
  type Agent,
  type Attachment,
} from '@parley/protocol';
import { ParleyHttpError } from './errors';

export { websocketUrl } from './websocketUrl';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface RestOptions {
  /** Defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
}

export interface VisitorSessionInput {
  siteKey: string;
  /** A token from an earlier visit, to come back as the same visitor. */
  token?: string;
  pageUrl?: string;
  pageTitle?: string;
  referrer?: string;
}

export type VisitorSession = ReturnType<typeof VisitorSessionResponse.parse>;

export interface AgentLogin {
  /** `parley_session=…`, ready for a `cookie` header (e.g. `ParleyClient`'s `headers`). */
  cookie: string;
  /** Send as `x-csrf-token` on state-changing REST requests. */
  csrfToken: string;
  agent: Agent;
}

const SESSION_COOKIE = 'parley_session';

/** Starts (or, with a still valid `token`, resumes) a visitor session on a site. */
export async function createVisitorSession(
  baseUrl: string,
  input: VisitorSessionInput,
  options: RestOptions = {},
): Promise<VisitorSession> {
  const response = await post(baseUrl, '/api/v1/visitor/session', input, options);
  return VisitorSessionResponse.parse(await response.json());
}

/**
 * Agent login for Node (bots, tests, scripts): browsers cannot read `set-cookie`, and do not need
 * to, since they send the cookie by themselves.
 */
export async function login(
  baseUrl: string,
  email: string,
  password: string,
  options: RestOptions = {},
): Promise<AgentLogin> {
  const response = await post(baseUrl, '/api/v1/auth/login', { email, password }, options);
  const { agent, csrfToken } = SessionResponse.parse(await response.json());
  const cookie = sessionCookie(response.headers);
  if (cookie === undefined)
    throw new Error(`login succeeded but the response set no ${SESSION_COOKIE} cookie`);
  return { cookie, csrfToken, agent };
}

export type UploadCredentials =
  | { role: 'visitor'; token: string }
  /** Agents: in Node pass the `cookie` from `login`; browsers send it by themselves. */
  | { role: 'agent'; siteId: string; csrfToken: string; cookie?: string };

/**
 * Uploads a file (the raw bytes; the server decides its type from them) and returns the attachment
 * to pass as `attachmentIds: [file.id]` to `send`. Progress events need XMLHttpRequest, which a
 * browser UI can use against the same endpoint.
 */
export async function uploadFile(
  baseUrl: string,
  credentials: UploadCredentials,
  data: Blob | Uint8Array<ArrayBuffer>,
  name: string,
  options: RestOptions = {},
): Promise<Attachment> {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const query = new URLSearchParams({ name });
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    accept: 'application/json',
  };
  let path = '/api/v1/visitor/files';
  if (credentials.role === 'visitor') {
    headers.authorization = `Bearer ${credentials.token}`;
  } else {
    path = '/api/v1/files';
    query.set('siteId', credentials.siteId);
    headers['x-csrf-token'] = credentials.csrfToken;
    if (credentials.cookie !== undefined) headers.cookie = credentials.cookie;
  }
  const response = await fetchImpl(new URL(`${path}?${query.toString()}`, baseUrl).toString(), {
    method: 'POST',
    headers,
    body: data,
    credentials: 'same-origin',
  });
  if (!response.ok) throw await httpError(response);
  return FileUploadResponse.parse(await response.json()).file;
}

async function post(baseUrl: string, path: string, body: unknown, options: RestOptions): Promise<Response> {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const response = await fetchImpl(new URL(path, baseUrl).toString(), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await httpError(response);
  return response;
}

async function httpError(response: Response): Promise<ParleyHttpError> {
  let raw: unknown = undefined;
  try {
    raw = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): fall back on the status.
  }
  const parsed = ErrorResponse.safeParse(raw);
  if (parsed.success)
    return new ParleyHttpError(response.status, parsed.data.error.code, parsed.data.error.message);
  const code = response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'internal' : 'bad_frame';
  return new ParleyHttpError(response.status, code, `HTTP ${response.status} ${response.statusText}`);
}

function sessionCookie(headers: Headers): string | undefined {
  // `getSetCookie` keeps cookies apart; `get('set-cookie')` joins them with commas, which also
  // appear inside `Expires` dates, so it is only a fallback for older runtimes.
  const { getSetCookie } = headers as { getSetCookie?: () => string[] };
  const lines =
    typeof getSetCookie === 'function'
      ? getSetCookie.call(headers)
      : (headers.get('set-cookie') ?? '').split(/,(?=\s*[^;=,\s]+=)/);
  for (const line of lines) {
    const pair = line.split(';', 1)[0]?.trim() ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq) === SESSION_COOKIE && eq < pair.length - 1) return pair;
  }
  return undefined;
}
