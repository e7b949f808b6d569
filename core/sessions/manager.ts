import fs from 'node:fs/promises';
import path from 'node:path';
import type { EngineAdapter, EngineCallbacks, ProxySettings, StatusFind } from '../engine/port.ts';
import { errorMessage, httpError } from '../errors.ts';
import type { EventBus } from '../events/bus.ts';
import type { SessionStatus, WppdEvents } from '../events/catalog.ts';
import type { Logger } from '../logger.ts';
import type { SessionStore, StoredSessionConfig } from '../store/session-store.ts';
import { createBackup, restoreBackup } from './backup.ts';
import { Session } from './session.ts';

/**
 * Session names become folder names and database keys, so they are checked once, here, against a
 * safe set: letters, digits, `_`, `-` and `.` (not first), at most 100 characters. Nothing else can
 * reach the file system.
 */
export const SESSION_NAME_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

export function isValidSessionName(name: string): boolean {
  return SESSION_NAME_PATTERN.test(name);
}

export interface SessionManagerOptions {
  dataDir: string;
  engine: string;
  deviceName: string;
  poweredBy: string;
  maxSessions: number;
  waitQrCodeTimeoutMs: number;
  /** Bound on one engine call made through `Session.engine` (0: none). */
  engineCallTimeoutMs: number;
}

/** statusFind strings after which the library has given the session up. */
const FINAL_STATUSES = new Set<string>(['autocloseCalled', 'disconnectedMobile', 'desconnectedMobile']);

type WaitOutcome =
  | { kind: 'qrcode' }
  | { kind: 'phoneCode' }
  | { kind: 'connected' }
  | { kind: 'closed'; reason: string };

