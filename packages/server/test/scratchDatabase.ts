import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A database of its own, dropped after use: a SQLite file in a temporary directory, or a fresh
 * PostgreSQL database made through `adminUrl`. For the tests (testDb.ts) and the benchmark harness
 * (bench/targets.ts), so nothing here depends on the test runner. A PostgreSQL that is not running
 * is an error, never a skip.
 */
export async function scratchDatabase(
  kind: 'sqlite' | 'postgres',
  adminUrl: string,
  prefix: string,
): Promise<ScratchDatabase> {
  if (kind === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    return {
      url: path.join(dir, 'parley.db'),
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
