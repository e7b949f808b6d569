import path from 'node:path';
import { Counter, Gauge } from 'prom-client';
import { definePlugin, errorMessage, type PluginApi, type WppdEvent } from '../../core/index.ts';
import {
  hasMedia,
  isIgnored,
  messageId,
  toWebhook,
  type WebhookCall,
  type WebhookOptions,
  webhookBody,
} from './events.ts';
import { downloadMedia, MediaLinks } from './media.ts';
import { type DeliveryRecord, Outbox } from './outbox.ts';
import { deliveryRoutes } from './routes.ts';

export type { Deliverer, DeliveryOutcome, DeliveryRecord, EnqueueRequest, OutboxService } from './outbox.ts';

export interface WebhooksConfig extends WebhookOptions {
  url: string;
  secret: string;
  media: 'base64' | 'url';
  mediaUrlTtlMs: number;
  timeoutMs: number;
  retry: { initialDelayMs: number; maxDelayMs: number; giveUpAfterMs: number };
  retentionMs: number;
  pipelining: number;
}

const HOUR = 60 * 60 * 1000;
const flag = (doc: string, def: boolean, env: string) => ({ doc, format: Boolean, default: def, env });

/** Session-level settings read from the start-session body. */
interface SessionTarget {
  url: string;
  secret: string;
}

/** Per daemon (a process may hold several, e.g. in tests): keyed by the plugin's api object. */
const state = new WeakMap<object, { outbox: Outbox; links: MediaLinks }>();

