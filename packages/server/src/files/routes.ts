import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { FileUploadQuery, FileUploadResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { AppError } from '../shared/errors';
import { errors, typed } from '../shared/routing';
import { requireAgent, requireVisitor } from '../auth/http';
import { fileForDownload, uploadFile } from './actions';
import { INLINE_TYPES } from './sniff';
import type { FileStorage } from './storage';

const DownloadParams = z.object({
  id: z.string().max(64),
  token: z.string().max(100),
  name: z.string().max(600).optional(),
});

function bytesOf(req: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new AppError('validation_failed', 'send the file as the raw request body', 400);
  }
  return req.body;
}

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export function fileRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { storage: FileStorage; maxBytes: number },
): void {
  // Uploads are raw bytes of any declared type: a parser of their own, only in this context, so
  // that the rest of the API keeps refusing anything but JSON.
  void app.register((sub, _o, done) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxBytes }, (_req, body, next) => {
      next(null, body);
    });
    const api = typed(sub);
    const description = `The request body is the file itself (any Content-Type; the type is decided from the bytes). At most ${Math.round(opts.maxBytes / 1048576)} MiB. Attach it by passing its id in \`attachmentIds\` of a send.`;

    api.post(
      '/api/v1/files',
      {
        bodyLimit: opts.maxBytes,
        schema: {
          tags: ['files'],
          summary: 'Upload a file for a site (agent)',
          description,
          querystring: FileUploadQuery,
          response: { 201: FileUploadResponse, ...errors(400, 401, 403, 404, 413) },
        },
        config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      },
      async (req, reply) => {
        const actor = await requireAgent(ctx, req);
        const file = await uploadFile(ctx, opts.storage, actor, req.query, bytesOf(req));
        return reply.status(201).send({ file });
      },
    );

    api.post(
      '/api/v1/visitor/files',
      {
        bodyLimit: opts.maxBytes,
        schema: {
          tags: ['visitor'],
          security: [{ visitorToken: [] }],
          summary: 'Upload a file (visitor)',
          description,
          querystring: FileUploadQuery,
          response: { 201: FileUploadResponse, ...errors(400, 401, 403, 413) },
        },
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      },
      async (req, reply) => {
        const actor = await requireVisitor(ctx, req);
        const file = await uploadFile(ctx, opts.storage, actor, { name: req.query.name }, bytesOf(req));
        return reply.status(201).send({ file });
      },
    );
    done();
  });

  typed(app).get(
    '/files/:id/:token/:name',
    {
      schema: {
        tags: ['files'],
        security: [],
        summary: 'Download an attachment (the URL from the message is the credential)',
        params: DownloadParams,
      },
    },
    async (req, reply) => {
      const row = await fileForDownload(ctx, req.params.id, req.params.token);
      const inline = INLINE_TYPES.has(row.content_type);
      return (
        reply
          .type(row.content_type)
          .header('content-length', String(row.size))
          .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', row.name))
          // Whatever the bytes are, they never run as a page of this origin.
          .header('content-security-policy', "default-src 'none'; sandbox")
          // The widget shows images on the customer's own site, another origin.
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', 'private, max-age=31536000, immutable')
          .send(opts.storage.open(row.id))
      );
    },
  );
}
