/**
 * The real engine: each session is one Chromium driven by @wppconnect-team/wppconnect.
 *
 * A session is supervised in "runs". A run acquires a start slot, clears what a previous browser
 * left behind, calls the library's `create()` in the background and reports QR, pairing code,
 * statusFind and connection through the core's callbacks. It ends when the start times out or fails,
 * the browser goes away, the watchdog finds the page hung, the library gives up (autoClose, logout
 * from the phone) or the core closes the session. Whatever the cause, the end of a run closes the
 * client, kills every process of the profile and removes Chromium's profile lock, so the next start
 * never meets "The browser is already running". A run that failed before showing any sign of life
 * closes the session with the reason; a run that had been working (a crash, a hung page) is restarted
 * with exponential backoff.
 *
 * Security note for route authors: the client reads local paths and fetches URLs given to
 * `sendFile`-style methods. Routes must hand it only data URLs/base64 or files they wrote
 * themselves (uploads, `api.fetch` results), never a path or URL taken from a request.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CreateOptions, Whatsapp } from '@wppconnect-team/wppconnect';
import type {
  EngineAdapter,
  EngineCallbacks,
  EngineClient,
  EngineSession,
  EngineStartOptions,
  Logger,
  StatusFind,
} from '../../core/index.ts';
import { browserArgs, clearProfileLocks, isRoot, killProfileProcesses } from './browser.ts';
import type { WppconnectConfig } from './config.ts';
import { bindLibraryEvents } from './events.ts';
import {
  type CreateClient,
  createWithLibrary,
  type LaunchBrowser,
  type LaunchOptions,
  type LibraryLogger,
  launchWithStealth,
  pinoBackedLibraryLogger,
} from './library.ts';

/** What the engine reports to /metrics. */
export interface EngineObserver {
  restarted(session: string, cause: RunEnd['kind']): void;
  watchdogFailed(session: string): void;
}

export interface EngineDependencies {
  config: WppconnectConfig;
  log: Logger;
  /** The browser executable to launch; throws a message naming WPPD_CHROMIUM_PATH when none exists. */
  findBrowser: () => string;
  createClient?: CreateClient;
  launchBrowser?: LaunchBrowser;
  libraryLogger?: (log: Logger) => LibraryLogger;
  observer?: EngineObserver;
}

/** How a run ended: decides between closing the session and restarting it. */
export interface RunEnd {
  kind: 'start-failed' | 'final' | 'crashed' | 'unresponsive' | 'closed';
  reason: string;
  loggedOut?: boolean;
}

/** The statusFind strings of the library, which the port forwards as-is. */
const KNOWN_STATUSES = new Set<string>([
  'autocloseCalled',
  'browserClose',
  'disconnectedMobile',
  'desconnectedMobile',
  'inChat',
  'isLogged',
  'notLogged',
  'phoneNotConnected',
  'qrReadError',
  'qrReadFail',
  'qrReadSuccess',
  'serverClose',
]);

/** After these the library has given the session up: no restart, the session closes. */
const FINAL_STATUSES = new Set<string>([
  'autocloseCalled',
  'qrReadFail',
  'qrReadError',
  'phoneNotConnected',
  'disconnectedMobile',
  'desconnectedMobile',
]);

/** Signs that the page loaded WhatsApp Web: the start is no longer at risk of hanging. */
const PROGRESS_STATUSES = new Set<string>(['notLogged', 'isLogged', 'qrReadSuccess', 'inChat']);

/** A connected run that lived this long resets the restart counter: its crash is a new incident. */
const STABLE_RUN_MS = 10 * 60_000;
/** Bounds for single library calls made while stopping or probing, so none can hang a close. */
const CLIENT_CALL_TIMEOUT_MS = 10_000;
/** Puppeteer's own bound on Chromium printing its DevTools address. */
const LAUNCH_TIMEOUT_MS = 30_000;

