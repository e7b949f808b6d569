import type { Message } from '@wppconnect-team/wppconnect';
import { HttpError, type Session, Type } from '../../core/index.ts';
import type { MessagesContext } from './context.ts';
import type { MediaRule } from './media.ts';
import type { ReceivedMedia } from './received-media.ts';
import { LibraryOptions, MessageId, Responses, recipientFields, SessionParams, Text } from './schemas.ts';
import { sendToEach, sent } from './send.ts';

const mediaSourceFields = {
  base64: Type.Optional(
    Type.String({ description: 'The file as base64, with or without a `data:<mime>;base64,` prefix' }),
  ),
  path: Type.Optional(
    Type.String({
      maxLength: 4096,
      description:
        'An http(s) URL (fetched by wppd; private addresses refused) or a file name inside the configured media folder — never an arbitrary server path',
    }),
  ),
};

const common = {
  method: 'POST' as const,
  tags: ['Messages'],
  auth: 'token' as const,
  connected: true,
  recipients: true,
};

/** Message not found / without media answers of wppconnect-server's media routes. */
async function mediaMessage(session: Session, id: string): Promise<Message> {
  let message: Message | undefined;
  try {
    message = await session.engine('getMessageById')(id);
  } catch (error) {
    if (error instanceof HttpError) throw error;
  }
  if (!message) throw new HttpError(400, { status: 'error', message: 'Message not found' });
  if (!(message.mimetype || message.isMedia || message.isMMS))
    throw new HttpError(400, { status: 'error', message: 'Message does not contain media' });
  return message;
}

async function mediaBody(
  session: Session,
  message: Message,
  received: ReceivedMedia,
  failure: (error: unknown) => HttpError,
) {
  const kept = await received.read(session.name, message.id);
  if (kept) return { base64: kept.toString('base64'), mimetype: message.mimetype };
  try {
    const buffer = await session.engine('decryptFile')(message);
    return { base64: Buffer.from(buffer).toString('base64'), mimetype: message.mimetype };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw failure(error);
  }
}

