import type fs from 'node:fs';
import sharp from 'sharp';
import type { Agent } from '@parley/protocol';
import { AppError, notFound } from '../shared/errors';
import type { AgentActor, AppContext } from '../shared/context';
import { newToken } from '../shared/crypto';
import { INLINE_TYPES, sniff } from '../files/sniff';
import type { FileStorage } from '../files/storage';
import { getAgent } from './actions';
import { agentStore } from './store';

/** Square sizes kept of every photo, in CSS pixels; `avatarUrl` names the largest. */
export const AVATAR_SIZES = [128, 256] as const;
export type AvatarSize = (typeof AVATAR_SIZES)[number];
/** Largest upload accepted. */
export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
/** Larger images are refused before decoding (a small file can claim a huge canvas). */
const MAX_INPUT_PIXELS = 40_000_000;

const storageId = (key: string, size: AvatarSize): string => `avatar-${key}-${size}`;
export const avatarPath = (agentId: string, key: string): string => `/avatars/${agentId}/${key}/256.webp`;

/**
 * Decoded and re-encoded, never stored as uploaded: the output is a plain WebP of fixed size, the
 * EXIF orientation applied and every piece of metadata (camera, GPS) dropped.
 */
async function square(bytes: Buffer, size: AvatarSize): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false })
    .rotate()
    .resize(size, size, { fit: 'cover', position: 'centre' })
    .webp({ quality: 82 })
    .toBuffer();
}

/** A new profile photo for the agent: checked by its bytes (images only), resized, stored. */
export async function setAvatar(
  ctx: AppContext,
  storage: FileStorage,
  actor: AgentActor,
  bytes: Buffer,
): Promise<Agent> {
  if (bytes.length === 0) throw new AppError('validation_failed', 'the image is empty', 400);
  const type = await sniff(bytes);
  if (type === null || !INLINE_TYPES.has(type))
    throw new AppError('unsupported_media_type', 'a photo must be a PNG, JPEG, GIF or WebP image', 415);
  let images: Buffer[];
  try {
    images = await Promise.all(AVATAR_SIZES.map((size) => square(bytes, size)));
  } catch (e) {
    ctx.log.info({ err: e instanceof Error ? e.message : String(e) }, 'avatar refused');
    throw new AppError('validation_failed', 'the image could not be read (damaged, or too large)', 422);
  }
  const key = newToken().slice(0, 22);
  for (const [i, size] of AVATAR_SIZES.entries())
    await storage.put(storageId(key, size), images[i] as Buffer);
  const old = await replaceKey(ctx, actor.id, key);
  await removeFiles(ctx, storage, old);
  return getAgent(ctx, actor.id);
}

export async function removeAvatar(ctx: AppContext, storage: FileStorage, actor: AgentActor): Promise<Agent> {
  const old = await replaceKey(ctx, actor.id, null);
  await removeFiles(ctx, storage, old);
  return getAgent(ctx, actor.id);
}

/** Sets the new key and returns the one it replaced (read under a row lock: two uploads at once both clean up). */
async function replaceKey(ctx: AppContext, agentId: string, key: string | null): Promise<string | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await agentStore.byIdForUpdate(trx, ctx.dialect, agentId);
    if (!row) throw notFound('agent');
    await agentStore.update(trx, agentId, {
      avatar_key: key,
      avatar_url: key === null ? null : avatarPath(agentId, key),
      updated_at: ctx.clock.now(),
    });
    return row.avatar_key;
  });
}

async function removeFiles(ctx: AppContext, storage: FileStorage, key: string | null): Promise<void> {
  if (key === null) return;
  for (const size of AVATAR_SIZES) {
    // Left-over bytes without a row are harmless; a failure here must not fail the request.
    await storage
      .remove(storageId(key, size))
      .catch((err: unknown) => ctx.log.warn({ err }, 'avatar removal failed'));
  }
}

/** The bytes behind an avatar URL, if it is the agent's current photo. */
export async function openAvatar(
  ctx: AppContext,
  storage: FileStorage,
  agentId: string,
  key: string,
  size: AvatarSize,
): Promise<fs.ReadStream> {
  const row = await agentStore.byId(ctx.db, agentId);
  if (!row || row.avatar_key === null || row.avatar_key !== key) throw notFound('photo');
  return storage.open(storageId(key, size));
}
