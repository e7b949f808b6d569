/**
 * The library's listeners → the core's engine events (core/events/catalog.ts). Payloads pass
 * through unchanged: the catalog types them with the library's own types, so a change of a
 * listener's signature in the library breaks the build here.
 */
import type { Whatsapp } from '@wppconnect-team/wppconnect';
import type { EngineCallbacks, Logger } from '../../core/index.ts';

/**
 * SocketStates after which this page must take the session back: CONFLICT (WhatsApp Web opened
 * elsewhere) and UNLAUNCHED (the page lost the main stream), as wppconnect-server does.
 */
export const TAKE_OVER_STATES = new Set(['CONFLICT', 'UNLAUNCHED']);

/** Registers every listener; returns a function that removes them all. */
export function bindLibraryEvents(client: Whatsapp, callbacks: EngineCallbacks, log: Logger): () => void {
  const subscriptions: { dispose(): void }[] = [
    client.onMessage((message) => callbacks.event('onmessage', message)),
    client.onAnyMessage((message) => callbacks.event('onanymessage', message)),
    client.onAck((ack) => callbacks.event('onack', ack)),
    client.onMessageEdit((data) => callbacks.event('onmessageedit', data)),
    client.onRevokedMessage((data) => callbacks.event('onrevokedmessage', data)),
    client.onReactionMessage((data) => callbacks.event('onreactionmessage', data)),
    client.onPollResponse((data) => callbacks.event('onpollresponse', data)),
    client.onParticipantsChanged((event) => callbacks.event('onparticipantschanged', event)),
    client.onPresenceChanged((event) => callbacks.event('onpresencechanged', event)),
    client.onUpdateLabel((data) => callbacks.event('onupdatelabel', data)),
    client.onIncomingCall((call) => callbacks.event('incomingcall', call)),
    client.onLiveLocation((location) => callbacks.event('location', location)),
    client.onStateChange((state) => {
      callbacks.event('onstatechange', { state: String(state) });
      if (TAKE_OVER_STATES.has(String(state))) {
        client.useHere().catch((error: unknown) => log.warn({ err: String(error), state }, 'useHere failed'));
      }
    }),
  ];
  return () => {
    for (const subscription of subscriptions) {
      try {
        subscription.dispose();
      } catch {
        // the page is already gone
      }
    }
  };
}
