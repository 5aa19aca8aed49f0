import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openReadConnection } from './readConnection';
import { runJob, type AnalyticsJob } from './report';

/** The analytics worker thread: reads on its own connection, computes, answers (see runner.ts). */
const port = parentPort;
if (port === null) throw new Error('analytics/worker.ts runs as a worker thread');
const { databaseUrl } = workerData as { databaseUrl: string };
lowerThreadPriority();
const db = openReadConnection(databaseUrl);

port.on('message', (message: { id: number; job: AnalyticsJob }) => {
  runJob(db, message.job).then(
    (result) => port.postMessage({ id: message.id, ok: true, result }),
    (err: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        message: err instanceof Error ? err.message : String(err),
      }),
  );
});

/**
 * This thread runs at a lower priority (nice 10) than the event loop that serves the sockets, so
 * that on a machine with few cores a report waits for the live chat, not the other way round.
 * Linux keeps the nice value per thread, and names this thread's id in /proc/thread-self; where
 * either is not so, the thread runs at the process's priority.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid !== process.pid) os.setPriority(tid, 10);
  } catch {
    // Not Linux, or not allowed: nothing to do.
  }
}
