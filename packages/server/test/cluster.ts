import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { http, login, type AgentSession } from './helpers';
import { freePort, kill, startServerProcess, type ServerProcess } from './processes';
import type { TestDatabase } from './testDb';

export const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether the machine's Redis answers. In CI (`CI=true`) a missing Redis is an error: the cluster
 * suite must run there, never be skipped quietly.
 */
export async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`Redis is required in CI (${REDIS_URL}): ${String(err)}`);
    return false;
  } finally {
    r.disconnect();
  }
}

/**
 * A TCP proxy in front of Redis that the test can cut and restore: a Redis outage for the nodes
 * behind it, without touching the machine's Redis that others use.
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(targetUrl: string): Promise<TcpProxy> {
    const u = new URL(targetUrl);
    const proxy = new TcpProxy(await freePort(), { host: u.hostname, port: Number(u.port || 6379) });
    await proxy.restore();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  restore(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Every connection through the proxy breaks, and new ones are refused, until `restore`. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((r) => server.close(r));
  }
}

export interface ClusterNode {
  name: string;
  port: number;
  proc: ServerProcess | null;
  readonly url: string;
  readonly wsUrl: string;
}

/** Real `parley start` processes sharing one PostgreSQL database and one Redis (key prefix of their own). */
export class TestCluster {
  readonly nodes: ClusterNode[] = [];
  readonly prefix = `parley-test-${randomBytes(4).toString('hex')}:`;
  readonly filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-files-'));
  owner!: AgentSession;
  siteKey = '';

  constructor(
    readonly db: TestDatabase,
    readonly redisUrl: string,
    readonly env: Record<string, string> = {},
  ) {}

  envFor(node: ClusterNode): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      REDIS_URL: this.redisUrl,
      PARLEY_REDIS_PREFIX: this.prefix,
      PARLEY_NODE_ID: node.name,
      PARLEY_FILES_DIR: this.filesDir,
      PORT: String(node.port),
      PARLEY_SEND_RATE: '1000',
      ...this.env,
    };
  }

  /** Starts `names.length` nodes one after the other; the first run's owner gets a real password. */
  async start(names: string[]): Promise<void> {
    for (const name of names) {
      const node: ClusterNode = {
        name,
        port: await freePort(),
        proc: null,
        get url() {
          return `http://127.0.0.1:${this.port}`;
        },
        get wsUrl() {
          return `ws://127.0.0.1:${this.port}/ws`;
        },
      };
      this.nodes.push(node);
      await this.up(node);
    }
    const banner = this.nodes[0]?.proc?.banner ?? '';
    const email = /Owner: +(\S+)/.exec(banner)?.[1] ?? '';
    const oneTime = /Password: +(\S+)/.exec(banner)?.[1] ?? '';
    this.siteKey = /demo\?site=(\S+)/.exec(banner)?.[1] ?? '';
    const first = await login(this.node(0), email, oneTime);
    const res = await http(this.node(0), 'POST', '/api/v1/auth/password', {
      agent: first,
      body: { currentPassword: oneTime, newPassword: 'cluster owner password' },
    });
    if (res.status !== 200) throw new Error(`password change failed: ${JSON.stringify(res.body)}`);
    // Signed in on node 0, used on every node: sessions live in the shared database.
    this.owner = await login(this.node(0), email, 'cluster owner password');
  }

  node(i: number): ClusterNode {
    const n = this.nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    return n;
  }

  async up(node: ClusterNode): Promise<void> {
    node.proc = await startServerProcess(this.envFor(node));
  }

  async down(node: ClusterNode, signal: NodeJS.Signals): Promise<void> {
    if (node.proc) await kill(node.proc, signal);
    node.proc = null;
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => this.down(n, 'SIGKILL')));
    const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const keys = await r.keys(`${this.prefix}*`);
      if (keys.length > 0) await r.del(...keys);
    } finally {
      r.disconnect();
    }
    fs.rmSync(this.filesDir, { recursive: true, force: true });
  }
}

/** One sample of a Prometheus metric from a node's /metrics (summed over series matching `labels`). */
export async function metric(
  node: { url: string },
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const set = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<number> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
  return Date.now() - t0;
}
