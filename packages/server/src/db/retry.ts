import type { Kysely } from 'kysely';
import type { DB } from './schema';
import { isUniqueViolation } from './dialect';

/**
 * Run a transaction, again when a concurrent writer won a unique-key race: the retry then sees the
 * winner's row and takes the other branch.
 */
export async function transactionWithRetry<T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (e) {
      if (attempt >= attempts || !isUniqueViolation(e)) throw e;
    }
  }
}
