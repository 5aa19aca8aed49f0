import { describe, expect, it } from 'vitest';
import { agentSocket, createAgent, http, login, startTestServer, useTestServer } from './helpers';

const t = useTestServer({ loginPerMinute: 30 });

describe('sign-in', () => {
  it('sets an HttpOnly SameSite cookie and returns a CSRF token', async () => {
    const res = await fetch(t.server.url + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.server.ownerEmail.toUpperCase(), password: t.server.ownerPassword }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^parley_session=ps_/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    // Plain HTTP on a LAN must work: no Secure flag unless we are reached over HTTPS.
    expect(cookie).not.toContain('Secure');
    const body = (await res.json()) as {
      csrfToken: string;
      agent: { role: string; mustChangePassword: boolean };
    };
    expect(body.agent).toMatchObject({ role: 'owner', mustChangePassword: false });
    expect(body.csrfToken.length).toBeGreaterThan(20);
    expect(JSON.stringify(body)).not.toContain('password_hash');
    // Asking for the session renews the cookie, so an active session does not expire.
    const again = await fetch(t.server.url + '/api/v1/auth/session', {
      headers: { cookie: cookie.split(';')[0] ?? '' },
    });
    expect(again.headers.get('set-cookie')).toMatch(/Max-Age=2592000/);
  });

  it('a one-time password only lets the agent choose a real one', async () => {
    const fresh = await startTestServer();
    try {
      // startTestServer already changed it; give the owner a new one-time password via the CLI action.
      const { resetPassword } = await import('../src/agents/actions');
      await resetPassword(fresh.ctx, fresh.ownerEmail, 'one time password 1');
      const s = await login(fresh, fresh.ownerEmail, 'one time password 1');
      const me = await http<{ agent: { mustChangePassword: boolean } }>(
        fresh,
        'GET',
        '/api/v1/auth/session',
        { agent: s },
      );
      expect(me.body.agent.mustChangePassword).toBe(true);
      expect(await http(fresh, 'GET', '/api/v1/sites', { agent: s })).toMatchObject({
        status: 403,
        body: { error: { code: 'password_change_required' } },
      });
      const ws = await agentSocket(fresh, s);
      expect(await ws.next('error')).toMatchObject({ code: 'password_change_required' });
      expect((await ws.closed()).code).toBe(4403);
      const ok = await http(fresh, 'POST', '/api/v1/auth/password', {
        agent: s,
        body: { currentPassword: 'one time password 1', newPassword: 'my own long password' },
      });
      expect(ok.status).toBe(200);
      expect((await http(fresh, 'GET', '/api/v1/sites', { agent: s })).status).toBe(200);
    } finally {
      await fresh.stop();
    }
  });

  it('stores only hashes of passwords and session tokens', async () => {
    const agent = await t.server.ctx.db
      .selectFrom('agents')
      .selectAll()
      .where('email', '=', t.server.ownerEmail)
      .executeTakeFirstOrThrow();
    expect(agent.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(agent.password_hash).not.toContain(t.server.ownerPassword);
    const token = decodeURIComponent(t.owner.cookie.split('=')[1] ?? '');
    const sessions = await t.server.ctx.db.selectFrom('sessions').select('token_hash').execute();
    expect(sessions.map((s) => s.token_hash)).not.toContain(token);
  });

  it('locks an account after 5 wrong passwords, with the same error for unknown e-mails', async () => {
    const a = await createAgent(t.server, t.owner);
    const unknown = await http(t.server, 'POST', '/api/v1/auth/login', {
      body: { email: 'nobody@example.test', password: 'whatever' },
    });
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    for (let i = 0; i < 5; i++) {
      const r = await http(t.server, 'POST', '/api/v1/auth/login', {
        body: { email: a.email, password: 'wrong password' },
      });
      expect(r).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    }
    const locked = await http(t.server, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: a.password },
    });
    expect(locked).toMatchObject({ status: 429, body: { error: { code: 'account_locked' } } });
  });

  it('rate-limits sign-in attempts per address', async () => {
    // One attempt is spent by startTestServer's own sign-in.
    const limited = await startTestServer({ loginPerMinute: 4 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++)
        codes.push(
          (
            await http(limited, 'POST', '/api/v1/auth/login', {
              body: { email: 'x@example.test', password: 'nope' },
            })
          ).status,
        );
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const r = await http(limited, 'POST', '/api/v1/auth/login', {
        body: { email: 'x@example.test', password: 'nope' },
      });
      expect(r.body).toMatchObject({ error: { code: 'rate_limited' } });
    } finally {
      await limited.stop();
    }
  });

  it('refuses state-changing requests without the CSRF token', async () => {
    const noToken = await http(t.server, 'POST', '/api/v1/sites', {
      body: { name: 'x' },
      headers: { cookie: t.owner.cookie },
    });
    expect(noToken).toMatchObject({ status: 403, body: { error: { code: 'csrf_failed' } } });
    const wrong = await http(t.server, 'POST', '/api/v1/sites', {
      body: { name: 'x' },
      headers: { cookie: t.owner.cookie, 'x-csrf-token': 'guess' },
    });
    expect(wrong.status).toBe(403);
    const read = await http(t.server, 'GET', '/api/v1/sites', { headers: { cookie: t.owner.cookie } });
    expect(read.status).toBe(200);
    const anon = await http(t.server, 'GET', '/api/v1/sites');
    expect(anon).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });

  it('changes the password and clears the one-time flag', async () => {
    const a = await createAgent(t.server, t.owner);
    const bad = await http(t.server, 'POST', '/api/v1/auth/password', {
      agent: a,
      body: { currentPassword: 'nope', newPassword: 'a new long password' },
    });
    expect(bad.status).toBe(401);
    const short = await http(t.server, 'POST', '/api/v1/auth/password', {
      agent: a,
      body: { currentPassword: a.password, newPassword: 'short' },
    });
    expect(short.status).toBe(400);
    const ok = await http(t.server, 'POST', '/api/v1/auth/password', {
      agent: a,
      body: { currentPassword: a.password, newPassword: 'a new long password' },
    });
    expect(ok.status).toBe(200);
    await login(t.server, a.email, 'a new long password');
  });
});

