import type { FastifyInstance } from 'fastify';
import { DepartmentCreateRequest, DepartmentList, DepartmentResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createDepartment, listDepartments } from './actions';

export function departmentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['departments'];
  api.get(
    '/api/v1/departments',
    {
      schema: {
        tags,
        summary: 'Departments and their members',
        response: { 200: DepartmentList, ...errors(401) },
      },
    },
    async (req) => ({
      departments: await listDepartments(ctx, await requireAgent(ctx, req)),
    }),
  );
  api.post(
    '/api/v1/departments',
    {
      schema: {
        tags,
        summary: 'Create a department (admin)',
        body: DepartmentCreateRequest,
        response: { 201: DepartmentResponse, ...errors(400, 401, 403, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ department: await createDepartment(ctx, await requireAgent(ctx, req), req.body) }),
  );
}
