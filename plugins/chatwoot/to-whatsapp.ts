import {
  type DeliveryOutcome,
  type DeliveryRecord,
  errorMessage,
  HttpError,
  type Logger,
  type SessionsView,
} from '../../core/index.ts';
import type { SendTracker } from './send-tracker.ts';
import type { BridgeSettings } from './settings.ts';
import type { BridgeStore } from './store.ts';
import { idOf, safeFileName } from './whatsapp-message.ts';

/** A Chatwoot message to send to WhatsApp: the row of the `chatwoot-send` outbox lane. */
export interface SendJob {
  cwId: number;
  conversationId: number;
  to: string;
  content: string;
  attachments: { url: string; fileType: string }[];
  inReplyTo?: number;
}

/**
 * An agent deleted a message of theirs in Chatwoot that this bridge sent: it is revoked on
 * WhatsApp. It goes through the same lane as the sends, so it never overtakes its own message.
 */
export interface RevokeJob {
  revoke: true;
  cwId: number;
  conversationId: number;
  to: string;
}

/** A row of the `chatwoot-send` lane (rows written before revokes existed are all SendJobs). */
export type WhatsAppJob = SendJob | RevokeJob;

/** What a webhook from Chatwoot asks for (reference/chatwoot-api.md §3–4). */
export type WebhookVerdict =
  | { action: 'ignore'; reason: string }
  | { action: 'conversation-status'; conversationId: number; open: boolean }
  | { action: 'send'; job: SendJob }
  | { action: 'revoke'; job: RevokeJob }
  | { action: 'refuse'; message: string };

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const PERSON = /^\d{5,20}@(c\.us|lid)$/;
const GROUP = /^\d{5,20}(-\d{5,20})?@g\.us$/;

/** A WhatsApp chat id from Chatwoot data, or undefined when it is not a plausible one. */
function chatFrom(value: unknown, groups: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().replace(/^WAID:/, '');
  if (PERSON.test(trimmed) || (groups && GROUP.test(trimmed))) return trimmed;
  const digits = trimmed.replace(/^\+/, '');
  return /^\d{5,20}$/.test(digits) ? `${digits}@c.us` : undefined;
}

/**
 * An attachment URL on the configured Chatwoot host only. `data_url` is built from Chatwoot's
 * FRONTEND_URL, which the daemon may not reach; like wppconnect-server, the `/rails/…` part is
 * fetched from `baseURL` instead — and nothing is ever fetched from another host.
 */
export function attachmentUrl(dataUrl: unknown, baseURL: string): string | undefined {
  if (typeof dataUrl !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(dataUrl);
  } catch {
    return undefined;
  }
  const base = new URL(baseURL);
  if (url.origin === base.origin) return url.href;
  const at = url.pathname.indexOf('/rails/');
  if (at < 0) return undefined;
  return `${baseURL}${url.pathname.slice(at)}${url.search}`;
}

/**
 * Decides what to do with a webhook. Only a public `message_created` of type `outgoing` that this
 * bridge did not create itself (no `source_id`) is sent, and the same message deleted in Chatwoot
 * (`message_updated` with `content_attributes.deleted`) is revoked; conversation status changes
 * only update which conversation new WhatsApp messages go to.
 */
export function judgeWebhook(
  payload: Json,
  settings: BridgeSettings,
  chatOfConversation: (id: number) => string | undefined,
): WebhookVerdict {
  const event = String(payload.event ?? '');
  if (
    event === 'conversation_status_changed' ||
    event === 'conversation_resolved' ||
    event === 'conversation_opened' ||
    event === 'conversation_updated'
  ) {
    const id = positiveInt(payload.id);
    const status = payload.status;
    if (id === undefined || typeof status !== 'string') return { action: 'ignore', reason: event };
    return { action: 'conversation-status', conversationId: id, open: status !== 'resolved' };
  }
  const attributes = record(payload.content_attributes);
  const deletion = event === 'message_updated' && attributes.deleted === true;
  if (event !== 'message_created' && !deletion)
    return { action: 'ignore', reason: `event ${event || '(none)'}` };
  if (payload.message_type !== 'outgoing' && payload.message_type !== 1)
    return { action: 'ignore', reason: 'not an outgoing message' };
  if (payload.private === true || payload.is_private === true)
    return { action: 'ignore', reason: 'private note' };
  if (typeof payload.source_id === 'string' && payload.source_id !== '')
    return { action: 'ignore', reason: 'created by this bridge (source_id set)' };
  if (attributes.deleted === true && !deletion) return { action: 'ignore', reason: 'deleted message' };

  const cwId = positiveInt(payload.id);
  const conversation = record(payload.conversation);
  const conversationId = positiveInt(conversation.id);
  if (cwId === undefined || conversationId === undefined)
    return { action: 'refuse', message: 'The webhook has no message id or conversation id' };
  const sender = record(record(conversation.meta).sender);
  const to =
    chatOfConversation(conversationId) ??
    chatFrom(record(conversation.contact_inbox).source_id, settings.groups) ??
    chatFrom(sender.phone_number, settings.groups) ??
    chatFrom(sender.identifier, settings.groups);
  if (!to)
    return {
      action: 'refuse',
      message: 'No WhatsApp recipient: the contact has no phone number or WhatsApp identifier',
    };
  if (deletion) return { action: 'revoke', job: { revoke: true, cwId, conversationId, to } };
  const attachments: SendJob['attachments'] = [];
  for (const raw of Array.isArray(payload.attachments) ? payload.attachments : []) {
    const attachment = record(raw);
    const url = attachmentUrl(attachment.data_url, settings.baseURL);
    if (!url)
      return { action: 'refuse', message: 'An attachment has no URL on the configured Chatwoot host' };
    attachments.push({ url, fileType: String(attachment.file_type ?? 'file') });
  }
  const content = typeof payload.content === 'string' ? payload.content : '';
  if (!content.trim() && attachments.length === 0) return { action: 'ignore', reason: 'nothing to send' };
  const inReplyTo = positiveInt(attributes.in_reply_to);
  return {
    action: 'send',
    job: { cwId, conversationId, to, content, attachments, ...(inReplyTo ? { inReplyTo } : {}) },
  };
}