describe('sessions end live', () => {
  it('logout-all closes every socket of the agent at once', async () => {
    const a = await createAgent(t.server, t.owner);
    const second = await login(t.server, a.email, a.password);
    const ws1 = await agentSocket(t.server, a);
    const ws2 = await agentSocket(t.server, second);
    await Promise.all([ws1.next('welcome'), ws2.next('welcome')]);
    const r = await http(t.server, 'POST', '/api/v1/auth/logout-all', { agent: a });
    expect(r.status).toBe(200);
    expect(await ws1.next('bye')).toMatchObject({ reason: 'session_revoked', reconnect: false });
    expect((await ws2.closed()).code).toBe(4401);
    expect((await http(t.server, 'GET', '/api/v1/auth/session', { agent: second })).status).toBe(401);
  });

  it('logout closes only that session', async () => {
    const a = await createAgent(t.server, t.owner);
    const other = await login(t.server, a.email, a.password);
    const ws1 = await agentSocket(t.server, a);
    const ws2 = await agentSocket(t.server, other);
    await Promise.all([ws1.next('welcome'), ws2.next('welcome')]);
    await http(t.server, 'POST', '/api/v1/auth/logout', { agent: a });
    expect((await ws1.closed()).code).toBe(4401);
    ws2.send({ t: 'ping', ref: 'alive' });
    expect(await ws2.next('pong')).toMatchObject({ ref: 'alive' });
    ws2.close();
  });

  it('a session ended elsewhere (CLI reset, expiry, another process) closes its sockets within a heartbeat', async () => {
    const quick = await startTestServer({ heartbeatMs: 300 });
    try {
      const o = await login(quick, quick.ownerEmail, quick.ownerPassword);
      const ws = await agentSocket(quick, o);
      await ws.next('welcome');
      // What `parley agent reset-password` does from its own process: no event reaches the server.
      await quick.ctx.db.deleteFrom('sessions').execute();
      expect(await ws.next('bye', () => true, 3000)).toMatchObject({
        reason: 'session_revoked',
        reconnect: false,
      });
      expect((await ws.closed()).code).toBe(4401);
    } finally {
      await quick.stop();
    }
  });

  it('removing an agent from a site takes effect on open sockets at once', async () => {
    const a = await createAgent(t.server, t.owner);
    const ws = await agentSocket(t.server, a);
    await ws.next('welcome');
    const r = await http(t.server, 'PATCH', `/api/v1/agents/${a.agentId}`, {
      agent: t.owner,
      body: { siteIds: [] },
    });
    expect(r.status).toBe(200);
    expect(await ws.next('bye')).toMatchObject({ reason: 'access_changed', reconnect: true });
    expect((await ws.closed()).code).toBe(4000);
    // The reconnect reads the new rights: nothing of the old site is listed any more.
    const again = await agentSocket(t.server, a);
    const welcome = await again.next('welcome');
    expect(welcome.agent?.siteIds).toEqual([]);
    expect(welcome.conversations).toEqual([]);
    again.close();
  });

  it('deactivating an agent throws them out live and blocks sign-in', async () => {
    const a = await createAgent(t.server, t.owner);
    const ws = await agentSocket(t.server, a);
    await ws.next('welcome');
    const r = await http(t.server, 'PATCH', `/api/v1/agents/${a.agentId}`, {
      agent: t.owner,
      body: { active: false },
    });
    expect(r).toMatchObject({ status: 200, body: { agent: { active: false, status: 'offline' } } });
    expect(await ws.next('bye')).toMatchObject({ reason: 'deactivated', reconnect: false });
    expect((await ws.closed()).code).toBe(4401);
    expect((await http(t.server, 'GET', '/api/v1/sites', { agent: a })).status).toBe(401);
    const again = await http(t.server, 'POST', '/api/v1/auth/login', {
      body: { email: a.email, password: a.password },
    });
    expect(again.status).toBe(401);
  });
});