export class WppconnectEngine implements EngineAdapter {
  readonly name = 'wppconnect';
  private readonly running = new Map<string, LibrarySession>();
  readonly startSlots: StartSlots;

  constructor(readonly deps: EngineDependencies) {
    this.startSlots = new StartSlots(deps.config.maxConcurrentStarts);
  }

  async start(options: EngineStartOptions): Promise<EngineSession> {
    // Checked here, not in the background, so the failure names the setting at once.
    const executablePath = this.deps.findBrowser();
    const previous = this.running.get(options.session);
    const session = new LibrarySession(this, options, executablePath, previous?.close());
    this.running.set(options.session, session);
    session.begin();
    return session;
  }

  async forget(session: string, sessionDir: string): Promise<void> {
    await this.running.get(session)?.close();
    await killProfileProcesses(sessionDir);
  }

  /**
   * Whether the profile holds WhatsApp Web's local database, i.e. it has been logged in before. A
   * heuristic: an unlinked device keeps the database until the page notices.
   */
  async hasLogin(_session: string, sessionDir: string): Promise<boolean> {
    return fs.existsSync(
      path.join(sessionDir, 'Default', 'IndexedDB', 'https_web.whatsapp.com_0.indexeddb.leveldb'),
    );
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.running.values()].map((session) => session.close()));
  }

  /** Sessions whose browser may be running, for /metrics. */
  liveSessions(): { name: string; sessionDir: string; responsive: boolean }[] {
    return [...this.running.values()].map((s) => ({
      name: s.name,
      sessionDir: s.sessionDir,
      responsive: s.responsive,
    }));
  }

  /** Called by a session once it is fully stopped. */
  released(session: LibrarySession): void {
    if (this.running.get(session.name) === session) this.running.delete(session.name);
  }
}

/** One session's supervisor: runs the library, restarts it after crashes, stops it on request. */
class LibrarySession implements EngineSession {
  readonly name: string;
  readonly sessionDir: string;
  /** False while the watchdog's checks go unanswered. */
  responsive = true;
  private current: Whatsapp | undefined;
  private closing = false;
  private stopped: Promise<void> | undefined;
  private supervisor: Promise<void> = Promise.resolve();
  private endRun: ((end: RunEnd) => void) | undefined;
  private readonly abort = new AbortController();
  private readonly callbacks: EngineCallbacks;
  private readonly log: Logger;

  constructor(
    private readonly engine: WppconnectEngine,
    private readonly options: EngineStartOptions,
    private readonly executablePath: string,
    /** The close of an earlier session of the same name, which must finish before this one launches. */
    private readonly previousStop: Promise<void> | undefined,
  ) {
    this.name = options.session;
    this.sessionDir = path.resolve(options.sessionDir);
    this.callbacks = options.callbacks;
    this.log = engine.deps.log.child({ session: options.session });
  }

  /** The live library client; an empty client (every route answers 501/404) between runs. */
  get client(): EngineClient {
    return this.current ?? {};
  }

  begin(): void {
    this.supervisor = this.supervise().catch((error: unknown) => {
      // A bug here must still end in CLOSED, never in a session stuck in INITIALIZING.
      this.log.error({ err: String(error) }, 'engine supervisor failed');
      if (!this.closing) this.callbacks.closed(`engine error: ${String(error)}`);
    });
  }

  async isConnected(): Promise<boolean> {
    const client = this.current;
    if (!client) return false;
    try {
      return await withTimeout(client.isConnected(), CLIENT_CALL_TIMEOUT_MS, 'isConnected');
    } catch {
      return false;
    }
  }

  async logout(): Promise<void> {
    const client = this.current;
    try {
      if (client) await withTimeout(client.logout(), CLIENT_CALL_TIMEOUT_MS, 'logout');
    } finally {
      await this.close();
    }
  }

  close(): Promise<void> {
    this.stopped ??= (async () => {
      this.closing = true;
      this.abort.abort();
      this.endRun?.({ kind: 'closed', reason: 'closed' });
      await this.supervisor;
      // Belt and braces: a run that never launched may still race a browser start.
      await this.cleanProfile();
      this.engine.released(this);
    })();
    return this.stopped;
  }

