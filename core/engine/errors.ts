import { errorMessage, HttpError } from '../errors.ts';

/**
 * wa-js error codes (carried as `error.code` by the library's errors, and by the sandbox's) that mean
 * WhatsApp refused the request: they deserve a clear 4xx, not a 500.
 */
const STATUS_BY_CODE: Record<string, number> = {
  group_you_are_not_admin: 403,
  you_not_group_admin: 403,
  you_are_not_allowed_set_group_property: 403,
  you_are_not_allowed_set_group_subject: 403,
  you_are_not_allowed_set_group_description: 403,
  group_you_are_restricted_member: 403,
  newsletter_subscribers_require_admin: 403,
  group_not_exist: 404,
  not_a_group: 404,
  not_a_community: 404,
  chat_not_found: 404,
  msg_not_found: 404,
  invalid_invite_code: 404,
  participant_not_exists: 400,
  group_participant_is_not_a_group_member: 400,
  group_participant_not_found: 400,
  incorrect_type: 400,
};

/**
 * The HTTP status an engine error deserves: an HttpError keeps its own; by its wa-js code when it has
 * a known one; else 404 when the thing asked for does not exist, 400 when WhatsApp refused the input
 * as invalid; else `fallback` (the route's wppconnect-server status, usually 500).
 */
export function statusForEngineError(error: unknown, fallback: number): number {
  // Already an answer: the core's own (a 504 for an engine call that did not settle in time).
  if (error instanceof HttpError) return error.status;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STATUS_BY_CODE[code]) return STATUS_BY_CODE[code];
  const text = `${typeof code === 'string' ? code : ''} ${errorMessage(error)}`;
  if (/not_found|not_exist|\bnot found\b|does not exist/i.test(text)) return 404;
  if (/\binvalid_|_limit_reached\b|\binvalid\b/i.test(text)) return 400;
  return fallback;
}
