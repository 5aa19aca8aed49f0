import type { FastifyInstance } from 'fastify';
import { AuditLogQuery, AuditLogResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { readAuditLog } from './actions';

export function auditRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/api/v1/audit-log',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit log (admin): invitations, erasures and exports of visitor data, retention runs; newest first',
        querystring: AuditLogQuery,
        response: { 200: AuditLogResponse, ...errors(400, 401, 403) },
      },
    },
    async (req) => readAuditLog(ctx, await requireAgent(ctx, req), req.query),
  );
}
