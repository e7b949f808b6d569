import type { EngineClient } from '../../../core/index.ts';
import { wid } from '../model.ts';
import type { SandboxContext } from './context.ts';

/** Contacts on the sandbox network: number checks and the phone ↔ LID mapping. */
export function contactMethods({ network }: SandboxContext): EngineClient {
  return {
    async checkNumberStatus(contactId) {
      const exists = network.exists(contactId);
      const canonical = contactId.endsWith('@lid') ? `${network.numberOf(contactId)}@c.us` : contactId;
      const id = wid(canonical);
      return {
        id: { ...id, fromMe: false, remote: canonical, id: id.user },
        status: exists ? 200 : 404,
        isBusiness: false,
        canReceiveMessage: exists,
        numberExists: exists,
      };
    },
  };
}
