import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { ErrorResponse } from '@parley/protocol';
import type { AppContext } from './context';

export type Api = ReturnType<FastifyInstance['withTypeProvider']> & FastifyInstance;
export type RouteModule = (app: FastifyInstance, ctx: AppContext) => void;

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

export const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Standard error responses, so every operation in the OpenAPI document lists them. */
export function errors(...codes: (400 | 401 | 403 | 404 | 409 | 413 | 422 | 429)[]) {
  // Anything that authenticates may also answer 403 (CSRF, one-time password not yet changed).
  const all = codes.includes(401) && !codes.includes(403) ? [...codes, 403] : codes;
  return Object.fromEntries(all.map((c) => [c, ErrorResponse])) as Record<number, typeof ErrorResponse>;
}

export const OkResponse = z.object({ ok: z.literal(true) });
