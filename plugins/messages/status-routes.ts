import { Type } from '../../core/index.ts';
import type { MessagesContext } from './context.ts';
import type { MediaRule } from './media.ts';
import { Responses, SessionParams, Text } from './schemas.ts';
import { sendToEach, sent } from './send.ts';

const STATUS_ERROR = 'Erro ao enviar status.';

const common = { method: 'POST' as const, tags: ['Status Stories'], auth: 'token' as const, connected: true };

/** Status stories: text, image and video posts every contact can see (status@broadcast). */
export function registerStatusRoutes({ api, media, rules, base64JsonLimit }: MessagesContext): void {
  api.route({
    ...common,
    path: '/api/:session/send-text-storie',
    summary: 'Post a text status story',
    schema: {
      params: SessionParams,
      body: Type.Object({
        text: Text('The story text', 700),
        options: Type.Optional(
          Type.Object(
            {
              backgroundColor: Type.Optional(
                Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb' }),
              ),
              font: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
            },
            { additionalProperties: true },
          ),
        ),
      }),
      responses: Responses.msg201,
    },
    handler: async ({ session, body }) => {
      const sendTextStatus = session.engine('sendTextStatus');
      return sent(
        await sendToEach(
          ['status@broadcast'],
          () => sendTextStatus(body.text, body.options ?? {}),
          STATUS_ERROR,
        ),
      );
    },
  });

  const mediaStory = (
    path: string,
    summary: string,
    rule: MediaRule,
    method: 'sendImageStatus' | 'sendVideoStatus',
  ) =>
    api.route({
      ...common,
      path: `/api/:session/${path}`,
      summary,
      description: `From a multipart \`file\`, \`path\` (URL or media-folder file) or \`base64\`: ${rule.label} of at most ${rule.maxBytes} bytes. The upload is removed afterwards (wppconnect-server left it on disk).`,
      upload: true,
      jsonLimit: base64JsonLimit,
      schema: {
        params: SessionParams,
        body: Type.Object({
          path: Type.Optional(
            Type.String({ maxLength: 4096, description: 'http(s) URL or a file of the media folder' }),
          ),
          base64: Type.Optional(Type.String({ description: 'base64, with or without a data-URL prefix' })),
          caption: Type.Optional(Text('Caption', 700)),
        }),
        responses: Responses.msg201,
      },
      handler: async ({ session, body, files }) => {
        const file = await media.resolve({ file: files[0], path: body.path, base64: body.base64 }, rule);
        const send = session.engine(method);
        const options = body.caption ? { caption: body.caption } : undefined;
        return sent(await sendToEach(['status@broadcast'], () => send(file.dataUrl, options), STATUS_ERROR));
      },
    });
  mediaStory('send-image-storie', 'Post an image status story', rules.image, 'sendImageStatus');
  mediaStory('send-video-storie', 'Post a video status story', rules.video, 'sendVideoStatus');
}
