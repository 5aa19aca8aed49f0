import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testDb';
import { http, login } from './helpers';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '../bin/parley.js');

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

function parley(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [BIN, ...args], {
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', ...env },
    timeout: 60_000,
  });
}

/** Start the real server process, wait for its banner, return it with the banner text. */
function startProcess(port: number): Promise<{ banner: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('API docs:')) {
        clearTimeout(timer);
        resolve({
          banner: out,
          stop: () =>
            new Promise((r) => {
              child.once('exit', () => r());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('parley CLI', () => {
  it('first start creates the owner and a demo site; a second start creates nothing new', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const first = await startProcess(port);
    expect(first.banner).toContain(`Console:   http://127.0.0.1:${port}/console`);
    const email = /Owner: +(\S+)/.exec(first.banner)?.[1];
    const password = /Password: +(\S+)/.exec(first.banner)?.[1];
    const demo = /Demo page: +(\S+)/.exec(first.banner)?.[1];
    expect(email).toBe('admin@parley.local');
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(demo).toMatch(new RegExp(`^http://127.0.0.1:${port}/demo\\?site=[\\w-]+$`));
    const base = { url: `http://127.0.0.1:${port}` };
    const session = await login(base, email ?? '', password ?? '');
    // The one-time password must be replaced before anything else.
    expect((await http(base, 'GET', '/api/v1/sites', { agent: session })).status).toBe(403);
    const changed = await http(base, 'POST', '/api/v1/auth/password', {
      agent: session,
      body: { currentPassword: password, newPassword: 'the owner chose this' },
    });
    expect(changed.status).toBe(200);
    await first.stop();

    const second = await startProcess(port);
    expect(second.banner).not.toContain('Password:');
    expect(second.banner).toContain(demo ?? 'demo');
    const sites = await http<{ sites: unknown[] }>(
      { url: `http://127.0.0.1:${port}` },
      'GET',
      '/api/v1/sites',
      { agent: session },
    );
    expect(sites.body.sites).toHaveLength(1);
    await second.stop();
    // Two cold starts of the real process (each compiles the TypeScript sources): 7 s on a quiet
    // machine, 16 s with the rest of the suite running, so the default 30 s was too tight.
  }, 120_000);

  it('migrate, site create, agent create and reset-password', async () => {
    expect((await parley(['migrate'])).stdout).toContain('migrations up to date');
    const site = await parley(['site', 'create', '--name', 'Shop', '--origin', 'https://shop.example.com']);
    const siteId = /created site Shop \(([^)]+)\)/.exec(site.stdout)?.[1];
    expect(siteId).toBeTruthy();
    expect(site.stdout).toMatch(/site key: \S+/);

    const agent = await parley([
      'agent',
      'create',
      '--email',
      'Ann@Example.test',
      '--name',
      'Ann',
      '--site',
      siteId ?? '',
    ]);
    expect(agent.stdout).toContain('created agent ann@example.test');
    const oneTime = /one-time password: (\S+)/.exec(agent.stdout)?.[1];
    expect(oneTime).toBeTruthy();

    const reset = await parley([
      'agent',
      'reset-password',
      '--email',
      'ann@example.test',
      '--password',
      'brand new password',
    ]);
    expect(reset.stdout).toContain('password reset for ann@example.test');

    await expect(
      parley(['agent', 'create', '--email', 'ann@example.test', '--name', 'Ann']),
    ).rejects.toMatchObject({ code: 2 });
    await expect(parley(['agent', 'create', '--email', 'not-an-email', '--name', 'X'])).rejects.toMatchObject(
      { code: 2 },
    );
    await expect(parley(['frobnicate'])).rejects.toMatchObject({ code: 1 });
    // Seven real CLI processes, each starting Node and compiling TypeScript: slow on a busy machine.
  }, 120_000);
});
