import type { Message } from '@wppconnect-team/wppconnect';

/**
 * The part of a WhatsApp message the bridge posts to Chatwoot, taken from the event when it happens
 * (the hook must not do I/O) and stored in the outbox row. Media bytes are not in it: they are
 * downloaded from the engine when the row is delivered.
 */
export interface BridgedMessage {
  id: string;
  /** The WhatsApp chat (`<number>@c.us`, `<lid>@lid` or a group): one Chatwoot contact. */
  chat: string;
  fromMe: boolean;
  type: string;
  body: string;
  caption?: string;
  mimetype?: string;
  filename?: string;
  t: number;
  /** The name a new Chatwoot contact gets. */
  contactName: string;
  media: boolean;
  lat?: number;
  lng?: number;
  place?: string;
  /** vCards of contact messages. */
  vcards?: string[];
  quotedMsgId?: string;
  /** In groups: who wrote it. */
  author?: string;
}

const MEDIA_TYPES = new Set(['image', 'video', 'audio', 'ptt', 'sticker', 'document']);
/** System messages with nothing for an agent to read. */
const SKIPPED_TYPES = new Set([
  'e2e_notification',
  'notification',
  'notification_template',
  'gp2',
  'protocol',
  'ciphertext',
  'revoked',
  'reaction',
  'call_log',
  'broadcast_notification',
]);

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The serialised id of a message (`id` is a string or `{_serialized}` depending on the source). */
export function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value || undefined;
  if (value && typeof value === 'object' && '_serialized' in value)
    return text((value as { _serialized: unknown })._serialized);
  return undefined;
}

/** Chats that are not people or groups (status stories, broadcast lists, channels). */
export function isBridgeableChat(chat: string, groups: boolean): boolean {
  if (chat.includes('@broadcast') || chat.endsWith('@newsletter')) return false;
  if (chat.endsWith('@g.us')) return groups;
  return chat.endsWith('@c.us') || chat.endsWith('@lid') || chat.endsWith('@s.whatsapp.net');
}

/** What to post for a WhatsApp message, or undefined when it is not for Chatwoot. */
export function toBridged(message: Message, groups: boolean): BridgedMessage | undefined {
  const raw = message as unknown as Record<string, unknown>;
  const id = idOf(raw.id);
  const fromMe = raw.fromMe === true;
  const chat = idOf(raw.chatId) ?? (fromMe ? idOf(raw.to) : idOf(raw.from));
  const type = String(raw.type ?? 'chat');
  if (!id || !chat || !isBridgeableChat(chat, groups) || SKIPPED_TYPES.has(type)) return undefined;
  const sender = (raw.sender ?? {}) as Record<string, unknown>;
  const senderName =
    (sender.isMyContact === true ? text(sender.formattedName) : undefined) ??
    text(sender.pushname) ??
    text(raw.notifyName) ??
    text(sender.formattedName);
  const isGroup = chat.endsWith('@g.us');
  const user = chat.split('@')[0] ?? chat;
  const chatName = text((raw.chat as Record<string, unknown> | undefined)?.name);
  const contactName = isGroup ? (chatName ?? chat) : fromMe ? `+${user}` : (senderName ?? `+${user}`);
  const bridged: BridgedMessage = {
    id,
    chat,
    fromMe,
    type,
    body: typeof raw.body === 'string' ? raw.body : '',
    t: typeof raw.t === 'number' ? raw.t : Math.floor(Date.now() / 1000),
    contactName,
    media: MEDIA_TYPES.has(type),
  };
  if (bridged.media) {
    bridged.body = '';
    bridged.caption = text(raw.caption);
    bridged.mimetype = text(raw.mimetype);
    bridged.filename = text(raw.filename);
  }
  if (type === 'location') {
    bridged.body = '';
    bridged.lat = Number(raw.lat);
    bridged.lng = Number(raw.lng);
    bridged.place = text(raw.loc);
  }
  if (type === 'vcard') bridged.vcards = [String(raw.body ?? '')];
  if (type === 'multi_vcard')
    bridged.vcards = ((raw.vcardList as { vcard?: string }[] | undefined) ?? []).map((c) =>
      String(c.vcard ?? ''),
    );
  const quoted = idOf(raw.quotedMsgId) ?? idOf((raw.quotedMsg as Record<string, unknown> | undefined)?.id);
  if (quoted) bridged.quotedMsgId = quoted;
  if (isGroup && !fromMe) bridged.author = senderName ?? idOf(raw.author);
  if (!bridged.media && !bridged.body && type !== 'location' && !bridged.vcards) return undefined;
  return bridged;
}

/** One contact of a vCard as "Name: +number, +number". */
function describeVcard(vcard: string): string {
  const name = /^FN[^:]*:(.*)$/m.exec(vcard)?.[1]?.trim() ?? 'Contact';
  const numbers = [...vcard.matchAll(/^[^\n]*TEL[^:]*:(.*)$/gm)].map((m) => m[1]?.trim()).filter(Boolean);
  return numbers.length ? `${name}: ${numbers.join(', ')}` : name;
}

/** The text of the Chatwoot message (media: the caption). */
export function chatwootContent(message: BridgedMessage): string {
  let content: string;
  if (message.type === 'location') {
    const where =
      Number.isFinite(message.lat) && Number.isFinite(message.lng) ? `${message.lat},${message.lng}` : '';
    content = [
      message.place ? `📍 ${message.place}` : '📍',
      where ? `https://www.google.com/maps?q=${where}` : '',
    ]
      .filter(Boolean)
      .join('\n');
  } else if (message.vcards) content = message.vcards.map((card) => `👤 ${describeVcard(card)}`).join('\n');
  else if (message.media) content = message.caption ?? '';
  else content = message.body;
  return message.author ? `**${message.author}**:\n${content}` : content;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
};

/** A file name safe to hand on: no path separators, quotes or control characters, at most 200 chars. */
export function safeFileName(name: string): string {
  return [...name]
    .map((c) => (c === '/' || c === '\\' || c === '"' || c.charCodeAt(0) < 0x20 ? '_' : c))
    .join('')
    .trim()
    .slice(0, 200);
}

/** A safe file name: the document's own name, else `<timestamp>.<ext>` as wppconnect-server names it. */
export function attachmentName(message: BridgedMessage, mimetype: string): string {
  const own = message.filename ? safeFileName(message.filename) : '';
  if (own) return own;
  const base = mimetype.split(';')[0]?.trim() ?? '';
  const ext =
    EXTENSIONS[base] ??
    base
      .split('/')[1]
      ?.replace(/[^a-z0-9]/gi, '')
      .slice(0, 10) ??
    'bin';
  return `${message.t}.${ext || 'bin'}`;
}
