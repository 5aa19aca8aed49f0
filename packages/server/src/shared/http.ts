import { isUtf8 } from 'node:buffer';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { parseJsonSafe, type ErrorBody, type ErrorCode } from '@parley/protocol';
import { AppError } from './errors';

export const JSON_BODY_LIMIT = 256 * 1024;

/**
 * JSON bodies are parsed by us: bytes must be valid UTF-8 (Node would otherwise replace bad bytes
 * silently) and prototype-pollution keys are refused.
 */
export function installJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: JSON_BODY_LIMIT },
    (_req, body, done) => {
      const buf = body as Buffer;
      if (buf.length === 0) return done(null, undefined);
      if (!isUtf8(buf)) return done(new AppError('invalid_utf8', 'request body is not valid UTF-8'));
      try {
        done(null, parseJsonSafe(buf.toString('utf8')));
      } catch (e) {
        done(
          new AppError(
            'bad_json',
            e instanceof SyntaxError ? 'request body is not valid JSON' : (e as Error).message,
          ),
        );
      }
    },
  );
}

function body(code: ErrorCode, message: string, requestId: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details }, requestId };
}

/** Every failure leaves as `{error:{code,message}}` with a 4xx/5xx status: no HTML, no stack traces. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AppError) {
      req.log.info({ code: err.code, msg: err.message }, 'request rejected');
      return reply.status(err.status).send(body(err.code, err.message, req.id, err.details));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({ path: v.instancePath, message: v.message }));
      req.log.info({ details }, 'request rejected: validation');
      return reply
        .status(400)
        .send(body('validation_failed', `invalid ${err.validationContext ?? 'request'}`, req.id, details));
    }
    const status = err.statusCode ?? 500;
    if (status === 429)
      return reply.status(429).send(body('rate_limited', 'too many requests; retry later', req.id));
    if (status === 413)
      return reply.status(413).send(body('payload_too_large', 'request body too large', req.id));
    if (status === 415)
      return reply.status(415).send(body('unsupported_media_type', 'send application/json', req.id));
    if (status >= 400 && status < 500) {
      req.log.info({ code: err.code, msg: err.message }, 'request rejected');
      return reply
        .status(status)
        .send(body(status === 404 ? 'not_found' : 'validation_failed', err.message, req.id));
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send(body('internal', 'internal error', req.id));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send(body('not_found', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`, req.id)),
  );
}

/** Client address and agent, as recorded with sessions and visitors. */
export function clientMeta(req: FastifyRequest): { ip: string | null; userAgent: string | null } {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua : null };
}
