import type { Kysely } from 'kysely';
import * as z from 'zod';
import type { DB } from '../db/schema';
import type { Dialect } from '../db/dialect';
import { AppError } from '../shared/errors';
import { departmentStore } from '../departments/store';
import { visitorAttributes, type Attributes } from './presenters';
import { visitorStore, type VisitorRow } from './store';

/** A visitor keeps at most this many attributes, in at most this many bytes of JSON. */
export const MAX_ATTRIBUTES = 100;
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;

const ATTRIBUTE_KEY = /^[a-zA-Z][a-zA-Z0-9_.-]{0,63}$/;
const Email = z.email().max(320);

/** What a form (pre-chat, offline) or identify() may change on a visitor; undefined = unchanged. */
export interface ProfileChange {
  name?: string | undefined;
  email?: string | undefined;
  /** null clears the choice. */
  departmentId?: string | null | undefined;
  /** Merged; null deletes a key. */
  attributes?: Record<string, Attributes[string]> | undefined;
}

/** Form keys that fill the visitor or the conversation rather than attributes. */
const RESERVED = new Set(['name', 'email', 'department', 'message']);

/**
 * Form values → a profile change. `name`, `email` and `department` fill the visitor; other keys
 * become attributes. Empty values are "not answered". A department must belong to the site (or be
 * global); a malformed e-mail or key is refused.
 */
export async function checkFormValues(
  db: Kysely<DB>,
  siteId: string,
  fields: Record<string, string>,
): Promise<ProfileChange> {
  const change: ProfileChange = {};
  const name = fields.name?.trim();
  if (name) change.name = name.slice(0, 200);
  const email = fields.email?.trim();
  if (email) {
    if (!Email.safeParse(email).success)
      throw new AppError('validation_failed', 'email is not an e-mail address', 422, [
        { path: '/fields/email', message: 'not an e-mail address' },
      ]);
    change.email = email;
  }
  const department = fields.department?.trim();
  if (department) change.departmentId = await checkDepartment(db, siteId, department);
  const attributes: Record<string, string> = {};
  for (const [key, raw] of Object.entries(fields)) {
    if (RESERVED.has(key)) continue;
    const value = raw.trim();
    if (value === '') continue;
    if (!ATTRIBUTE_KEY.test(key))
      throw new AppError('validation_failed', `field key ${JSON.stringify(key)} is not allowed`, 422);
    attributes[key] = value;
  }
  if (Object.keys(attributes).length > 0) change.attributes = attributes;
  return change;
}

export async function checkDepartment(db: Kysely<DB>, siteId: string, id: string): Promise<string> {
  const d = await departmentStore.byId(db, id);
  if (!d || (d.site_id !== null && d.site_id !== siteId))
    throw new AppError('validation_failed', 'unknown department for this site', 422, [
      { path: '/fields/department', message: 'unknown department' },
    ]);
  return d.id;
}

export function mergeAttributes(current: Attributes, patch: Record<string, Attributes[string]>): Attributes {
  const out: Attributes = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) Reflect.deleteProperty(out, k);
    else out[k] = v;
  }
  if (Object.keys(out).length > MAX_ATTRIBUTES)
    throw new AppError('validation_failed', `a visitor keeps at most ${MAX_ATTRIBUTES} attributes`, 422);
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_ATTRIBUTES_BYTES)
    throw new AppError('validation_failed', `attributes exceed ${MAX_ATTRIBUTES_BYTES} bytes`, 422);
  return out;
}

/**
 * Apply a profile change inside the caller's transaction. Returns the row as stored now, and whether
 * anything agents see changed (else there is no event to publish).
 */
export async function doChangeProfile(
  trx: Kysely<DB>,
  dialect: Dialect,
  visitorId: string,
  change: ProfileChange,
  extra: Partial<Pick<VisitorRow, 'external_id' | 'verified' | 'last_seen_at'>> = {},
): Promise<{ row: VisitorRow; changed: boolean }> {
  const row = await visitorStore.byIdForUpdate(trx, dialect, visitorId);
  if (!row) throw new AppError('unauthorized', 'visitor no longer exists', 401);
  const patch: Partial<VisitorRow> = { ...extra };
  if (change.name !== undefined && change.name !== row.name) patch.name = change.name;
  if (change.email !== undefined && change.email !== row.email) patch.email = change.email;
  if (change.departmentId !== undefined && change.departmentId !== row.department_id)
    patch.department_id = change.departmentId;
  if (change.attributes !== undefined) {
    const before = row.attributes;
    const after = JSON.stringify(mergeAttributes(visitorAttributes(row), change.attributes));
    if (after !== before) patch.attributes = after;
  }
  const changed = Object.entries(patch).some(
    ([k, v]) => k !== 'last_seen_at' && row[k as keyof VisitorRow] !== v,
  );
  if (Object.keys(patch).length > 0) await visitorStore.update(trx, visitorId, patch);
  return { row: { ...row, ...patch }, changed };
}
