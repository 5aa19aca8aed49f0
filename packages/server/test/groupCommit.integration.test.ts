import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';
import { GroupCommitter } from '../src/db/groupCommit';
import { createTestDatabase, type TestDatabase } from './testDb';

let tdb: TestDatabase;
let database: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  database = openDatabase({ url: tdb.url });
  await migrateToLatest(database.db);
});
afterAll(async () => {
  await database.close();
  await tdb.drop();
});

const site = (id: string) => ({
  id,
  key: `key-${id}`,
  name: id,
  allowed_origins: '[]',
  settings: '{}',
  identity_secret: 's',
  created_at: Date.now(),
});

describe('group commit', () => {
  it('shares transactions between concurrent writes, and settles each only after its commit', async () => {
    const db = database.db;
    // Jobs of one batch receive the same transaction object.
    const transactions = new Set<unknown>();
    const committer = new GroupCommitter(db, { maxBatch: 50, concurrency: 1, maxAttempts: 3 });
    const ids = Array.from({ length: 100 }, (_, i) => `gc-${i}`);
    const results = await Promise.all(
      ids.map((id) =>
        committer.run(async (trx) => {
          transactions.add(trx);
          await trx.insertInto('sites').values(site(id)).execute();
          return id;
        }),
      ),
    );
    expect(results).toEqual(ids);
    // One job alone, then the rest in batches of at most 50.
    expect(transactions.size).toBeGreaterThanOrEqual(3);
    expect(transactions.size).toBeLessThan(10);
    // Settled means committed: a separate read sees every row.
    const rows = await db.selectFrom('sites').select('id').where('id', 'in', ids).execute();
    expect(rows).toHaveLength(100);
  });

  it('rolls back a failing job alone; the others in its batch commit', async () => {
    const committer = new GroupCommitter(database.db, { maxBatch: 50, concurrency: 1, maxAttempts: 1 });
    const jobs = ['ok-1', 'bad', 'ok-2'].map((id) =>
      committer.run(async (trx) => {
        await trx.insertInto('sites').values(site(id)).execute();
        if (id === 'bad') throw new Error('refused after writing');
        return id;
      }),
    );
    // A blocker first, so that the three queue up behind it and share one batch.
    const settled = await Promise.allSettled([committer.run(() => Promise.resolve('blocker')), ...jobs]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await database.db
      .selectFrom('sites')
      .select('id')
      .where('id', 'in', ['ok-1', 'bad', 'ok-2'])
      .execute();
    expect(rows.map((r) => r.id).sort()).toEqual(['ok-1', 'ok-2']);
  });

  it('retries a job that lost a unique-key race, which then sees the winner', async () => {
    const committer = new GroupCommitter(database.db, { maxBatch: 50, concurrency: 1, maxAttempts: 3 });
    let attempts = 0;
    const key = 'race-key';
    const insertOrFind = () =>
      committer.run(async (trx) => {
        attempts++;
        const existing = await trx.selectFrom('sites').select('id').where('key', '=', key).executeTakeFirst();
        if (existing) return `found ${existing.id}`;
        await trx
          .insertInto('sites')
          .values({ ...site(`race-${attempts}`), key })
          .execute();
        return 'inserted';
      });
    const [a, b] = await Promise.all([insertOrFind(), insertOrFind()]);
    expect([a, b].sort()).toEqual(['found race-1', 'inserted']);
  });

  it('with deferred durability, the next batch commits while the last one syncs, and each settles only after its sync', async () => {
    const syncs: (() => void)[] = [];
    const committer = new GroupCommitter(database.db, {
      maxBatch: 50,
      concurrency: 1,
      maxAttempts: 1,
      durability: {
        defer: (fn) => fn(),
        sync: () => new Promise<void>((resolve) => syncs.push(resolve)),
        whenDurable: () => Promise.resolve(),
      },
    });
    const settled: string[] = [];
    const first = committer.run(async (trx) => {
      await trx.insertInto('sites').values(site('dur-1')).execute();
      return 'dur-1';
    });
    void first.then((v) => settled.push(v));
    await until(() => syncs.length === 1);
    // Committed (visible to another reader) but not settled: its sync has not finished.
    expect(
      await database.db.selectFrom('sites').select('id').where('id', '=', 'dur-1').execute(),
    ).toHaveLength(1);
    const second = committer.run(async (trx) => {
      await trx.insertInto('sites').values(site('dur-2')).execute();
      return 'dur-2';
    });
    void second.then((v) => settled.push(v));
    // The second batch did not wait for the first one's sync.
    await until(() => syncs.length === 2);
    expect(settled).toEqual([]);
    syncs[1]?.();
    await second;
    expect(settled).toEqual(['dur-2']);
    syncs[0]?.();
    await first;
    expect(settled).toEqual(['dur-2', 'dur-1']);
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error('condition not reached');
}
