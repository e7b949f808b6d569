import type { Message, Wid } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { wid } from '../model.ts';
import type { MessageContent, SandboxNetwork, SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';

/** A quotedMsg option (an id or a MsgKey) as a serialised id. */
export function quotedId(quoted: unknown): string | null {
  if (typeof quoted === 'string') return quoted || null;
  if (quoted && typeof quoted === 'object' && '_serialized' in quoted) return String(quoted._serialized);
  return null;
}

/** wa-js's SendMessageReturn for a sent message (what sendMentioned, sendContactVcard … resolve to). */
export function sendReturn(message: Message) {
  return { id: message.id, ack: message.ack, from: message.from, to: message.to, sendMsgResult: null };
}

/** A user id as WhatsApp wants it: `5521…` → `5521…@c.us`. */
function userId(id: string): string {
  const trimmed = id.trim().replace(/^@/, '');
  return trimmed.includes('@') ? trimmed : `${trimmed.replace(/\D/g, '')}@c.us`;
}

/** A vCard 3.0 card for a contact, as WhatsApp builds it. */
function vcardOf(network: SandboxNetwork, contactId: string, name?: string): { name: string; vcard: string } {
  const number = network.numberOf(contactId);
  const displayName = name || network.phoneByNumber(number)?.pushname || `+${number}`;
  const vcard = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `N:;${displayName};;;`,
    `FN:${displayName}`,
    `item1.TEL;waid=${number}:+${number}`,
    'item1.X-ABLabel:Celular',
    'END:VCARD',
  ].join('\n');
  return { name: displayName, vcard };
}

/**
 * Sending and reading messages on the sandbox network, with the library's signatures and return
 * shapes (Message, `{ack, id}` or wa-js's SendMessageReturn, as each real method returns).
 */