/** WhatsApp's delivery levels as Chatwoot statuses: the level only ever goes up. */
export function statusOfAck(
  ack: number,
): { status: 'delivered' | 'read' | 'failed'; level: number } | undefined {
  if (ack < 0) return { status: 'failed', level: 9 };
  if (ack === 2) return { status: 'delivered', level: 2 };
  if (ack >= 3) return { status: 'read', level: 3 };
  return undefined;
}

export interface ToWhatsAppDeps {
  store: BridgeStore;
  sessions: SessionsView;
  tracker: SendTracker;
  log: Logger;
  settingsOf(session: string): BridgeSettings | { missing: string };
  attachmentTimeoutMs: number;
  attachmentMaxBytes: number;
  /** Reports a delivery status to Chatwoot (through the `chatwoot` lane). */
  report(settings: BridgeSettings, waId: string | undefined, job: SendJob, ack: number, error?: string): void;
}

class SendFailure extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

interface DownloadedFile {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

interface Part {
  kind: 'text' | 'file' | 'voice';
  url?: string;
  /** The text of a text part; the caption of a file. */
  caption?: string;
}

/** The WhatsApp messages one Chatwoot message becomes: every attachment, and the text once. */
function partsOf(job: SendJob): Part[] {
  const parts: Part[] = job.attachments.map((a) => ({
    kind: a.fileType === 'audio' ? 'voice' : 'file',
    url: a.url,
  }));
  const captioned = parts.find((p) => p.kind === 'file');
  if (job.content.trim()) {
    if (captioned) captioned.caption = job.content;
    else parts.unshift({ kind: 'text', caption: job.content });
  }
  return parts;
}

/**
 * Chatwoot → WhatsApp: delivers the `chatwoot-send` lane. Each part that went out is stored, so a
 * retry (or a restart) continues where it stopped instead of sending parts twice; a fully sent
 * Chatwoot message is marked handled, so a replayed webhook sends nothing.
 */
export class ToWhatsApp {
  constructor(private readonly deps: ToWhatsAppDeps) {}

  async deliver(record: DeliveryRecord, signal: AbortSignal): Promise<DeliveryOutcome> {
    const settings = this.deps.settingsOf(record.session);
    if ('missing' in settings)
      return {
        ok: false,
        retry: false,
        error: `Chatwoot is not configured for this session: ${settings.missing}`,
      };
    const parsed = JSON.parse(record.body) as WhatsAppJob;
    if ('revoke' in parsed) return this.revoke(record, settings, parsed);
    const job = parsed;
    const { store } = this.deps;
    if (store.isHandled(settings.scope, job.cwId)) return { ok: true };
    let lastAck = 0;
    let lastWaId: string | undefined;
    try {
      const parts = partsOf(job);
      for (const [index, part] of parts.entries()) {
        if (store.sentPart(settings.scope, job.cwId, index) !== undefined) continue;
        const quoted =
          index === 0 && job.inReplyTo ? store.whatsappIdOf(settings.scope, job.inReplyTo) : undefined;
        // Downloaded before the send is tracked: mirrors of the session's own messages wait only
        // for the send itself, not for a slow download. Nothing is downloaded for an offline session.
        this.connected(record.session);
        const file = part.url ? await this.download(part.url, signal) : undefined;
        const done = this.deps.tracker.begin(record.session);
        try {
          const result = await this.sendPart(record.session, job.to, part, file, quoted);
          const ack = typeof result.ack === 'number' ? result.ack : 1;
          const waId = idOf(result.id);
          if (ack < 0) {
            // Remember it anyway: the engine reports the failed message as fromMe too, and it must
            // not come back to Chatwoot as a copy of the agent's message.
            if (waId) store.saveMessage(settings.scope, waId, job.cwId, job.conversationId, false);
            throw new SendFailure(`WhatsApp reported the message as failed (ack ${ack})`, false);
          }
          if (!waId) throw new SendFailure('the engine returned no message id', false);
          store.savePart(settings.scope, job.cwId, index, waId, job.conversationId);
          lastAck = ack;
          lastWaId = waId;
        } finally {
          done();
        }
      }
      store.markHandled(settings.scope, job.cwId);
      if (lastAck >= 2) this.deps.report(settings, lastWaId, job, lastAck);
      return { ok: true };
    } catch (error) {
      const failure = this.failure(record, job.cwId, error, 'sending a Chatwoot message to WhatsApp');
      if (!failure.retry) this.deps.report(settings, undefined, job, -1, failure.error);
      return failure;
    }
  }