  private async supervise(): Promise<void> {
    await this.previousStop?.catch(() => undefined);
    const { restart } = this.engine.deps.config;
    let restarts = 0;
    while (!this.closing) {
      const run = await this.runOnce();
      if (this.closing || run.end.kind === 'closed') return;
      if (run.end.kind === 'final' || run.end.kind === 'start-failed' || !run.progressed) {
        this.log.warn({ reason: run.end.reason }, 'session stopped');
        this.callbacks.closed(run.end.reason, run.end.loggedOut ? { loggedOut: true } : undefined);
        return;
      }
      if (run.connectedMs >= STABLE_RUN_MS) restarts = 0;
      restarts += 1;
      if (restarts > restart.maxAttempts) {
        const reason = `${run.end.reason}; not restarted again after ${restart.maxAttempts} restarts`;
        this.log.error({ reason }, 'session given up');
        this.callbacks.closed(reason);
        return;
      }
      const delay = Math.min(restart.backoffMs * 2 ** (restarts - 1), restart.backoffMaxMs);
      const reason = `${run.end.reason}; restarting in ${delay} ms (attempt ${restarts} of ${restart.maxAttempts})`;
      this.log.warn({ reason }, 'session restarting');
      this.engine.deps.observer?.restarted(this.name, run.end.kind);
      this.callbacks.restarting?.(reason);
      await sleep(delay, this.abort.signal);
    }
  }

