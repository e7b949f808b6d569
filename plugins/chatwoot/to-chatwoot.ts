import {
  type DeliveryOutcome,
  type DeliveryRecord,
  errorMessage,
  type Logger,
  type SessionsView,
} from '../../core/index.ts';
import { ChatwootClient, ChatwootError } from './client.ts';
import type { SendTracker } from './send-tracker.ts';
import type { BridgeSettings } from './settings.ts';
import type { BridgeStore, StoredContact } from './store.ts';
import { attachmentName, type BridgedMessage, chatwootContent } from './whatsapp-message.ts';

/** The rows of the `chatwoot` outbox lane: everything that calls the Chatwoot API. */
export type ChatwootJob =
  | { kind: 'message'; message: BridgedMessage }
  | { kind: 'qrcode'; qrcode: string }
  | { kind: 'status'; status: string }
  | { kind: 'message-status'; cwId: number; conversationId: number; status: DeliveryStatus; error?: string }
  /** A WhatsApp message was revoked: its Chatwoot copy goes too (looked up when the row is sent). */
  | { kind: 'delete-message'; waId: string };

export type DeliveryStatus = 'delivered' | 'read' | 'failed';

/** The `source_id` marker of messages this bridge created (reference §4): webhooks with it are echoes. */
export const SOURCE_PREFIX = 'WAID:';

interface ChatwootContact {
  id: number;
  phone_number?: string | null;
  identifier?: string | null;
  contact_inboxes?: { source_id?: string; inbox?: { id?: number } }[];
}

interface ChatwootConversation {
  id: number;
  inbox_id?: number;
  status?: string;
}

export interface ToChatwootDeps {
  store: BridgeStore;
  sessions: SessionsView;
  tracker: SendTracker;
  log: Logger;
  settingsOf(session: string): BridgeSettings | { missing: string };
  requestTimeoutMs: number;
}

/** A step that cannot work now but may later (session offline): the row is retried. */
class RetryLater extends Error {}

/** Brazilian mobiles exist with and without the 9th digit: `55DD9XXXXXXXX` ⇔ `55DDXXXXXXXX`. */
export function phoneVariants(digits: string): string[] {
  const variants = [digits];
  if (digits.startsWith('55') && digits.length === 13 && digits[4] === '9')
    variants.push(digits.slice(0, 4) + digits.slice(5));
  if (digits.startsWith('55') && digits.length === 12 && /[6-9]/.test(digits[4] ?? ''))
    variants.push(`${digits.slice(0, 4)}9${digits.slice(4)}`);
  return variants;
}

/**
 * WhatsApp → Chatwoot: delivers the `chatwoot` lane of the outbox. A message goes into its contact's
 * open conversation in the inbox (contact found by exact phone, either Brazilian form, or identifier
 * — else created; conversation reused while open — else created), carrying `WAID:<id>` as
 * source_id, and the WhatsApp ↔ Chatwoot ids are stored so nothing is posted twice.
 */
export class ToChatwoot {
  /** Chatwoot hosts that answered that they lack the message-status endpoint (older versions). */
  private readonly noStatusEndpoint = new Set<string>();

  constructor(private readonly deps: ToChatwootDeps) {}

  /** False once the host answered that it has no message-status route: nothing more is queued for it. */
  takesStatuses(baseURL: string): boolean {
    return !this.noStatusEndpoint.has(baseURL);
  }

