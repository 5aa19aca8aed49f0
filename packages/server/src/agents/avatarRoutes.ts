import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { AgentResponse, ErrorResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { AppError } from '../shared/errors';
import { errors, typed } from '../shared/routing';
import { perSession, requireAgent } from '../auth/http';
import type { FileStorage } from '../files/storage';
import {
  AVATAR_SIZES,
  MAX_AVATAR_BYTES,
  openAvatar,
  removeAvatar,
  setAvatar,
  type AvatarSize,
} from './avatar';

const AvatarParams = z.object({
  agentId: z.string().min(1).max(64),
  key: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  file: z.enum(AVATAR_SIZES.map((s) => `${s}.webp`) as [`${AvatarSize}.webp`, ...`${AvatarSize}.webp`[]]),
});

function bytesOf(req: FastifyRequest): Buffer {
  if (!Buffer.isBuffer(req.body) || req.body.length === 0)
    throw new AppError('validation_failed', 'send the image as the raw request body', 400);
  return req.body;
}

/** Profile photos: upload (own), removal (own), and the public, immutable image URLs. */
export function avatarRoutes(app: FastifyInstance, ctx: AppContext, opts: { storage: FileStorage }): void {
  // The upload is raw bytes: a parser of its own in this context only (as for files).
  void app.register((sub, _o, done) => {
    sub.removeAllContentTypeParsers();
    sub.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_AVATAR_BYTES }, (_req, body, next) => {
      next(null, body);
    });
    typed(sub).post(
      '/api/v1/me/avatar',
      {
        bodyLimit: MAX_AVATAR_BYTES,
        schema: {
          tags: ['agents'],
          summary: 'Upload own profile photo',
          description: `The request body is the image itself: PNG, JPEG, GIF or WebP (decided from the bytes), at most ${MAX_AVATAR_BYTES / 1048576} MiB. It is cropped to a square and stored as 128 and 256 pixel WebP images without its metadata; \`avatarUrl\` of the agent names the 256 pixel one.`,
          response: { 200: AgentResponse, ...errors(400, 401, 403, 413, 422, 429), 415: ErrorResponse },
        },
        config: { rateLimit: perSession(10, '1 minute') },
      },
      async (req) => ({
        agent: await setAvatar(ctx, opts.storage, await requireAgent(ctx, req), bytesOf(req)),
      }),
    );
    done();
  });

  const api = typed(app);
  api.delete(
    '/api/v1/me/avatar',
    {
      schema: {
        tags: ['agents'],
        summary: 'Remove own profile photo',
        response: { 200: AgentResponse, ...errors(401, 403) },
      },
    },
    async (req) => ({ agent: await removeAvatar(ctx, opts.storage, await requireAgent(ctx, req)) }),
  );

  api.get(
    '/avatars/:agentId/:key/:file',
    {
      schema: {
        tags: ['agents'],
        security: [],
        summary:
          'A profile photo (public: widgets show it on other origins). Immutable: a new photo gets a new URL',
        description: 'image/webp, or 404 not_found when it is not the agent’s current photo',
        params: AvatarParams,
      },
    },
    async (req, reply) => {
      const size = Number.parseInt(req.params.file, 10) as AvatarSize;
      const stream = await openAvatar(ctx, opts.storage, req.params.agentId, req.params.key, size);
      return reply
        .type('image/webp')
        .header('content-disposition', 'inline; filename="avatar.webp"')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(stream);
    },
  );
}
