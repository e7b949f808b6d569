import { HttpError } from '../errors.ts';
import type { Session } from '../sessions/session.ts';

/** The recipient fields wppconnect-server's statusConnection reads from a body. */
export interface RecipientFields {
  phone?: unknown;
  isGroup?: unknown;
  isNewsletter?: unknown;
  isLid?: unknown;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

/**
 * wppconnect-server's contactToArray: `phone` as an array or a `,`/`;` list; each entry keeps the part
 * before `@`; users lose every character that is not a word character or a space; the suffix is
 * `@g.us` (isGroup), `@newsletter` (isNewsletter), `@lid` (isLid or longer than 14), else `@c.us`.
 */
export function contactToArray(fields: RecipientFields): string[] {
  const { phone } = fields;
  const isGroup = truthy(fields.isGroup);
  const isNewsletter = truthy(fields.isNewsletter);
  const isLid = truthy(fields.isLid);
  let entries: string[];
  if (Array.isArray(phone)) entries = phone.map((p) => String(p));
  else if (typeof phone === 'string' || typeof phone === 'number')
    entries = String(phone).split(/\s*[,;]\s*/);
  else entries = [];
  const ids: string[] = [];
  for (const entry of entries) {
    let id = entry.split('@')[0] ?? '';
    if (!isGroup && !isNewsletter) id = id.replace(/[^\w ]/g, '');
    id = id.trim();
    if (!id) continue;
    if (isGroup) ids.push(`${id}@g.us`);
    else if (isNewsletter) ids.push(`${id}@newsletter`);
    else if (isLid || id.length > 14) ids.push(`${id}@lid`);
    else ids.push(`${id}@c.us`);
  }
  return ids;
}

/**
 * Normalises `body.phone` and checks each user id exists on WhatsApp, replacing it with the canonical
 * id (this fixes Brazil's 9th digit). An unknown number answers wppconnect-server's 400, and nothing
 * is sent (it sent anyway).
 */
export async function resolveRecipients(session: Session, fields: RecipientFields): Promise<string[]> {
  const ids = contactToArray(fields);
  if (!session.supports('checkNumberStatus')) return ids;
  const checkNumberStatus = session.engine('checkNumberStatus');
  const resolved: string[] = [];
  for (const id of ids) {
    if (id.endsWith('@g.us') || id.endsWith('@newsletter')) {
      resolved.push(id);
      continue;
    }
    const profile = await checkNumberStatus(id);
    if (!profile?.numberExists) {
      throw new HttpError(400, {
        response: null,
        status: 'Connected',
        message: `O número ${id.split('@')[0]} não existe.`,
      });
    }
    resolved.push(profile.id?._serialized ?? id);
  }
  return resolved;
}
