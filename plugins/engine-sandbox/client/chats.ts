import type { Chat, Message } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { LIMIT_KIND, makeChat, WhatsAppError, wid } from '../model.ts';
import { type SandboxNetwork, type SandboxPhone, STATUS_BROADCAST } from '../network.ts';
import type { SandboxContext } from './context.ts';
import { GroupDirectory } from './groups.ts';
import { chatLabelIds, LABEL_KIND } from './labels.ts';

/**
 * A phone's own flags on a chat: entities owner = the session, kind 'chat', id = the chat id.
 * A chat exists while it has messages, is a group the phone belongs to, or has these flags (a
 * cleared chat stays in the list, empty, as on WhatsApp). Unread counts come from the messages
 * themselves (received messages with ack < READ, see network.unreadMessages), so sendSeen and
 * markUnseenMessage (client/messages.ts) move them.
 */
export const CHAT_FLAGS_KIND = 'chat';

interface ChatFlags {
  id: string;
  archive: boolean;
  /** When the chat was pinned (seconds), 0 when not pinned. */
  pin: number;
  /** Muted until (seconds), -1 forever, 0 not muted. */
  muteExpiration: number;
  /** Last activity when the chat has no message any more (cleared, or pinned while empty). */
  t: number;
}

/** WhatsApp Web pins at most three chats, unless setLimit('unlimitedPin', true). */
const MAX_PINNED_CHATS = 3;

/** Message types that are notifications rather than messages someone wrote. */
const NOTIFICATION_TYPES = new Set([
  'notification',
  'notification_template',
  'group_notification',
  'gp2',
  'e2e_notification',
  'call_log',
  'protocol',
]);

export function isNotification(message: Message): boolean {
  return Boolean(message.isNotification) || NOTIFICATION_TYPES.has(String(message.type));
}

const now = () => Math.floor(Date.now() / 1000);

/** The chats one phone sees, built from its messages, its group memberships and its chat flags. */
export class ChatDirectory {
  private readonly groups: GroupDirectory;

  constructor(
    private readonly network: SandboxNetwork,
    private readonly phone: SandboxPhone,
  ) {
    this.groups = new GroupDirectory(network);
  }

  private get owner(): string {
    return this.phone.session;
  }

  flags(chatId: string): ChatFlags | undefined {
    return this.network.getEntity<ChatFlags>(this.owner, CHAT_FLAGS_KIND, chatId);
  }

  private saveFlags(chatId: string, patch: Partial<ChatFlags>): ChatFlags {
    const flags: ChatFlags = {
      id: chatId,
      archive: false,
      pin: 0,
      muteExpiration: 0,
      t: this.lastActivity(chatId),
      ...this.flags(chatId),
      ...patch,
    };
    this.network.putEntity(this.owner, CHAT_FLAGS_KIND, chatId, flags);
    return flags;
  }

  private memberGroups(): string[] {
    return this.groups
      .all()
      .filter((group) => !group.isParentGroup && group.participants.some((p) => p.id === this.phone.wid))
      .map((group) => group.id);
  }

  /** Every chat id of this phone: with messages, groups it belongs to, and flagged chats. */
  ids(): string[] {
    const ids = new Set<string>();
    for (const message of this.network.allMessages(this.owner)) ids.add(String(message.chatId));
    for (const id of this.memberGroups()) ids.add(id);
    for (const flags of this.network.listEntities<ChatFlags>(this.owner, CHAT_FLAGS_KIND)) ids.add(flags.id);
    ids.delete(STATUS_BROADCAST);
    return [...ids];
  }

  exists(chatId: string): boolean {
    if (this.flags(chatId)) return true;
    if (chatId.endsWith('@g.us')) return this.memberGroups().includes(chatId);
    return this.network.chatMessages(this.owner, chatId).length > 0;
  }

