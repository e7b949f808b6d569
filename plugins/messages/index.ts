import { definePlugin, Type } from '../../core/index.ts';
import { recipientFields } from './recipients.ts';
import { sendToEach, sent } from './send.ts';

const SessionParams = Type.Object({ session: Type.String() });

/** Message routes of wppconnect-server (tag Messages, Status Stories). */
export default definePlugin({
  name: 'messages',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    api.route({
      method: 'POST',
      path: '/api/:session/send-message',
      summary: 'Send a text message',
      tags: ['Messages'],
      auth: 'token',
      connected: true,
      recipients: true,
      schema: {
        params: SessionParams,
        body: Type.Object({
          ...recipientFields,
          message: Type.String({ maxLength: 65_536, description: 'The text' }),
          options: Type.Optional(
            Type.Object(
              {},
              { additionalProperties: true, description: 'sendText options: quotedMsg, mentionedList, …' },
            ),
          ),
        }),
        responses: { 201: { description: 'One result (the sent Message) per recipient' } },
      },
      handler: async ({ session, recipients, body }) => {
        const sendText = session.engine('sendText');
        const results = await sendToEach(recipients, (to) => sendText(to, body.message, body.options ?? {}));
        api.emit(session.name, 'message-sent', { route: 'send-message', results });
        return sent(results);
      },
    });
  },
});