/** The registry and lifecycle of sessions: INITIALIZING → QRCODE|PHONECODE → CONNECTED → CLOSED. */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  private readonly engines = new Map<string, EngineAdapter>();
  private readonly waiters = new Map<Session, Set<(outcome: WaitOutcome) => void>>();

  constructor(
    private readonly options: SessionManagerOptions,
    private readonly store: SessionStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  registerEngine(adapter: EngineAdapter): void {
    this.engines.set(adapter.name, adapter);
  }

  engineNames(): string[] {
    return [...this.engines.keys()];
  }

  /** The session if the daemon knows it (running now or stored). */
  get(name: string): Session | undefined {
    const live = this.sessions.get(name);
    if (live) return live;
    const stored = this.store.get(name);
    if (!stored) return undefined;
    const session = new Session(name, this.options.engineCallTimeoutMs);
    session.config = stored.config;
    this.sessions.set(name, session);
    return session;
  }

  /** The session, creating a never-started placeholder (status null) if needed. */
  getOrCreate(name: string): Session {
    const existing = this.get(name);
    if (existing) return existing;
    const session = new Session(name, this.options.engineCallTimeoutMs);
    this.sessions.set(name, session);
    return session;
  }

  /** Names of every known session: stored ones and those live in this process. */
  names(): string[] {
    const names = new Set(this.store.list().map((s) => s.name));
    for (const [name, session] of this.sessions) if (session.status !== null) names.add(name);
    return [...names].sort();
  }

  live(): Session[] {
    return [...this.sessions.values()];
  }

  sessionDir(name: string): string {
    return path.join(this.options.dataDir, 'sessions', name);
  }

  /** Whether a session's status means its engine is starting or running. */
  static isActive(status: SessionStatus): boolean {
    return (
      status === 'INITIALIZING' || status === 'QRCODE' || status === 'PHONECODE' || status === 'CONNECTED'
    );
  }

  /**
   * Starts a session unless it is already starting or running. An empty config brings back the stored
   * one (how start-all restores webhooks and Chatwoot settings). Never waits for the engine.
   */
  async start(name: string, config: StoredSessionConfig): Promise<Session> {
    const session = this.getOrCreate(name);
    if (SessionManager.isActive(session.status)) return session;
    const adapter = this.engines.get(this.options.engine);
    if (!adapter) {
      throw httpError(
        503,
        `The "${this.options.engine}" engine is not available (set WPPD_ENGINE; available: ${this.engineNames().join(', ') || 'none'})`,
      );
    }
    const running = this.live().filter((s) => SessionManager.isActive(s.status)).length;
    if (this.options.maxSessions > 0 && running >= this.options.maxSessions) {
      throw httpError(
        429,
        `Too many sessions: at most ${this.options.maxSessions} may run (WPPD_MAX_SESSIONS)`,
      );
    }
    const stored = this.store.get(name);
    const effective = Object.keys(config).length > 0 ? config : (stored?.config ?? {});
    session.config = effective;
    this.store.save(name, effective, true);

    session.generation += 1;
    session.engineName = adapter.name;
    session.closeReason = null;
    session.urlcode = null;
    session.qrDataUrl = null;
    session.phoneCode = null;
    this.setStatus(session, 'INITIALIZING');

    const sessionDir = this.sessionDir(name);
    await fs.mkdir(sessionDir, { recursive: true });
    const phone = typeof effective.phone === 'string' && effective.phone ? effective.phone : undefined;
    const generation = session.generation;
    adapter
      .start({
        session: name,
        sessionDir,
        phone,
        proxy: proxyFrom(effective.proxy),
        deviceName: stringOr(effective.deviceName, this.options.deviceName),
        poweredBy: stringOr(effective.poweredBy, this.options.poweredBy),
        callbacks: this.callbacksFor(session, generation, phone ?? ''),
      })
      .then(
        (engineSession) => {
          if (session.generation !== generation) {
            void engineSession.close().catch(() => undefined);
            return;
          }
          session.engineSession = engineSession;
        },
        (error: unknown) => {
          if (session.generation !== generation) return;
          this.markClosed(session, `start failed: ${errorMessage(error)}`);
        },
      );
    return session;
  }

  private callbacksFor(session: Session, generation: number, phone: string): EngineCallbacks {
    const current = () => session.generation === generation;
    return {
      qr: (urlcode, attempt) => {
        if (!current() || session.status === 'CONNECTED') return;
        // The status turns QRCODE only once the image exists, so whoever sees QRCODE can show the QR.
        // qrcode is imported on the first QR, not at boot (it was a visible share of boot time).
        void import('qrcode')
          .then(({ default: QRCode }) => QRCode.toDataURL(urlcode))
          .then((dataUrl) => {
            if (!current() || session.status === 'CONNECTED' || session.status === 'CLOSED') return;
            session.urlcode = urlcode;
            session.qrDataUrl = dataUrl;
            this.setStatus(session, 'QRCODE');
            const qrcode = dataUrl.replace(/^data:image\/png;base64,/, '');
            this.bus.emit(session.name, 'qrcode', { qrcode, urlcode, attempt });
            this.settle(session, { kind: 'qrcode' });
          });
      },
      linkCode: (code) => {
        if (!current()) return;
        session.phoneCode = code;
        this.setStatus(session, 'PHONECODE');
        this.bus.emit(session.name, 'phoneCode', { phoneCode: code, phone });
        this.settle(session, { kind: 'phoneCode' });
      },
      status: (status: StatusFind) => {
        if (!current()) return;
        this.bus.emit(session.name, 'status-find', { status });
        if (FINAL_STATUSES.has(status)) this.markClosed(session, status);
      },
      connected: () => {
        if (!current()) return;
        session.urlcode = null;
        session.qrDataUrl = null;
        session.phoneCode = null;
        this.setStatus(session, 'CONNECTED');
        this.bus.emit(session.name, 'session-logged', { status: true });
        this.settle(session, { kind: 'connected' });
      },
      restarting: (reason) => {
        if (!current()) return;
        session.urlcode = null;
        session.qrDataUrl = null;
        session.phoneCode = null;
        session.closeReason = reason;
        this.setStatus(session, 'INITIALIZING', reason);
      },
      closed: (reason, options) => {
        if (!current()) return;
        if (options?.loggedOut) this.store.setWanted(session.name, false);
        this.markClosed(session, reason);
      },
      event: (name, payload) => {
        if (!current()) return;
        this.bus.emit(session.name, name, payload as WppdEvents[typeof name]);
      },
    };
  }

  private setStatus(session: Session, status: SessionStatus, reason?: string): void {
    const previous = session.status;
    if (previous === status) return;
    session.status = status;
    this.log.info({ session: session.name, status, previous, reason }, 'session status');
    this.bus.emit(session.name, 'session-status', { status, previous, reason });
  }

  private markClosed(session: Session, reason: string): void {
    session.closeReason = reason;
    session.urlcode = null;
    session.qrDataUrl = null;
    session.phoneCode = null;
    const engineSession = session.engineSession;
    session.engineSession = undefined;
    this.setStatus(session, 'CLOSED', reason);
    this.settle(session, { kind: 'closed', reason });
    if (engineSession) void engineSession.close().catch(() => undefined);
  }

  private settle(session: Session, outcome: WaitOutcome): void {
    const waiting = this.waiters.get(session);
    if (!waiting) return;
    this.waiters.delete(session);
    for (const resolve of waiting) resolve(outcome);
  }

  /**
   * Waits until the session shows a QR, a pairing code, connects or closes: whichever comes first,
   * bounded by waitQrCodeTimeoutMs. Answers at once if one of those is already the case.
   */
  waitForLogin(session: Session): Promise<WaitOutcome | { kind: 'timeout' }> {
    if (session.status === 'QRCODE' && session.qrDataUrl) return Promise.resolve({ kind: 'qrcode' });
    if (session.status === 'PHONECODE') return Promise.resolve({ kind: 'phoneCode' });
    if (session.status === 'CONNECTED') return Promise.resolve({ kind: 'connected' });
    if (session.status === 'CLOSED' || session.status === null)
      return Promise.resolve({ kind: 'closed', reason: session.closeReason ?? 'not started' });
    return new Promise((resolve) => {
      const set = this.waiters.get(session) ?? new Set();
      this.waiters.set(session, set);
      const done = (outcome: WaitOutcome | { kind: 'timeout' }) => {
        clearTimeout(timer);
        set.delete(done);
        resolve(outcome);
      };
      const timer = setTimeout(() => done({ kind: 'timeout' }), this.options.waitQrCodeTimeoutMs);
      timer.unref();
      set.add(done);
    });
  }

  /** close-session: stop the engine, keep the login. Returns false if it was not running. */
  async close(name: string): Promise<boolean> {
    const session = this.get(name);
    if (!session || session.status === null) return false;
    this.store.setWanted(name, false);
    const engineSession = session.engineSession;
    session.engineSession = undefined;
    session.generation += 1;
    session.urlcode = null;
    session.qrDataUrl = null;
    session.phoneCode = null;
    session.closeReason = 'closed by request';
    this.setStatus(session, null);
    this.settle(session, { kind: 'closed', reason: 'closed by request' });
    if (engineSession) await engineSession.close().catch((error) => this.warn(name, 'close', error));
    this.bus.emit(name, 'closesession', { message: `Session: ${name} disconnected`, connected: false });
    return true;
  }

  /** logout-session: unlink the device and forget the login, keep nothing but the event. */
  async logout(name: string): Promise<void> {
    const session = this.get(name);
    const engineSession = session?.engineSession;
    if (session) {
      session.engineSession = undefined;
      session.generation += 1;
      session.status = null;
    }
    if (engineSession) await engineSession.logout().catch((error) => this.warn(name, 'logout', error));
    await this.forget(name);
    this.bus.emit(name, 'logoutsession', { message: `Session: ${name} logged out`, connected: false });
  }

  /** clear-session-data: stop the session if running and delete everything stored for it. */
  async clear(name: string): Promise<void> {
    const session = this.sessions.get(name);
    const engineSession = session?.engineSession;
    if (session) {
      session.engineSession = undefined;
      session.generation += 1;
    }
    if (engineSession) await engineSession.close().catch((error) => this.warn(name, 'close', error));
    await this.forget(name);
  }

  private async forget(name: string): Promise<void> {
    const adapter = this.engines.get(this.options.engine);
    const sessionDir = this.sessionDir(name);
    if (adapter) await adapter.forget(name, sessionDir).catch((error) => this.warn(name, 'forget', error));
    await fs.rm(sessionDir, { recursive: true, force: true });
    this.store.delete(name);
    this.sessions.delete(name);
    this.bus.emit(name, 'session-removed', {});
  }

  /**
   * Starts stored sessions. `onlyWanted` (boot) skips the ones a user closed or logged out;
   * the start-all route starts every stored session, as wppconnect-server does.
   */
  async startAll(options: { onlyWanted: boolean; config?: StoredSessionConfig }): Promise<string[]> {
    const started: string[] = [];
    for (const stored of this.store.list()) {
      if (options.onlyWanted && !stored.wanted) continue;
      try {
        await this.start(stored.name, options.config ?? {});
        started.push(stored.name);
      } catch (error) {
        this.warn(stored.name, 'start', error);
      }
    }
    return started;
  }

  /**
   * backup-sessions: running sessions are stopped while their profiles are copied (a browser profile
   * copied live is inconsistent), then started again once the zip has been streamed.
   */
  async backup(): Promise<NodeJS.ReadableStream> {
    const active = this.live().filter((s) => SessionManager.isActive(s.status));
    await Promise.all(active.map((session) => this.suspend(session, 'backup in progress')));
    const zip = await createBackup(this.store, (name) => this.sessionDir(name));
    const restart = () => {
      for (const session of active)
        void this.start(session.name, {}).catch((e) => this.warn(session.name, 'start', e));
    };
    zip.once('end', restart);
    zip.once('error', restart);
    return zip;
  }

  /** restore-sessions: stop everything, restore the zip's sessions, then start all stored sessions. */
  async restore(zipPath: string): Promise<string[]> {
    await Promise.all(this.live().map((session) => this.suspend(session, 'restore in progress')));
    const restored = await restoreBackup(zipPath, this.store, (name) => this.sessionDir(name), {
      maxEntries: 200_000,
      maxTotalBytes: 4 * 1024 ** 3,
    });
    void this.startAll({ onlyWanted: true });
    return restored;
  }

  /** Stops a session's engine without changing whether it should run (backup, restore). */
  private async suspend(session: Session, reason: string): Promise<void> {
    const engineSession = session.engineSession;
    session.engineSession = undefined;
    session.generation += 1;
    session.closeReason = reason;
    if (session.status !== null) this.setStatus(session, 'CLOSED', reason);
    if (engineSession) await engineSession.close().catch((error) => this.warn(session.name, 'close', error));
  }

  /** Graceful stop: close every engine session (logins kept), then the engines themselves. */
  async shutdown(): Promise<void> {
    const closing = this.live().map(async (session) => {
      const engineSession = session.engineSession;
      session.engineSession = undefined;
      session.generation += 1;
      if (engineSession)
        await engineSession.close().catch((error) => this.warn(session.name, 'close', error));
    });
    await Promise.all(closing);
    for (const adapter of this.engines.values()) await adapter.shutdown?.().catch(() => undefined);
  }

  private warn(session: string, action: string, error: unknown): void {
    this.log.warn({ session, action, err: errorMessage(error) }, 'session action failed');
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

function proxyFrom(value: unknown): ProxySettings | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { url, username, password } = value as Record<string, unknown>;
  if (typeof url !== 'string' || !url) return undefined;
  return {
    url,
    username: typeof username === 'string' ? username : undefined,
    password: typeof password === 'string' ? password : undefined,
  };
}