/** Media sends (images, files, stickers, voice) and media downloads. */
export function registerMediaRoutes({ api, media, rules, received, base64JsonLimit }: MessagesContext): void {
  const fileRoute = (path: string, summary: string, rule: MediaRule, upload: boolean) =>
    api.route({
      ...common,
      path: `/api/:session/${path}`,
      summary,
      description: `The file comes as a multipart \`file\`, as \`base64\` or as \`path\` (URL or media-folder file); it must be ${rule.label} of at most ${rule.maxBytes} bytes (type read from the bytes). Missing file: 401 {message:'Sending the file is mandatory'}, as wppconnect-server.`,
      upload: upload || undefined,
      jsonLimit: base64JsonLimit,
      schema: {
        params: SessionParams,
        body: Type.Object({
          ...recipientFields,
          ...mediaSourceFields,
          filename: Type.Optional(
            Type.String({ maxLength: 255, description: 'Display name (default "file")' }),
          ),
          caption: Type.Optional(Text('Caption')),
          message: Type.Optional(Text('Caption (alias used by some clients)')),
          quotedMessageId: Type.Optional(MessageId('Message to quote')),
          options: LibraryOptions('sendFile options (type, isViewOnce, mentionedList …)'),
        }),
        responses: Responses.msg201,
      },
      handler: async ({ session, recipients, body, files }) => {
        const file = await media.resolve({ file: files[0], path: body.path, base64: body.base64 }, rule);
        const sendFile = session.engine('sendFile');
        const options = {
          filename: body.filename ?? file.fileName ?? 'file',
          caption: body.message || body.caption,
          quotedMsg: body.quotedMessageId,
          ...body.options,
        };
        return sent(await sendToEach(recipients, (to) => sendFile(to, file.dataUrl, options)));
      },
    });
  fileRoute('send-image', 'Send an image', rules.image, true);
  fileRoute('send-file', 'Send a file (document)', rules.document, true);
  fileRoute('send-file-base64', 'Send a file given as base64', rules.document, false);

  const stickerRoute = (path: string, summary: string, rule: MediaRule, gif: boolean) =>
    api.route({
      ...common,
      path: `/api/:session/${path}`,
      summary,
      description: `From a multipart \`file\` or \`path\` (URL or media-folder file): ${rule.label}.`,
      upload: true,
      jsonLimit: base64JsonLimit,
      schema: {
        params: SessionParams,
        body: Type.Object({ ...recipientFields, ...mediaSourceFields }),
        responses: Responses.msg201,
      },
      handler: async ({ session, recipients, body, files }) => {
        const file = await media.resolve({ file: files[0], path: body.path, base64: body.base64 }, rule);
        const send = session.engine(gif ? 'sendImageAsStickerGif' : 'sendImageAsSticker');
        return sent(await sendToEach(recipients, (to) => send(to, file.dataUrl)));
      },
    });
  stickerRoute('send-sticker', 'Send an image as a sticker', rules.sticker, false);
  stickerRoute('send-sticker-gif', 'Send an animated sticker', rules.animatedSticker, true);

  api.route({
    ...common,
    path: '/api/:session/send-voice',
    summary: 'Send a voice message (push-to-talk)',
    description:
      '`path` is an http(s) URL, a data URL, or a file of the media folder. wppd reads it and calls sendPttFromBase64, so the library never opens a server path.',
    jsonLimit: base64JsonLimit,
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        path: Type.String({ minLength: 1, description: mediaSourceFields.path.description }),
        filename: Type.String({ maxLength: 255, default: 'Voice Audio' }),
        message: Type.Optional(Text('Caption')),
        quotedMessageId: Type.Optional(MessageId('Message to quote')),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const audio = await media.fromPath(body.path, rules.audio);
      const sendPtt = session.engine('sendPttFromBase64');
      return sent(
        await sendToEach(recipients, (to) =>
          sendPtt(to, audio.dataUrl, body.filename, body.message, body.quotedMessageId),
        ),
      );
    },
  });

  api.route({
    ...common,
    path: '/api/:session/send-voice-base64',
    summary: 'Send a voice message given as base64',
    jsonLimit: base64JsonLimit,
    schema: {
      params: SessionParams,
      body: Type.Object({
        ...recipientFields,
        base64Ptt: Type.String({
          minLength: 1,
          description: 'Audio as base64, with or without a data-URL prefix',
        }),
        quotedMessageId: Type.Optional(MessageId('Message to quote')),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, recipients, body }) => {
      const audio = await media.fromBase64(body.base64Ptt, rules.audio);
      const sendPtt = session.engine('sendPttFromBase64');
      return sent(
        await sendToEach(recipients, (to) =>
          sendPtt(to, audio.dataUrl, 'Voice Audio', '', body.quotedMessageId),
        ),
      );
    },
  });

  api.route({
    method: 'GET',
    path: '/api/:session/get-media-by-message/:messageId',
    summary: "A message's media as base64",
    tags: ['Messages'],
    auth: 'token',
    schema: {
      params: Type.Object({ session: Type.String(), messageId: MessageId() }),
      responses: { 200: { description: '`{base64, mimetype}`' } },
    },
    handler: async ({ session, params }) => {
      if (!session.isConnected)
        throw new HttpError(500, {
          status: 'error',
          message: 'The session is not active',
          error: 'The session is not connected',
        });
      const message = await mediaMessage(session, params.messageId);
      const body = await mediaBody(
        session,
        message,
        received,
        (error) =>
          new HttpError(500, {
            status: 'error',
            message: 'The session is not active',
            error: error instanceof Error ? error.message : String(error),
          }),
      );
      return { body };
    },
  });

  api.route({
    ...common,
    recipients: false,
    path: '/api/:session/download-media',
    summary: "Download a message's media as base64",
    description:
      '`messageId` is an id, or a message object (only its `id` is used: wppd never downloads from the URLs a client puts in an object).',
    schema: {
      params: SessionParams,
      body: Type.Object({
        messageId: Type.Union([
          MessageId(),
          Type.Object({ id: MessageId() }, { additionalProperties: true, description: 'A message object' }),
        ]),
      }),
      responses: { 200: { description: '`{base64, mimetype}`' } },
    },
    handler: async ({ session, body }) => {
      const id = typeof body.messageId === 'string' ? body.messageId : body.messageId.id;
      const message = await mediaMessage(session, id);
      const media = await mediaBody(
        session,
        message,
        received,
        (error) =>
          new HttpError(400, {
            status: 'error',
            message: 'Decrypt file error',
            error: error instanceof Error ? error.message : String(error),
          }),
      );
      return { body: media };
    },
  });
}
