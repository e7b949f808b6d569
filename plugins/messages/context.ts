import type { PluginApi } from '../../core/index.ts';
import type { MediaInput, mediaRules } from './media.ts';
import type { ReceivedMedia } from './received-media.ts';

export interface MessagesConfig {
  mediaDir: string;
  maxMediaBytes: number;
  maxDocumentBytes: number;
}

/** What every route module of the plugin works with. */
export interface MessagesContext {
  api: PluginApi<MessagesConfig>;
  media: MediaInput;
  rules: ReturnType<typeof mediaRules>;
  /** Media of received messages kept in the data dir. */
  received: ReceivedMedia;
  /** A JSON body limit that fits base64 of the largest document (base64 is 4/3 of the bytes). */
  base64JsonLimit: string;
}
