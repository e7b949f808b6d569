import type { Contact, ContactStatus, ProfilePicThumbObj } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { BLOCKED_CONTACT_KIND, makeContact, WhatsAppError, wid } from '../model.ts';
import { lidFor, type SandboxNetwork, type SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';
import { GroupDirectory } from './groups.ts';

/** What everyone's "about" says until they change it. */
export const DEFAULT_ABOUT = 'Hey there! I am using WhatsApp.';

/** A phone's "about" text, network-wide (owner ''), id = `<number>@c.us` → `{ status }`. */
export const ABOUT_KIND = 'about';

/** Profile pictures, network-wide (owner ''), id = the user or group id → ProfilePicture. */
export const PROFILE_PICTURE_KIND = 'profile-picture';

export interface ProfilePicture {
  /** A data: URL of the image. */
  dataUrl: string;
  /** Changes with every new picture, like WhatsApp's. */
  tag: string;
}

/** `<number>@c.us` for a phone number, `@c.us` or `@lid` id. */
export function userIdOf(network: SandboxNetwork, id: string): string {
  return `${network.numberOf(id)}@c.us`;
}

/** The contact as this phone sees it (its push name when the number is a phone of the network). */
export function contactFor(network: SandboxNetwork, me: SandboxPhone, id: string): Contact {
  const userId = userIdOf(network, id);
  const other = network.phoneByNumber(network.numberOf(id));
  const heard = other
    ? undefined
    : network
        .chatMessages(me.session, userId)
        .filter((m) => !m.fromMe && m.notifyName)
        .at(-1)?.notifyName;
  const contact = makeContact(userId, other?.pushname ?? heard ?? '', { isMe: userId === me.wid });
  const picture = network.getEntity<ProfilePicture>('', PROFILE_PICTURE_KIND, userId);
  return picture ? { ...contact, profilePicThumbObj: pictureThumb(userId, picture) } : contact;
}

function pictureThumb(id: string, picture: ProfilePicture | undefined): ProfilePicThumbObj {
  return {
    eurl: picture?.dataUrl ?? '',
    id: wid(id),
    img: picture?.dataUrl ?? '',
    imgFull: picture?.dataUrl ?? '',
    raw: null,
    tag: picture?.tag ?? '',
  };
}

/**
 * Contacts on the sandbox network: number checks, the phone ↔ LID mapping (every account has a
 * stable `@lid`, see lidFor), contacts, about texts, profile pictures and the blocklist.
 */
export function contactMethods({ network, phone }: SandboxContext): EngineClient {
  /** wa-js refuses ids that are not users before asking the server. */
  const existingUser = (id: string): string => {
    if (!(id.endsWith('@c.us') || id.endsWith('@lid')) || !network.exists(id))
      throw new WhatsAppError('contact_not_found', `The contact ${id} does not exist on WhatsApp`);
    return userIdOf(network, id);
  };
  /** Everyone this phone knows: the other phones of the network and the people it chatted with. */
  const knownUserIds = (): string[] => {
    const ids = new Set(network.allPhones().map((p) => p.wid));
    for (const message of network.allMessages(phone.session)) {
      const chatId = String(message.chatId);
      if (chatId.endsWith('@c.us') || chatId.endsWith('@lid')) ids.add(userIdOf(network, chatId));
    }
    ids.delete(phone.wid);
    return [...ids].sort();
  };

  return {
    async checkNumberStatus(contactId) {
      const exists = network.exists(contactId);
      const canonical = contactId.endsWith('@lid') ? `${network.numberOf(contactId)}@c.us` : contactId;
      const id = wid(canonical);
      return {
        id: { ...id, fromMe: false, remote: canonical, id: id.user },
        status: exists ? 200 : 404,
        isBusiness: false,
        canReceiveMessage: exists,
        numberExists: exists,
      };
    },
    async getNumberProfile(contactId) {
      const exists = network.exists(contactId);
      const canonical = contactId.endsWith('@lid') ? userIdOf(network, contactId) : contactId;
      const id = wid(canonical);
      return {
        id: { ...id, fromMe: false, remote: canonical, id: id.user },
        status: exists ? 200 : 404,
        isBusiness: false,
        canReceiveMessage: exists,
        numberExists: exists,
      };
    },
    async getContact(contactId) {
      return contactFor(network, phone, existingUser(contactId));
    },
    async getAllContacts() {
      return knownUserIds().map((id) => contactFor(network, phone, id));
    },
    async getPnLidEntry(phoneOrLid) {
      let number: string | undefined;
      if (phoneOrLid.endsWith('@lid')) {
        // The network knows the LIDs of its phones; other LIDs are matched against known contacts.
        number = network.exists(phoneOrLid)
          ? network.numberOf(phoneOrLid)
          : knownUserIds()
              .map((id) => network.numberOf(id))
              .find((n) => lidFor(n) === phoneOrLid);
        if (!number)
          return { lid: { id: phoneOrLid.split('@')[0] ?? '', server: 'lid', _serialized: phoneOrLid } };
      } else number = network.numberOf(existingUser(phoneOrLid));
      const lid = lidFor(number);
      const contact = contactFor(network, phone, `${number}@c.us`);
      return {
        lid: { id: lid.split('@')[0] ?? '', server: 'lid', _serialized: lid },
        phoneNumber: { id: number, server: 'c.us', _serialized: `${number}@c.us` },
        contact: {
          name: contact.name,
          shortName: contact.shortName,
          pushname: contact.pushname,
          type: 'in',
          verifiedName: contact.verifiedName,
          isBusiness: false,
          isEnterprise: false,
          verifiedLevel: undefined,
          syncToAddressbook: false,
          isContactSyncCompleted: 1,
        },
      };
    },
    async getProfilePicFromServer(chatId) {
      if (chatId.endsWith('@g.us')) {
        // A group's icon lives on the group (group-pic, client/groups.ts).
        const icon = new GroupDirectory(network).find(chatId)?.picture;
        return pictureThumb(chatId, icon && { dataUrl: icon.eurl, tag: icon.tag });
      }
      const id = existingUser(chatId);
      return pictureThumb(id, network.getEntity<ProfilePicture>('', PROFILE_PICTURE_KIND, id));
    },
    async getStatus(contactId) {
      const id = existingUser(contactId);
      const about = network.getEntity<{ status: string }>('', ABOUT_KIND, id);
      const status: ContactStatus = { id, status: about?.status ?? DEFAULT_ABOUT };
      return status;
    },
    async getBlockList() {
      return network.listEntities<{ id: string }>(phone.session, BLOCKED_CONTACT_KIND).map((b) => b.id);
    },
    async blockContact(contactId) {
      const id = existingUser(contactId);
      network.putEntity(phone.session, BLOCKED_CONTACT_KIND, id, { id, t: Math.floor(Date.now() / 1000) });
      return true;
    },
    async unblockContact(contactId) {
      network.deleteEntity(phone.session, BLOCKED_CONTACT_KIND, existingUser(contactId));
      return true;
    },
  };
}
