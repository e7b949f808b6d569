import { contactToArray, httpError, type PluginApi, Type } from '../../core/index.ts';
import { attempt, SessionParams, success } from './shared.ts';

/** Presence: watching contacts' presence and setting one's own. Token-only routes, as in wppconnect-server. */
export function registerPresenceRoutes(api: PluginApi<object>): void {
  api.route({
    method: 'POST',
    path: '/api/:session/subscribe-presence',
    summary: 'Receive onpresencechanged for contacts or groups (all=true: every contact, or every group)',
    tags: ['Misc'],
    auth: 'token',
    schema: {
      params: SessionParams,
      body: Type.Object({
        phone: Type.Optional(
          Type.Union([
            Type.String({ minLength: 1, maxLength: 10_000 }),
            Type.Array(Type.String(), { maxItems: 1000 }),
          ]),
        ),
        isGroup: Type.Optional(Type.Boolean({ default: false })),
        all: Type.Optional(Type.Boolean({ default: false })),
      }),
    },
    handler: async ({ session, body }) => {
      const ids = body.all ? [] : contactToArray({ phone: body.phone, isGroup: body.isGroup });
      if (!body.all && ids.length === 0) throw httpError(400, 'Send phone (one or more ids) or all=true');
      await attempt(
        async () => {
          const subscribePresence = session.engine('subscribePresence');
          if (!body.all) {
            for (const id of ids) await subscribePresence(id);
            return;
          }
          const everyone = body.isGroup
            ? (await session.engine('getAllGroups')(false)).map((group) => group.id._serialized)
            : (await session.engine('getAllContacts')()).map((contact) => String(contact.id));
          if (everyone.length) await subscribePresence(everyone);
        },
        { status: 'error', message: 'Error on subscribe presence' },
      );
      return success({ message: 'Subscribe presence executed' });
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/set-online-presence',
    summary: 'Show this session as online (isOnline=true) or offline',
    tags: ['Misc'],
    auth: 'token',
    schema: {
      params: SessionParams,
      body: Type.Object({ isOnline: Type.Optional(Type.Boolean({ default: true })) }),
    },
    handler: async ({ session, body }) => {
      await attempt(() => session.engine('setOnlinePresence')(body.isOnline ?? true), {
        status: 'error',
        message: 'Error on set online presence',
      });
      return success({ message: 'Set Online Presence Successfully' });
    },
  });
}