  /** Revokes, for everyone, the WhatsApp messages a deleted Chatwoot message went out as. */
  private async revoke(
    record: DeliveryRecord,
    settings: BridgeSettings,
    job: RevokeJob,
  ): Promise<DeliveryOutcome> {
    const { store } = this.deps;
    // Deleted from WhatsApp's side first (the bridge then deleted it in Chatwoot): nothing to revoke.
    if (store.isDeleted(settings.scope, job.cwId)) return { ok: true };
    const sent = store.partsSent(settings.scope, job.cwId);
    try {
      if (sent.length > 0) await this.connected(record.session).engine('deleteMessage')(job.to, sent, false);
      store.markDeleted(settings.scope, job.cwId);
      return { ok: true };
    } catch (error) {
      return this.failure(record, job.cwId, error, 'revoking a deleted Chatwoot message on WhatsApp');
    }
  }

  /** A send or revoke that failed: logged, and retried only when waiting can help (the session is away). */
  private failure(record: DeliveryRecord, cwId: number, error: unknown, what: string) {
    const retry = error instanceof SendFailure ? error.retry : isNotConnected(error);
    const message = errorMessage(error);
    this.deps.log.warn(
      { session: record.session, id: record.id, cwId, err: message, retry },
      `${what} failed`,
    );
    return { ok: false as const, retry, error: message };
  }

  private async sendPart(
    sessionName: string,
    to: string,
    part: Part,
    file: DownloadedFile | undefined,
    quoted: string | undefined,
  ): Promise<{ ack?: unknown; id?: unknown }> {
    const session = this.connected(sessionName);
    if (part.kind === 'text' || !file) {
      return (await session.engine('sendText')(to, part.caption ?? '', {
        ...(quoted ? { quotedMsg: quoted } : {}),
      })) as unknown as { ack?: unknown; id?: unknown };
    }
    const dataUrl = `data:${file.mimetype};base64,${file.bytes.toString('base64')}`;
    if (part.kind === 'voice')
      return (await session.engine('sendPttFromBase64')(to, dataUrl, file.filename, undefined, quoted)) as {
        ack?: unknown;
        id?: unknown;
      };
    return (await session.engine('sendFile')(to, dataUrl, {
      filename: file.filename,
      ...(part.caption ? { caption: part.caption } : {}),
      ...(quoted ? { quotedMsg: quoted } : {}),
    })) as unknown as { ack?: unknown; id?: unknown };
  }

  /** The session, if it is connected; otherwise the row waits for it (retried later). */
  private connected(sessionName: string) {
    const session = this.deps.sessions.get(sessionName);
    if (!session?.isConnected) throw new SendFailure('the session is not connected', true);
    return session;
  }

  /** Downloads an attachment from the Chatwoot host, bounded in time and size. */
  private async download(url: string, signal: AbortSignal): Promise<DownloadedFile> {
    const timeout = AbortSignal.timeout(this.deps.attachmentTimeoutMs);
    const max = this.deps.attachmentMaxBytes;
    let response: Response;
    try {
      // No api_access_token: ActiveStorage links are signed, and a redirect may lead to object storage.
      response = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: 'follow' });
    } catch (error) {
      throw new SendFailure(
        `attachment ${url}: ${timeout.aborted ? `timed out after ${this.deps.attachmentTimeoutMs} ms` : errorMessage(error)}`,
        true,
      );
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const retry = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new SendFailure(`attachment ${url}: HTTP ${response.status}`, retry);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > max) {
      await response.body?.cancel().catch(() => undefined);
      throw new SendFailure(`attachment ${url}: larger than ${max} bytes`, false);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body ?? []) {
        size += chunk.length;
        if (size > max) throw new SendFailure(`attachment ${url}: larger than ${max} bytes`, false);
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      if (error instanceof SendFailure) throw error;
      throw new SendFailure(`attachment ${url}: ${errorMessage(error)}`, true);
    }
    if (size === 0) throw new SendFailure(`attachment ${url}: empty`, false);
    const mimetype =
      (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]?.trim() ||
      'application/octet-stream';
    return { bytes: Buffer.concat(chunks), mimetype, filename: fileNameOf(response.url || url) };
  }
}

/** The last path segment, decoded and made safe, as the WhatsApp file name. */
function fileNameOf(url: string): string {
  const last = new URL(url).pathname.split('/').pop() ?? '';
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  return safeFileName(name) || 'file';
}

/** The session went away between the webhook and the send: the message waits for it. */
function isNotConnected(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404;
}
