import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createVisitorSession, login, ParleyHttpError, websocketUrl } from '../src/index';

type Handler = (req: IncomingMessage, body: unknown, res: ServerResponse) => void;

let http: Server;
let baseUrl: string;
let handler: Handler;
const requests: { method?: string; url?: string; body: unknown; contentType?: string }[] = [];

beforeEach(async () => {
  requests.length = 0;
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
      requests.push({ method: req.method, url: req.url, body, contentType: req.headers['content-type'] });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const AT = '2025-01-01T00:00:00.000Z';
const agent = {
  id: 'a1',
  email: 'ann@example.com',
  name: 'Ann',
  role: 'agent',
  status: 'online',
  maxChats: 5,
  avatarUrl: null,
  active: true,
  mustChangePassword: false,
  siteIds: ['s1'],
  createdAt: AT,
};

describe('createVisitorSession', () => {
  it('posts the site key and returns the parsed session', async () => {
    handler = (_req, _body, res) =>
      json(res, 201, {
        visitor: {
          id: 'v1',
          siteId: 's1',
          name: null,
          email: null,
          externalId: null,
          verified: false,
          attributes: {},
          firstSeenAt: AT,
          lastSeenAt: AT,
          lastPageUrl: null,
          lastPageTitle: null,
          userAgent: null,
        },
        token: 'tok',
        created: true,
        site: { id: 's1', name: 'Shop', settings: {} },
      });
    const session = await createVisitorSession(baseUrl, {
      siteKey: 'pk_1',
      pageUrl: 'https://shop.example/',
    });
    expect(session.token).toBe('tok');
    expect(session.visitor.id).toBe('v1');
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/v1/visitor/session',
        body: { siteKey: 'pk_1', pageUrl: 'https://shop.example/' },
        contentType: 'application/json',
      },
    ]);
  });

  it('turns an error body into a ParleyHttpError with the stable code', async () => {
    handler = (_req, _body, res) =>
      json(res, 403, { error: { code: 'origin_not_allowed', message: 'nope' } });
    const error: unknown = await createVisitorSession(baseUrl, { siteKey: 'pk_1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyHttpError);
    expect(error).toMatchObject({ status: 403, code: 'origin_not_allowed', message: 'nope' });
  });
});

describe('login', () => {
  it('returns the session cookie, ready for a cookie header, with the CSRF token and agent', async () => {
    handler = (_req, _body, res) =>
      json(
        res,
        200,
        { agent, csrfToken: 'csrf1' },
        {
          'set-cookie': [
            'other=1; Path=/',
            'parley_session=s3cr3t; Path=/; HttpOnly; SameSite=Lax; Expires=Wed, 01 Jan 2031 00:00:00 GMT',
          ],
        },
      );
    const result = await login(baseUrl, 'ann@example.com', 'correct horse');
    expect(result).toEqual({ cookie: 'parley_session=s3cr3t', csrfToken: 'csrf1', agent });
    expect(requests[0]).toMatchObject({
      url: '/api/v1/auth/login',
      body: { email: 'ann@example.com', password: 'correct horse' },
    });
  });

  it('rejects wrong credentials with the server code', async () => {
    handler = (_req, _body, res) => json(res, 401, { error: { code: 'invalid_credentials', message: 'no' } });
    await expect(login(baseUrl, 'ann@example.com', 'wrong')).rejects.toMatchObject({
      status: 401,
      code: 'invalid_credentials',
    });
  });

  it('fails clearly when no session cookie comes back', async () => {
    handler = (_req, _body, res) => json(res, 200, { agent, csrfToken: 'csrf1' });
    await expect(login(baseUrl, 'ann@example.com', 'pw')).rejects.toThrow(/parley_session/);
  });
});

describe('websocketUrl', () => {
  it('maps http(s) bases to the ws endpoint', () => {
    expect(websocketUrl('http://10.0.0.5:8080')).toBe('ws://10.0.0.5:8080/ws');
    expect(websocketUrl('https://chat.example.com/support/')).toBe('wss://chat.example.com/support/ws');
  });
});
