import type { EngineClient } from '../../../core/index.ts';
import { catalogMethods } from './catalog.ts';
import { chatMethods } from './chats.ts';
import { communityMethods } from './communities.ts';
import { contactMethods } from './contacts.ts';
import type { SandboxContext } from './context.ts';
import { deviceMethods } from './device.ts';
import { groupMethods } from './groups.ts';
import { labelMethods } from './labels.ts';
import { mediaMethods } from './media.ts';
import { messageMethods } from './messages.ts';
import { newsletterMethods } from './newsletter.ts';
import { presenceMethods } from './presence.ts';
import { profileMethods } from './profile.ts';
import { statusMethods } from './status.ts';

/**
 * The sandbox's implementation of the engine port, one module per area (messages, chats, contacts,
 * groups …) so each stays readable. Methods return the library's shapes (see ../model.ts).
 */
export function createSandboxClient(context: SandboxContext): EngineClient {
  return {
    ...messageMethods(context),
    ...mediaMethods(context),
    ...statusMethods(context),
    ...contactMethods(context),
    ...groupMethods(context),
    ...communityMethods(context),
    ...catalogMethods(context),
    ...labelMethods(context),
    ...newsletterMethods(context),
    // After groupMethods: chats' getChatById answers for every chat, groups included.
    ...chatMethods(context),
    ...presenceMethods(context),
    ...profileMethods(context),
    ...deviceMethods(context),
    async getWid() {
      return context.phone.wid;
    },
    async isConnected() {
      return Boolean(context.phone.callbacks);
    },
  };
}