  /** The chat, or wa-js's `chat_not_found`. */
  assertExists(chatId: string): string {
    if (!this.exists(chatId)) throw new WhatsAppError('chat_not_found', `Chat not found: ${chatId}`);
    return chatId;
  }

  private lastActivity(chatId: string): number {
    const last = this.network.chatMessages(this.owner, chatId).at(-1);
    return last?.t ?? this.flags(chatId)?.t ?? now();
  }

  /** The name WhatsApp shows: the group subject, or the contact's push name, or +number. */
  private nameOf(chatId: string, messages: Message[]): string {
    const other = this.network.phoneByNumber(this.network.numberOf(chatId));
    if (other) return other.pushname;
    const heard = messages.filter((m) => !m.fromMe && m.notifyName).at(-1);
    return heard?.notifyName ?? `+${this.network.numberOf(chatId)}`;
  }

  chat(chatId: string): Chat {
    const messages = this.network.chatMessages(this.owner, chatId);
    const flags = this.flags(chatId);
    const last = messages.at(-1);
    const group = chatId.endsWith('@g.us') ? this.groups.find(chatId) : undefined;
    const base = group
      ? this.groups.chat(group)
      : makeChat({ id: chatId, name: this.nameOf(chatId, messages), t: last?.t ?? flags?.t ?? now() });
    const muteExpiration = flags?.muteExpiration ?? 0;
    return {
      ...base,
      t: Math.max(base.t, last?.t ?? 0, flags?.t ?? 0),
      unreadCount: this.network.unreadMessages(this.owner, chatId).filter((m) => !isNotification(m)).length,
      archive: flags?.archive ?? false,
      pin: flags?.pin ?? 0,
      muteExpiration: isMuted(muteExpiration) ? muteExpiration : 0,
      lastReceivedKey: last ? (messageKey(last.id) as unknown as Chat['lastReceivedKey']) : null,
      ephemeralDuration: this.network.ephemeralDuration(this.owner, chatId) || base.ephemeralDuration,
      labels: chatLabelIds(this.network, this.owner, chatId),
    } as Chat;
  }

  /** WhatsApp's chat list order: pinned chats first (last pinned on top), then by last activity. */
  all(): Chat[] {
    return this.ids()
      .map((id) => this.chat(id))
      .sort((a, b) => b.pin - a.pin || b.t - a.t || a.id._serialized.localeCompare(b.id._serialized));
  }

  archive(chatId: string, archive: boolean): ChatFlags {
    return this.saveFlags(this.assertExists(chatId), { archive });
  }

  pin(chatId: string, pin: boolean, nonExistent: boolean): ChatFlags {
    if (!nonExistent) this.assertExists(chatId);
    if (!pin) return this.saveFlags(chatId, { pin: 0 });
    if (this.flags(chatId)?.pin) return this.saveFlags(chatId, {});
    const unlimited =
      this.network.getEntity<{ value: unknown }>(this.owner, LIMIT_KIND, 'unlimitedPin')?.value === true;
    const pinned = this.network.listEntities<ChatFlags>(this.owner, CHAT_FLAGS_KIND).filter((f) => f.pin > 0);
    if (!unlimited && pinned.length >= MAX_PINNED_CHATS)
      throw new WhatsAppError(
        'pin_limit_reached',
        `You can only pin up to ${MAX_PINNED_CHATS} chats (setLimit unlimitedPin lifts this)`,
      );
    return this.saveFlags(chatId, { pin: Math.max(now(), ...pinned.map((f) => f.pin + 1)) });
  }

  mute(chatId: string, expiration: number): ChatFlags {
    return this.saveFlags(this.assertExists(chatId), { muteExpiration: expiration });
  }

  /** Deletes the chat's messages on this phone (starred ones too unless `keepStarred`); the chat stays. */
  clear(chatId: string, keepStarred: boolean): void {
    this.assertExists(chatId);
    this.network.transaction(() => {
      const t = this.lastActivity(chatId);
      for (const message of this.network.chatMessages(this.owner, chatId))
        if (!(keepStarred && message.star)) this.network.deleteMessage(this.owner, message.id);
      this.saveFlags(chatId, { t });
    });
  }

