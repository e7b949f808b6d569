/**
 * Builders for the library's object shapes (Message, Contact, Wid, profile), so sandbox answers and
 * events look exactly like the real engine's. Every field of the library's interfaces is set.
 */
import { randomBytes } from 'node:crypto';
import type { Chat, Contact, GroupMetadata, Message, Wid } from '@wppconnect-team/wppconnect';

/** The library's MessageType enum, as its string values ("chat", "image" …). */
export type MessageType = `${Message['type']}`;

export function wid(serialized: string): Wid {
  const [user = '', server = 'c.us'] = serialized.split('@');
  return { server, user, _serialized: serialized };
}

/** A per-process sequence for message key ids, from a random start (see newKeyId). */
let keySequence = randomBytes(3).readUIntBE(0, 3);

/**
 * The key part of a message id, like WhatsApp Web's: `3EB0` and 16 hex digits (longer keys read as
 * Android's, see getPlatformFromMessage). The digits are the time in ms (the last 10 hex digits:
 * they wrap every ~35 years), then a sequence: ids grow with time, so a phone's messages index
 * appends instead of writing a random page of itself per message (~5 µs of each stored message,
 * more as the table grows), and no two ids of this process share a millisecond and a sequence number.
 */
export function newKeyId(): string {
  keySequence = (keySequence + 1) % 0x1000000;
  const time = (Date.now() % 0x10000000000).toString(16).padStart(10, '0');
  return `3EB0${time}${keySequence.toString(16).padStart(6, '0')}`.toUpperCase();
}

/** `<fromMe>_<chat>_<key>[_<author>]`, the library's serialised message id. */
export function messageId(fromMe: boolean, chatId: string, keyId: string, author?: string): string {
  return `${fromMe}_${chatId}_${keyId}${author ? `_${author}` : ''}`;
}

export function makeContact(
  id: string,
  pushname: string,
  options: { isMe?: boolean; isMyContact?: boolean } = {},
): Contact {
  const user = id.split('@')[0] ?? id;
  return {
    formattedName: pushname || `+${user}`,
    id,
    isBusiness: false,
    isEnterprise: false,
    isHighLevelVerified: null,
    isMe: options.isMe ?? false,
    isMyContact: options.isMyContact ?? false,
    isPSA: false,
    isUser: id.endsWith('@c.us') || id.endsWith('@lid'),
    isVerified: null,
    isWAContact: true,
    labels: [],
    msgs: null,
    name: undefined,
    plaintextDisabled: false,
    profilePicThumbObj: { eurl: '', id: wid(id), img: '', imgFull: '', raw: null, tag: '' },
    pushname,
    sectionHeader: null,
    shortName: pushname.split(' ')[0] ?? pushname,
    statusMute: false,
    type: 'in',
    verifiedLevel: null,
    verifiedName: undefined,
  } as Contact;
}

export interface MessageInit {
  id: string;
  type: MessageType;
  from: string;
  to: string;
  /** The chat this copy belongs to, from its owner's point of view. */
  chatId: string;
  fromMe: boolean;
  /** Group messages: the participant who wrote it. */
  author?: string;
  body?: string;
  caption?: string;
  notifyName: string;
  sender: Contact;
  ack: number;
  t: number;
  mimetype?: string;
  size?: number;
  filename?: string;
  quotedMsgId?: string | null;
  mentionedJidList?: string[];
  isForwarded?: boolean;
  /** Extra library fields of some types (lat/lng, pollOptions, list, vcard …). */
  extra?: Record<string, unknown>;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'sticker', 'document']);

