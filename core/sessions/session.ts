import type { EngineClient, EngineMethodName, EngineSession, WhatsappMethods } from '../engine/port.ts';
import { HttpError, httpError, notImplemented } from '../errors.ts';
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

  /** @param callTimeoutMs bound on each engine call made through `engine()` (0: none). */
  constructor(
    readonly name: string,
    private readonly callTimeoutMs = 0,
  ) {}

  get client(): EngineClient | undefined {
    return this.engineSession?.client;
  }

  get isConnected(): boolean {
    return this.status === 'CONNECTED' && this.engineSession !== undefined;
  }

  /**
   * A method of the engine's client, bound and ready to call; 404 when the session is not connected,
   * 501 when the engine lacks the feature. Keeps the library's overloads. A call that has not settled
   * within the session's call timeout fails with a 504 (see `withCallDeadline`).
   */
  engine<K extends EngineMethodName>(method: K): WhatsappMethods[K] {
    const client = this.engineSession?.client;
    if (!client || this.status !== 'CONNECTED') throw new HttpError(404, NOT_CONNECTED_BODY);
    const fn = client[method] as unknown;
    if (typeof fn !== 'function') throw notImplemented(String(method), this.engineName);
    const call = (fn as (...args: unknown[]) => unknown).bind(client);
    const limit = this.callTimeoutMs;
    if (!limit) return call as WhatsappMethods[K];
    return ((...args: unknown[]) =>
      withCallDeadline(call(...args), limit, String(method))) as WhatsappMethods[K];
  }

  /** Whether the running engine offers a method (to choose between alternatives). */
  supports(method: EngineMethodName): boolean {
    return typeof this.engineSession?.client[method] === 'function';
  }
}

/** An engine call in flight with a deadline (see withCallDeadline). */
interface BoundedCall {
  deadline: number;
  expire: () => void;
}

/** Calls in flight, swept for expired deadlines every SWEEP_MS while there are any. */
const boundedCalls = new Set<BoundedCall>();
const SWEEP_MS = 100;
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (const call of boundedCalls) {
    if (call.deadline > now) continue;
    boundedCalls.delete(call);
    call.expire();
  }
  if (boundedCalls.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/**
 * Bounds one engine call. A page that stopped answering one call while still answering the
 * watchdog (wa-js waiting for something WhatsApp never sends) left the request waiting for
 * puppeteer's own protocol timeout, minutes later. The call itself cannot be cancelled and may
 * still complete: the 504 says so. One sweep timer serves every call in flight (a timer and a
 * Promise.race per call cost ~6 µs each, visible in send-message), so the 504 comes up to SWEEP_MS
 * after the bound.
 */
export function withCallDeadline<T>(result: T, limitMs: number, method: string): T {
  if (typeof (result as { then?: unknown } | null)?.then !== 'function') return result;
  return new Promise((resolve, reject) => {
    const call: BoundedCall = {
      deadline: Date.now() + limitMs,
      expire: () =>
        reject(
          httpError(
            504,
            `WhatsApp did not answer ${method} within ${limitMs} ms (WPPD_ENGINE_CALL_TIMEOUT_MS); it may still complete`,
          ),
        ),
    };
    boundedCalls.add(call);
    sweeper ??= setInterval(sweep, SWEEP_MS).unref();
    (result as PromiseLike<unknown>).then(
      (value) => {
        boundedCalls.delete(call);
        resolve(value);
      },
      (error: unknown) => {
        boundedCalls.delete(call);
        reject(error);
      },
    );
  }) as T;
}
