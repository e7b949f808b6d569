import { HttpError, type RouteDefinition, type RouteSchemas, Type } from '../../core/index.ts';
import type { MediaLinks } from './media.ts';
import type { DeliveryRecord, Outbox } from './outbox.ts';

const TAGS = ['Webhooks'];
const SessionParams = Type.Object({ session: Type.String() });

const Delivery = Type.Object({
  id: Type.String({ description: 'The webhook-id: the same on every attempt and redelivery' }),
  event: Type.Union([Type.String(), Type.Null()], { description: 'Webhook event name' }),
  target: Type.String({ description: '`webhook`, or another plugin that delivers through the outbox' }),
  url: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last attempt' }),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deliveredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  cursor: Type.Integer({ description: 'Pass as `before` to get older deliveries' }),
});

function view(record: DeliveryRecord, withBody: boolean) {
  return {
    id: record.id,
    event: record.event,
    target: record.target,
    url: record.url,
    status: record.status,
    attempts: record.attempts,
    lastStatus: record.lastStatus,
    lastError: record.lastError,
    createdAt: new Date(record.createdAt).toISOString(),
    nextAttemptAt: record.status === 'pending' ? new Date(record.nextAt).toISOString() : null,
    deliveredAt: record.deliveredAt ? new Date(record.deliveredAt).toISOString() : null,
    cursor: record.seq,
    ...(withBody ? { body: record.body } : {}),
  };
}

function parseSince(value: string): number {
  const asNumber = Number(value);
  const time = Number.isFinite(asNumber) && value.trim() !== '' ? asNumber : Date.parse(value);
  if (Number.isNaN(time))
    throw new HttpError(400, {
      status: 'error',
      message: '`since` must be an ISO date or epoch milliseconds',
    });
  return time;
}

export type MediaSource = (
  session: string,
  messageId: string,
) => Promise<{ base64: string; mimetype?: string }>;

export function deliveryRoutes(
  outbox: Outbox,
  media: MediaLinks,
  download: MediaSource,
): RouteDefinition<RouteSchemas>[] {
  const route = <S extends RouteSchemas>(definition: RouteDefinition<S>) =>
    definition as unknown as RouteDefinition<RouteSchemas>;
  return [
    route({
      method: 'GET',
      path: '/api/:session/webhooks/deliveries',
      summary: 'Recent webhook deliveries of the session',
      description:
        'Newest first: status (pending, delivered, failed), attempts, the last HTTP status and error. Page with `before=<cursor>`.',
      tags: TAGS,
      auth: 'token',
      schema: {
        params: SessionParams,
        query: Type.Object({
          status: Type.Optional(
            Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
          ),
          target: Type.Optional(Type.String()),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          before: Type.Optional(Type.Integer({ minimum: 1 })),
        }),
        responses: {
          200: {
            description: 'Deliveries',
            schema: Type.Object({ status: Type.Literal('success'), response: Type.Array(Delivery) }),
          },
        },
      },
      handler: ({ sessionName, query }) => ({
        body: {
          status: 'success',
          response: outbox
            .list({
              session: sessionName,
              status: query.status,
              target: query.target,
              limit: query.limit,
              beforeSeq: query.before,
            })
            .map((r) => view(r, false)),
        },
      }),
    }),
    route({
      method: 'GET',
      path: '/api/:session/webhooks/deliveries/:id',
      summary: 'One delivery, with the body that is sent',
      tags: TAGS,
      auth: 'token',
      schema: { params: Type.Object({ session: Type.String(), id: Type.String() }) },
      handler: ({ sessionName, params }) => {
        const record = outbox.get(sessionName, params.id);
        if (!record) throw new HttpError(404, { status: 'error', message: 'No such delivery' });
        return { body: { status: 'success', response: view(record, true) } };
      },
    }),
    route({
      method: 'POST',
      path: '/api/:session/webhooks/deliveries/:id/redeliver',
      summary: 'Deliver one event again',
      description:
        'Puts the delivery back in the queue (any status) with its original webhook-id, ahead of newer events.',
      tags: TAGS,
      auth: 'token',
      schema: { params: Type.Object({ session: Type.String(), id: Type.String() }) },
      handler: ({ sessionName, params }) => {
        if (!outbox.redeliver(sessionName, params.id))
          throw new HttpError(404, { status: 'error', message: 'No such delivery' });
        return { status: 202, body: { status: 'success', response: { id: params.id, queued: 1 } } };
      },
    }),
    route({
      method: 'POST',
      path: '/api/:session/webhooks/redeliver-failed',
      summary: 'Deliver again every failed event since a time',
      tags: TAGS,
      auth: 'token',
      schema: {
        params: SessionParams,
        body: Type.Object({
          since: Type.Union([Type.String(), Type.Number()], {
            description: 'ISO date or epoch milliseconds',
          }),
          target: Type.Optional(Type.String({ description: 'Only this target (default: all)' })),
        }),
      },
      handler: ({ sessionName, body }) => {
        const queued = outbox.redeliverFailed(sessionName, parseSince(String(body.since)), body.target);
        return { status: 202, body: { status: 'success', response: { queued } } };
      },
    }),
    route({
      method: 'GET',
      path: '/webhooks/media/:token',
      summary: 'Media of a webhook message (signed, expiring link)',
      description:
        'The `fileUrl` of webhook payloads when WPPD_WEBHOOK_MEDIA=url. No token needed: the link itself is signed and expires (WPPD_WEBHOOK_MEDIA_URL_TTL_MS).',
      tags: TAGS,
      auth: 'none',
      schema: {
        params: Type.Object({ token: Type.String() }),
        responses: { 200: { description: 'The media file', contentType: 'application/octet-stream' } },
      },
      handler: async ({ params }) => {
        const link = media.verify(params.token);
        if (!link) throw new HttpError(404, { status: 'error', message: 'Unknown or expired link' });
        const file = await download(link.session, link.messageId);
        return {
          type: file.mimetype ?? 'application/octet-stream',
          headers: { 'cache-control': 'private, max-age=300' },
          body: Buffer.from(file.base64, 'base64'),
        };
      },
    }),
  ];
}
