import { createHash } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../shared/errors';
import { safeEqual } from '../shared/crypto';
import type { AgentActor, AppContext, VisitorActor } from '../shared/context';
import { resolveVisitor } from '../visitors/actions';
import { originAllowed } from '../sites/origins';
import { siteOrigins } from '../sites/presenters';
import { resolveSession, SESSION_TTL_MS } from './actions';

export const SESSION_COOKIE = 'parley_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A rate limit per session rather than per address (a whole office may sit behind one address);
 * requests without a session count per address.
 */
export function perSession(max: number, timeWindow: string) {
  return {
    max,
    timeWindow,
    keyGenerator: (req: FastifyRequest) => {
      const cookie = req.cookies[SESSION_COOKIE];
      return cookie === undefined
        ? `ip:${req.ip}`
        : `s:${createHash('sha256').update(cookie).digest('base64url')}`;
    },
  };
}

export function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    // Secure whenever we are reached over HTTPS; plain HTTP on a LAN must keep working.
    secure: req.protocol === 'https',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/**
 * The signed-in agent, or 401. State-changing requests must also carry the session's CSRF token
 * in `x-csrf-token`: a cross-site form or fetch can ride the cookie but cannot read the token.
 */
export async function requireAgent(
  ctx: AppContext,
  req: FastifyRequest,
  opts: { allowPasswordChangePending?: boolean } = {},
): Promise<AgentActor> {
  const token = req.cookies[SESSION_COOKIE];
  const resolved = token ? await resolveSession(ctx, token) : null;
  if (!resolved) throw new AppError('unauthorized', 'sign in first', 401);
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, resolved.session.csrf_token)) {
      throw new AppError('csrf_failed', 'missing or wrong x-csrf-token header', 403);
    }
  }
  // A one-time password opens only the door to choosing a real one.
  if (resolved.agent.must_change_password === 1 && !opts.allowPasswordChangePending) {
    throw new AppError(
      'password_change_required',
      'change the one-time password first (POST /api/v1/auth/password)',
      403,
    );
  }
  return resolved.actor;
}

/** Visitors authenticate with `Authorization: Bearer <visitor token>`; their site's allowed origins apply. */
export async function requireVisitor(ctx: AppContext, req: FastifyRequest): Promise<VisitorActor> {
  const h = req.headers.authorization;
  const token = typeof h === 'string' && h.startsWith('Bearer ') ? h.slice(7).trim() : '';
  const found = token ? await resolveVisitor(ctx, token) : null;
  if (!found) throw new AppError('unauthorized', 'missing or unknown visitor token', 401);
  if (!originAllowed(siteOrigins(found.site), req.headers.origin)) {
    throw new AppError('origin_not_allowed', 'this origin may not use the site', 403);
  }
  return found.actor;
}