export default definePlugin<WebhooksConfig>({
  name: 'webhooks',
  version: '1.0.0',
  core: '^1.0.0',
  config: {
    url: {
      doc: "Global webhook URL (a session's start-session `webhook` wins)",
      format: String,
      default: '',
      env: 'WEBHOOK_URL',
    },
    autoDownload: flag(
      'Inline received media as base64 in `body` (or a link, see media)',
      true,
      'WPPD_WEBHOOK_AUTO_DOWNLOAD',
    ),
    readMessage: flag(
      'Mark the chat read once the receiver accepted onmessage/unreadmessages',
      true,
      'WPPD_WEBHOOK_READ_MESSAGE',
    ),
    allUnreadOnStart: flag(
      'On connect, post every unread message as unreadmessages',
      false,
      'WPPD_WEBHOOK_ALL_UNREAD_ON_START',
    ),
    listenAcks: flag('Post onack', true, 'WPPD_WEBHOOK_LISTEN_ACKS'),
    onPresenceChanged: flag('Post onpresencechanged', true, 'WPPD_WEBHOOK_ON_PRESENCE_CHANGED'),
    onParticipantsChanged: flag('Post onparticipantschanged', true, 'WPPD_WEBHOOK_ON_PARTICIPANTS_CHANGED'),
    onReactionMessage: flag('Post onreactionmessage', true, 'WPPD_WEBHOOK_ON_REACTION_MESSAGE'),
    onPollResponse: flag('Post onpollresponse', true, 'WPPD_WEBHOOK_ON_POLL_RESPONSE'),
    onRevokedMessage: flag('Post onrevokedmessage', true, 'WPPD_WEBHOOK_ON_REVOKED_MESSAGE'),
    onLabelUpdated: flag('Post onupdatelabel', true, 'WPPD_WEBHOOK_ON_LABEL_UPDATED'),
    onSelfMessage: flag(
      'Post onselfmessage for messages sent by this account',
      false,
      'WPPD_WEBHOOK_ON_SELF_MESSAGE',
    ),
    ignore: {
      doc: 'Skip a webhook when its event name, data.from or data.type is listed',
      format: Array,
      default: ['status@broadcast'],
      env: 'WPPD_WEBHOOK_IGNORE',
    },
    secret: {
      doc: "Standard Webhooks signing secret (`whsec_<base64>`); a session's `webhookSecret` wins",
      format: String,
      default: '',
      env: 'WPPD_WEBHOOK_SECRET',
      sensitive: true,
    },
    media: {
      doc: 'With autoDownload: `base64` inlines media (compatible); `url` sends a signed, expiring fileUrl instead',
      format: ['base64', 'url'],
      default: 'base64',
      env: 'WPPD_WEBHOOK_MEDIA',
    },
    mediaUrlTtlMs: {
      doc: 'How long a media link stays valid',
      format: 'nat',
      default: 24 * HOUR,
      env: 'WPPD_WEBHOOK_MEDIA_URL_TTL_MS',
    },
    timeoutMs: {
      doc: 'Timeout of one delivery attempt',
      format: 'nat',
      default: 10_000,
      env: 'WPPD_WEBHOOK_TIMEOUT_MS',
    },
    retry: {
      initialDelayMs: {
        doc: 'First retry delay (doubles each attempt, with jitter)',
        format: 'nat',
        default: 1_000,
        env: 'WPPD_WEBHOOK_RETRY_INITIAL_MS',
      },
      maxDelayMs: {
        doc: 'Longest retry delay',
        format: 'nat',
        default: 10 * 60 * 1000,
        env: 'WPPD_WEBHOOK_RETRY_MAX_MS',
      },
      giveUpAfterMs: {
        doc: 'Give a delivery up when it is older than this',
        format: 'nat',
        default: 24 * HOUR,
        env: 'WPPD_WEBHOOK_GIVE_UP_MS',
      },
    },
    retentionMs: {
      doc: 'Keep finished deliveries in the log this long',
      format: 'nat',
      default: 7 * 24 * HOUR,
      env: 'WPPD_WEBHOOK_RETENTION_MS',
    },
    pipelining: {
      // 64, not 16: under a burst the receiver's round trips wait behind the inbound requests on the
      // same event loop, and a window smaller than the inbound concurrency let the queue grow (the
      // bench's p99 went from ~1.4 s to ~70 ms at the same throughput).
      doc: 'Webhooks of one session in flight at once, sent in order on one pipelined connection (1 = one by one)',
      format: 'nat',
      default: 64,
      env: 'WPPD_WEBHOOK_PIPELINING',
    },
  },

  register(api) {
    const config = api.config;
    const box = new Outbox(
      path.join(api.dataDir, 'outbox.sqlite'),
      {
        timeoutMs: config.timeoutMs,
        initialDelayMs: config.retry.initialDelayMs,
        maxDelayMs: config.retry.maxDelayMs,
        giveUpAfterMs: config.retry.giveUpAfterMs,
        retentionMs: config.retentionMs,
        pipelining: config.pipelining,
      },
      api.log,
    );
    const attempts = new Counter({
      name: 'wppd_outbox_attempts_total',
      help: 'Outbox delivery attempts (webhooks and other plugins) by target and outcome',
      labelNames: ['target', 'outcome'],
      registers: [api.metrics],
    });
    box.onAttempt = (target, outcome) => attempts.inc({ target, outcome });
    new Gauge({
      name: 'wppd_outbox_pending',
      help: 'Deliveries waiting in the outbox, by target',
      labelNames: ['target'],
      registers: [api.metrics],
      collect() {
        this.reset();
        for (const { target, n } of box.pendingByTarget()) this.set({ target }, n);
      },
    });
    const links = new MediaLinks(path.join(api.dataDir, 'media-link.key'));
    state.set(api, { outbox: box, links });
    const known = new Map<string, SessionTarget>();

    /** The session's webhook target, remembered so events after logout (config gone) still find it. */
    const targetOf = (session: string): SessionTarget | undefined => {
      const stored = api.sessions.get(session)?.config;
      if (stored) {
        const url = typeof stored.webhook === 'string' && stored.webhook ? stored.webhook : config.url;
        const secret =
          typeof stored.webhookSecret === 'string' && stored.webhookSecret
            ? stored.webhookSecret
            : config.secret;
        known.set(session, { url, secret });
      }
      const target = known.get(session) ?? { url: config.url, secret: config.secret };
      return target.url ? target : undefined;
    };

    const post = (session: string, call: WebhookCall, id: string, dedupeKey?: string) => {
      if (isIgnored(call, config.ignore)) return;
      const target = targetOf(session);
      if (!target) return;
      const body = webhookBody(session, call);
      const meta: Record<string, unknown> = {};
      const msgId = messageId(call.data);
      if (config.autoDownload && hasMedia(call.data) && msgId) {
        if (config.media === 'url')
          body.fileUrl = `${api.core.publicUrl}/webhooks/media/${links.token(session, msgId, Date.now() + config.mediaUrlTtlMs)}`;
        else meta.inlineMedia = msgId;
      }
      if (config.readMessage && (call.name === 'onmessage' || call.name === 'unreadmessages')) {
        const chatId = call.data.from ?? call.data.chatId;
        if (typeof chatId === 'string') meta.sendSeen = chatId;
      }
      box.enqueue({
        session,
        target: 'webhook',
        url: target.url,
        body,
        id,
        event: call.name,
        secret: target.secret,
        meta,
        dedupeKey,
      });
    };

    api.on('*', (event: WppdEvent) => {
      const call = toWebhook(event, config);
      if (call) post(event.session, call, event.id);
      if (event.name === 'session-logged' && config.allUnreadOnStart) void postUnread(event.session);
    });

    async function postUnread(name: string): Promise<void> {
      const session = api.sessions.get(name);
      if (!session?.supports('getAllUnreadMessages')) return;
      try {
        const messages = (await session.engine('getAllUnreadMessages')()) as unknown as Record<
          string,
          unknown
        >[];
        for (const message of messages) {
          const id = messageId(message);
          post(
            name,
            { name: 'unreadmessages', data: message },
            `evt_unread_${id ?? crypto.randomUUID()}`,
            id ? `unread:${name}:${id}` : undefined,
          );
        }
      } catch (error) {
        api.log.warn({ session: name, err: errorMessage(error) }, 'could not list unread messages');
      }
    }

    // Media is fetched when the row is sent, never in the hook: the engine call is I/O.
    box.setWindow('webhook', Math.max(1, config.pipelining));
    box.registerDeliverer('webhook', async (record, signal) => {
      const inline = record.meta.inlineMedia;
      if (typeof inline !== 'string') return box.send(record, signal);
      const payload = JSON.parse(record.body) as Record<string, unknown>;
      try {
        const session = api.sessions.get(record.session);
        if (!session) throw new Error('session unknown');
        const media = await downloadMedia(session, inline, payload);
        payload.body = media.base64;
        if (!payload.mimetype && media.mimetype) payload.mimetype = media.mimetype;
      } catch (error) {
        // Deliver the event anyway: a lost session must not hold up the session's queue for a day.
        payload.mediaError = errorMessage(error);
      }
      return box.send({ ...record, body: JSON.stringify(payload) }, signal);
    });

    box.onDelivered('webhook', (record: DeliveryRecord) => {
      const chatId = record.meta.sendSeen;
      if (typeof chatId !== 'string' || !config.readMessage) return;
      const session = api.sessions.get(record.session);
      if (!session?.isConnected || !session.supports('sendSeen')) return;
      void session
        .engine('sendSeen')(chatId)
        .catch((error: unknown) =>
          api.log.warn({ session: record.session, err: errorMessage(error) }, 'sendSeen failed'),
        );
    });

    api.provide('outbox', () => box);
    // The outbox commits once per event-loop turn: answers wait for it, so an answered request's
    // events (and calls other plugins enqueued) are stored.
    api.beforeAnswer(() => box.committed());
    for (const route of deliveryRoutes(box, links, async (name, id) => {
      const session = api.sessions.get(name);
      if (!session) throw new Error('session unknown');
      return downloadMedia(session, id);
    }))
      api.route(route);
  },

  start(api: PluginApi<WebhooksConfig>) {
    const own = state.get(api);
    if (!own) throw new Error('webhooks: start without register');
    own.links.load();
    own.outbox.open();
    api.log.debug({ pending: own.outbox.pendingCount() }, 'webhook outbox open');
  },

  async stop(api) {
    await state.get(api)?.outbox.close();
  },
});
