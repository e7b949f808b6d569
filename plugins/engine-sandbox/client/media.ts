import { randomBytes } from 'node:crypto';
import type { Message } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import type { MessageType } from '../model.ts';
import type { MessageContent, SandboxNetwork, SandboxPhone } from '../network.ts';
import type { SandboxContext } from './context.ts';
import { quotedId } from './messages.ts';

/**
 * Media messages on the sandbox network. Media arrives only as a `data:<mime>;base64,…` URL: the
 * messages plugin turns uploads, URLs and media-folder files into one, so no engine ever reads a
 * server path or fetches a URL from a request. The bytes are stored once (by hash) in the network's
 * database and served back intact by decryptFile / downloadMedia to the phones that have the message.
 */
export function decodeDataUrl(input: string): { mimetype: string; bytes: Buffer } {
  const match = /^data:([\w.+-]+\/[\w.+-]+)(?:;[\w=.+-]+)*;base64,([A-Za-z0-9+/=\s]*)$/.exec(input);
  if (!match) throw new Error('The sandbox engine takes media only as a data: URL with base64');
  const bytes = Buffer.from(match[2] ?? '', 'base64');
  if (bytes.length === 0) throw new Error('The media is empty');
  return { mimetype: match[1] ?? 'application/octet-stream', bytes };
}

/** The message type WhatsApp gives a file, from sendFile's `type` option or the mimetype. */
function typeFor(mimetype: string, requested: string | undefined, isPtt: boolean): MessageType {
  if (isPtt) return 'ptt';
  if (requested && requested !== 'auto-detect') {
    if (['image', 'video', 'audio', 'document', 'sticker'].includes(requested))
      return requested as MessageType;
  }
  if (mimetype === 'image/webp') return 'sticker';
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return 'audio';
  return 'document';
}

/** Stores the bytes and describes the media message with the library's media fields. */
export function mediaContent(
  network: SandboxNetwork,
  dataUrl: string,
  options: { type?: string; isPtt?: boolean; filename?: string; caption?: string; quotedMsg?: string | null },
): MessageContent {
  const { mimetype, bytes } = decodeDataUrl(dataUrl);
  const filehash = network.putMedia(bytes);
  const type = typeFor(mimetype, options.type, options.isPtt ?? false);
  const directPath = `/v/t62.7118-24/sandbox-${Buffer.from(filehash, 'base64').toString('hex').slice(0, 32)}`;
  return {
    type,
    body: '',
    caption: type === 'image' || type === 'video' || type === 'document' ? options.caption : undefined,
    mimetype,
    size: bytes.length,
    filename: type === 'document' ? options.filename : undefined,
    quotedMsgId: options.quotedMsg ?? null,
    extra: {
      filehash,
      mediaKey: randomBytes(32).toString('base64'),
      directPath,
      clientUrl: `https://mmg.whatsapp.net${directPath}`,
      deprecatedMms3Url: `https://mmg.whatsapp.net${directPath}`,
    },
  };
}

/** The stored bytes of a message this phone has; never the object's own URLs (they could point anywhere). */
export function mediaBytes(
  network: SandboxNetwork,
  phone: SandboxPhone,
  id: string,
): { message: Message; bytes: Buffer } {
  const message = network.ownMessage(phone, id);
  const hash = (message as unknown as { filehash?: string }).filehash;
  const bytes = hash ? network.getMedia(hash) : undefined;
  if (!bytes) throw new Error('The message has no media');
  return { message, bytes };
}

export function mediaMethods({ network, phone }: SandboxContext): EngineClient {
  const sendMedia = (to: string, dataUrl: string, options: Parameters<typeof mediaContent>[2]) => {
    const message = network.send(phone, to, mediaContent(network, dataUrl, options));
    return { ack: message.ack, id: message.id };
  };
  return {
    async sendFile(to, pathOrBase64, optionsOrFilename?, caption?) {
      const options = typeof optionsOrFilename === 'object' && optionsOrFilename ? optionsOrFilename : {};
      return sendMedia(String(typeof to === 'string' ? to : to._serialized), pathOrBase64, {
        type: options.type,
        isPtt: options.isPtt,
        filename: typeof optionsOrFilename === 'string' ? optionsOrFilename : options.filename,
        caption: typeof optionsOrFilename === 'string' ? caption : options.caption,
        quotedMsg: quotedId(options.quotedMsg),
      });
    },
    async sendImageAsSticker(to, pathOrBase64, options) {
      return sendMedia(to, pathOrBase64, { type: 'sticker', quotedMsg: quotedId(options?.quotedMsg) });
    },
    async sendImageAsStickerGif(to, pathOrBase64, options) {
      return sendMedia(to, pathOrBase64, { type: 'sticker', quotedMsg: quotedId(options?.quotedMsg) });
    },
    async sendPtt(to, filePath, filename, caption, quotedMessageId, _messageId, isPtt = true) {
      return sendMedia(to, filePath, { isPtt, type: 'audio', filename, caption, quotedMsg: quotedMessageId });
    },
    async sendPttFromBase64(to, base64, filename, caption, quotedMessageId, _messageId, isPtt = true) {
      return sendMedia(to, base64, { isPtt, type: 'audio', filename, caption, quotedMsg: quotedMessageId });
    },
    async getMessageById(id) {
      return network.ownMessage(phone, id);
    },
    async decryptFile(message) {
      return mediaBytes(network, phone, message.id).bytes;
    },
    async downloadMedia(messageOrId) {
      const id = typeof messageOrId === 'string' ? messageOrId : messageOrId.id;
      const { message, bytes } = mediaBytes(network, phone, id);
      return `data:${message.mimetype || 'application/octet-stream'};base64,${bytes.toString('base64')}`;
    },
  };
}

/** Sends a media status story to every other phone of the network. */
export function sendMediaStatus(
  network: SandboxNetwork,
  phone: SandboxPhone,
  dataUrl: string,
  caption?: string,
) {
  const content = mediaContent(network, dataUrl, { caption });
  return network.send(phone, 'status@broadcast', { ...content, caption });
}
