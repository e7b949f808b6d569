import { HttpError, Type } from '../../core/index.ts';
import type { MessagesContext } from './context.ts';
import {
  LibraryOptions,
  MessageId,
  MessageIds,
  Responses,
  recipientFields,
  SessionParams,
  Text,
} from './schemas.ts';
import { failedAck, orFail, sendError, success } from './send.ts';

const common = { tags: ['Messages'], auth: 'token' as const, connected: true };

const IdParams = Type.Object({ session: Type.String(), id: MessageId() });

/** Reading messages and acting on sent ones: edit, delete, react, forward, star, unread, disappearing. */
export function registerManageRoutes({ api }: MessagesContext): void {
  api.route({
    ...common,
    method: 'POST',
    path: '/api/:session/edit-message',
    summary: 'Edit the text of a message you sent',
    schema: {
      params: SessionParams,
      body: Type.Object({
        id: MessageId('The message to edit (yours)'),
        newText: Text('The new text'),
        options: LibraryOptions('editMessage options'),
      }),
      responses: {
        201: { description: '`{status:"success", response:<the edited message>, mapper:"return"}`' },
      },
    },
    handler: async ({ session, body }) => {
      let edited: unknown;
      try {
        edited = await session.engine('editMessage')(body.id, body.newText, body.options ?? {});
      } catch (error) {
        throw sendError(error);
      }
      api.emit(session.name, 'message-edited', { result: edited });
      return { status: 201, body: { status: 'success', response: edited, mapper: 'return' } };
    },
  });

  api.route({
    ...common,
    method: 'GET',
    path: '/api/:session/unread-messages',
    summary: 'Unread messages, by chat',
    schema: { params: SessionParams, responses: Responses.s200 },
    handler: async ({ session }) =>
      success(
        await orFail('Error on get unread messages', () =>
          session.engine('getUnreadMessages')(false, false, true),
        ),
      ),
  });

  api.route({
    ...common,
    method: 'GET',
    path: '/api/:session/get-messages/:phone',
    summary: 'Messages of a chat, paged',
    description: 'The chat id is used as given, so it needs its suffix (`5521999999999@c.us`, `…@g.us`).',
    schema: {
      params: Type.Object({
        session: Type.String(),
        phone: Type.String({ minLength: 1, maxLength: 100, description: 'Chat id, e.g. 5521999999999@c.us' }),
      }),
      query: Type.Object({
        count: Type.Integer({ minimum: -1, maximum: 100_000, default: 20, description: '-1 = all' }),
        direction: Type.Union([Type.Literal('before'), Type.Literal('after')], { default: 'before' }),
        id: Type.Optional(MessageId('Page from this message')),
      }),
      responses: Responses.s200,
    },
    handler: async ({ session, params, query }) => {
      try {
        const messages = await session.engine('getMessages')(params.phone, {
          count: query.count,
          direction: query.direction,
          id: query.id,
        });
        return success(messages);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new HttpError(401, {
          status: 'error',
          response: 'Error on open list',
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  });

  api.route({
    ...common,
    method: 'POST',
    recipients: true,
    path: '/api/:session/delete-message',
    summary: 'Delete messages, for everyone or only here',
    description:
      'Without `onlyLocal` the messages (yours) are revoked for everyone: the other side sees them deleted.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        messageId: MessageIds('Message id(s) in that chat'),
        onlyLocal: Type.Boolean({ default: false }),
        deleteMediaInDevice: Type.Boolean({ default: false }),
      }),
      responses: { 200: { description: "`{status:'success', response:{message:'Message deleted'}}`" } },
    },
    handler: async ({ session, recipients, body }) => {
      const deleteMessage = session.engine('deleteMessage');
      await orFail('Error on delete message', async () => {
        const done = await deleteMessage(
          recipients[0] as string,
          body.messageId,
          body.onlyLocal,
          body.deleteMediaInDevice,
        );
        if (done === false) throw new Error('WhatsApp did not delete the message');
      });
      return success({ message: 'Message deleted' });
    },
  });

  api.route({
    ...common,
    method: 'POST',
    path: '/api/:session/react-message',
    summary: 'React to a message with an emoji',
    description: 'An empty `reaction` (or `false`) removes your reaction.',
    schema: {
      params: SessionParams,
      body: Type.Object({
        msgId: MessageId(),
        reaction: Type.Union([Type.String({ maxLength: 32 }), Type.Literal(false)]),
      }),
      responses: { 200: { description: "`{status:'success', response:{message:'Reaction sended'}}`" } },
    },
    handler: async ({ session, body }) => {
      const react = session.engine('sendReactionToMessage');
      await orFail('Error on send reaction', () => react(body.msgId, body.reaction || false));
      return success({ message: 'Reaction sended' });
    },
  });

  api.route({
    ...common,
    method: 'POST',
    recipients: true,
    path: '/api/:session/forward-messages',
    summary: 'Forward messages to a chat',
    description: 'Only the first `phone` is used, as in wppconnect-server.',
    schema: {
      params: SessionParams,
      body: Type.Object({ ...recipientFields, messageId: MessageIds('Message id(s) to forward') }),
      responses: { 201: { description: "`{status:'success', response}`" } },
    },
    handler: async ({ session, recipients, body }) => {
      const forward = session.engine('forwardMessagesV2');
      const response = await orFail('Error forwarding message', () =>
        forward(recipients[0] as string, body.messageId),
      );
      if (Array.isArray(response) && response.some(failedAck))
        throw new HttpError(500, {
          status: 'error',
          message: 'Error forwarding message',
          error: 'WhatsApp reported the forward as failed',
          response,
        });
      return success(response, 201);
    },
  });

  api.route({
    ...common,
    method: 'POST',
    recipients: true,
    path: '/api/:session/mark-unseen',
    summary: 'Mark chats as unread',
    schema: {
      params: SessionParams,
      body: Type.Object({ ...recipientFields }),
      responses: { 200: { description: "`{status:'success', response:{message:'unseen checked'}}`" } },
    },
    handler: async ({ session, recipients }) => {
      const markUnseen = session.engine('markUnseenMessage');
      await orFail('Error on mark unseen', async () => {
        for (const chat of recipients) await markUnseen(chat);
      });
      return success({ message: 'unseen checked' });
    },
  });

  api.route({
    ...common,
    method: 'POST',
    recipients: true,
    path: '/api/:session/temporary-messages',
    summary: 'Turn disappearing messages on or off for chats',
    schema: {
      params: SessionParams,
      body: Type.Object({ ...recipientFields, value: Type.Boolean({ default: true }) }),
      responses: Responses.s200,
    },
    handler: async ({ session, recipients, body }) => {
      const setTemporary = session.engine('setTemporaryMessages');
      const result = await orFail('Error on set temporary messages', async () => {
        let last: unknown;
        for (const chat of recipients) last = await setTemporary(chat, body.value);
        return last;
      });
      return success(result);
    },
  });

  api.route({
    ...common,
    method: 'POST',
    path: '/api/:session/star-message',
    summary: 'Star or unstar messages',
    schema: {
      params: SessionParams,
      body: Type.Object({ messageId: MessageIds('Message id(s)'), star: Type.Boolean({ default: true }) }),
      responses: Responses.s200,
    },
    handler: async ({ session, body }) =>
      success(
        await orFail('Error on star message', () => session.engine('starMessage')(body.messageId, body.star)),
      ),
  });

  api.route({
    ...common,
    method: 'GET',
    path: '/api/:session/reactions/:id',
    summary: 'Reactions to a message',
    schema: { params: IdParams, responses: Responses.s200 },
    handler: async ({ session, params }) =>
      success(await orFail('Error on get reactions', () => session.engine('getReactions')(params.id))),
  });

  api.route({
    ...common,
    method: 'GET',
    path: '/api/:session/votes/:id',
    summary: 'Votes on a poll',
    schema: { params: IdParams, responses: Responses.s200 },
    handler: async ({ session, params }) =>
      success(await orFail('Error on get votes', () => session.engine('getVotes')(params.id))),
  });
}
