import path from 'node:path';
import { definePlugin, httpError, openSqlite, Type } from '../../core/index.ts';
import { SandboxEngine } from './adapter.ts';
import { ringIncomingCall } from './client/device.ts';
import { existsOnNetwork, SandboxNetwork, userOf } from './network.ts';

interface SandboxConfig {
  autoscanMs: number;
}

const SessionParams = Type.Object({ session: Type.String() });

/**
 * The sandbox engine: a simulated WhatsApp network inside the daemon (WPPD_ENGINE=sandbox). Its
 * control routes (scan, inbound, fail-next) exist only when it is the selected engine.
 */
export default definePlugin<SandboxConfig>({
  name: 'engine-sandbox',
  version: '1.0.0',
  core: '^1.0.0',
  config: {
    autoscanMs: {
      doc: 'The simulated phone scans the QR after this many ms (0 = only through sandbox/scan)',
      format: 'nat',
      default: 1000,
      env: 'WPPD_SANDBOX_AUTOSCAN_MS',
    },
  },
  register(api) {
    const db = openSqlite(path.join(api.dataDir, 'network.sqlite'));
    // A simulated network: surviving a process kill (WAL) is enough; without fsyncs at checkpoints,
    // which with synchronous=NORMAL stalled a send every few hundred messages.
    db.pragma('synchronous = OFF');
    const network = new SandboxNetwork(db);
    api.onStop(() => {
      network.writeMessages();
      db.close();
    });
    const engine = new SandboxEngine(network, api.config.autoscanMs);
    api.provideEngine(engine);
    api.provide('network', () => network);
    if (api.core.engine !== 'sandbox') return;

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/scan',
      summary: 'Sandbox: the phone scans the QR code (or enters the pairing code) now',
      tags: ['Sandbox'],
      auth: 'token',
      schema: { params: SessionParams },
      handler: ({ sessionName }) => {
        if (!engine.scan(sessionName))
          throw httpError(409, 'No QR code or pairing code is waiting for this session');
        return { body: { status: 'success', response: { connected: true } } };
      },
    });

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/inbound',
      summary: 'Sandbox: the session receives a message from a number',
      description:
        'When `from` is the number of another session of this daemon, that session sends it (both see it); otherwise it comes from an outside contact.',
      tags: ['Sandbox'],
      auth: 'token',
      connected: true,
      schema: {
        params: SessionParams,
        body: Type.Object({
          from: Type.String({ minLength: 1, maxLength: 64, description: 'Sender number' }),
          body: Type.String({ maxLength: 65_536 }),
          pushname: Type.Optional(Type.String({ maxLength: 100 })),
        }),
      },
      handler: ({ session, body }) => {
        const phone = network.phone(session.name);
        if (!phone) throw httpError(409, 'The sandbox phone of this session is not running');
        const fromNumber = userOf(body.from);
        if (!existsOnNetwork(fromNumber))
          throw httpError(400, `The number ${fromNumber} does not exist on the network`);
        const sender = network.phoneByNumber(fromNumber);
        const message = sender
          ? network.send(sender, phone.wid, { type: 'chat', body: body.body })
          : network.receiveFromOutside(phone, fromNumber, body.pushname ?? `+${fromNumber}`, {
              type: 'chat',
              body: body.body,
            });
        return { status: 201, body: { status: 'success', response: message } };
      },
    });

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/vote',
      summary: 'Sandbox: the session votes on a poll it received (or sent)',
      description:
        'The poll creator and the other recipients get `onpollresponse`; get-votes shows the vote. Options by index (0-based) or by name.',
      tags: ['Sandbox'],
      auth: 'token',
      connected: true,
      schema: {
        params: SessionParams,
        body: Type.Object({
          messageId: Type.String({
            minLength: 1,
            maxLength: 300,
            description: 'The poll, as this session knows it',
          }),
          selectedOptions: Type.Array(
            Type.Union([Type.Integer({ minimum: 0 }), Type.String({ maxLength: 300 })]),
            {
              maxItems: 100,
            },
          ),
        }),
      },
      handler: ({ session, body }) => {
        const phone = network.phone(session.name);
        if (!phone) throw httpError(409, 'The sandbox phone of this session is not running');
        const poll = network.getMessage(session.name, body.messageId) as
          | { type: string; pollOptions?: { name: string }[] }
          | undefined;
        if (poll?.type !== 'poll_creation') throw httpError(404, 'Poll not found');
        const indexes = body.selectedOptions.map((option) =>
          typeof option === 'number' ? option : (poll.pollOptions ?? []).findIndex((o) => o.name === option),
        );
        try {
          network.vote(phone, body.messageId, indexes);
        } catch (error) {
          throw httpError(400, (error as Error).message);
        }
        return {
          body: { status: 'success', response: { messageId: body.messageId, selectedOptions: indexes } },
        };
      },
    });

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/incoming-call',
      summary: 'Sandbox: the session receives a call from a number',
      description: 'The session gets the `incomingcall` event; reject-call with the returned id rejects it.',
      tags: ['Sandbox'],
      auth: 'token',
      connected: true,
      schema: {
        params: SessionParams,
        body: Type.Object({
          from: Type.String({ minLength: 1, maxLength: 64, description: 'Caller number' }),
          isVideo: Type.Optional(Type.Boolean({ default: false })),
        }),
      },
      handler: ({ session, body }) => {
        const phone = network.phone(session.name);
        if (!phone) throw httpError(409, 'The sandbox phone of this session is not running');
        const fromNumber = userOf(body.from);
        if (!existsOnNetwork(fromNumber))
          throw httpError(400, `The number ${fromNumber} does not exist on the network`);
        const call = ringIncomingCall(network, phone, fromNumber, body.isVideo ?? false);
        return { status: 201, body: { status: 'success', response: call } };
      },
    });

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/live-location',
      summary: 'Sandbox: a contact shares its live location with the session',
      description:
        "The session gets the `location` event (the library's onLiveLocation), as when a contact starts (`enable`), moves (`update`) or stops (`disable`) sharing.",
      tags: ['Sandbox'],
      auth: 'token',
      connected: true,
      schema: {
        params: SessionParams,
        body: Type.Object({
          from: Type.String({ minLength: 1, maxLength: 64, description: "The sharing contact's number" }),
          type: Type.Optional(
            Type.Union([Type.Literal('enable'), Type.Literal('update'), Type.Literal('disable')], {
              default: 'update',
            }),
          ),
          lat: Type.Number({ minimum: -90, maximum: 90 }),
          lng: Type.Number({ minimum: -180, maximum: 180 }),
          speed: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
          accuracy: Type.Optional(Type.Number({ minimum: 0 })),
          degrees: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
          shareDuration: Type.Optional(Type.Integer({ minimum: 0, description: 'Seconds; `enable` only' })),
        }),
      },
      handler: ({ session, body }) => {
        const phone = network.phone(session.name);
        if (!phone) throw httpError(409, 'The sandbox phone of this session is not running');
        const fromNumber = userOf(body.from);
        if (!existsOnNetwork(fromNumber))
          throw httpError(400, `The number ${fromNumber} does not exist on the network`);
        const type = body.type ?? 'update';
        const location = {
          type,
          id: `${fromNumber}@c.us`,
          lat: body.lat,
          lng: body.lng,
          speed: body.speed ?? 0,
          ...(body.accuracy !== undefined ? { accuracy: body.accuracy } : {}),
          ...(body.degrees !== undefined ? { degrees: body.degrees } : {}),
          ...(type === 'enable' && body.shareDuration !== undefined
            ? { shareDuration: body.shareDuration }
            : {}),
        };
        network.emit(phone, 'location', location);
        return { status: 201, body: { status: 'success', response: location } };
      },
    });

    api.route({
      method: 'POST',
      path: '/api/:session/sandbox/fail-next',
      summary: 'Sandbox: make the next sends to a number fail (ack -1)',
      tags: ['Sandbox'],
      auth: 'token',
      schema: {
        params: SessionParams,
        body: Type.Object({
          phone: Type.String({ minLength: 1, maxLength: 64 }),
          count: Type.Integer({ minimum: 0, maximum: 1000, default: 1 }),
        }),
      },
      handler: ({ body }) => {
        network.setFailNext(userOf(body.phone), body.count);
        return { body: { status: 'success', response: { phone: userOf(body.phone), failNext: body.count } } };
      },
    });
  },
});