  async deliver(record: DeliveryRecord, signal: AbortSignal): Promise<DeliveryOutcome> {
    const settings = this.deps.settingsOf(record.session);
    if ('missing' in settings)
      return {
        ok: false,
        retry: false,
        error: `Chatwoot is not configured for this session: ${settings.missing}`,
      };
    const job = JSON.parse(record.body) as ChatwootJob;
    const client = new ChatwootClient(settings, this.deps.requestTimeoutMs);
    try {
      switch (job.kind) {
        case 'message':
          await this.postMessage(settings, client, job.message, signal);
          break;
        case 'qrcode':
          await this.postAsPhone(settings, client, 'leia o qrCode', signal, {
            bytes: Buffer.from(job.qrcode.replace(/^data:[^,]*,/, ''), 'base64'),
            mimetype: 'image/png',
            filename: 'qrcode.png',
          });
          break;
        case 'status':
          await this.postAsPhone(settings, client, `wppconnect status: ${job.status}`, signal);
          break;
        case 'message-status':
          return await this.reportStatus(settings, client, job, signal);
        case 'delete-message':
          await this.deleteMessage(settings, client, job.waId, signal);
          break;
      }
      return { ok: true };
    } catch (error) {
      const outcome: DeliveryOutcome =
        error instanceof ChatwootError
          ? { ok: false, retry: error.retry, error: error.message, status: error.status }
          : { ok: false, retry: error instanceof RetryLater, error: errorMessage(error) };
      this.deps.log.warn(
        {
          session: record.session,
          id: record.id,
          event: record.event,
          err: outcome.error,
          retry: outcome.retry,
        },
        'chatwoot delivery failed',
      );
      return outcome;
    }
  }

  private async postMessage(
    settings: BridgeSettings,
    client: ChatwootClient,
    message: BridgedMessage,
    signal: AbortSignal,
  ): Promise<void> {
    const { store } = this.deps;
    const { scope } = settings;
    if (message.fromMe) {
      // A message the bridge itself is sending to WhatsApp comes back as fromMe: wait until the
      // session's sends have stored their ids, then it is recognised below as the agent's own (no echo).
      await this.deps.tracker.idle(settings.session);
    }
    if (store.chatwootIdOf(scope, message.id) !== undefined) return;

    const attachment = message.media ? await this.downloadMedia(settings.session, message) : undefined;
    const contact = await this.ensureContact(settings, client, message.chat, message.contactName, signal);
    const conversationId = await this.ensureConversation(settings, client, message.chat, contact, signal);
    const sourceId = `${SOURCE_PREFIX}${message.id}`;

    // A previous attempt may have reached Chatwoot before the daemon stopped: look before posting again.
    const startedIn = store.postingStarted(scope, message.id);
    if (startedIn !== undefined) {
      const existing = await this.findBySourceId(client, startedIn, sourceId, signal);
      if (existing !== undefined) {
        store.posted(scope, message.id, existing, startedIn);
        return;
      }
    }
    store.startPosting(scope, message.id, conversationId);

    const inReplyTo = message.quotedMsgId ? store.chatwootIdOf(scope, message.quotedMsgId) : undefined;
    let content = chatwootContent(message);
    if (attachment && 'error' in attachment)
      content = `${content}\n(media not available: ${attachment.error})`.trim();
    const fields = {
      content,
      message_type: message.fromMe ? 'outgoing' : 'incoming',
      private: false,
      source_id: sourceId,
      ...(inReplyTo !== undefined ? { content_attributes: { in_reply_to: inReplyTo } } : {}),
    };
    let created: { id: number };
    try {
      created =
        attachment && !('error' in attachment)
          ? await client.call<{ id: number }>(
              'POST',
              `/conversations/${conversationId}/messages`,
              multipart(fields, attachment),
              signal,
            )
          : await client.call<{ id: number }>(
              'POST',
              `/conversations/${conversationId}/messages`,
              fields,
              signal,
            );
    } catch (error) {
      if (error instanceof ChatwootError && error.status === 404) {
        // The conversation was deleted in Chatwoot: open a new one on the next attempt.
        store.setConversationOpen(scope, conversationId, false);
        throw new ChatwootError(
          `${error.message} (the conversation is gone; a new one is opened next)`,
          true,
          404,
        );
      }
      throw error;
    }
    store.posted(scope, message.id, Number(created.id), conversationId);
  }

  /** Synthetic messages (QR codes, statuses) come from the pseudo contact `mobile_number`. */
  private async postAsPhone(
    settings: BridgeSettings,
    client: ChatwootClient,
    content: string,
    signal: AbortSignal,
    attachment?: Attachment,
  ): Promise<void> {
    const chat = `${settings.mobileNumber}@c.us`;
    const contact = await this.ensureContact(settings, client, chat, settings.mobileName, signal);
    const conversationId = await this.ensureConversation(settings, client, chat, contact, signal);
    const fields = { content, message_type: 'incoming', private: false };
    await client.call(
      'POST',
      `/conversations/${conversationId}/messages`,
      attachment ? multipart(fields, attachment) : fields,
      signal,
    );
  }

