import { definePlugin } from '../../core/index.ts';
import { registerChatRoutes } from './chats.ts';
import { registerContactRoutes } from './contacts.ts';
import { registerDeviceRoutes } from './device.ts';
import { registerPresenceRoutes } from './presence.ts';
import { registerProfileRoutes } from './profile.ts';

/**
 * wppconnect-server's chat, contact, blocklist, profile, presence and device routes (47), organised
 * by area. Every route calls the library method wppconnect-server calls, through the engine port.
 */
export default definePlugin({
  name: 'chat',
  version: '1.0.0',
  core: '^1.0.0',
  register(api) {
    registerChatRoutes(api);
    registerContactRoutes(api);
    registerProfileRoutes(api);
    registerPresenceRoutes(api);
    registerDeviceRoutes(api);
  },
});
