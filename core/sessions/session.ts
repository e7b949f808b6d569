import type { EngineClient, EngineMethodName, EngineSession, WhatsappMethods } from '../engine/port.ts';
import { HttpError, notImplemented } from '../errors.ts';
import type { SessionStatus } from '../events/catalog.ts';
import type { StoredSessionConfig } from '../store/session-store.ts';

/** wppconnect-server's answer when a route needs a connected session (behaviour §A.4). */
export const NOT_CONNECTED_BODY = {
  response: null,
  status: 'Disconnected',
  message: 'A sessão do WhatsApp não está ativa.',
};

/** One WhatsApp session as the core sees it: status, login codes, config and the engine's client. */
export class Session {
  status: SessionStatus = null;
  /** What the current QR encodes; cleared as soon as the session connects (wppconnect-server keeps it). */
  urlcode: string | null = null;
  /** The current QR as a data URL, rendered once per code. */
  qrDataUrl: string | null = null;
  phoneCode: string | null = null;
  /** Why the session last stopped, shown by status-session. */
  closeReason: string | null = null;
  config: StoredSessionConfig = {};
  engineSession: EngineSession | undefined;
  /** The engine that runs it. */
  engineName = '';
  /** Bumped on every start, so callbacks of an older run are ignored. */
  generation = 0;

  constructor(readonly name: string) {}

  get client(): EngineClient | undefined {
    return this.engineSession?.client;
  }

  get isConnected(): boolean {
    return this.status === 'CONNECTED' && this.engineSession !== undefined;
  }

  /**
   * A method of the engine's client, bound and ready to call; 404 when the session is not connected,
   * 501 when the engine lacks the feature. Keeps the library's overloads.
   */
  engine<K extends EngineMethodName>(method: K): WhatsappMethods[K] {
    const client = this.engineSession?.client;
    if (!client || this.status !== 'CONNECTED') throw new HttpError(404, NOT_CONNECTED_BODY);
    const fn = client[method] as unknown;
    if (typeof fn !== 'function') throw notImplemented(String(method), this.engineName);
    return fn.bind(client) as WhatsappMethods[K];
  }

  /** Whether the running engine offers a method (to choose between alternatives). */
  supports(method: EngineMethodName): boolean {
    return typeof this.engineSession?.client[method] === 'function';
  }
}