  /** Deletes the chat and its messages on this phone; a new message brings the chat back. */
  delete(chatId: string): void {
    this.assertExists(chatId);
    this.network.transaction(() => {
      for (const message of this.network.chatMessages(this.owner, chatId))
        this.network.deleteMessage(this.owner, message.id);
      this.network.deleteEntity(this.owner, CHAT_FLAGS_KIND, chatId);
      this.network.deleteEntity(this.owner, 'marked-unread', chatId);
    });
  }
}

export function isMuted(expiration: number): boolean {
  return expiration === -1 || expiration > now();
}

/** The library's MessageId (a MsgKey with a Wid remote) of a serialised message id. */
function messageKey(id: string) {
  const [fromMe, remote = '', key = ''] = id.split('_');
  return { fromMe: fromMe === 'true', remote: wid(remote), id: key, _serialized: id };
}

/** WAPI.sendMute's units: `year` really counts days there. */
function muteUntil(time: number, type: string): number {
  const date = new Date();
  if (type === 'minutes') date.setMinutes(date.getMinutes() + time);
  else if (type === 'year') date.setDate(date.getDate() + time);
  else date.setHours(date.getHours() + time);
  return Math.floor(date.getTime() / 1000);
}

type ListChatsOptions = NonNullable<Parameters<NonNullable<EngineClient['listChats']>>[0]>;

/**
 * Chats on the sandbox network: the list (with wa-js's filters and id/count/direction paging), chat
 * controls (archive, pin, mute, clear, delete) and the deprecated whole-chat message readers.
 * getMessages, sendSeen and markUnseenMessage live in client/messages.ts.
 */
