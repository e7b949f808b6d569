/**
 * Builders for the library's object shapes (Message, Contact, Wid, profile), so sandbox answers and
 * events look exactly like the real engine's. Every field of the library's interfaces is set.
 */
import { randomBytes } from 'node:crypto';
import type { Contact, Message, Wid } from '@wppconnect-team/wppconnect';

/** The library's MessageType enum, as its string values ("chat", "image" …). */
export type MessageType = `${Message['type']}`;

export function wid(serialized: string): Wid {
  const [user = '', server = 'c.us'] = serialized.split('@');
  return { server, user, _serialized: serialized };
}

/** The key part of a message id, like WhatsApp Web's (`3EB0…`). */
export function newKeyId(): string {
  return `3EB0${randomBytes(8).toString('hex').toUpperCase()}`;
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
