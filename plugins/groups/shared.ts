import type { Chat, GroupProperty } from '@wppconnect-team/wppconnect';
import { errorMessage, HttpError, statusForEngineError, Type } from '../../core/index.ts';

export const SessionParams = Type.Object({ session: Type.String() });
export const GroupParams = Type.Object({
  session: Type.String(),
  groupId: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: 'Group id(s), `<id>` or `<id>@g.us`; a list with `,`',
  }),
});

/** A group id or several: a string (`,`/`;` list) or an array, as wppconnect-server takes them. */
export const GroupIds = Type.Union(
  [
    Type.String({ minLength: 1, maxLength: 5000 }),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 200 }),
  ],
  { description: 'Group id(s): `<id>` or `<id>@g.us`, an array or a `,`/`;` list' },
);

/**
 * wppconnect-server's groupToArray: an array or a `,`/`;` list; each entry keeps the part before `@`
 * and gets `@g.us`.
 */
export function groupToArray(groupId: string | string[]): string[] {
  const entries = Array.isArray(groupId) ? groupId : String(groupId).split(/\s*[,;]\s*/);
  return entries
    .map((entry) => (String(entry).split('@')[0] ?? '').trim())
    .filter(Boolean)
    .map((id) => `${id}@g.us`);
}

/**
 * Runs an engine call; a failure answers wppconnect-server's error body for the route
 * (`{status:'error', message, error}`) with the status WhatsApp's refusal deserves — 403 for a
 * non-admin, 404 for an unknown group — and 500 only for unexpected failures.
 */
export async function attempt<T>(message: string, work: () => Promise<T>, fallbackStatus = 500): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    const code = (error as { code?: unknown })?.code;
    throw new HttpError(statusForEngineError(error, fallbackStatus), {
      status: 'error',
      message,
      error: { ...(typeof code === 'string' ? { code } : {}), message: errorMessage(error) },
    });
  }
}

function iso(seconds: unknown): string | null {
  return typeof seconds === 'number' && seconds > 0 ? new Date(seconds * 1000).toISOString() : null;
}

function serialized(id: unknown): string | null {
  if (!id) return null;
  if (typeof id === 'string') return id;
  return (id as { _serialized?: string })._serialized ?? null;
}

/** group-info's normalised shape, built from the library's Chat (dates as ISO strings). */
export function groupInfo(chat: Chat) {
  const meta = (chat.groupMetadata ?? {}) as Chat['groupMetadata'] & { subjectOwner?: unknown };
  return {
    id: serialized(chat.id),
    name: chat.name ?? meta.subject ?? null,
    description: meta.desc || null,
    subject: meta.subject ?? null,
    subjectUpdatedAt: iso(meta.subjectTime),
    subjectUpdatedBy: serialized(meta.subjectOwner),
    descriptionUpdatedAt: iso(meta.descTime),
    descriptionUpdatedBy: meta.desc ? serialized(meta.descOwner) : null,
    createdAt: iso(meta.creation),
    lastActivityAt: iso(chat.t),
    participants: (meta.participants ?? []).map((p) => ({
      id: serialized(p.id),
      isAdmin: Boolean(p.isAdmin),
    })),
  };
}

export const GROUP_PROPERTIES = ['announcement', 'restrict', 'no_frequently_forwarded', 'ephemeral'] as const;
export type GroupPropertyName = (typeof GROUP_PROPERTIES)[number];

/** The library's GroupProperty enum value for a property name (its values are the names). */
export function groupProperty(name: GroupPropertyName): GroupProperty {
  return name as unknown as GroupProperty;
}

/** Truthy the way clients send booleans in wppconnect-server bodies (true or "true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}
