import type { Message } from '@wppconnect-team/wppconnect';
import { type PluginApi, type Session, Type } from '../../core/index.ts';
import {
  attempt,
  ChatIdSegment,
  chatIdFromPath,
  IsGroupQuery,
  information,
  informationError,
  MessageIdSegment,
  PhoneParams,
  recipientFields,
  SessionParams,
  success,
} from './shared.ts';

const MessagesQuery = Type.Object({
  isGroup: IsGroupQuery,
  includeMe: Type.Optional(Type.Boolean({ description: 'Include the messages this session sent' })),
  includeNotifications: Type.Optional(Type.Boolean({ description: 'Include system notifications' })),
  count: Type.Optional(
    Type.Integer({
      minimum: -1,
      maximum: 100_000,
      description: 'Page size (-1 = every message; default all)',
    }),
  ),
  direction: Type.Optional(
    Type.Union([Type.Literal('before'), Type.Literal('after')], {
      description: 'Messages before (default) or after `id`',
    }),
  ),
  id: Type.Optional(MessageIdSegment),
});

const NOTIFICATION_TYPES = new Set([
  'notification',
  'notification_template',
  'group_notification',
  'gp2',
  'e2e_notification',
  'call_log',
  'protocol',
]);

function isNotification(message: Message): boolean {
  return Boolean(message.isNotification) || NOTIFICATION_TYPES.has(String(message.type));
}

/**
 * A chat's messages through the library's getMessages (count/direction/id paging, oldest first),
 * then without this session's own messages (includeMe false) or notifications (includeNotifications
 * false). Filtering after paging keeps the `id` cursor valid on both engines.
 */
async function readMessages(
  session: Session,
  chatId: string,
  query: {
    includeMe?: boolean;
    includeNotifications?: boolean;
    count?: number;
    direction?: 'before' | 'after';
    id?: string;
  },
  defaults: { includeNotifications: boolean },
): Promise<Message[]> {
  const includeMe = query.includeMe ?? true;
  const includeNotifications = query.includeNotifications ?? defaults.includeNotifications;
  const messages = await session.engine('getMessages')(chatId, {
    count: query.count ?? -1,
    direction: query.direction ?? 'before',
    ...(query.id ? { id: query.id } : {}),
  });
  return messages.filter((m) => (includeMe || !m.fromMe) && (includeNotifications || !isNotification(m)));
}

/** The `id` of a chat the engine listed (a Wid, or a string on some versions). */
function chatIdOf(chat: { id: unknown }): string {
  return typeof chat.id === 'string' ? chat.id : String((chat.id as { _serialized?: string })._serialized);
}