export function chatMethods({ network, phone }: SandboxContext): EngineClient {
  const chats = new ChatDirectory(network, phone);
  const groups = new GroupDirectory(network);
  const idOf = (id: string | { _serialized: string }) => (typeof id === 'string' ? id : id._serialized);
  const messagesOf = (chatId: string, includeMe: boolean, includeNotifications: boolean) =>
    network
      .chatMessages(phone.session, chatId)
      .filter((m) => (includeMe || !m.fromMe) && (includeNotifications || !isNotification(m)));

  /** wa-js's withLabels names labels by id or by name. */
  const hasLabel = (chat: Chat, wanted: string[]) =>
    (chat as Chat & { labels: string[] }).labels.some((labelId) => {
      const name = network.getEntity<{ name: string }>(phone.session, LABEL_KIND, labelId)?.name;
      return wanted.includes(labelId) || (name !== undefined && wanted.includes(name));
    });
  const list = (options: ListChatsOptions = {}): Chat[] => {
    let result = chats.all().filter((chat) => {
      const id = chat.id._serialized;
      if (options.onlyGroups && !id.endsWith('@g.us')) return false;
      if (options.onlyUsers && !(id.endsWith('@c.us') || id.endsWith('@lid'))) return false;
      if (options.onlyNewsletter && !id.endsWith('@newsletter')) return false;
      if (options.onlyCommunities && !chat.groupMetadata?.isParentGroup) return false;
      if (options.onlyWithUnreadMessage && chat.unreadCount === 0) return false;
      if (options.onlyArchived && !chat.archive) return false;
      if (options.withLabels?.length && !hasLabel(chat, options.withLabels as string[])) return false;
      return true;
    });
    const count = options.count && options.count > 0 ? options.count : Number.POSITIVE_INFINITY;
    if (options.id) {
      const at = result.findIndex((chat) => chat.id._serialized === idOf(options.id as never));
      if (at < 0) return [];
      result =
        options.direction === 'before'
          ? result.slice(Math.max(0, at - count), at)
          : result.slice(at + 1, at + 1 + count);
    } else if (Number.isFinite(count)) result = result.slice(0, count);
    return result;
  };

  return {
    async listChats(options) {
      return list(options);
    },
    async getAllChats(withNewMessageOnly) {
      return list({ onlyWithUnreadMessage: withNewMessageOnly });
    },
    async getAllChatsWithMessages(withNewMessageOnly) {
      const withMessages = new Set(network.allMessages(phone.session).map((m) => String(m.chatId)));
      return list({ onlyWithUnreadMessage: withNewMessageOnly }).filter((c) =>
        withMessages.has(c.id._serialized),
      );
    },
    async getChatById(contactId) {
      const id = idOf(contactId);
      if (id.endsWith('@g.us')) groups.memberOf(phone, id);
      return chats.chat(chats.assertExists(id));
    },
    async getAllMessagesInChat(chatId, includeMe, includeNotifications) {
      return messagesOf(chats.assertExists(chatId), includeMe, includeNotifications);
    },
    async loadAndGetAllMessagesInChat(chatId, includeMe = true, includeNotifications = false) {
      return messagesOf(chats.assertExists(chatId), includeMe, includeNotifications);
    },
    async getAllNewMessages() {
      return network.unreadMessages(phone.session).filter((m) => !isNotification(m));
    },
    async archiveChat(chatId, option = true) {
      const flags = chats.archive(chatId, option);
      return { wid: wid(chatId), archive: flags.archive } as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['archiveChat']>>
      >;
    },
    async pinChat(chatId, option, nonExistent = false) {
      const flags = chats.pin(chatId, option, nonExistent);
      return { wid: wid(chatId), pin: flags.pin > 0 } as unknown as Awaited<
        ReturnType<NonNullable<EngineClient['pinChat']>>
      >;
    },
    async clearChat(chatId, keepStarred = true) {
      chats.clear(chatId, keepStarred);
      return true;
    },
    async deleteChat(chatId) {
      chats.delete(chatId);
      return true;
    },
    async sendMute(id, time, type) {
      chats.assertExists(id);
      // WAPI.sendMute mutes when given a number and a unit, and unmutes otherwise.
      const muting = typeof time === 'number' && typeof type === 'string';
      chats.mute(id, muting ? muteUntil(time, type) : 0);
      return {
        ...muteScope(network, phone, id),
        erro: false,
        text: null,
        status: 200,
        type: 'sendMute',
        time,
        timeType: type,
      };
    },
    async getListMutes(type = 'all') {
      const entries = chats.all().map((chat) => {
        const expiration = chat.muteExpiration;
        const entry = { id: chat.id, expiration, isMuted: isMuted(expiration), isState: true, stale: false };
        return { attributes: entry, ...entry, promises: {} };
      });
      const toMute = entries.filter((e) => e.isMuted);
      const noMute = entries.filter((e) => !e.isMuted);
      if (type === 'toMute') return [{ total: toMute.length }, toMute];
      if (type === 'noMute') return [{ total: noMute.length }, noMute];
      return [
        { total: entries.length, amountToMute: toMute.length, amountnoMute: noMute.length },
        toMute,
        noMute,
      ];
    },
  };
}

/** WAPI.scope's `me`/`to` part of a sendMute answer. */
function muteScope(network: SandboxNetwork, phone: SandboxPhone, chatId: string) {
  const other = network.phoneByNumber(network.numberOf(chatId));
  const last = network.chatMessages(phone.session, chatId).at(-1);
  const pushname = other?.pushname ?? '';
  return {
    me: { wid: wid(phone.wid), pushname: phone.pushname, platform: 'android', connected: true },
    to: {
      ...(last ? messageKey(last.id) : {}),
      formattedName: pushname || `+${network.numberOf(chatId)}`,
      isBusiness: false,
      isMyContact: false,
      verifiedName: undefined,
      pushname,
    },
  };
}