  /** One launch of the library, from start slot to clean profile. */
  private async runOnce(): Promise<{ end: RunEnd; progressed: boolean; connectedMs: number }> {
    const { config } = this.engine.deps;
    const releaseSlot = await this.engine.startSlots.acquire(this.abort.signal);
    if (!releaseSlot || this.closing) {
      releaseSlot?.();
      return { end: { kind: 'closed', reason: 'closed' }, progressed: false, connectedMs: 0 };
    }
    let slotHeld = true;
    const freeSlot = () => {
      if (slotHeld) releaseSlot();
      slotHeld = false;
    };

    // A browser of an earlier run (or of an earlier daemon process) must not hold the profile.
    await this.cleanProfile();

    let active = true;
    let progressed = false;
    let connectedAt: number | undefined;
    let finalStatus: { status: string; loggedOut: boolean } | undefined;
    let resolveEnd!: (end: RunEnd) => void;
    const ended = new Promise<RunEnd>((resolve) => {
      resolveEnd = resolve;
    });
    const finish = (end: RunEnd) => {
      if (!active) return;
      active = false;
      resolveEnd(end);
    };
    this.endRun = finish;

    const startTimer = config.startTimeoutMs
      ? setTimeout(
          () =>
            finish({
              kind: 'start-failed',
              reason: `start timed out: no QR code, pairing code or login within ${config.startTimeoutMs} ms (is web.whatsapp.com reachable?)`,
            }),
          config.startTimeoutMs,
        )
      : undefined;
    const markProgress = () => {
      if (progressed) return;
      progressed = true;
      clearTimeout(startTimer);
      freeSlot();
    };

    const createOptions = this.createOptions({
      catchQR: (_base64, _ascii, attempt, urlCode) => {
        if (!active) return;
        markProgress();
        if (urlCode) this.callbacks.qr(urlCode, attempt);
        else this.log.warn('the library gave a QR code without its text; ignored');
      },
      catchLinkCode: (code) => {
        if (!active) return;
        markProgress();
        this.callbacks.linkCode(code);
      },
      statusFind: (status) => {
        if (!active) return;
        const name = String(status);
        if (PROGRESS_STATUSES.has(name)) markProgress();
        if (FINAL_STATUSES.has(name)) {
          finalStatus = {
            status: name,
            loggedOut: name === 'disconnectedMobile' || name === 'desconnectedMobile',
          };
        }
        if (KNOWN_STATUSES.has(name)) this.callbacks.status(name as StatusFind);
        else this.log.info({ status: name }, 'unknown statusFind from the library');
        // Once create() has resolved nothing else will end the run: a final status or a lost
        // browser ends it here. (During the login, create()'s rejection ends it too.)
        if (finalStatus && (connectedAt !== undefined || name === 'browserClose' || name === 'serverClose')) {
          finish({ kind: 'final', reason: finalStatus.status, loggedOut: finalStatus.loggedOut });
        } else if (name === 'browserClose' || name === 'serverClose') {
          finish({
            kind: progressed ? 'crashed' : 'start-failed',
            reason: 'the browser closed unexpectedly',
          });
        }
      },
    });

    let unbindEvents: (() => void) | undefined;
    let stopWatchdog: (() => void) | undefined;
    // Launched here rather than by the library, so the run always holds its browser (see library.ts).
    const launching = (this.engine.deps.launchBrowser ?? launchWithStealth)(this.launchOptions());
    let page: Whatsapp['page'] | undefined;
    const creating = launching.then(async (browser) => {
      if (!active) throw new Error('the run ended while the browser was starting');
      page = (await browser.pages())[0] ?? (await browser.newPage());
      return (this.engine.deps.createClient ?? createWithLibrary)({ ...createOptions, browser, page });
    });
    creating.then(
      (client) => {
        if (!active) return; // ended (timeout, close) during the login: the cleanup below closes it
        markProgress();
        connectedAt = Date.now();
        this.current = client;
        this.responsive = true;
        unbindEvents = bindLibraryEvents(client, this.callbacks, this.log);
        stopWatchdog = this.watch(client, finish);
        this.callbacks.connected();
      },
      (error: unknown) => {
        const message = errorText(error);
        if (finalStatus)
          finish({ kind: 'final', reason: finalStatus.status, loggedOut: finalStatus.loggedOut });
        else finish({ kind: progressed ? 'crashed' : 'start-failed', reason: `start failed: ${message}` });
      },
    );

    const end = await ended;
    if (this.endRun === finish) this.endRun = undefined;
    clearTimeout(startTimer);
    freeSlot();
    stopWatchdog?.();
    unbindEvents?.();
    this.current = undefined;
    // Closing page and browser (not only killing them) lets the library's listeners and timers stop.
    const browser = await withTimeout(launching, LAUNCH_TIMEOUT_MS, 'launch').catch(() => undefined);
    if (page) await withTimeout(page.close(), CLIENT_CALL_TIMEOUT_MS, 'page close').catch(() => undefined);
    if (browser)
      await withTimeout(browser.close(), CLIENT_CALL_TIMEOUT_MS, 'browser close').catch(() => undefined);
    await this.cleanProfile();
    // The library's client stops its 1 s poll only on the page's "close" event, which a crashed or
    // killed browser never sends: without this, every failed run would leak a timer and its client.
    if (page && !page.isClosed()) page.emit('close', undefined);
    // A final statusFind (autoClose, logout from the phone) outranks the crash it causes.
    const finalEnd: RunEnd =
      finalStatus && end.kind !== 'closed'
        ? { kind: 'final', reason: finalStatus.status, loggedOut: finalStatus.loggedOut }
        : end;
    return { end: finalEnd, progressed, connectedMs: connectedAt ? Date.now() - connectedAt : 0 };
  }