  /**
   * Deletes the Chatwoot copy of a revoked WhatsApp message. Looked up now, not when queued: a
   * message still waiting in this lane is posted first, then deleted. Nothing to do for a message
   * that was never mirrored, one already deleted from Chatwoot's side, or one Chatwoot no longer has.
   */
  private async deleteMessage(
    settings: BridgeSettings,
    client: ChatwootClient,
    waId: string,
    signal: AbortSignal,
  ): Promise<void> {
    const { store } = this.deps;
    const mirror = store.mirrorOf(settings.scope, waId);
    if (!mirror || store.isDeleted(settings.scope, mirror.cwId)) return;
    try {
      await client.call(
        'DELETE',
        `/conversations/${mirror.conversationId}/messages/${mirror.cwId}`,
        undefined,
        signal,
      );
    } catch (error) {
      if (!(error instanceof ChatwootError && error.status === 404)) throw error;
    }
    // Chatwoot now sends message_updated (deleted) for it: that notice must not revoke anything.
    store.markDeleted(settings.scope, mirror.cwId);
  }

  private async reportStatus(
    settings: BridgeSettings,
    client: ChatwootClient,
    job: Extract<ChatwootJob, { kind: 'message-status' }>,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    if (this.noStatusEndpoint.has(settings.baseURL))
      return { ok: false, retry: false, error: 'this Chatwoot version cannot take message statuses' };
    try {
      await client.call(
        'PATCH',
        `/conversations/${job.conversationId}/messages/${job.cwId}`,
        { status: job.status, ...(job.error ? { external_error: job.error } : {}) },
        signal,
      );
      return { ok: true };
    } catch (error) {
      // Older Chatwoot versions have no such route (404/405): report nothing more to this host.
      if (error instanceof ChatwootError && (error.status === 404 || error.status === 405))
        this.noStatusEndpoint.add(settings.baseURL);
      throw error;
    }
  }

  private async downloadMedia(
    sessionName: string,
    message: BridgedMessage,
  ): Promise<Attachment | { error: string }> {
    const session = this.deps.sessions.get(sessionName);
    if (!session?.isConnected)
      throw new RetryLater(
        'the session is not connected: its media is downloaded from WhatsApp when posting',
      );
    try {
      const dataUrl = await session.engine('downloadMedia')(message.id);
      const match = /^data:([^;,]+)?(?:;[^,]*)?,(.*)$/s.exec(dataUrl);
      const mimetype = match?.[1] ?? message.mimetype ?? 'application/octet-stream';
      const bytes = Buffer.from(match ? (match[2] ?? '') : dataUrl, 'base64');
      return { bytes, mimetype, filename: attachmentName(message, mimetype) };
    } catch (error) {
      // The message is posted anyway (with a note): a lost media file must not block the chat's lane.
      return { error: errorMessage(error) };
    }
  }

  private async ensureContact(
    settings: BridgeSettings,
    client: ChatwootClient,
    chat: string,
    name: string,
    signal: AbortSignal,
  ): Promise<StoredContact> {
    const { store } = this.deps;
    const known = store.contact(settings.scope, chat);
    if (known) return known;
    const user = chat.split('@')[0] ?? chat;
    const isPhone = chat.endsWith('@c.us') || chat.endsWith('@s.whatsapp.net');
    const phones = isPhone ? phoneVariants(user).map((digits) => `+${digits}`) : [];

    let found = await this.searchContact(
      client,
      chat,
      isPhone ? phoneVariants(user) : [user],
      phones,
      signal,
    );
    let sourceId: string | undefined;
    if (!found) {
      try {
        const created = await client.call<{
          payload?: { contact?: ChatwootContact; contact_inbox?: { source_id?: string } };
        }>(
          'POST',
          '/contacts',
          {
            inbox_id: settings.inboxId,
            name,
            identifier: chat,
            ...(isPhone ? { phone_number: `+${user}` } : {}),
          },
          signal,
        );
        found = created.payload?.contact;
        sourceId = created.payload?.contact_inbox?.source_id;
      } catch (error) {
        // 422: someone created it meanwhile (phone and identifier are unique): use that one.
        if (!(error instanceof ChatwootError && error.status === 422)) throw error;
        found = await this.searchContact(client, chat, [user], phones, signal);
        if (!found) throw error;
      }
      if (!found?.id) throw new ChatwootError('Chatwoot POST /contacts: the answer has no contact id', false);
    }
    sourceId ??= found.contact_inboxes?.find((link) => link.inbox?.id === settings.inboxId)?.source_id;
    if (!sourceId) {
      // A contact from another inbox: link it to ours, with the chat id as its source_id.
      const link = await client.call<{ source_id?: string }>(
        'POST',
        `/contacts/${found.id}/contact_inboxes`,
        { inbox_id: settings.inboxId, source_id: chat },
        signal,
      );
      sourceId = link.source_id ?? chat;
    }
    const contact = { contactId: Number(found.id), sourceId };
    store.saveContact(settings.scope, chat, contact);
    return contact;
  }

