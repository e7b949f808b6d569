/**
 * The engine port: what routes may ask of a WhatsApp session, typed from the real library's own
 * declarations so that the wppconnect adapter is checked by the compiler and the sandbox adapter
 * must return the library's shapes. An engine implements the methods it supports; a route calling
 * a missing one answers 501 (see Session.engine in core/sessions/session.ts).
 */
import type { Whatsapp } from '@wppconnect-team/wppconnect';

// biome-ignore lint/suspicious/noExplicitAny: needed to select function-valued members of any arity.
type AnyFunction = (...args: any[]) => unknown;

/** Every public method of the library's `Whatsapp` client, with its exact signature. */
export type WhatsappMethods = {
  [K in keyof Whatsapp as Whatsapp[K] extends AnyFunction ? K : never]: Whatsapp[K];
};
export type EngineMethodName = keyof WhatsappMethods;

/** A session's feature surface: any subset of the library's methods. */
export type EngineClient = Partial<WhatsappMethods>;

/** The statusFind strings of the library (wppconnect-lib.md §1); `desconnectedMobile` is the old spelling. */
export type StatusFind =
  | 'autocloseCalled'
  | 'browserClose'
  | 'disconnectedMobile'
  | 'desconnectedMobile'
  | 'inChat'
  | 'isLogged'
  | 'notLogged'
  | 'phoneNotConnected'
  | 'qrReadError'
  | 'qrReadFail'
  | 'qrReadSuccess'
  | 'serverClose'
  /** wppd's own: the engine's watchdog found the page no longer answering (it restarts it). */
  | 'pageUnresponsive';

/** What a session's engine reports while it runs. Engines call these; the core keeps the state. */
export interface EngineCallbacks {
  /** A QR code to scan: `urlcode` is what it encodes. */
  qr(urlcode: string, attempt: number): void;
  /** A pairing code to type on the phone (login with `phone`). */
  linkCode(code: string): void;
  /** The library's statusFind strings, forwarded as-is. */
  status(status: StatusFind): void;
  /** Logged in and ready: routes may use the client. */
  connected(): void;
  /** The engine stopped on its own (logout from the phone, crash, timeout). */
  closed(reason: string, options?: { loggedOut?: boolean }): void;
  /**
   * The engine lost its browser (crash, hung page) and starts it again by itself: the session goes
   * back to INITIALIZING with this reason, then reports qr/connected as on a first start.
   */
  restarting?(reason: string): void;
  /** A WhatsApp event (see core/events/catalog.ts) for the event bus. */
  event<K extends keyof import('../events/catalog.ts').EngineEvents>(
    name: K,
    payload: import('../events/catalog.ts').EngineEvents[K],
  ): void;
}

export interface ProxySettings {
  url: string;
  username?: string;
  password?: string;
}

export interface EngineStartOptions {
  session: string;
  /** A folder that belongs to this session alone (e.g. the browser profile). */
  sessionDir: string;
  /** Pairing-code login instead of a QR. */
  phone?: string;
  proxy?: ProxySettings;
  deviceName: string;
  poweredBy: string;
  callbacks: EngineCallbacks;
}

/** One running session of an engine. */
export interface EngineSession {
  readonly client: EngineClient;
  /** Stop, keeping the login so the next start needs no scan. */
  close(): Promise<void>;
  /** Unlink the device: the next start needs a new scan. */
  logout(): Promise<void>;
  /** Ask the engine, not a cached flag. */
  isConnected(): Promise<boolean>;
}

export interface EngineAdapter {
  readonly name: string;
  /** Begin starting a session. Must return promptly: progress is reported through the callbacks. */
  start(options: EngineStartOptions): Promise<EngineSession>;
  /** Forget everything the engine keeps for a session (clear-session-data, logout). */
  forget(session: string, sessionDir: string): Promise<void>;
  /** Whether a stored login exists, so a start will not need a scan. */
  hasLogin?(session: string, sessionDir: string): Promise<boolean>;
  /** Release engine-wide resources at shutdown. */
  shutdown?(): Promise<void>;
}
