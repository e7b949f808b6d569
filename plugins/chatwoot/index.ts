import path from 'node:path';
import {
  type DeliveryOutcome,
  type DeliveryRecord,
  definePlugin,
  errorMessage,
  HttpError,
  httpError,
  NOT_CONNECTED_BODY,
  type OutboxService,
  type PluginApi,
  Type,
} from '../../core/index.ts';
import { authorizeCallback, signatureValid } from './callback-auth.ts';
import { SendTracker } from './send-tracker.ts';
import {
  type BridgeSettings,
  type ChatwootConfig,
  configSchema,
  resolveSettings,
  sessionChatwoot,
} from './settings.ts';
import { BridgeStore } from './store.ts';
import { type ChatwootJob, type DeliveryStatus, ToChatwoot } from './to-chatwoot.ts';
import { judgeWebhook, type SendJob, statusOfAck, ToWhatsApp } from './to-whatsapp.ts';
import { idOf, toBridged } from './whatsapp-message.ts';

/** Outbox lanes: Chatwoot API calls, and sends to WhatsApp (separate, so one cannot hold up the other). */
const TO_CHATWOOT = 'chatwoot';
const TO_WHATSAPP = 'chatwoot-send';

const RECEIVED = { status: 'success', message: 'Success on  receive chatwoot' } as const;

/** Per daemon (a process may run several in tests): what start() opens and stop() closes. */
interface Running {
  store: BridgeStore;
  /** Forgets message ids past the retention period, hourly. */
  pruneTimer: NodeJS.Timeout;
  outbox: OutboxService;
  toChatwoot: ToChatwoot;
  toWhatsApp: ToWhatsApp;
  /** Aborted on stop, so no delivery outlives the store. */
  stopping: AbortController;
  inFlight: Set<Promise<DeliveryOutcome>>;
}

