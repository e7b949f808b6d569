import type { WppdEvent } from '../../core/index.ts';

/** The webhook options, with wppconnect-server's names and defaults (behaviour §D `webhook.*`). */
export interface WebhookOptions {
  autoDownload: boolean;
  readMessage: boolean;
  allUnreadOnStart: boolean;
  listenAcks: boolean;
  onPresenceChanged: boolean;
  onParticipantsChanged: boolean;
  onReactionMessage: boolean;
  onPollResponse: boolean;
  onRevokedMessage: boolean;
  onLabelUpdated: boolean;
  onSelfMessage: boolean;
  ignore: string[];
}

export interface WebhookCall {
  /** wppconnect-server's webhook event name. */
  name: string;
  data: Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * Maps a bus event to the webhook wppconnect-server would post for it (behaviour §E), or undefined
 * when it posts none (or an option turns it off). Filtering by `ignore` is separate (isIgnored).
 */
export function toWebhook(event: WppdEvent, options: WebhookOptions): WebhookCall | undefined {
  const payload = asRecord(event.payload);
  switch (event.name) {
    case 'qrcode':
      return { name: 'qrcode', data: { qrcode: payload.qrcode, urlcode: payload.urlcode } };
    case 'phoneCode':
      return { name: 'phoneCode', data: { phoneCode: payload.phoneCode, phone: payload.phone } };
    case 'status-find':
      return { name: 'status-find', data: { status: payload.status } };
    case 'onmessage':
      return { name: 'onmessage', data: payload };
    case 'onanymessage':
      return options.onSelfMessage && payload.fromMe === true
        ? { name: 'onselfmessage', data: payload }
        : undefined;
    case 'location':
    case 'incomingcall':
    case 'closesession':
    case 'logoutsession':
      return { name: event.name, data: payload };
    case 'onack':
      return options.listenAcks ? { name: 'onack', data: payload } : undefined;
    case 'onpresencechanged':
      return options.onPresenceChanged ? { name: event.name, data: payload } : undefined;
    case 'onparticipantschanged':
      return options.onParticipantsChanged ? { name: event.name, data: payload } : undefined;
    case 'onreactionmessage':
      return options.onReactionMessage ? { name: event.name, data: payload } : undefined;
    case 'onpollresponse':
      return options.onPollResponse ? { name: event.name, data: payload } : undefined;
    case 'onrevokedmessage':
      return options.onRevokedMessage ? { name: event.name, data: payload } : undefined;
    case 'onupdatelabel':
      return options.onLabelUpdated ? { name: event.name, data: payload } : undefined;
    default:
      return undefined;
  }
}

/** wppconnect-server skips a webhook when `ignore` lists its event name, `data.from` or `data.type`. */
export function isIgnored(call: WebhookCall, ignore: readonly string[]): boolean {
  if (ignore.length === 0) return false;
  const { from, type } = call.data;
  return (
    ignore.includes(call.name) ||
    (typeof from === 'string' && ignore.includes(from)) ||
    (typeof type === 'string' && ignore.includes(type))
  );
}

/** Whether a message payload carries media that autoDownload would inline. */
export function hasMedia(data: Record<string, unknown>): boolean {
  return Boolean(data.mimetype || data.isMedia || data.isMMS);
}

/** The message id as a string (`id` may be a string or `{_serialized}`). */
export function messageId(data: Record<string, unknown>): string | undefined {
  const id = data.id;
  if (typeof id === 'string') return id;
  const serialized = asRecord(id)._serialized;
  return typeof serialized === 'string' ? serialized : undefined;
}

/** The payload body: `{event, session, ...data}`; the data is spread last, as wppconnect-server does. */
export function webhookBody(session: string, call: WebhookCall): Record<string, unknown> {
  return { event: call.name, session, ...call.data };
}
