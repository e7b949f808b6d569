import { createHmac, timingSafeEqual } from 'node:crypto';
import { AUTH_ERRORS, HttpError } from '../../core/index.ts';

const BAD_SIGNATURE = { error: "The X-Chatwoot-Signature does not match this session's Chatwoot secret" };

/**
 * The JSON text Chatwoot signed, when the raw bytes are not available: Rails' `to_json` writes
 * compact JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped as \u sequences.
 */
function railsJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Verifies Chatwoot's webhook signature: `X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret,
 * "<X-Chatwoot-Timestamp>.<raw body>")>`, with the timestamp inside the replay window.
 */
export function signatureValid(options: {
  secret: string;
  signature: string;
  timestamp: string;
  rawBody: string | undefined;
  body: unknown;
  toleranceSeconds: number;
  now?: number;
}): boolean {
  const { secret, signature, timestamp } = options;
  if (!secret || !/^\d{1,12}$/.test(timestamp)) return false;
  const age = Math.abs((options.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > options.toleranceSeconds) return false;
  const given = signature.replace(/^sha256=/, '').toLowerCase();
  const candidates =
    options.rawBody !== undefined
      ? [options.rawBody]
      : [railsJson(options.body), JSON.stringify(options.body)];
  return candidates.some((text) =>
    sameHex(given, createHmac('sha256', secret).update(`${timestamp}.${text}`).digest('hex')),
  );
}

/**
 * Who may call the callback: the session's token (in the path as `<session>:<token>`, or as a
 * bearer header), or Chatwoot itself with a valid signature when the inbox secret is configured.
 * Everyone else gets wppconnect-server's 401 bodies.
 */
export async function authorizeCallback(options: {
  session: string;
  /** From `<session>:<token>` in the path or the Authorization header (the core's presentedToken). */
  token: string | undefined;
  signature: string | undefined;
  verifyToken(session: string, token: string): Promise<boolean>;
  verifySignature(signature: string): boolean;
}): Promise<void> {
  const { token } = options;
  if (token) {
    if (await options.verifyToken(options.session, token)) return;
    throw new HttpError(401, AUTH_ERRORS.badToken);
  }
  if (options.signature) {
    if (options.verifySignature(options.signature)) return;
    throw new HttpError(401, BAD_SIGNATURE);
  }
  throw new HttpError(401, AUTH_ERRORS.noToken);
}