describe('roles are enforced by the server', () => {
  it('agents cannot administer; admins cannot touch owners', async () => {
    const agent = await createAgent(t.server, t.owner, { role: 'agent' });
    const admin = await createAgent(t.server, t.owner, { role: 'admin' });
    expect((await http(t.server, 'POST', '/api/v1/sites', { agent, body: { name: 'x' } })).status).toBe(403);
    expect(
      (await http(t.server, 'PATCH', `/api/v1/sites/${t.server.siteId}`, { agent, body: { name: 'x' } }))
        .status,
    ).toBe(403);
    expect(
      (
        await http(t.server, 'POST', '/api/v1/agents', {
          agent,
          body: { email: 'e@example.test', name: 'e', password: 'long enough pw' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await http(t.server, 'POST', '/api/v1/departments', { agent, body: { name: 'Sales' } })).status,
    ).toBe(403);

    const mkOwner = await http(t.server, 'POST', '/api/v1/agents', {
      agent: admin,
      body: { email: 'o2@example.test', name: 'o', role: 'owner', password: 'long enough pw' },
    });
    expect(mkOwner.status).toBe(403);
    expect(
      (
        await http(t.server, 'PATCH', `/api/v1/agents/${t.owner.agentId}`, {
          agent: admin,
          body: { active: false },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await http(t.server, 'PATCH', `/api/v1/agents/${agent.agentId}`, {
          agent: admin,
          body: { role: 'owner' },
        })
      ).status,
    ).toBe(403);
    const self = await http(t.server, 'PATCH', `/api/v1/agents/${t.owner.agentId}`, {
      agent: t.owner,
      body: { active: false },
    });
    expect(self.status).toBe(422);
    const site = await http(t.server, 'POST', '/api/v1/sites', {
      agent: admin,
      body: { name: 'Admin site' },
    });
    expect(site.status).toBe(201);
    // Plain agents see colleagues for transfers, but not their e-mail addresses.
    const list = await http<{ agents: { email: string }[] }>(t.server, 'GET', '/api/v1/agents', { agent });
    expect(list.body.agents.every((a) => a.email === '')).toBe(true);
  });

  it('agents set their own status, which is logged for analytics', async () => {
    const agent = await createAgent(t.server, t.owner);
    const r = await http(t.server, 'PATCH', '/api/v1/me', { agent, body: { status: 'online', maxChats: 3 } });
    expect(r).toMatchObject({ status: 200, body: { agent: { status: 'online', maxChats: 3 } } });
    await http(t.server, 'PATCH', '/api/v1/me', { agent, body: { status: 'away' } });
    const log = await t.server.ctx.db
      .selectFrom('agent_status_log')
      .select('status')
      .where('agent_id', '=', agent.agentId)
      .orderBy('id')
      .execute();
    expect(log.map((l) => l.status)).toEqual(['online', 'away']);
    const bad = await http(t.server, 'PATCH', '/api/v1/me', { agent, body: { status: 'sleeping' } });
    expect(bad.status).toBe(400);
  });

  it('departments group agents', async () => {
    const agent = await createAgent(t.server, t.owner);
    const d = await http<{ department: { id: string; agentIds: string[] } }>(
      t.server,
      'POST',
      '/api/v1/departments',
      { agent: t.owner, body: { name: 'Billing', siteId: t.server.siteId, agentIds: [agent.agentId] } },
    );
    expect(d.status).toBe(201);
    const list = await http<{ departments: { name: string; agentIds: string[] }[] }>(
      t.server,
      'GET',
      '/api/v1/departments',
      { agent },
    );
    expect(list.body.departments).toContainEqual(
      expect.objectContaining({ name: 'Billing', agentIds: [agent.agentId] }),
    );
  });
});
