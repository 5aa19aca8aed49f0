import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Attachment } from '@parley/protocol';
import type { DB } from '../db/schema';
import { AppError, notFound } from '../shared/errors';
import { newId, newToken, safeEqual } from '../shared/crypto';
import type { AgentActor, AppContext, VisitorActor } from '../shared/context';
import { checkSiteAccess } from '../agents/policies';
import { siteStore } from '../sites/store';
import { sniff } from './sniff';
import type { FileStorage } from './storage';
import { fileStore, type FileRow } from './store';

/** A display name safe to store and to put in a header: no path, no control characters. */
export function cleanName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // Code points, not graphemes: only C0 controls, DEL and quotes are dropped, which never split a character.
  const printable = Array.from(base).filter((ch) => {
    const code = ch.codePointAt(0) ?? 0;
    return code >= 0x20 && code !== 0x7f && ch !== '"';
  });
  const cleaned = printable.join('').trim().slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

export function presentAttachment(row: FileRow): Attachment {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    contentType: row.content_type,
    // Relative to the server; the token in it is the capability (see the files migration).
    url: `/files/${row.id}/${row.token}/${encodeURIComponent(row.name)}`,
  };
}

export async function uploadFile(
  ctx: AppContext,
  storage: FileStorage,
  actor: AgentActor | VisitorActor,
  input: { name: string; siteId?: string | undefined },
  bytes: Buffer,
): Promise<Attachment> {
  let siteId: string;
  if (actor.kind === 'visitor') {
    siteId = actor.siteId;
  } else {
    if (input.siteId === undefined)
      throw new AppError('validation_failed', 'siteId is required for agents', 400);
    checkSiteAccess(actor, input.siteId);
    if (!(await siteStore.byId(ctx.db, input.siteId))) throw notFound('site');
    siteId = input.siteId;
  }
  if (bytes.length === 0) throw new AppError('validation_failed', 'the file is empty', 400);
  const contentType = await sniff(bytes);
  if (contentType === null) {
    throw new AppError(
      'unsupported_media_type',
      'this kind of file is not accepted (images, PDF, office documents, zip, text)',
      415,
    );
  }
  const row: FileRow = {
    id: newId(),
    site_id: siteId,
    uploader_kind: actor.kind,
    uploader_id: actor.id,
    message_id: null,
    name: cleanName(input.name),
    content_type: contentType,
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    token: newToken(),
    created_at: ctx.clock.now(),
  };
  // Bytes first: a row never points at a file that is not there.
  await storage.put(row.id, bytes);
  await fileStore.insert(ctx.db, row);
  return presentAttachment(row);
}

/**
 * Inside a send's transaction, before the message is written: the files must be the sender's own,
 * still unattached uploads of this site. Anything else — someone else's file, another site's, one
 * already sent — is `not_found`. `fileStore.attach` binds them once the message row exists.
 */
export async function doCheckAttachments(
  trx: Kysely<DB>,
  sender: { kind: 'visitor' | 'agent'; id: string },
  siteId: string,
  ids: readonly string[],
): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  const rows = new Map((await fileStore.byIds(trx, ids)).map((r) => [r.id, r]));
  const out: Attachment[] = [];
  for (const id of ids) {
    const row = rows.get(id);
    if (
      !row ||
      row.uploader_kind !== sender.kind ||
      row.uploader_id !== sender.id ||
      row.site_id !== siteId ||
      row.message_id !== null
    ) {
      throw new AppError('not_found', `attachment ${id} not found`, 404);
    }
    out.push(presentAttachment(row));
  }
  return out;
}

/** The file behind a download URL, if the token matches. */
export async function fileForDownload(ctx: AppContext, id: string, token: string): Promise<FileRow> {
  const row = await fileStore.byId(ctx.db, id);
  if (!row || !safeEqual(row.token, token)) throw notFound('file');
  return row;
}

/** Uploads never attached to a message are kept this long (a visitor may still be typing). */
export const UNATTACHED_FILE_TTL_MS = 24 * 3600_000;

/**
 * Background job: removes uploads that no message took within a day, rows first, then bytes. A
 * crash between the two leaves bytes without a row (never a row without bytes); they are inert.
 */
export async function deleteUnattachedFiles(
  ctx: AppContext,
  storage: FileStorage,
  signal?: AbortSignal,
): Promise<{ files: number }> {
  const before = ctx.clock.now() - UNATTACHED_FILE_TTL_MS;
  let total = 0;
  for (;;) {
    signal?.throwIfAborted();
    const ids = await fileStore.deleteUnattached(ctx.db, before, 500);
    for (const id of ids) await storage.remove(id);
    total += ids.length;
    if (ids.length < 500) return { files: total };
  }
}