  /** Chatwoot's search is a substring match: keep only exact phone (or identifier) matches. */
  private async searchContact(
    client: ChatwootClient,
    chat: string,
    terms: string[],
    phones: string[],
    signal: AbortSignal,
  ): Promise<ChatwootContact | undefined> {
    for (const term of terms) {
      const result = await client.call<{ payload?: ChatwootContact[] }>(
        'GET',
        `/contacts/search?q=${encodeURIComponent(term)}`,
        undefined,
        signal,
      );
      const match = (result.payload ?? []).find(
        (contact) =>
          contact.identifier === chat || (contact.phone_number && phones.includes(contact.phone_number)),
      );
      if (match) return match;
    }
    return undefined;
  }

  private async ensureConversation(
    settings: BridgeSettings,
    client: ChatwootClient,
    chat: string,
    contact: StoredContact,
    signal: AbortSignal,
  ): Promise<number> {
    const { store } = this.deps;
    const known = store.openConversation(settings.scope, chat);
    if (known !== undefined) return known;
    let listed: { payload?: ChatwootConversation[] };
    try {
      listed = await client.call('GET', `/contacts/${contact.contactId}/conversations`, undefined, signal);
    } catch (error) {
      if (error instanceof ChatwootError && error.status === 404) {
        // The contact was deleted in Chatwoot: find or create it again on the next attempt.
        store.forgetContact(settings.scope, chat);
        throw new ChatwootError(
          `${error.message} (the contact is gone; it is looked up again next)`,
          true,
          404,
        );
      }
      throw error;
    }
    const open = (listed.payload ?? []).find(
      (conversation) => conversation.inbox_id === settings.inboxId && conversation.status !== 'resolved',
    );
    const id =
      open?.id ??
      (
        await client.call<{ id: number }>(
          'POST',
          '/conversations',
          {
            source_id: contact.sourceId,
            inbox_id: settings.inboxId,
            contact_id: contact.contactId,
            status: 'open',
          },
          signal,
        )
      ).id;
    store.saveConversation(settings.scope, chat, Number(id));
    return Number(id);
  }

  private async findBySourceId(
    client: ChatwootClient,
    conversationId: number,
    sourceId: string,
    signal: AbortSignal,
  ): Promise<number | undefined> {
    const listed = await client.call<{ payload?: { id: number; source_id?: string | null }[] }>(
      'GET',
      `/conversations/${conversationId}/messages`,
      undefined,
      signal,
    );
    return listed.payload?.find((message) => message.source_id === sourceId)?.id;
  }
}

interface Attachment {
  bytes: Buffer;
  mimetype: string;
  filename: string;
}

/** Chatwoot's file upload: the message fields plus one `attachments[]` part. */
function multipart(fields: Record<string, unknown>, attachment: Attachment): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value && typeof value === 'object')
      for (const [inner, innerValue] of Object.entries(value))
        form.append(`${key}[${inner}]`, String(innerValue));
    else form.append(key, String(value));
  }
  form.append(
    'attachments[]',
    new Blob([new Uint8Array(attachment.bytes)], { type: attachment.mimetype }),
    attachment.filename,
  );
  return form;
}
