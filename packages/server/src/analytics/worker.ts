import { parentPort, workerData } from 'node:worker_threads';
import { openReadConnection } from './readConnection';
import { runJob, type AnalyticsJob } from './report';

/** The analytics worker thread: reads on its own connection, computes, answers (see runner.ts). */
const port = parentPort;
if (port === null) throw new Error('analytics/worker.ts runs as a worker thread');
const { databaseUrl } = workerData as { databaseUrl: string };
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