export function makeMessage(init: MessageInit): Message {
  const isMedia = MEDIA_TYPES.has(init.type);
  const message = {
    id: init.id,
    body: init.body ?? '',
    type: init.type,
    subtype: '',
    t: init.t,
    notifyName: init.notifyName,
    from: init.from,
    to: init.to,
    author: init.author ?? '',
    self: init.fromMe ? 'out' : 'in',
    ack: init.ack,
    invis: false,
    isNewMsg: true,
    star: false,
    kicNotified: false,
    recvFresh: true,
    interactiveAnnotations: [],
    clientUrl: '',
    deprecatedMms3Url: '',
    directPath: '',
    mimetype: init.mimetype ?? '',
    filehash: '',
    uploadhash: '',
    size: init.size ?? 0,
    mediaKey: '',
    mediaKeyTimestamp: init.t,
    width: 0,
    height: 0,
    broadcast: init.chatId === 'status@broadcast',
    mentionedJidList: init.mentionedJidList ?? [],
    isVcardOverMmsDocument: false,
    isForwarded: init.isForwarded ?? false,
    hasReaction: false,
    productHeaderImageRejected: false,
    lastPlaybackProgress: 0,
    isDynamicReplyButtonsMsg: false,
    isCarouselCard: false,
    parentMsgId: null,
    isMdHistoryMsg: false,
    stickerSentTs: 0,
    isAvatar: false,
    lastUpdateFromServerTs: 0,
    invokedBotWid: null,
    bizBotType: null,
    botResponseTargetId: null,
    botPluginType: null,
    botPluginReferenceIndex: null,
    botPluginSearchProvider: null,
    botPluginSearchUrl: null,
    botPluginSearchQuery: null,
    botPluginMaybeParent: false,
    botReelPluginThumbnailCdnUrl: null,
    botMsgBodyType: null,
    requiresDirectConnection: null,
    bizContentPlaceholderType: null,
    hostedBizEncStateMismatch: false,
    senderOrRecipientAccountTypeHosted: false,
    placeholderCreatedWhenAccountIsHosted: false,
    labels: [],
    sender: init.sender,
    timestamp: init.t,
    content: init.body ?? '',
    isGroupMsg: init.chatId.endsWith('@g.us'),
    isMMS: isMedia,
    isMedia,
    isNotification: false,
    isPSA: false,
    chat: null,
    lastSeen: null,
    chatId: init.chatId,
    fromMe: init.fromMe,
    quotedMsgObj: null,
    quotedMsgId: init.quotedMsgId ?? null,
    mediaData: {
      type: isMedia ? init.type : 'unknown',
      mediaStage: isMedia ? 'RESOLVED' : 'INIT',
      animationDuration: 0,
      animatedAsNewMsg: false,
      _swStreamingSupported: false,
      _listeningToSwSupport: false,
    },
    caption: init.caption,
    filename: init.filename,
    ...init.extra,
  };
  return message as unknown as Message;
}

// ---- groups, communities, newsletters, labels (builders shared by client/groups.ts and friends) ----

/**
 * An error the way wa-js raises them (WPPError): a message plus a stable `code`
 * (`group_you_are_not_admin`, `group_not_exist` …), so routes can map codes to HTTP statuses on
 * both engines.
 */
export class WhatsAppError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WPPError';
  }
}

/** A group (or community) as the sandbox network stores it (entity kind 'group', owner ''). */
export interface GroupState {
  id: string;
  subject: string;
  subjectTime: number;
  subjectOwner: string;
  desc: string;
  descId: string;
  descTime: number;
  descOwner: string;
  creation: number;
  owner: string;
  participants: { id: string; isAdmin: boolean; isSuperAdmin: boolean }[];
  pastParticipants: { id: string; leaveTs: number; leaveReason: 'Left' | 'Removed' }[];
  /** Only admins may send messages. */
  announce: boolean;
  /** Only admins may edit the group's info. */
  restrict: boolean;
  noFrequentlyForwarded: boolean;
  ephemeralDuration: number;
  inviteCode: string;
  picture?: { tag: string; eurl: string };
  lastActivity: number;
  /** A community (parent group). */
  isParentGroup: boolean;
  /** The community this group belongs to. */
  parentGroup?: string;
  /** The announcement group of its community. */
  defaultSubgroup: boolean;
  /** A deactivated community (its groups are unlinked). */
  deactivated?: boolean;
}

