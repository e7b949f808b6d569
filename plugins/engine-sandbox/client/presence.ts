import type { PresenceEvent } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import type { SandboxNetwork, SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';
import { GroupDirectory } from './groups.ts';

/**
 * Presence on the sandbox network. Entities:
 * - owner = the watching session, kind 'presence-subscription', id = the watched user or group id;
 * - owner = the session, kind 'presence', id 'self' → PresenceRecord (set-online-presence).
 * A phone is online while its session runs, unless it set itself offline. Changes (online/offline,
 * typing, recording) raise `onpresencechanged` on the sessions that subscribed to that id, as the
 * library's onPresenceChanged does after subscribePresence.
 */
export const PRESENCE_SUBSCRIPTION_KIND = 'presence-subscription';
const PRESENCE_KIND = 'presence';

interface PresenceRecord {
  online: boolean;
  /** When the presence last changed (seconds): the "last seen". */
  t: number;
}

type State = PresenceEvent['state'];

export function isOnline(network: SandboxNetwork, phone: SandboxPhone): boolean {
  const record = network.getEntity<PresenceRecord>(phone.session, PRESENCE_KIND, 'self');
  return Boolean(phone.callbacks) && record?.online !== false;
}

/** The sessions that subscribed to `id` (some subscribe with the user's LID). */
function subscribersOf(network: SandboxNetwork, ids: string[]): SandboxPhone[] {
  return network
    .allPhones()
    .filter((p) =>
      ids.some((id) => network.getEntity(p.session, PRESENCE_SUBSCRIPTION_KIND, id) !== undefined),
    );
}

/** A user's presence change, to everyone subscribed to that user. */
function announceUser(
  network: SandboxNetwork,
  phone: SandboxPhone,
  state: State,
  audience?: SandboxPhone[],
): void {
  const payload: PresenceEvent = {
    id: phone.wid,
    isOnline: state !== 'unavailable',
    isGroup: false,
    isUser: true,
    state,
    t: Date.now(),
    isContact: false,
  };
  for (const subscriber of subscribersOf(network, [phone.wid, phone.lid]))
    if (subscriber !== phone && (!audience || audience.includes(subscriber)))
      network.emit(subscriber, 'onpresencechanged', payload);
}

/** A chat state (typing, recording, paused) in a chat: the other side sees it, if subscribed. */
function announceChatState(network: SandboxNetwork, phone: SandboxPhone, chatId: string, state: State): void {
  if (chatId.endsWith('@g.us')) {
    const group = new GroupDirectory(network).find(chatId);
    if (!group) return;
    const payload: PresenceEvent = {
      id: chatId,
      isOnline: true,
      isGroup: true,
      isUser: false,
      state,
      t: Date.now(),
      participants: [{ id: phone.wid, state, shortName: phone.pushname.split(' ')[0] ?? phone.pushname }],
    };
    const members = group.participants.map((p) => p.id);
    for (const subscriber of subscribersOf(network, [chatId]))
      if (subscriber !== phone && members.includes(subscriber.wid))
        network.emit(subscriber, 'onpresencechanged', payload);
    return;
  }
  const other = network.phoneByNumber(network.numberOf(chatId));
  if (other && other !== phone) announceUser(network, phone, state, [other]);
}

/** Presence, typing and recording on the sandbox network. */
export function presenceMethods({ network, phone }: SandboxContext): EngineClient {
  const timers = new Set<NodeJS.Timeout>();
  /** startTyping/startRecording with a duration stop by themselves after it (ms), like wa-js. */
  const stopAfter = (chatId: string, duration: number | undefined) => {
    if (!duration || duration <= 0) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      announceChatState(network, phone, chatId, 'available');
    }, duration);
    timer.unref();
    timers.add(timer);
  };
  const setPresence = (online: boolean) => {
    network.putEntity<PresenceRecord>(phone.session, PRESENCE_KIND, 'self', {
      online,
      t: Math.floor(Date.now() / 1000),
    });
    announceUser(network, phone, online ? 'available' : 'unavailable');
  };
  const ids = (id: string | string[]) => (Array.isArray(id) ? id : [id]);

  return {
    async subscribePresence(id) {
      for (const one of ids(id))
        network.putEntity(phone.session, PRESENCE_SUBSCRIPTION_KIND, one, { id: one });
      return ids(id).length;
    },
    async unsubscribePresence(id) {
      for (const one of ids(id)) network.deleteEntity(phone.session, PRESENCE_SUBSCRIPTION_KIND, one);
      return ids(id).length;
    },
    async setOnlinePresence(online = true) {
      setPresence(online);
      return true;
    },
    async startTyping(to, duration) {
      announceChatState(network, phone, to, 'composing');
      stopAfter(to, duration);
    },
    async stopTyping(to) {
      announceChatState(network, phone, to, 'available');
    },
    async startRecording(to, duration) {
      announceChatState(network, phone, to, 'recording');
      stopAfter(to, duration);
    },
    async stopRecording(to) {
      announceChatState(network, phone, to, 'available');
    },
    async setChatState(chatId, chatState) {
      // The library's ChatState: 0 typing, 1 recording, 2 paused.
      const state: State =
        Number(chatState) === 0 ? 'composing' : Number(chatState) === 1 ? 'recording' : 'available';
      announceChatState(network, phone, chatId, state);
    },
    async getChatIsOnline(chatId) {
      const other = network.phoneByNumber(network.numberOf(chatId));
      return other ? isOnline(network, other) : false;
    },
    async getLastSeen(chatId) {
      const other = network.phoneByNumber(network.numberOf(chatId));
      if (!other) return false;
      // WhatsApp shows no "last seen" while the contact is online, nor before it was ever seen.
      if (isOnline(network, other)) return false;
      return network.getEntity<PresenceRecord>(other.session, PRESENCE_KIND, 'self')?.t ?? false;
    },
  };
}
