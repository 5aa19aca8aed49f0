import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase, type Database } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { JobRunner } from '../src/jobs/runner';
import { jobStore } from '../src/jobs/store';
import { createTestDatabase, type TestDatabase } from './testDb';

/*
 * Two runners on one database stand for two nodes (the cluster suite does it with real processes
 * on PostgreSQL; this runs on both engines). Time is a controlled clock.
 */
let tdb: TestDatabase;
let database: Database;
let now = 1_000_000;
const clock = { now: () => now };
const log = pino({ level: 'silent' });

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = openDatabase({ url: tdb.url });
  await migrateToLatest(database.db);
});
afterAll(async () => {
  await database.close();
  await tdb.drop();
});

function runner(nodeId: string, leaseMs = 60_000) {
  return new JobRunner(database.db, { nodeId, clock, log, tickMs: 3_600_000, leaseMs });
}

describe('job runner', () => {
  it('runs a due job on exactly one of two nodes, then not again before its period', async () => {
    const ran: string[] = [];
    const job = (node: string) => ({
      name: 'test.once',
      everyMs: 10_000,
      run: () => {
        ran.push(node);
        return Promise.resolve({ node });
      },
    });
    const a = runner('a').register(job('a'));
    const b = runner('b').register(job('b'));
    await a.start();
    await b.start();
    await Promise.all([a.tick(), b.tick()]);
    await until(async () => (await jobStore.byName(database.db, 'test.once'))?.runs === 1);
    expect(ran).toHaveLength(1);
    // Not due yet on either node.
    now += 5_000;
    await Promise.all([a.tick(), b.tick()]);
    await new Promise((r) => setTimeout(r, 50));
    expect(ran).toHaveLength(1);
    // Due again: once more, on one node.
    now += 5_000;
    await Promise.all([b.tick(), a.tick()]);
    await until(async () => (await jobStore.byName(database.db, 'test.once'))?.runs === 2);
    expect(ran).toHaveLength(2);
    await a.stop();
    await b.stop();
  });

  it('a lease held by a node that died lapses, and another node takes the job over', async () => {
    // Node "dead" claimed the job and never finished it.
    await jobStore.ensure(database.db, 'test.takeover', now);
    expect(
      await jobStore.claim(database.db, {
        name: 'test.takeover',
        holder: 'dead',
        now,
        leaseMs: 1000,
        due: true,
      }),
    ).toBe(true);
    let runs = 0;
    const b = runner('b').register({
      name: 'test.takeover',
      everyMs: 60_000,
      run: () => {
        runs++;
        return Promise.resolve(undefined);
      },
    });
    await b.start();
    await b.tick();
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(0);
    now += 1001;
    await b.tick();
    await until(async () => (await jobStore.byName(database.db, 'test.takeover'))?.runs === 1);
    expect(runs).toBe(1);
    const row = await jobStore.byName(database.db, 'test.takeover');
    expect(row?.holder ?? null).toBeNull();
    await b.stop();
  });

  it('records a failure and runs again at the next period; exclusive() serialises two holders', async () => {
    let calls = 0;
    const a = runner('a').register({
      name: 'test.fails',
      everyMs: 1000,
      run: () => {
        calls++;
        return Promise.reject(new Error('disk full'));
      },
    });
    await a.start();
    await a.tick();
    await until(async () => (await jobStore.byName(database.db, 'test.fails'))?.last_error === 'disk full');
    now += 1000;
    await a.tick();
    await until(() => calls === 2);
    await a.stop();

    const order: string[] = [];
    const x = runner('x');
    const y = runner('y');
    await Promise.all(
      [x, y].map((r, i) =>
        r.exclusive('test.mutex', async () => {
          order.push(`start ${i}`);
          await new Promise((res) => setTimeout(res, 30));
          order.push(`end ${i}`);
        }),
      ),
    );
    expect(order).toHaveLength(4);
    // Never two inside at once.
    expect(order[0]?.startsWith('start')).toBe(true);
    expect(order[1]?.startsWith('end')).toBe(true);
  });
});

async function until(cond: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition not reached');
}
