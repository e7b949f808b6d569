import type { EngineClient } from '../../../core/index.ts';
import type { SandboxContext } from './context.ts';

/** Sending and reading messages. */
export function messageMethods({ network, phone }: SandboxContext): EngineClient {
  return {
    async sendText(to, content, options) {
      return network.send(phone, String(to), {
        type: 'chat',
        body: content,
        quotedMsgId: typeof options?.quotedMsg === 'string' ? options.quotedMsg : null,
        mentionedJidList: options?.mentionedList?.map(String) ?? [],
      });
    },
  };
}
