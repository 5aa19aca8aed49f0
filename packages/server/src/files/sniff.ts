import { isUtf8 } from 'node:buffer';
import { fileTypeFromBuffer } from 'file-type';

/** What may be uploaded, decided from the bytes, never from the name or the client's header. */
const ALLOWED = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
]);

/** Raster images are shown inline; everything else downloads. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

export const TEXT_TYPE = 'text/plain; charset=utf-8';

/** The content type of an allowed file, or null. Text without a signature counts when it is UTF-8 without NULs. */
export async function sniff(bytes: Buffer): Promise<string | null> {
  const detected = await fileTypeFromBuffer(bytes);
  if (detected) return ALLOWED.has(detected.mime) ? detected.mime : null;
  if (isUtf8(bytes) && !bytes.includes(0)) return TEXT_TYPE;
  return null;
}
