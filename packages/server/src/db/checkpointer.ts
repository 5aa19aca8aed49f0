import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints on a thread of their own. SQLite checkpoints automatically inside a COMMIT once
 * the WAL passes 1,000 pages: copying pages into the database file and fsyncing it, on the event
 * loop (better-sqlite3 is synchronous) — in profiles, the largest cost of a durable send after the
 * fsync itself. Here a second connection, in a worker thread, runs PASSIVE checkpoints (they never
 * block the writer) a few times a second; the main connection's automatic checkpoint is pushed far
 * out and only acts if this worker falls far behind.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ error: String(err) });
  }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Pages the main connection lets the WAL grow to before it checkpoints itself (a fallback). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

export class Checkpointer {
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(file: string, onError: (message: string) => void, everyMs = 250) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(WORKER, { eval: true, workerData: { file, driver, everyMs } });
    this.#worker.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) onError(m.error);
    });
    this.#worker.on('error', (err) => onError(String(err)));
    this.#worker.unref();
    this.#exited = new Promise((resolve) => this.#worker.once('exit', () => resolve()));
  }

  /** A last checkpoint, then the worker's connection closes. */
  async close(): Promise<void> {
    // Kept alive until it has finished (it is unref'd so that it never holds a process open).
    this.#worker.ref();
    this.#worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
  }
}
