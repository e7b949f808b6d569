import { randomBytes } from 'node:crypto';
import type { HostDevice, IncomingCall } from '@wppconnect-team/wppconnect';
import type { EngineClient } from '../../../core/index.ts';
import { LIMIT_KIND, WhatsAppError, wid } from '../model.ts';
import type { SandboxNetwork, SandboxPhone } from '../network.ts';
import { ChatDirectory } from './chats.ts';
import type { SandboxContext } from './context.ts';
import { isOnline } from './presence.ts';

/** The simulated phone's battery: always charged and plugged in. */
const BATTERY_LEVEL = 100;

/** Calls a phone received: entities owner = the session, kind 'call', id = the call id. */
const CALL_KIND = 'call';

interface CallRecord {
  call: IncomingCall;
  state: 'ringing' | 'rejected';
}

export type LimitKey = Parameters<NonNullable<EngineClient['setLimit']>>[0];

/**
 * A limit set with setLimit (undefined when never set): maxMediaSize / maxFileSize in bytes, maxShare,
 * statusVideoMaxDuration in seconds, unlimitedPin a boolean. The sandbox enforces them where the
 * feature lives (pinChat in client/chats.ts, media sends in client/media.ts …).
 */
export function limitOf(
  network: SandboxNetwork,
  session: string,
  key: LimitKey,
): number | boolean | undefined {
  return network.getEntity<{ value: number | boolean }>(session, LIMIT_KIND, key)?.value;
}

/**
 * An incoming call rings on a phone (the sandbox/incoming-call route): the session gets the
 * library's `incomingcall` event and can reject it with rejectCall(id).
 */
export function ringIncomingCall(
  network: SandboxNetwork,
  phone: SandboxPhone,
  fromNumber: string,
  isVideo: boolean,
): IncomingCall {
  const call: IncomingCall = {
    id: randomBytes(16).toString('hex').toUpperCase(),
    peerJid: `${fromNumber}@c.us`,
    offerTime: Math.floor(Date.now() / 1000),
    isVideo,
    isGroup: false,
    groupJid: null,
    canHandleLocally: false,
    outgoing: false,
    isSilenced: false,
    offerReceivedWhileOffline: false,
    webClientShouldHandle: false,
    participants: [],
  };
  network.putEntity<CallRecord>(phone.session, CALL_KIND, call.id, { call, state: 'ringing' });
  network.emit(phone, 'incomingcall', call);
  return call;
}

/** The library's HostDevice (WAPI.getHost: the connection's attributes). */
function hostDevice(phone: SandboxPhone): HostDevice {
  const me = wid(phone.wid);
  return {
    id: phone.wid,
    ref: `2@sandbox/${phone.session}`,
    refTTL: 20000,
    wid: me,
    connected: Boolean(phone.callbacks),
    me,
    protoVersion: [0, 17],
    clientToken: '',
    serverToken: '',
    isResponse: 'false',
    battery: BATTERY_LEVEL,
    plugged: true,
    lc: 'BR',
    lg: 'pt',
    locales: 'pt-BR,en',
    is24h: true,
    platform: 'android',
    phone: {
      wa_version: '2.24.0',
      mcc: '724',
      mnc: '005',
      os_version: '14',
      device_manufacturer: 'wppd',
      device_model: 'sandbox',
      os_build_number: 'sandbox',
    },
    tos: 0,
    smbTos: 0,
    pushname: phone.pushname,
    blockStoreAdds: false,
  };
}

/** The device: battery, host, calls, screenshots and WhatsApp Web's limits. */
export function deviceMethods({ network, phone }: SandboxContext): EngineClient {
  return {
    async getBatteryLevel() {
      return BATTERY_LEVEL;
    },
    async getHostDevice() {
      return hostDevice(phone);
    },
    async getPlatformFromMessage(msgId) {
      // wa-js reads the platform from the key id alone, as WhatsApp's ids encode it.
      const key = msgId.split('_')[2] ?? msgId;
      if (key.length > 21) return 'android';
      if (key.startsWith('3A')) return 'iphone';
      if (key.startsWith('3EB0')) return 'web';
      return 'unknown';
    },
    async rejectCall(callId) {
      const ringing = network
        .listEntities<CallRecord>(phone.session, CALL_KIND)
        .filter((r) => r.state === 'ringing' && (!callId || r.call.id === callId));
      const record = ringing[0];
      if (!record) throw new WhatsAppError('call_not_found', `Call ${callId || '<empty>'} not found`);
      network.putEntity<CallRecord>(phone.session, CALL_KIND, record.call.id, {
        ...record,
        state: 'rejected',
      });
      return true;
    },
    async takeScreenshot() {
      // The sandbox has no screen: the "screenshot" is a PNG QR code of what the phone would show.
      const chats = new ChatDirectory(network, phone).all();
      const summary = [
        `wppd sandbox: ${phone.session}`,
        `+${phone.number} ${phone.pushname}`,
        `online: ${isOnline(network, phone)}`,
        `chats: ${chats.length}, unread: ${chats.reduce((n, c) => n + Math.max(0, c.unreadCount), 0)}`,
        ...chats.slice(0, 5).map((c) => `${c.name}: ${c.unreadCount}`),
      ].join('\n');
      const { default: QRCode } = await import('qrcode'); // on first use, not at boot
      const png = await QRCode.toBuffer(summary, {
        type: 'png',
        errorCorrectionLevel: 'M',
        margin: 2,
        scale: 4,
      });
      return png.toString('base64');
    },
    async setLimit(key, value) {
      const wantsBoolean = key === 'unlimitedPin';
      if (wantsBoolean ? typeof value !== 'boolean' : typeof value !== 'number' || !(value > 0))
        throw new WhatsAppError(
          'invalid_limit',
          `${key} takes ${wantsBoolean ? 'a boolean' : 'a positive number'}`,
        );
      network.putEntity(phone.session, LIMIT_KIND, key, { value });
      return value as number;
    },
  };
}