/** wppconnect-server's Chat routes: lists, readers and per-chat controls. */
export function registerChatRoutes(api: PluginApi<object>): void {
  const tags = ['Chat'];

  api.route({
    method: 'GET',
    path: '/api/:session/all-chats',
    summary: 'All chats (deprecated in favour of list-chats)',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: SessionParams,
      responses: { 200: { description: "`{status:'success', response: Chat[], mapper:'chat'}`" } },
    },
    handler: async ({ session }) => {
      const chats = await attempt(() => session.engine('getAllChats')(), {
        status: 'error',
        message: 'Error on get all chats',
      });
      return { body: { status: 'success', response: chats, mapper: 'chat' } };
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/list-chats',
    summary: 'List chats, with filters and paging',
    description:
      'Answers the bare Chat array (no envelope), as wppconnect-server does. Paging: `count` chats after (or before) the chat `id`, in the chat list order (pinned first, then most recent).',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        id: Type.Optional(ChatIdSegment),
        count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        direction: Type.Optional(Type.Union([Type.Literal('after'), Type.Literal('before')])),
        onlyGroups: Type.Optional(Type.Boolean()),
        onlyUsers: Type.Optional(Type.Boolean()),
        onlyWithUnreadMessage: Type.Optional(Type.Boolean()),
        withLabels: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100 })),
      }),
      responses: { 200: { description: 'Chat[] (raw)' } },
    },
    handler: async ({ session, body }) => {
      const chats = await attempt(
        () =>
          session.engine('listChats')({
            // wa-js takes the id as a string or a Wid; a bare number means its @c.us chat.
            id: (body.id ? chatIdFromPath(body.id) : undefined) as never,
            count: body.count,
            direction: body.direction,
            onlyGroups: body.onlyGroups,
            onlyUsers: body.onlyUsers,
            onlyWithUnreadMessage: body.onlyWithUnreadMessage,
            withLabels: body.withLabels,
          }),
        { status: 'error', message: 'Error on get all chats' },
      );
      return { body: chats };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-chats-archived',
    summary: 'Archived chats',
    description: 'Answers the bare array with status 201, as wppconnect-server does.',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams, responses: { 201: { description: 'Chat[] (raw)' } } },
    handler: async ({ session }) => {
      const chats = await attempt(() => session.engine('getAllChats')(), {
        status: 'error',
        message: 'Error on archive all chats',
      });
      return { status: 201, body: chats.filter((chat) => chat.archive === true) };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-chats-with-messages',
    summary: 'All chats (deprecated in favour of list-chats)',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) =>
      success(
        await attempt(() => session.engine('listChats')(), {
          status: 'error',
          message: 'Error on get all chats whit messages',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-messages-in-chat/:phone',
    summary: "A chat's messages, optionally paged",
    description:
      'Without `count` every message. With `count`/`direction`/`id` it pages like get-messages: `count` messages before (default) or after the message `id` (default: up to the newest), oldest first. `includeMe=false` drops the messages this session sent, `includeNotifications=false` the system notifications (both default true).',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams, query: MessagesQuery },
    handler: async ({ session, params, query }) => {
      const chatId = chatIdFromPath(params.phone, query.isGroup);
      const messages = await attempt(
        () => readMessages(session, chatId, query, { includeNotifications: true }),
        {
          status: 'error',
          message: 'Error on get all messages in chat',
        },
      );
      return success(messages);
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/load-messages-in-chat/:phone',
    summary: "Load and return a chat's messages, optionally paged",
    description:
      'As all-messages-in-chat, but notifications are left out unless `includeNotifications=true` (wppconnect-server read both flags from the path, so they were always includeMe=true, includeNotifications=false).',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams, query: MessagesQuery },
    handler: async ({ session, params, query }) => {
      const chatId = chatIdFromPath(params.phone, query.isGroup);
      const messages = await attempt(
        () => readMessages(session, chatId, query, { includeNotifications: false }),
        {
          status: 'error',
          response: 'Error on open list',
        },
      );
      return success(messages);
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-new-messages',
    summary: 'New (unread) messages of every chat',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) =>
      success(
        await attempt(() => session.engine('getAllNewMessages')(), {
          status: 'error',
          message: 'Error on get all messages in chat',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/all-unread-messages',
    summary: 'Unread messages of every chat',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) =>
      success(
        await attempt(() => session.engine('getAllUnreadMessages')(), {
          status: 'error',
          message: 'Error on get all messages in chat',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/chat-by-id/:phone',
    summary: 'One chat',
    description: 'Answers the bare Chat (no envelope); 404 when this session has no such chat.',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams, query: Type.Object({ isGroup: IsGroupQuery }) },
    handler: async ({ session, params, query }) => {
      const chatId = chatIdFromPath(params.phone, query.isGroup);
      const chat = await attempt(() => session.engine('getChatById')(chatId), {
        status: 'error',
        message: 'Error changing chat by Id',
      });
      return { body: chat };
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/message-by-id/:messageId',
    summary: 'One message',
    description: "201 with wppconnect-server's info envelope (`contact` = the chat's number).",
    tags,
    auth: 'token',
    connected: true,
    schema: { params: Type.Object({ session: Type.String(), messageId: MessageIdSegment }) },
    handler: async ({ session, params }) => {
      let message: Message;
      try {
        message = await session.engine('getMessageById')(params.messageId);
      } catch (error) {
        throw informationError(session.name, error);
      }
      // The real engine gives chatId as a Wid (wppconnect-server read `.user`); the sandbox as a string.
      const chatId = message.chatId as unknown;
      const contact = typeof chatId === 'string' ? chatId.split('@')[0] : (chatId as { user?: string })?.user;
      return information(session.name, contact, message);
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/chat-is-online/:phone',
    summary: 'Whether a contact is online (needs subscribe-presence on the real engine)',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getChatIsOnline')(chatIdFromPath(params.phone)), {
          status: 'error',
          response: 'Error on get chat is online',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/last-seen/:phone',
    summary: "A contact's last seen (seconds), or false when hidden or online",
    tags,
    auth: 'token',
    connected: true,
    schema: { params: PhoneParams },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getLastSeen')(chatIdFromPath(params.phone)), {
          status: 'error',
          response: 'Error on get chat last seen',
        }),
      ),
  });

  api.route({
    method: 'GET',
    path: '/api/:session/list-mutes/:type',
    summary: 'Muted and not muted chats',
    description: 'type: all (`[{total, amountToMute, amountnoMute}, toMute, noMute]`), toMute or noMute.',
    tags,
    auth: 'token',
    connected: true,
    schema: {
      params: Type.Object({
        session: Type.String(),
        type: Type.Union([Type.Literal('all'), Type.Literal('toMute'), Type.Literal('noMute')]),
      }),
    },
    handler: async ({ session, params }) =>
      success(
        await attempt(() => session.engine('getListMutes')(params.type), {
          status: 'error',
          response: 'Error on get list mutes',
        }),
      ),
  });

  registerChatControls(api, tags);
  registerChatStates(api, tags);
}

/** Archive, clear, delete, pin, mute and mark as seen: one chat or all of them. */
function registerChatControls(api: PluginApi<object>, tags: string[]): void {
  /** Every chat id of the session, as the "all" routes act on (wppconnect-server read a missing `chat.chatId`). */
  const allChatIds = async (session: Session) => (await session.engine('getAllChats')()).map(chatIdOf);

  api.route({
    method: 'POST',
    path: '/api/:session/archive-chat',
    summary: 'Archive (or with value=false unarchive) chats',
    description:
      'Answers 201 with the result of the last chat (wppconnect-server joined several into one bad id).',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: {
      params: SessionParams,
      body: Type.Object({ ...recipientFields, value: Type.Optional(Type.Boolean({ default: true })) }),
    },
    handler: async ({ session, recipients, body }) => {
      let response: unknown;
      for (const chatId of recipients)
        response = await attempt(() => session.engine('archiveChat')(chatId, body.value ?? true), {
          status: 'error',
          message: 'Error on archive chat',
        });
      return success(response, 201);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/archive-all-chats',
    summary: 'Archive every chat',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      await attempt(
        async () => {
          const archiveChat = session.engine('archiveChat');
          for (const chatId of await allChatIds(session)) await archiveChat(chatId, true);
        },
        { status: 'error', message: 'Error on archive all chats' },
      );
      return { status: 201, body: { status: 'success' } };
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/clear-chat',
    summary: "Delete a chat's messages on this device (the chat stays)",
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: { params: SessionParams, body: Type.Object(recipientFields) },
    handler: async ({ session, recipients }) => {
      const results: Record<string, boolean> = {};
      try {
        const clearChat = session.engine('clearChat');
        for (const chatId of recipients) results[chatId] = await clearChat(chatId);
      } catch (error) {
        throw informationError(session.name, error);
      }
      return information(session.name, recipients, results);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/clear-all-chats',
    summary: "Delete every chat's messages on this device",
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      await attempt(
        async () => {
          const clearChat = session.engine('clearChat');
          for (const chatId of await allChatIds(session)) await clearChat(chatId);
        },
        { status: 'error', message: 'Error on clear all chats' },
      );
      return { status: 201, body: { status: 'success' } };
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/delete-chat',
    summary: 'Delete chats (and their messages) on this device',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: { params: SessionParams, body: Type.Object(recipientFields) },
    handler: async ({ session, recipients }) => {
      const results: Record<string, boolean> = {};
      try {
        const deleteChat = session.engine('deleteChat');
        for (const chatId of recipients) results[chatId] = await deleteChat(chatId);
      } catch (error) {
        throw informationError(session.name, error);
      }
      return information(session.name, recipients, results);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/delete-all-chats',
    summary: 'Delete every chat on this device',
    tags,
    auth: 'token',
    connected: true,
    schema: { params: SessionParams },
    handler: async ({ session }) => {
      await attempt(
        async () => {
          const deleteChat = session.engine('deleteChat');
          for (const chatId of await allChatIds(session)) await deleteChat(chatId);
        },
        { status: 'error', message: 'Error on delete all chats' },
      );
      return { body: { status: 'success' } };
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/pin-chat',
    summary: 'Pin (state=true) or unpin chats',
    description:
      'WhatsApp pins at most 3 chats (400 beyond that, unless set-limit unlimitedPin). wppconnect-server pinned only for the string "true"; wppd takes the boolean or the string.',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: { params: SessionParams, body: Type.Object({ ...recipientFields, state: Type.Boolean() }) },
    handler: async ({ session, recipients, body }) => {
      for (const chatId of recipients)
        await attempt(() => session.engine('pinChat')(chatId, body.state, false), {
          status: 'error',
          message: 'Error on pin chat',
        });
      return success({ message: 'Chat fixed' });
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/send-mute',
    summary: 'Mute chats for a time (or unmute when time is left out)',
    description: "type: hours (default), minutes, or year (which WhatsApp Web's WAPI counts in days).",
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        time: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000 })),
        type: Type.Optional(
          Type.Union([Type.Literal('hours'), Type.Literal('minutes'), Type.Literal('year')], {
            default: 'hours',
          }),
        ),
      }),
    },
    handler: async ({ session, recipients, body }) => {
      let response: unknown;
      for (const chatId of recipients)
        response = await attempt(
          // No time = unmute: the library unmutes when time is not a number.
          () => session.engine('sendMute')(chatId, body.time as number, body.type ?? 'hours'),
          { status: 'error', message: 'Error on send mute' },
        );
      return success(response);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/send-seen',
    summary: 'Mark chats as read (senders see ack READ)',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: { params: SessionParams, body: Type.Object(recipientFields) },
    handler: async ({ session, recipients }) => {
      const results: unknown[] = [];
      try {
        const sendSeen = session.engine('sendSeen');
        for (const chatId of recipients) results.push(await sendSeen(chatId));
      } catch (error) {
        throw informationError(session.name, error);
      }
      return information(session.name, recipients, results);
    },
  });
}

/** Chat states the other side sees: typing, recording, paused. */
function registerChatStates(api: PluginApi<object>, tags: string[]): void {
  api.route({
    method: 'POST',
    path: '/api/:session/chat-state',
    summary: 'Set the chat state (deprecated): 0 typing, 1 recording, 2 paused',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        chatstate: Type.Union([
          Type.Integer({ minimum: 0, maximum: 2 }),
          Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('2')]),
        ]),
      }),
    },
    handler: async ({ session, recipients, body }) => {
      let response: unknown;
      for (const chatId of recipients)
        response = await attempt(() => session.engine('setChatState')(chatId, Number(body.chatstate)), {
          status: 'error',
          message: 'Error on send chat state',
        });
      return success(response);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/typing',
    summary: 'Start (value=true) or stop typing in chats',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: {
      params: SessionParams,
      body: Type.Object({ ...recipientFields, value: Type.Optional(Type.Boolean({ default: true })) }),
    },
    handler: async ({ session, recipients, body }) => {
      let response: unknown;
      for (const chatId of recipients)
        response = await attempt(
          () =>
            (body.value ?? true)
              ? session.engine('startTyping')(chatId)
              : session.engine('stopTyping')(chatId),
          { status: 'error', message: 'Error on set typing' },
        );
      return success(response);
    },
  });

  api.route({
    method: 'POST',
    path: '/api/:session/recording',
    summary: 'Start (value=true, for `duration` ms) or stop recording audio in chats',
    tags,
    auth: 'token',
    connected: true,
    recipients: true,
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        value: Type.Optional(Type.Boolean({ default: true })),
        duration: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 3_600_000, description: 'Milliseconds' }),
        ),
      }),
    },
    handler: async ({ session, recipients, body }) => {
      let response: unknown;
      for (const chatId of recipients)
        response = await attempt(
          () =>
            (body.value ?? true)
              ? session.engine('startRecording')(chatId, body.duration)
              : session.engine('stopRecording')(chatId),
          { status: 'error', message: 'Error on set recording' },
        );
      return success(response);
    },
  });
}
