import {
  contactToArray,
  errorMessage,
  HttpError,
  httpError,
  type RouteReply,
  statusForEngineError,
  Type,
} from '../../core/index.ts';

/** Helpers every area of the chat plugin uses: path ids, envelopes and engine-error answers. */

export const SessionParams = Type.Object({ session: Type.String() });

/** A phone number, LID, group or newsletter id as a path segment (`5521…`, `5521…@c.us`, `1203…@g.us`). */
export const ChatIdSegment = Type.String({
  minLength: 1,
  maxLength: 120,
  pattern: '^[\\w+() .-]+(@(c\\.us|g\\.us|lid|newsletter))?$',
  description: 'Phone number (digits, optionally with @c.us), LID (@lid), group (@g.us) or newsletter id',
});

/** `body.phone` and the flags wppconnect-server's statusConnection reads (routes with `recipients: true`). */
export const recipientFields = {
  phone: Type.Union(
    [
      Type.String({ minLength: 1, maxLength: 10_000 }),
      Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }),
    ],
    { description: 'Number(s) or chat id(s): a string, an array, or a comma/semicolon list' },
  ),
  isGroup: Type.Optional(Type.Boolean({ default: false })),
  isNewsletter: Type.Optional(Type.Boolean({ default: false })),
  isLid: Type.Optional(Type.Boolean({ default: false })),
};

export const PhoneParams = Type.Object({ session: Type.String(), phone: ChatIdSegment });

export const IsGroupQuery = Type.Optional(
  Type.Boolean({ default: false, description: 'The id is a group (adds @g.us)' }),
);

/** A serialised message id: `<fromMe>_<chat>_<key>[_<participant>]`. */
export const MessageIdSegment = Type.String({
  minLength: 5,
  maxLength: 300,
  pattern: '^(true|false)_[^_\\s/]+_[0-9A-Za-z]+(_[^_\\s/]+)?$',
  description: 'Serialised message id, e.g. true_5521999999999@c.us_3EB0…',
});

/**
 * The chat id a path segment names. wppconnect-server ran `contactToArray(phone, isGroup)` (some
 * routes appended `@c.us` to whatever came, breaking ids that had a suffix); wppd does the same
 * normalisation but keeps an explicit `@g.us`, `@lid` or `@newsletter` suffix.
 */
export function chatIdFromPath(segment: string, isGroup = false): string {
  const explicit = /@(g\.us|lid|newsletter)$/.exec(segment)?.[1];
  const ids = contactToArray({
    phone: segment,
    isGroup: isGroup || explicit === 'g.us',
    isLid: explicit === 'lid',
    isNewsletter: explicit === 'newsletter',
  });
  const id = ids.at(-1);
  if (!id) throw httpError(400, `Invalid phone or chat id: ${segment}`);
  return id;
}

/** wppconnect-server's generic success: `200 {status:'success', response}`. */
export function success(response: unknown, status = 200): RouteReply {
  return { status, body: { status: 'success', response } };
}

/**
 * A bare library value as wppconnect-server's `res.json(value)` sends it: JSON even when it is a
 * string, a number or a boolean (koa would send a string as text/plain).
 */
export function raw(value: unknown, status = 200): RouteReply {
  return { status, body: JSON.stringify(value ?? null), type: 'application/json' };
}

/**
 * wppconnect-server's info envelope (message-by-id, clear-chat, delete-chat, send-seen):
 * `201 {status:'Success', response:{message, contact, session, data}}`.
 */
export function information(session: string, contact: unknown, data: unknown): RouteReply {
  return {
    status: 201,
    body: {
      status: 'Success',
      response: { message: 'Information retrieved successfully.', contact, session, data },
    },
  };
}

/** The error half of the info envelope: `400 {status:'Error', response:{message, session, log}}`. */
export function informationError(session: string, error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return new HttpError(400, {
    status: 'Error',
    response: { message: 'Error retrieving information', session, log: errorMessage(error) },
  });
}

/**
 * Runs engine work and turns a failure into wppconnect-server's error body for that route (`body`,
 * plus `error`), with a 404/400 status when the engine says the input was wrong. HttpErrors (not
 * connected, not supported) pass through.
 */
export async function attempt<T>(
  work: () => Promise<T>,
  body: Record<string, unknown>,
  fallbackStatus = 500,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(statusForEngineError(error, fallbackStatus), { ...body, error: errorMessage(error) });
  }
}
