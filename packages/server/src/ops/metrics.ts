import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance (tests run several in one process). Exposed at /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return {
    registry,
    connections: new Gauge({
      name: 'parley_ws_connections',
      help: 'Open WebSocket connections',
      labelNames: ['role'] as const,
      registers: [registry],
    }),
    frames: new Counter({
      name: 'parley_ws_frames_received_total',
      help: 'WebSocket frames received, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    frameErrors: new Counter({
      name: 'parley_ws_errors_total',
      help: 'error frames sent, by code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    messages: new Counter({
      name: 'parley_messages_total',
      help: 'Messages committed to conversation logs',
      labelNames: ['author'] as const,
      registers: [registry],
    }),
    sendLatency: new Histogram({
      name: 'parley_send_ack_seconds',
      help: 'Time from receiving a send frame to sending its ack (includes the commit)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    clusterEvents: new Counter({
      name: 'parley_cluster_events_total',
      help: 'Domain events on the Redis bus: published by this node, received from others, dropped (Redis away)',
      labelNames: ['direction'] as const,
      registers: [registry],
    }),
    agentsConnected: new Gauge({
      name: 'parley_agents_connected',
      help: 'Agents with a live console connection anywhere in the cluster (presence)',
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: 'parley_job_runs_total',
      help: 'Background job runs started by this node, by job and outcome',
      labelNames: ['job', 'outcome'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'parley_http_request_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