export function makeGroupMetadata(group: GroupState): GroupMetadata {
  // wa-js also has subjectOwner, which the library's interface leaves out.
  const undeclared = { subjectOwner: wid(group.subjectOwner) };
  return {
    ...undeclared,
    id: wid(group.id),
    creation: group.creation,
    owner: wid(group.owner),
    subject: group.subject,
    subjectTime: group.subjectTime,
    desc: group.desc,
    descId: group.descId,
    descTime: group.descTime,
    descOwner: wid(group.descOwner || group.owner),
    restrict: group.restrict,
    announce: group.announce,
    noFrequentlyForwarded: group.noFrequentlyForwarded,
    ephemeralDuration: group.ephemeralDuration,
    membershipApprovalMode: false,
    memberAddMode: 'admin_add',
    reportToAdminMode: false,
    size: group.participants.length,
    support: false,
    suspended: false,
    terminated: Boolean(group.deactivated),
    uniqueShortNameMap: {},
    isLidAddressingMode: false,
    isParentGroup: group.isParentGroup,
    isParentGroupClosed: false,
    parentGroup: group.parentGroup,
    defaultSubgroup: group.defaultSubgroup,
    generalSubgroup: false,
    generalChatAutoAddDisabled: false,
    allowNonAdminSubGroupCreation: false,
    lastActivityTimestamp: group.lastActivity,
    lastSeenActivityTimestamp: group.lastActivity,
    incognito: false,
    hasCapi: false,
    displayCadminPromotion: false,
    participants: group.participants.map((p) => ({
      id: wid(p.id),
      isAdmin: p.isAdmin,
      isSuperAdmin: p.isSuperAdmin,
    })),
    pendingParticipants: [],
    pastParticipants: group.pastParticipants.map((p) => ({ ...p, id: wid(p.id) })),
    membershipApprovalRequests: [],
    subgroupSuggestions: [],
  };
}

export interface ChatInit {
  id: string;
  name: string;
  /** Last activity, seconds since the epoch. */
  t: number;
  groupMetadata?: GroupMetadata;
  /** Label ids assigned to the chat (WhatsApp Business). */
  labels?: string[];
  muteExpiration?: number;
  isReadOnly?: boolean;
}

/** The library's Chat for a user, group or newsletter id (plus wa-js's `labels`). */
export function makeChat(init: ChatInit): Chat {
  const isGroup = init.id.endsWith('@g.us');
  const isUser = init.id.endsWith('@c.us') || init.id.endsWith('@lid');
  const chat = {
    id: wid(init.id),
    pendingMsgs: false,
    lastReceivedKey: null,
    t: init.t,
    unreadCount: 0,
    archive: false,
    muteExpiration: init.muteExpiration ?? 0,
    name: init.name,
    notSpam: true,
    pin: 0,
    msgs: null,
    kind: isGroup ? 'group' : init.id.endsWith('@newsletter') ? 'newsletter' : 'chat',
    isAnnounceGrpRestrict: init.groupMetadata?.announce ?? false,
    ephemeralDuration: init.groupMetadata?.ephemeralDuration ?? 0,
    hasChatBeenOpened: false,
    unreadMentionCount: 0,
    hasUnreadMention: false,
    archiveAtMentionViewedInDrawer: false,
    isBroadcast: init.id.endsWith('@broadcast'),
    isGroup,
    isReadOnly: init.isReadOnly ?? false,
    isUser,
    contact: makeContact(init.id, init.name),
    groupMetadata: init.groupMetadata ?? null,
    presence: { id: wid(init.id), chatstates: [] },
    restricted: init.groupMetadata?.restrict ?? false,
    hasOpened: false,
    labels: init.labels ?? [],
  };
  return chat as unknown as Chat;
}

// ---- chats, contacts, presence and device (chat plugin: client/chats.ts, contacts.ts, presence.ts, device.ts) ----

/** Contacts a phone blocked: entities owner = the session, id = `<number>@c.us` (network.ts drops their messages). */
export const BLOCKED_CONTACT_KIND = 'blocked-contact';

/**
 * Limits set with setLimit: entities owner = the session, id = the library's key (`maxMediaSize`,
 * `maxFileSize`, `maxShare`, `statusVideoMaxDuration`, `unlimitedPin`) → `{ value }`. Read them with
 * `limitOf` in client/device.ts.
 */
export const LIMIT_KIND = 'limit';
