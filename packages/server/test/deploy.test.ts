import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Docker cannot run on this machine, so the deploy files are checked against the code instead: every
 * setting they pass is one the server reads, and what they start exists. The behaviour they rely
 * on (several nodes on PostgreSQL + Redis, drain on SIGTERM, /healthz) is what the cluster
 * integration tests run with real processes.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** Environment variables the server reads (config.ts reads them all). */
const known = new Set(
  [...read('packages/server/src/config.ts').matchAll(/env\.([A-Z_]+)/g)].map((m) => m[1] ?? ''),
);
// Read by Node itself.
known.add('NODE_ENV');

function settings(text: string, re: RegExp): string[] {
  return [...text.matchAll(re)].map((m) => m[1] ?? '');
}

describe('deploy files', () => {
  it('the compose file sets only settings the server reads, and runs two distinct nodes behind a proxy', () => {
    const compose = read('deploy/compose.yaml');
    const keys = settings(compose, /^\s+([A-Z][A-Z_]+):/gm).filter(
      (k) => !k.startsWith('POSTGRES_'), // the postgres image's own
    );
    expect(keys.length).toBeGreaterThan(5);
    for (const k of keys) expect(known, `compose sets ${k}`).toContain(k);
    const nodeIds = settings(compose, /PARLEY_NODE_ID: (\S+)/g);
    expect(new Set(nodeIds).size).toBe(2);
    expect(compose).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\//);
    const caddy = read('deploy/Caddyfile');
    for (const id of nodeIds) expect(caddy).toContain(`${id}:3000`);
    expect(caddy).toContain('health_uri /healthz');
  });

  it('the systemd unit and its environment file use settings the server reads', () => {
    const unit = read('deploy/systemd/parley@.service');
    const env = read('deploy/systemd/parley.env.example');
    const keys = [...settings(unit, /^Environment=([A-Z_]+)=/gm), ...settings(env, /^([A-Z_]+)=/gm)];
    for (const k of keys) expect(known, `systemd sets ${k}`).toContain(k);
    expect(unit).toContain('KillSignal=SIGTERM');
    expect(unit).toMatch(/^User=parley$/m);
    expect(unit).toContain('ExecStart=/usr/bin/node packages/server/bin/parley.js start');
  });

  it('the image runs the CLI as an unprivileged user, and copies every workspace it needs', () => {
    const docker = read('deploy/Dockerfile');
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toContain('CMD ["node", "packages/server/bin/parley.js", "start"]');
    expect(fs.existsSync(path.join(ROOT, 'packages/server/bin/parley.js'))).toBe(true);
    const workspaces = fs
      .readdirSync(path.join(ROOT, 'packages'))
      .filter((d) => fs.existsSync(path.join(ROOT, 'packages', d, 'package.json')));
    for (const w of workspaces) expect(docker).toContain(`COPY packages/${w}/package.json packages/${w}/`);
  });

  it('nginx passes WebSocket upgrades to the nodes', () => {
    const conf = read('deploy/nginx/parley.conf');
    expect(conf).toContain('proxy_set_header Upgrade $http_upgrade;');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toMatch(/server 127\.0\.0\.1:3001/);
    expect(conf).toMatch(/server 127\.0\.0\.1:3002/);
  });
});
