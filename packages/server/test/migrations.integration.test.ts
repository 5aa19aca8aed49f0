/**
 * Upgrading a database that has data: 003_widget on top of the first two migrations keeps every row
 * and gives old rows the defaults the code relies on (chat conversations, unverified visitors).
 */
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate';
import { OLD_SITE, useOldDatabase } from './testDb';

const t = useOldDatabase(['001_initial', '002_files']);

describe('migration 003_widget', () => {
  it('upgrades a database with data in place', async () => {
    const db = t.old;
    const { database } = t;
    await db.insertInto('sites').values(OLD_SITE).execute();
    await db
      .insertInto('visitors')
      .values({
        id: 'v',
        site_id: 's',
        token_hash: 'h',
        external_id: 'u-1',
        attributes: '{}',
        first_seen_at: 1,
        last_seen_at: 1,
      })
      .execute();
    await db
      .insertInto('conversations')
      .values({
        id: 'c',
        site_id: 's',
        visitor_id: 'v',
        status: 'closed',
        created_at: 1,
        updated_at: 1,
        rating: 'good',
      })
      .execute();

    const applied = await migrateToLatest(database.db);
    expect(applied.applied).toContain('003_widget');

    expect(
      await database.db
        .selectFrom('visitors')
        .select(['external_id', 'verified', 'department_id'])
        .executeTakeFirst(),
    ).toEqual({ external_id: 'u-1', verified: 0, department_id: null });
    expect(
      await database.db
        .selectFrom('conversations')
        .select(['source', 'rating', 'rated_at'])
        .executeTakeFirst(),
    ).toEqual({ source: 'chat', rating: 'good', rated_at: null });

    // Verified ids are unique per site; unverified ones may repeat.
    const visitor = (id: string, externalId: string, verified: number) =>
      database.db
        .insertInto('visitors')
        .values({
          id,
          site_id: 's',
          token_hash: `h-${id}`,
          external_id: externalId,
          verified,
          department_id: null,
          name: null,
          email: null,
          attributes: '{}',
          user_agent: null,
          last_page_url: null,
          last_page_title: null,
          first_seen_at: 1,
          last_seen_at: 1,
        })
        .execute();
    await visitor('v2', 'u-1', 0);
    await visitor('v3', 'u-2', 1);
    await expect(visitor('v4', 'u-2', 1)).rejects.toThrow();
    await visitor('v5', 'u-2', 0);
  });
});