export default definePlugin<ChatwootConfig>({
  name: 'chatwoot',
  version: '1.0.0',
  core: '^1.0.0',
  dependencies: ['webhooks'],
  config: configSchema,

  register(api: PluginApi<ChatwootConfig>) {
    let running: Running | undefined;
    const tracker = new SendTracker();
    /** Last settings seen per session, so events after a logout (config gone) still find their inbox. */
    const lastSettings = new Map<string, BridgeSettings>();
    const warned = new Set<string>();

    const settingsOf = (session: string): BridgeSettings | { missing: string } => {
      const stored = api.sessions.get(session)?.config;
      if (!stored) return lastSettings.get(session) ?? { missing: 'the session is unknown' };
      const settings = resolveSettings(session, stored, api.config);
      if ('missing' in settings) {
        if (sessionChatwoot(stored) && !warned.has(session)) {
          warned.add(session);
          api.log.warn(
            { session, missing: settings.missing },
            'chatwoot settings incomplete: the session is not bridged',
          );
        }
        return settings;
      }
      lastSettings.set(session, settings);
      return settings;
    };
    /** Settings of a bridged session, for hooks (undefined: not bridged, or not started yet). */
    const bridged = (session: string) => {
      if (!running) return undefined;
      const settings = settingsOf(session);
      return 'missing' in settings ? undefined : settings;
    };

    const enqueueChatwoot = (
      settings: BridgeSettings,
      job: ChatwootJob,
      key: string,
      event: string,
      where: { method: string; path: string },
    ) => {
      if (!running) return;
      try {
        running.outbox.enqueue({
          session: settings.session,
          target: TO_CHATWOOT,
          method: where.method,
          url: `${settings.baseURL}/api/v1/accounts/${settings.accountId}${where.path}`,
          body: job,
          dedupeKey: `chatwoot:${settings.scope}:${key}`,
          event,
        });
      } catch (error) {
        api.log.error(
          { session: settings.session, event, err: errorMessage(error) },
          'chatwoot: could not queue',
        );
      }
    };

    const reportStatus = (
      settings: BridgeSettings,
      cwId: number,
      conversationId: number,
      status: DeliveryStatus,
      error?: string,
    ) => {
      if (running && !running.toChatwoot.takesStatuses(settings.baseURL)) return;
      enqueueChatwoot(
        settings,
        { kind: 'message-status', cwId, conversationId, status, ...(error ? { error } : {}) },
        `status:${cwId}:${status}`,
        `message-status:${status}`,
        { method: 'PATCH', path: `/conversations/${conversationId}/messages/${cwId}` },
      );
    };

    /** An ack of a message the bridge sent for Chatwoot: report the new level once. */
    const onAck = (settings: BridgeSettings, waId: string, ack: number) => {
      if (!settings.reportStatus || !running) return;
      const sent = running.store.sentByBridge(settings.scope, waId);
      const status = statusOfAck(ack);
      if (!sent || !status || !running.store.raiseStatusLevel(settings.scope, waId, status.level)) return;
      reportStatus(settings, sent.cwId, sent.conversationId, status.status);
    };

    const mirror = (session: string, payload: unknown, event: string) => {
      const settings = bridged(session);
      if (!settings || !running) return;
      const message = toBridged(payload as never, settings.groups);
      if (!message) return;
      if (message.fromMe && running.store.chatwootIdOf(settings.scope, message.id) !== undefined) return;
      enqueueChatwoot(settings, { kind: 'message', message }, `wa:${message.id}`, event, {
        method: 'POST',
        path: '/conversations',
      });
    };

    api.on('onmessage', (event) => mirror(event.session, event.payload, 'onmessage'));
    api.on('onanymessage', (event) => {
      if (event.payload.fromMe !== true) return;
      const settings = bridged(event.session);
      if (settings?.mirrorFromMe) mirror(event.session, event.payload, 'onselfmessage');
    });
    api.on('onack', (event) => {
      const settings = bridged(event.session);
      const waId = idOf((event.payload as { id?: unknown }).id);
      const ack = (event.payload as { ack?: unknown }).ack;
      if (settings && waId && typeof ack === 'number') onAck(settings, waId, ack);
    });
    // A message revoked on WhatsApp leaves Chatwoot too. The row looks its copy up when it is sent
    // (a copy still waiting in the lane is posted first); the URL shown in the delivery log is the
    // copy's when it is known already.
    api.on('onrevokedmessage', (event) => {
      const settings = bridged(event.session);
      const waId = idOf((event.payload as { refId?: unknown }).refId);
      if (!settings || !waId || !running) return;
      const copy = running.store.mirrorOf(settings.scope, waId);
      enqueueChatwoot(settings, { kind: 'delete-message', waId }, `revoked:${waId}`, 'onrevokedmessage', {
        method: 'DELETE',
        path: copy ? `/conversations/${copy.conversationId}/messages/${copy.cwId}` : `/messages/WAID:${waId}`,
      });
    });
    api.on('qrcode', (event) => {
      const settings = bridged(event.session);
      if (!settings?.sendQrCode) return;
      enqueueChatwoot(
        settings,
        { kind: 'qrcode', qrcode: event.payload.qrcode },
        `qr:${event.payload.urlcode}`,
        'qrcode',
        {
          method: 'POST',
          path: '/conversations',
        },
      );
    });
    api.on('status-find', (event) => {
      const settings = bridged(event.session);
      if (!settings?.sendStatus) return;
      enqueueChatwoot(
        settings,
        { kind: 'status', status: event.payload.status },
        `status-find:${event.id}`,
        'status-find',
        {
          method: 'POST',
          path: '/conversations',
        },
      );
    });

    api.route({
      method: 'POST',
      // The path may carry `<session>:<token>`; the route also accepts Chatwoot's signature instead.
      path: '/api/:session/chatwoot',
      summary: 'Chatwoot webhook: agent messages go out to WhatsApp',
      description: [
        "Set as the Chatwoot API inbox's webhook URL: `/api/<session>:<token>/chatwoot`, or `/api/<session>/chatwoot`",
        'with the inbox secret configured (`chatWoot.secret`) so Chatwoot signs each call (X-Chatwoot-Signature).',
        'Answers at once and sends in the background (Chatwoot marks a message failed after 5 s): only public',
        '`message_created` of type `outgoing` not created by this bridge, text and every attachment, each Chatwoot',
        'message once; such a message deleted in Chatwoot (`message_updated`, `content_attributes.deleted`) is',
        'revoked on WhatsApp. Delivery problems are in the delivery log (`GET /api/:session/webhooks/deliveries`).',
        'Differences from wppconnect-server: the route is authenticated, a session that is not connected gets 404 at',
        'once instead of a hanging request, and replays are not sent twice.',
      ].join(' '),
      tags: ['Misc', 'Chatwoot'],
      auth: 'self',
      jsonLimit: '5mb',
      rawBody: true,
      schema: {
        params: Type.Object({
          session: Type.String({ description: '`<session>` or `<session>:<token>`' }),
        }),
        body: Type.Object({}, { additionalProperties: true, description: "Chatwoot's webhook payload" }),
        responses: {
          200: {
            description: 'Received: queued for WhatsApp, or nothing to send (then `ignored` says why)',
            schema: Type.Object({
              status: Type.Literal('success'),
              message: Type.String(),
              queued: Type.Boolean(),
              ignored: Type.Optional(Type.String()),
            }),
          },
          400: {
            description: 'Chatwoot is not configured for the session, or the payload names no recipient',
          },
          401: { description: 'No valid token and no valid X-Chatwoot-Signature' },
          404: { description: 'The session is not connected' },
        },
      },
      handler: async ({ params, body, ctx, presentedToken }) => {
        const { session } = params;
        const found = settingsOf(session);
        const settings = 'missing' in found ? undefined : found;
        await authorizeCallback({
          session,
          token: presentedToken,
          signature: ctx.get('x-chatwoot-signature') || undefined,
          verifyToken: (name, value) => api.credentials.verifySessionToken(name, value),
          verifySignature: (signature) =>
            Boolean(settings?.secret) &&
            signatureValid({
              secret: settings?.secret ?? '',
              signature,
              timestamp: ctx.get('x-chatwoot-timestamp'),
              rawBody: (ctx.request as { rawBody?: string }).rawBody,
              body,
              toleranceSeconds: api.config.signatureToleranceSeconds,
            }),
        });
        if (!settings || !running)
          throw httpError(
            400,
            `Chatwoot is not configured for session ${session}: ${'missing' in found ? found.missing : 'the plugin is not started'}`,
          );
        const { store, outbox } = running;
        const verdict = judgeWebhook(body, settings, (id) => store.chatOfConversation(settings.scope, id));
        switch (verdict.action) {
          case 'ignore':
            return { body: { ...RECEIVED, queued: false, ignored: verdict.reason } };
          case 'conversation-status':
            store.setConversationOpen(settings.scope, verdict.conversationId, verdict.open);
            return { body: { ...RECEIVED, queued: false, ignored: 'conversation status noted' } };
          case 'refuse':
            throw new HttpError(400, {
              status: 'error',
              message: 'Error on  receive chatwoot',
              error: verdict.message,
            });
          case 'revoke':
          case 'send': {
            const { job } = verdict;
            const revoke = verdict.action === 'revoke';
            if (
              revoke ? store.isDeleted(settings.scope, job.cwId) : store.isHandled(settings.scope, job.cwId)
            )
              return {
                body: { ...RECEIVED, queued: false, ignored: revoke ? 'already deleted' : 'already sent' },
              };
            if (!api.sessions.get(session)?.isConnected) throw new HttpError(404, NOT_CONNECTED_BODY);
            // Sends and revokes share the session's lane: a revoke never overtakes its message.
            const queued = outbox.enqueue({
              session,
              target: TO_WHATSAPP,
              method: 'POST',
              url: `whatsapp:${job.to}`,
              body: job,
              dedupeKey: `chatwoot:${settings.scope}:${revoke ? 'cw-deleted' : 'cw'}:${job.cwId}`,
              event: revoke ? 'message_updated' : 'message_created',
            });
            return {
              body: {
                ...RECEIVED,
                queued: !queued.duplicate,
                ...(queued.duplicate ? { ignored: 'already received' } : {}),
              },
            };
          }
        }
      },
    });

    // Deliverers are registered now, before the webhooks plugin starts its outbox: pending rows of a
    // previous run are kicked as soon as it opens, and must never go out as plain HTTP posts.
    const outbox = api.resolve<OutboxService>('outbox');
    const guarded =
      (deliver: (run: Running, record: DeliveryRecord, signal: AbortSignal) => Promise<DeliveryOutcome>) =>
      async (record: DeliveryRecord, signal: AbortSignal): Promise<DeliveryOutcome> => {
        const run = running;
        if (!run) return { ok: false, retry: true, error: 'the chatwoot plugin is not running' };
        const work = deliver(run, record, AbortSignal.any([signal, run.stopping.signal]));
        run.inFlight.add(work);
        try {
          return await work;
        } finally {
          run.inFlight.delete(work);
        }
      };
    outbox.registerDeliverer(
      TO_CHATWOOT,
      guarded((run, record, signal) => run.toChatwoot.deliver(record, signal)),
    );
    outbox.registerDeliverer(
      TO_WHATSAPP,
      guarded((run, record, signal) => run.toWhatsApp.deliver(record, signal)),
    );

    lifecycle.set(api, {
      start() {
        const store = new BridgeStore(path.join(api.dataDir, 'chatwoot.sqlite'));
        const toChatwoot = new ToChatwoot({
          store,
          sessions: api.sessions,
          tracker,
          log: api.log,
          settingsOf,
          requestTimeoutMs: api.config.requestTimeoutMs,
        });
        const toWhatsApp = new ToWhatsApp({
          store,
          sessions: api.sessions,
          tracker,
          log: api.log,
          settingsOf,
          attachmentTimeoutMs: api.config.attachmentTimeoutMs,
          attachmentMaxBytes: api.config.attachmentMaxBytes,
          report: (settings, waId, job: SendJob, ack, error) => {
            if (!settings.reportStatus) return;
            const status = statusOfAck(ack);
            if (!status) return;
            if (waId && !store.raiseStatusLevel(settings.scope, waId, status.level)) return;
            reportStatus(settings, job.cwId, job.conversationId, status.status, error);
          },
        });
        // Per-message rows are forgotten after the retention period, checked at start and hourly.
        const prune = () => {
          const removed = store.prune(Date.now() - api.config.retentionDays * 24 * 60 * 60 * 1000);
          if (removed > 0) api.log.info({ removed }, 'chatwoot: forgot message ids past retention');
        };
        prune();
        const pruneTimer = setInterval(prune, 60 * 60 * 1000);
        pruneTimer.unref();
        running = {
          store,
          pruneTimer,
          outbox,
          toChatwoot,
          toWhatsApp,
          stopping: new AbortController(),
          inFlight: new Set(),
        };
      },
      // Calls in flight are aborted (their rows stay pending and are retried after a restart), then
      // the store closes: the outbox itself stops later, after this plugin.
      async stop() {
        const run = running;
        running = undefined;
        if (!run) return;
        clearInterval(run.pruneTimer);
        run.stopping.abort();
        await Promise.allSettled([...run.inFlight]);
        run.store.close();
      },
    });
  },

  start(api) {
    const own = lifecycle.get(api);
    if (!own) throw new Error('chatwoot: start without register');
    own.start();
  },

  async stop(api) {
    await lifecycle.get(api)?.stop();
  },
});

/** Per daemon (the plugin object is shared by every daemon in a process): start and stop of register's state. */
const lifecycle = new WeakMap<object, { start(): void; stop(): Promise<void> }>();
