import type { FastifyInstance } from 'fastify';
import {
  DepartmentCreateRequest,
  DepartmentList,
  DepartmentResponse,
  DepartmentUpdateRequest,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createDepartment, deleteDepartment, listDepartments, updateDepartment } from './actions';

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

  api.patch(
    '/api/v1/departments/:id',
    {
      schema: {
        tags,
        summary: 'Rename a department or replace its members (admin)',
        params: IdParams,
        body: DepartmentUpdateRequest,
        response: { 200: DepartmentResponse, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ({
      department: await updateDepartment(ctx, await requireAgent(ctx, req), req.params.id, req.body),
    }),
  );
  api.delete(
    '/api/v1/departments/:id',
    {
      schema: {
        tags,
        summary: 'Delete a department (admin); its conversations stay, without a department',
        params: IdParams,
        response: { 200: OkResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await deleteDepartment(ctx, await requireAgent(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );
}
