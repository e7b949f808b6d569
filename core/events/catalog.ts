/**
 * The one typed catalog of events. Engine events carry the library's own payload types, so the
 * sandbox and the real engine cannot drift; their names are wppconnect-server's webhook names where
 * it has one (shared/reference/wppconnect-behaviour.md §E). Core events describe a session's life.
 */
import type {
  Ack,
  IncomingCall,
  LiveLocation,
  Message,
  ParticipantEvent,
  PresenceEvent,
  Whatsapp,
} from '@wppconnect-team/wppconnect';

type ListenerPayload<K extends keyof Whatsapp> = Whatsapp[K] extends (
  callback: (data: infer P) => unknown,
) => unknown
  ? P
  : never;

/** Events a WhatsApp engine reports. */
export interface EngineEvents {
  /** A message received from someone else (the library's onMessage). */
  onmessage: Message;
  /** Every new message, sent or received, from the API or the phone (onAnyMessage). */
  onanymessage: Message;
  onack: Ack;
  onmessageedit: ListenerPayload<'onMessageEdit'>;
  onrevokedmessage: ListenerPayload<'onRevokedMessage'>;
  onreactionmessage: ListenerPayload<'onReactionMessage'>;
  onpollresponse: ListenerPayload<'onPollResponse'>;
  onparticipantschanged: ParticipantEvent;
  onpresencechanged: PresenceEvent;
  onupdatelabel: ListenerPayload<'onUpdateLabel'>;
  incomingcall: IncomingCall;
  location: LiveLocation;
  /** The library's SocketState changes (CONFLICT, UNPAIRED, …). */
  onstatechange: { state: string };
}

export type SessionStatus = null | 'INITIALIZING' | 'QRCODE' | 'PHONECODE' | 'CONNECTED' | 'CLOSED';

/** Events the core raises about a session's life and about what routes did. */
export interface CoreEvents {
  /** A QR to scan: `qrcode` is a PNG as base64 without the data: prefix, as wppconnect-server sends it. */
  qrcode: { qrcode: string; urlcode: string; attempt: number };
  phoneCode: { phoneCode: string; phone: string };
  /** The library's statusFind strings. */
  'status-find': { status: string };
  /** Every change of the session's status string. */
  'session-status': { status: SessionStatus; previous: SessionStatus; reason?: string };
  /** The session connected (socket.io `session-logged`). */
  'session-logged': { status: true };
  closesession: { message: string; connected: false };
  logoutsession: { message: string; connected: false };
  /**
   * logout-session or clear-session-data deleted the session: plugins delete what they keep for it
   * (received media, mappings), so nothing of a removed session lingers in the data dir.
   */
  'session-removed': Record<string, never>;
  /** A send route delivered messages (socket.io `mensagem-enviada`). */
  'message-sent': { route: string; results: unknown[] };
  /** edit-message succeeded (socket.io `edited-message`). */
  'message-edited': { result: unknown };
}

export type WppdEvents = EngineEvents & CoreEvents;
export type WppdEventName = keyof WppdEvents;

export interface WppdEvent<K extends WppdEventName = WppdEventName> {
  /** Stable id: the same on every delivery attempt of this event. */
  id: string;
  name: K;
  session: string;
  /** Milliseconds since the epoch when the event happened. */
  at: number;
  payload: WppdEvents[K];
}

export type EventHook<K extends WppdEventName = WppdEventName> = (
  event: WppdEvent<K>,
) => void | Promise<void>;
