import type { EngineClient } from '../../../core/index.ts';
import type { SandboxContext } from './context.ts';
import { sendMediaStatus } from './media.ts';

/**
 * Status stories: a message to `status@broadcast` that every other phone of the network receives
 * (`false_status@broadcast_<key>_<author>`). Like the library, these methods resolve to nothing.
 */
export function statusMethods({ network, phone }: SandboxContext): EngineClient {
  return {
    async sendTextStatus(text, options) {
      network.send(phone, 'status@broadcast', {
        type: 'chat',
        body: text,
        extra: { backgroundColor: options?.backgroundColor, font: options?.font },
      });
    },
    async sendImageStatus(pathOrBase64, options) {
      sendMediaStatus(network, phone, pathOrBase64, options?.caption);
    },
    async sendVideoStatus(pathOrBase64, options) {
      sendMediaStatus(network, phone, pathOrBase64, options?.caption);
    },
  };
}
