/** Own sessions: listed with device and address, revocable one by one; sockets close at once. */
import { describe, expect, it } from 'vitest';
import type { AgentSession as SessionInfo } from '@parley/protocol';
import { agentSocket, createAgent, http, type AgentSession } from './helpers';
import { useTestServer } from './helpers';

const t = useTestServer();

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function signIn(email: string, password: string, userAgent: string): Promise<AgentSession> {
  const res = await fetch(t.server.url + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { csrfToken: string; agent: { id: string } };
  return {
    cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
    csrfToken: body.csrfToken,
    agentId: body.agent.id,
  };
}

const list = (agent: AgentSession) =>
  http<{ sessions: SessionInfo[] }>(t.server, 'GET', '/api/v1/auth/sessions', { agent });

describe('sessions', () => {
  it('lists own sessions with device, address and the current one marked', async () => {
    const a = await createAgent(t.server, t.owner);
    const laptop = await signIn(a.email, a.password, FIREFOX);
    const phone = await signIn(a.email, a.password, SAFARI);
    const r = await list(laptop);
    expect(r.status).toBe(200);
    const mine = r.body.sessions.filter((s) => s.userAgent === FIREFOX || s.userAgent === SAFARI);
    expect(mine).toHaveLength(2);
    expect(r.body.sessions).toHaveLength(3); // and the factory's own sign-in
    const current = r.body.sessions.filter((s) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ userAgent: FIREFOX, device: 'Firefox 128 on Linux', ip: '127.0.0.1' });
    expect(mine.find((s) => s.userAgent === SAFARI)).toMatchObject({
      current: false,
      device: 'Safari 17 on iOS',
    });
    // Nobody else's sessions are listed.
    const others = await list(t.owner);
    expect(others.body.sessions.map((s) => s.id)).not.toContain(current[0]?.id);
    const fromPhone = await list(phone);
    expect(fromPhone.body.sessions.find((s) => s.current)?.userAgent).toBe(SAFARI);
  });

  it('revoking a session closes its sockets at once and leaves the others working', async () => {
    const a = await createAgent(t.server, t.owner);
    const laptop = await signIn(a.email, a.password, FIREFOX);
    const phone = await signIn(a.email, a.password, SAFARI);
    const phoneWs = await agentSocket(t.server, phone);
    await phoneWs.next('welcome');
    const laptopWs = await agentSocket(t.server, laptop);
    await laptopWs.next('welcome');
    const phoneSession = (await list(laptop)).body.sessions.find((s) => s.userAgent === SAFARI);
    if (!phoneSession) throw new Error('phone session not listed');

    const r = await http(t.server, 'DELETE', `/api/v1/auth/sessions/${phoneSession.id}`, { agent: laptop });
    expect(r).toMatchObject({ status: 200, body: { ok: true } });
    expect(await phoneWs.next('bye')).toMatchObject({ reason: 'session_revoked', reconnect: false });
    expect((await phoneWs.closed()).code).toBe(4401);
    expect((await http(t.server, 'GET', '/api/v1/auth/session', { agent: phone })).status).toBe(401);
    // The laptop is untouched.
    expect((await http(t.server, 'GET', '/api/v1/auth/session', { agent: laptop })).status).toBe(200);
    expect(laptopWs.closeInfo).toBeNull();
    expect((await list(laptop)).body.sessions.map((s) => s.id)).not.toContain(phoneSession.id);
    laptopWs.close();
  });

  it('refuses others’ and unknown sessions; ending the current one signs out here', async () => {
    const a = await createAgent(t.server, t.owner);
    const b = await createAgent(t.server, t.owner);
    const bSessions = (await list(b)).body.sessions;
    const bSession = bSessions[0];
    if (!bSession) throw new Error('no session');
    expect(
      await http(t.server, 'DELETE', `/api/v1/auth/sessions/${bSession.id}`, { agent: a }),
    ).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await http(t.server, 'GET', '/api/v1/auth/session', { agent: b })).status).toBe(200);
    expect((await http(t.server, 'DELETE', '/api/v1/auth/sessions/nope', { agent: a })).status).toBe(404);
    // Without the CSRF header nothing happens.
    expect(
      (
        await http(t.server, 'DELETE', `/api/v1/auth/sessions/${bSession.id}`, {
          headers: { cookie: b.cookie },
        })
      ).status,
    ).toBe(403);

    const current = (await list(a)).body.sessions.find((s) => s.current);
    if (!current) throw new Error('no current session');
    const res = await fetch(`${t.server.url}/api/v1/auth/sessions/${current.id}`, {
      method: 'DELETE',
      headers: { cookie: a.cookie, 'x-csrf-token': a.csrfToken },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/parley_session=;/);
    expect((await http(t.server, 'GET', '/api/v1/auth/sessions', { agent: a })).status).toBe(401);
  });
});
