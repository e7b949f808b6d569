import path from 'node:path';
import { definePlugin } from '../../core/index.ts';
import type { MessagesConfig } from './context.ts';
import { registerManageRoutes } from './manage-routes.ts';
import { MediaInput, mediaRules } from './media.ts';
import { registerMediaRoutes } from './media-routes.ts';
import { ReceivedMedia } from './received-media.ts';
import { registerSendRoutes } from './send-routes.ts';
import { registerStatusRoutes } from './status-routes.ts';

const MB = 1024 * 1024;

/**
 * wppconnect-server's message routes (tags Messages and Status Stories): sending every kind of
 * message, reading, editing, deleting, reacting, forwarding, polls and stories. Media is taken in only
 * through ./media.ts (size limits, real type from the bytes, SSRF-safe URLs, media folder for paths).
 */
export default definePlugin<MessagesConfig>({
  name: 'messages',
  version: '1.0.0',
  core: '^1.0.0',
  config: {
    mediaDir: {
      doc: 'Folder whose files a `path` field may name (send-voice, send-sticker …); empty = only http(s) URLs',
      format: String,
      default: '',
      env: 'WPPD_MEDIA_DIR',
    },
    maxMediaBytes: {
      doc: 'Largest image, audio, video or sticker (WhatsApp: 16 MB)',
      format: 'nat',
      default: 16 * MB,
      env: 'WPPD_MAX_MEDIA_BYTES',
    },
    maxDocumentBytes: {
      doc: 'Largest document sent with send-file',
      format: 'nat',
      default: 100 * MB,
      env: 'WPPD_MAX_DOCUMENT_BYTES',
    },
  },
  register(api) {
    const limits = api.config;
    const largest = Math.max(limits.maxDocumentBytes, limits.maxMediaBytes);
    const received = new ReceivedMedia(path.join(api.dataDir, 'media'), largest, api.log);
    api.on('onmessage', (event) => {
      const session = api.sessions.get(event.session);
      if (session) return received.keep(session, event.payload);
    });
    api.on('session-removed', (event) => received.forget(event.session));
    const context = {
      api,
      media: new MediaInput(limits, api.fetch),
      rules: mediaRules(limits),
      received,
      base64JsonLimit: `${Math.ceil((largest * 4) / 3) + MB}b`,
    };
    registerSendRoutes(context);
    registerMediaRoutes(context);
    registerManageRoutes(context);
    registerStatusRoutes(context);
  },
});