export function messageMethods({ network, phone }: SandboxContext): EngineClient {
  /** A quoted message must exist on this phone (WhatsApp refuses to quote an unknown message). */
  const quoting = (quoted: unknown): string | null => {
    const id = quotedId(quoted);
    if (id) network.ownMessage(phone, id);
    return id;
  };
  const send = (to: string, content: MessageContent) => network.send(phone, String(to), content);

  return {
    async sendText(to, content, options) {
      const buttons = (options as { buttons?: unknown[] } | undefined)?.buttons;
      return send(to, {
        type: 'chat',
        body: content,
        quotedMsgId: quoting(options?.quotedMsg),
        mentionedJidList: options?.mentionedList?.map(String) ?? [],
        // WhatsApp deprecated buttons; they are kept on the message as wa-js sends them.
        extra: buttons?.length ? { isDynamicReplyButtonsMsg: true, dynamicReplyButtons: buttons } : undefined,
      });
    },
    async reply(to, content, quotedMsg) {
      return send(to, { type: 'chat', body: content, quotedMsgId: quoting(quotedMsg) });
    },
    async sendLinkPreview(chatId, url, text) {
      const body = text?.includes(url) ? text : [url, text].filter(Boolean).join('\n');
      return sendReturn(send(chatId, { type: 'chat', body, extra: { matchedText: url, isLink: true } }));
    },
    async sendLocation(to: string, optionsOrLat: unknown, lng?: string, title?: string) {
      const options =
        typeof optionsOrLat === 'object' && optionsOrLat
          ? (optionsOrLat as { lat: number | string; lng: number | string; name?: string; address?: string })
          : { lat: String(optionsOrLat), lng: String(lng), name: title };
      const lat = Number(options.lat);
      const lon = Number(options.lng);
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) throw new Error('Invalid latitude or longitude');
      const loc = [options.name, options.address].filter(Boolean).join('\n');
      const message = send(to, { type: 'location', body: '', extra: { lat, lng: lon, loc } });
      return { ack: message.ack, id: message.id };
    },
    async sendContactVcard(to, contactsId, name) {
      const card = vcardOf(network, userId(contactsId), name);
      return sendReturn(
        send(to, { type: 'vcard', body: card.vcard, extra: { vcardFormattedName: card.name } }),
      );
    },
    async sendContactVcardList(to, contacts) {
      const cards = contacts.map((c) =>
        typeof c === 'string' ? vcardOf(network, userId(c)) : vcardOf(network, userId(String(c.id)), c.name),
      );
      return sendReturn(
        send(to, {
          type: 'multi_vcard',
          body: '',
          extra: { vcardList: cards.map((c) => ({ displayName: c.name, vcard: c.vcard })) },
        }),
      );
    },
    async sendMentioned(to, message, mentioned) {
      return sendReturn(send(to, { type: 'chat', body: message, mentionedJidList: mentioned.map(userId) }));
    },
    async sendListMessage(to, options) {
      return send(to, {
        type: 'list',
        body: options.description,
        quotedMsgId: quoting(options.quotedMsg),
        extra: {
          list: {
            buttonText: options.buttonText,
            description: options.description,
            title: options.title ?? '',
            footerText: options.footer ?? '',
            sections: options.sections,
            listType: 1,
          },
        },
      });
    },
    async sendPollMessage(chatId, name, choices, options) {
      return send(chatId, {
        type: 'poll_creation',
        body: '',
        quotedMsgId: quoting(options?.quotedMsg),
        extra: {
          pollName: name,
          pollOptions: choices.map((choice, localId) => ({ name: choice, localId })),
          pollSelectableOptionsCount: options?.selectableCount ?? 0,
        },
      });
    },
    async sendOrderMessage(to, items, options) {
      const subtotal = items.reduce((sum, item) => sum + (item.price ?? 0) * (item.qnt ?? 1), 0);
      const total = subtotal + (options?.tax ?? 0) + (options?.shipping ?? 0) - (options?.discount ?? 0);
      return send(to, {
        type: 'order',
        body: '',
        extra: {
          orderTitle: items[0]?.name ?? '',
          itemCount: items.reduce((count, item) => count + (item.qnt ?? 1), 0),
          totalAmount1000: total * 10,
          totalCurrencyCode: 'BRL',
          orderItems: items,
          orderNotes: options?.notes ?? '',
        },
      });
    },
    async sendPixKey(to, params, options) {
      const pix = params as { keyType: string; name: string; key: string; instructions?: string };
      return send(to, {
        type: 'chat',
        body: pix.instructions ?? '',
        quotedMsgId: quoting(options?.quotedMsg),
        extra: { pixKey: { keyType: pix.keyType, key: pix.key, merchantName: pix.name } },
      });
    },
    async forwardMessagesV2(toChatId, messages) {
      const ids = Array.isArray(messages) ? messages : [messages];
      const originals = ids.map((id) => network.ownMessage(phone, id));
      return originals.map((original) => sendReturn(network.forward(phone, toChatId, original)));
    },
    async editMessage(msgId, newText) {
      const id = typeof msgId === 'string' ? msgId : msgId._serialized;
      return network.editMessage(phone, id, newText);
    },
    async deleteMessage(_chatId, messageId, onlyLocal = false) {
      network.deleteMessages(phone, Array.isArray(messageId) ? messageId : [messageId], onlyLocal);
      return true;
    },
    async starMessage(messagesId, star = true) {
      return network.star(phone, Array.isArray(messagesId) ? messagesId : [messagesId], star);
    },
    async sendReactionToMessage(msgId, reaction) {
      network.react(phone, msgId, reaction);
      return { sendMsgResult: 'OK' };
    },
    async getReactions(msgId) {
      return network.reactionsOf(phone, msgId) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getReactions']>>
      >;
    },
    async getVotes(msgId) {
      return network.votesOf(phone, msgId) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getVotes']>>
      >;
    },
    async sendSeen(chatId) {
      const { unreadCount } = network.markChatRead(phone, chatId);
      return { wid: wid(chatId), unreadCount } as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['sendSeen']>>
      >;
    },
    async markUnseenMessage(contactId) {
      return network.markChatUnread(phone, contactId);
    },
    async setTemporaryMessages(chatOrGroupId, value) {
      network.setEphemeral(phone, chatOrGroupId, value);
      return true;
    },
    async getMessages(chatId, params = {}) {
      return pageOf(network.chatMessages(phone.session, chatId), params);
    },
    async getUnreadMessages() {
      return unreadByChat(network, phone);
    },
    async getAllUnreadMessages() {
      return network.unreadMessages(phone.session) as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['getAllUnreadMessages']>>
      >;
    },
  };
}

/** getMessages' paging: `count` (20, -1 = all) messages before or after `id` (default: the newest). */
function pageOf(
  messages: Message[],
  params: { count?: number; id?: string; direction?: 'before' | 'after'; fromMe?: boolean },
): Message[] {
  const list = params.fromMe === undefined ? messages : messages.filter((m) => m.fromMe === params.fromMe);
  const count = params.count ?? 20;
  const at = params.id ? list.findIndex((m) => m.id === params.id) : -1;
  if (params.id && at < 0) return [];
  if (params.direction === 'after') {
    const after = list.slice(at + 1);
    return count < 0 ? after : after.slice(0, count);
  }
  const before = at >= 0 ? list.slice(0, at) : list;
  return count < 0 ? before : before.slice(Math.max(0, before.length - count));
}

/** WAPI's getUnreadMessages: the chats with unread messages, each with those messages. */
function unreadByChat(network: SandboxNetwork, phone: SandboxPhone) {
  const chats = new Map<string, Message[]>();
  for (const message of network.unreadMessages(phone.session)) {
    const chatId = String(message.chatId);
    chats.set(chatId, [...(chats.get(chatId) ?? []), message]);
  }
  return [...chats].map(([chatId, messages]) => ({
    id: wid(chatId) as Wid,
    isGroup: chatId.endsWith('@g.us'),
    unreadCount: messages.length,
    messages,
  }));
}
