import {
  PROTOCOL_VERSION,
  type ClientFrame,
  type ErrorCode,
  type Hello,
  type ServerFrameOf,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { AppError } from '../shared/errors';
import { iso } from '../shared/clock';
import { parseJsonColumn } from '../shared/json';
import { resolveSession } from '../auth/actions';
import { getAgent } from '../agents/actions';
import { resolveVisitor } from '../visitors/actions';
import { presentVisitor } from '../visitors/presenters';
import { visitorStore } from '../visitors/store';
import { siteOrigins } from '../sites/presenters';
import { originAllowed } from '../sites/origins';
import { readSettings } from '../sites/settings';
import { fetchMessages, markRead, sendMessage } from '../conversations/actions';
import { checkConversation } from '../conversations/policies';
import { presentMessageForVisitor } from '../conversations/presenters';
import {
  VISITOR_CONVERSATION_LIMIT,
  listConversationsForAgent,
  listConversationsForVisitor,
} from '../conversations/queries';
import type { Connection, ConnectionAuth } from './connection';
import type { Registry } from './recipients';
import { CLOSE } from './socket';
import { TokenBucket } from './tokenBucket';
import type { RateLimit } from './gateway';

export interface HandlerEnv {
  ctx: AppContext;
  /** Origin of PUBLIC_URL when set: agents behind a proxy that rewrites Host still get in. */
  consoleOrigin: string | null;
  heartbeatMs: number;
  sendRate: { visitor: RateLimit; agent: RateLimit };
  registry: Registry;
  fail(conn: Connection, code: ErrorCode, message: string, ref?: string): void;
}

/** Messages pushed per conversation on resume; a client needing more fetches the rest. */
const RESUME_LIMIT = 1000;
/** Open conversations listed in an agent's welcome. */
const WELCOME_AGENT_LIMIT = 500;

export async function handleFrame(env: HandlerEnv, conn: Connection, frame: ClientFrame): Promise<void> {
  if (frame.t === 'hello') return hello(env, conn, frame);
  if (frame.t === 'ping') {
    conn.send(
      frame.ref === undefined
        ? { t: 'pong', serverTime: iso(env.ctx.clock.now()) }
        : { t: 'pong', ref: frame.ref, serverTime: iso(env.ctx.clock.now()) },
    );
    return;
  }
  const auth = conn.auth;
  if (!auth) throw new AppError('not_authenticated', 'send hello first', 401);
  const { ctx } = env;
  switch (frame.t) {
    case 'send': {
      const started = performance.now();
      const now = ctx.clock.now();
      conn.bucket ??= new TokenBucket(env.sendRate[auth.role].perSecond, env.sendRate[auth.role].burst, now);
      if (!conn.bucket.take(now))
        throw new AppError('rate_limited', 'too many messages; slow down and resend', 429);
      const r = await sendMessage(ctx, auth.actor, frame);
      conn.allowed.set(r.conversation.id, {
        siteId: r.conversation.site_id,
        visitorId: r.conversation.visitor_id,
      });
      conn.send({
        t: 'ack',
        clientMsgId: frame.clientMsgId,
        conversationId: r.message.conversationId,
        seq: r.message.seq,
        messageId: r.message.id,
        at: r.message.at,
        duplicate: r.duplicate,
      });
      ctx.metrics.sendLatency.observe((performance.now() - started) / 1000);
      return;
    }
    case 'typing': {
      const conv = await allowedConversation(env, conn, frame.conversationId);
      const showPreview = auth.role === 'visitor' && auth.sneakPeek && frame.preview !== undefined;
      ctx.bus.publish({
        type: 'typing',
        siteId: conv.siteId,
        conversationId: frame.conversationId,
        visitorId: conv.visitorId,
        author: { kind: auth.role, id: auth.actor.id, name: auth.actor.name },
        ...(showPreview && { preview: frame.preview }),
      });
      return;
    }
    case 'read':
      await markRead(ctx, auth.actor, frame.conversationId, frame.seq);
      return;
    case 'fetch': {
      const page = await fetchMessages(
        ctx,
        auth.actor,
        frame.conversationId,
        frame.afterSeq,
        frame.limit ?? 200,
      );
      const messages =
        auth.role === 'visitor'
          ? page.messages.flatMap((m) => presentMessageForVisitor(m) ?? [])
          : page.messages;
      conn.send({
        t: 'history',
        ref: frame.ref,
        conversationId: frame.conversationId,
        messages,
        lastSeq: page.lastSeq,
        hasMore: page.hasMore,
      });
      return;
    }
  }
}

async function allowedConversation(
  env: HandlerEnv,
  conn: Connection,
  id: string,
): Promise<{ siteId: string; visitorId: string }> {
  const known = conn.allowed.get(id);
  if (known) return known;
  if (!conn.auth) throw new AppError('not_authenticated', 'send hello first', 401);
  const conv = await checkConversation(env.ctx.db, conn.auth.actor, id);
  const entry = { siteId: conv.site_id, visitorId: conv.visitor_id };
  conn.allowed.set(id, entry);
  return entry;
}

/** The console is served by this server: same host as the request, or the configured public URL. */
function agentOriginAllowed(
  origin: string | undefined,
  host: string | undefined,
  consoleOrigin: string | null,
): boolean {
  if (origin === undefined) return true;
  try {
    const u = new URL(origin);
    return u.host === host || u.origin === consoleOrigin;
  } catch {
    return false;
  }
}

async function hello(env: HandlerEnv, conn: Connection, frame: Hello): Promise<void> {
  const { ctx } = env;
  if (conn.auth)
    throw new AppError('already_authenticated', 'hello was already accepted on this socket', 400);
  if (frame.v !== PROTOCOL_VERSION) {
    env.fail(conn, 'unsupported_version', `this server speaks protocol version ${PROTOCOL_VERSION}`);
    conn.close(CLOSE.forbidden, 'unsupported version');
    return;
  }
  const refuse = (code: ErrorCode, message: string, close: number): void => {
    env.fail(conn, code, message);
    conn.close(close, code);
  };

  if (frame.role === 'visitor') {
    const found = await resolveVisitor(ctx, frame.token, frame.siteKey);
    if (!found) return refuse('unauthorized', 'unknown visitor token for this site', CLOSE.unauthorized);
    if (!originAllowed(siteOrigins(found.site), conn.meta.origin)) {
      return refuse('origin_not_allowed', 'this origin may not use the site', CLOSE.forbidden);
    }
    const settings = readSettings(parseJsonColumn<unknown>(found.site.settings, {}));
    conn.auth = {
      role: 'visitor',
      actor: found.actor,
      siteKey: frame.siteKey,
      sneakPeek: settings.sneakPeek,
    };
  } else {
    if (!agentOriginAllowed(conn.meta.origin, conn.meta.host, env.consoleOrigin)) {
      return refuse('origin_not_allowed', 'agents connect from the console origin only', CLOSE.forbidden);
    }
    const session =
      conn.meta.sessionToken === undefined ? null : await resolveSession(ctx, conn.meta.sessionToken);
    if (!session) {
      return refuse('unauthorized', 'sign in first (session cookie missing or expired)', CLOSE.unauthorized);
    }
    if (session.agent.must_change_password === 1) {
      return refuse('password_change_required', 'change the one-time password first', CLOSE.forbidden);
    }
    conn.auth = { role: 'agent', actor: session.actor };
  }
  // Registered before the snapshot is read: events from now on are held, so nothing falls in between.
  env.registry.add(conn);
  try {
    conn.send(await welcomeFor(env, conn, conn.auth));
    await resume(env, conn, frame.resume ?? {});
    conn.release();
  } catch (err) {
    // Half-welcomed sockets would hold events forever: drop it, the client reconnects and resumes.
    conn.close(CLOSE.internalError, 'internal error');
    throw err;
  }
}

async function welcomeFor(
  env: HandlerEnv,
  conn: Connection,
  auth: ConnectionAuth,
): Promise<ServerFrameOf<'welcome'>> {
  const { ctx } = env;
  const base = {
    t: 'welcome' as const,
    v: PROTOCOL_VERSION,
    connectionId: conn.meta.id,
    serverTime: iso(ctx.clock.now()),
    heartbeatMs: env.heartbeatMs,
  };
  if (auth.role === 'visitor') {
    const visitor = await visitorStore.byId(ctx.db, auth.actor.id);
    if (!visitor) throw new AppError('unauthorized', 'visitor no longer exists', 401);
    // One more than shown tells whether the list was cut.
    const conversations = await listConversationsForVisitor(ctx, auth.actor, {
      limit: VISITOR_CONVERSATION_LIMIT + 1,
    });
    return {
      ...base,
      role: 'visitor',
      visitor: presentVisitor(visitor),
      conversations: conversations.slice(0, VISITOR_CONVERSATION_LIMIT),
      conversationsTruncated: conversations.length > VISITOR_CONVERSATION_LIMIT,
    };
  }
  const { conversations } = await listConversationsForAgent(ctx, auth.actor, {
    status: 'active',
    limit: WELCOME_AGENT_LIMIT + 1,
  });
  return {
    ...base,
    role: 'agent',
    agent: await getAgent(ctx, auth.actor.id),
    conversations: conversations.slice(0, WELCOME_AGENT_LIMIT),
    conversationsTruncated: conversations.length > WELCOME_AGENT_LIMIT,
  };
}

/** Push everything after each given seq. Unknown or foreign conversations get an error, never data. */
async function resume(env: HandlerEnv, conn: Connection, map: Record<string, number>): Promise<void> {
  const auth = conn.auth;
  if (!auth) return;
  for (const [conversationId, lastSeq] of Object.entries(map)) {
    try {
      const page = await fetchMessages(env.ctx, auth.actor, conversationId, lastSeq, RESUME_LIMIT);
      for (const m of page.messages) {
        const visible = auth.role === 'visitor' ? presentMessageForVisitor(m) : m;
        if (visible) conn.send({ t: 'msg', ...visible });
      }
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      env.fail(conn, err.code, err.message, conversationId);
    }
  }
}