  /**
   * Asks the connected page a trivial question every interval. A page that stops answering (WA's
   * JS stuck, renderer hung) looks connected but serves nothing: after `failures` misses in a row it
   * is reported and the run ends, which restarts it.
   */
  private watch(client: Whatsapp, finish: (end: RunEnd) => void): () => void {
    const { intervalMs, timeoutMs, failures } = this.engine.deps.config.watchdog;
    if (!intervalMs) return () => undefined;
    let missed = 0;
    let checking = false;
    const timer = setInterval(async () => {
      if (checking) return;
      checking = true;
      try {
        await withTimeout(
          client.page.evaluate(() => true),
          timeoutMs,
          'watchdog check',
        );
        missed = 0;
        this.responsive = true;
      } catch (error) {
        missed += 1;
        this.responsive = false;
        this.engine.deps.observer?.watchdogFailed(this.name);
        this.log.warn({ missed, err: errorText(error) }, 'the page did not answer the watchdog');
        if (missed >= Math.max(1, failures)) {
          this.callbacks.status('pageUnresponsive');
          finish({ kind: 'unresponsive', reason: `the page stopped answering (${missed} checks in a row)` });
        }
      } finally {
        checking = false;
      }
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private launchOptions(): LaunchOptions {
    const { config } = this.engine.deps;
    const extraArgs = config.browserArgs
      .split(',')
      .map((arg) => arg.trim())
      .filter(Boolean);
    if (this.options.proxy?.url) extraArgs.push(`--proxy-server=${this.options.proxy.url}`);
    return {
      executablePath: this.executablePath,
      userDataDir: this.sessionDir,
      headless: config.headless,
      args: browserArgs(extraArgs, isRoot()),
      timeout: LAUNCH_TIMEOUT_MS,
    };
  }

  private createOptions(
    callbacks: Pick<CreateOptions, 'catchQR' | 'catchLinkCode' | 'statusFind'>,
  ): CreateOptions {
    const { config } = this.engine.deps;
    const { phone, proxy } = this.options;
    const makeLogger = this.engine.deps.libraryLogger ?? pinoBackedLibraryLogger;
    return {
      session: this.name,
      ...callbacks,
      // The browser is passed in (launchOptions); this only keeps the library from searching for one.
      useChrome: false,
      autoClose: config.autoCloseMs,
      deviceSyncTimeout: config.deviceSyncTimeoutMs,
      // create() resolves only once logged in (that is when the session is CONNECTED); it runs in
      // the background, so this never holds a request. With false the login statuses never fire.
      waitForLogin: true,
      logQR: false,
      disableWelcome: true,
      updatesLog: false,
      whatsappVersion: config.whatsappVersion,
      // With a pairing-code login the library breaks when deviceName/poweredBy are set (wppconnect
      // #1687); wppconnect-server drops them then, and so does wppd.
      deviceName: phone ? false : this.options.deviceName,
      poweredBy: phone ? undefined : this.options.poweredBy,
      phoneNumber: phone,
      proxy: proxy
        ? { url: proxy.url, username: proxy.username ?? '', password: proxy.password ?? '' }
        : undefined,
      logger: makeLogger(this.log),
    };
  }

  private async cleanProfile(): Promise<void> {
    const survivors = await killProfileProcesses(this.sessionDir);
    if (survivors.length > 0)
      this.log.error({ pids: survivors }, 'Chromium processes of this profile would not die');
    await clearProfileLocks(this.sessionDir);
  }
}

/**
 * A counting semaphore for browser launches, so start-all does not start every Chromium at once.
 * A slot is held from launch until the page shows a sign of life (or the run ends). 0 = no limit.
 */
export class StartSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  /** A release function, or undefined when `signal` aborted the wait. */
  async acquire(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (signal.aborted) return undefined;
    if (this.max <= 0) return () => undefined;
    if (this.active < this.max) {
      this.active += 1;
      return this.releaser();
    }
    const granted = await new Promise<boolean>((resolve) => {
      const grant = () => {
        signal.removeEventListener('abort', cancel);
        resolve(true);
      };
      const cancel = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', cancel, { once: true });
    });
    return granted ? this.releaser() : undefined;
  }

  get inUse(): number {
    return this.active;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter; `active` only drops when nobody waits.
      if (next) next();
      else this.active -= 1;
    };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Puppeteer's launch errors carry Chromium's stderr over several lines: one line, bounded.
  return message.replace(/\s+/g, ' ').trim().slice(0, 500) || 'unknown error';
}
