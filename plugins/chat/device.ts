import { type PluginApi, Type } from '../../core/index.ts';
import { attempt, MessageIdSegment, raw, SessionParams, success } from './shared.ts';

/** The limits WhatsApp Web lets a client change (the library's setLimit keys). */
const LIMIT_KEYS = [
  'maxMediaSize',
  'maxFileSize',
  'maxShare',
  'statusVideoMaxDuration',
  'unlimitedPin',
] as const;

/** The device and the session's own account: battery, host, number, calls, screenshot, limits. */
export function registerDeviceRoutes(api: PluginApi<object>): void {
  const tags = ['Misc'];

  api.route({
    method: 'GET',
    path: '/api/:session/get-battery-level',
    summary: "The phone's battery level",
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      const level = await attempt(() => session.engine('getBatteryLevel')(), {
        status: 'error',
        message: 'Error retrieving battery status',
      });
      return { body: { status: 'Success', response: level } };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/host-device',
    summary: 'The host device (connection attributes) and the phone number',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      const response = await attempt(
        async () => ({
          ...(await session.engine('getHostDevice')()),
          phoneNumber: await session.engine('getWid')(),
        }),
        { status: 'error', message: 'Erro ao recuperar dados do telefone' },
      );
      return { body: { status: 'success', response, mapper: 'device' } };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/get-phone-number',
    summary: "The session's own id (<number>@c.us)",
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      const wid = await attempt(() => session.engine('getWid')(), {
        status: 'error',
        message: 'Error retrieving phone number',
      });
      return { body: { status: 'success', response: wid, mapper: 'device' } };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/get-platform-from-message/:messageId',
    summary: 'The platform that sent a message: android, iphone, web or unknown',
    description: 'Answers the bare string, as wppconnect-server does.',
    tags,
    auth: 'token',
    schema: { params: Type.Object({ session: Type.String(), messageId: MessageIdSegment }) },
    handler: async ({ session, params }) => {
      const platform = await attempt(() => session.engine('getPlatformFromMessage')(params.messageId), {
        status: 'error',
        message: 'Error on get get platform from message',
      });
      return raw(platform);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/reject-call',
    summary: 'Reject an incoming call (without callId: the one ringing)',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        callId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\w.:-]+$' })),
      }),
    },
    handler: async ({ session, body }) =>
      success(
        await attempt(() => session.engine('rejectCall')(body.callId), {
          status: 'error',
          message: 'Error on rejectCall',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/take-screenshot',
    summary: 'A screenshot of the session (a base64 PNG, as a bare JSON string)',
    tags,
    auth: 'token',
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      const screenshot = await attempt(() => session.engine('takeScreenshot')(), {
        status: false,
        message: 'Error on take screenshot or not implemented yet',
      });
      return raw(screenshot);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/set-limit',
    summary: "Change one of WhatsApp Web's limits",
    description:
      'maxMediaSize / maxFileSize (bytes), maxShare, statusVideoMaxDuration (seconds) take a number; unlimitedPin a boolean. Needs the session token (wppconnect-server left this route open). Answers the new value, bare.',
    tags,
    auth: 'token',
    schema: {
      params: SessionParams,
      body: Type.Object({
        type: Type.Union(LIMIT_KEYS.map((key) => Type.Literal(key))),
        // One `type` list, not a union: ajv would coerce true → 1 in a number branch of anyOf.
        value: Type.Unsafe<number | boolean>({
          type: ['number', 'boolean'],
          description: 'A number or a boolean',
        }),
      }),
    },
    handler: async ({ session, body }) => {
      const wantsBoolean = body.type === 'unlimitedPin';
      if (
        wantsBoolean ? typeof body.value !== 'boolean' : !(typeof body.value === 'number' && body.value > 0)
      )
        return {
          status: 400,
          body: {
            status: 'error',
            message: `${body.type} takes ${wantsBoolean ? 'a boolean' : 'a positive number'}`,
          },
        };
      const result = await attempt(() => session.engine('setLimit')(body.type, body.value), {
        status: false,
        message: 'Error on set limit',
      });
      return raw(result);
    },
  });
}
