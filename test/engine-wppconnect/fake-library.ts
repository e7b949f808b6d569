/**
 * A stand-in for the library and its browser, for contract tests: `create()` hands its options to
 * the test, which plays the library (QR, statusFind, resolve/reject), and the client is a fake
 * `Whatsapp` whose listeners the test can fire. Typed against the library, so the fake cannot use a
 * listener name or payload the library does not have.
 */
import { EventEmitter } from 'node:events';
import type { CreateOptions, Whatsapp } from '@wppconnect-team/wppconnect';
import pino from 'pino';
import type { EngineCallbacks, StatusFind } from '../../core/index.ts';
import { type EngineDependencies, WppconnectEngine } from '../../plugins/engine-wppconnect/adapter.ts';
import type { WppconnectConfig } from '../../plugins/engine-wppconnect/config.ts';
import type { Browser, LaunchOptions } from '../../plugins/engine-wppconnect/library.ts';

export const LISTENERS = [
  'onMessage',
  'onAnyMessage',
  'onAck',
  'onMessageEdit',
  'onRevokedMessage',
  'onReactionMessage',
  'onPollResponse',
  'onParticipantsChanged',
  'onPresenceChanged',
  'onUpdateLabel',
  'onIncomingCall',
  'onLiveLocation',
  'onStateChange',
] as const satisfies readonly (keyof Whatsapp)[];
export type ListenerName = (typeof LISTENERS)[number];

/** The payload a listener's callback receives (last parameter of the last overload). */
export type ListenerPayload<K extends ListenerName> = Whatsapp[K] extends (
  callback: (payload: infer P) => unknown,
) => unknown
  ? P
  : never;

export class FakePage extends EventEmitter {
  closed = false;
  /** When true, evaluate never answers (a hung renderer). */
  hung = false;
  async evaluate(): Promise<unknown> {
    if (this.hung) return new Promise(() => undefined);
    return true;
  }
  async close(): Promise<void> {
    this.closed = true;
    this.emit('close');
  }
  isClosed(): boolean {
    return this.closed;
  }
}

export class FakeWhatsapp {
  readonly listeners = new Map<string, (payload: unknown) => void>();
  readonly calls: string[] = [];
  connected = true;

  constructor(readonly page: FakePage) {
    for (const name of LISTENERS) {
      (this as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
        this.listeners.set(name, args.at(-1) as (payload: unknown) => void);
        return { dispose: () => this.listeners.delete(name) };
      };
    }
  }

  fire<K extends ListenerName>(name: K, payload: ListenerPayload<K>): void {
    this.listeners.get(name)?.(payload);
  }

  async useHere(): Promise<boolean> {
    this.calls.push('useHere');
    return true;
  }
  async logout(): Promise<boolean> {
    this.calls.push('logout');
    return true;
  }
  async close(): Promise<boolean> {
    this.calls.push('close');
    return true;
  }
  async isConnected(): Promise<boolean> {
    return this.connected;
  }

  /** The fake as the library's type (what the adapter receives from `create()`). */
  asClient(): Whatsapp {
    return this as unknown as Whatsapp;
  }
}

/** One `create()` call: the test plays the library through these. */
export interface CreateCall {
  options: CreateOptions;
  client: FakeWhatsapp;
  resolve(): void;
  reject(error: Error): void;
  status(status: string): void;
}

export class FakeLibrary {
  readonly creates: CreateCall[] = [];
  readonly launches: LaunchOptions[] = [];
  readonly browsersClosed: number[] = [];
  private waiters: ((call: CreateCall) => void)[] = [];

  readonly launchBrowser = async (options: LaunchOptions): Promise<Browser> => {
    this.launches.push(options);
    const index = this.launches.length;
    const page = new FakePage();
    const browser = {
      pages: async () => [page],
      newPage: async () => page,
      close: async () => {
        this.browsersClosed.push(index);
      },
    };
    return browser as unknown as Browser;
  };

  readonly createClient = (options: CreateOptions): Promise<Whatsapp> =>
    new Promise((resolve, reject) => {
      const page = options.page as unknown as FakePage;
      const client = new FakeWhatsapp(page);
      const call: CreateCall = {
        options,
        client,
        resolve: () => resolve(client.asClient()),
        reject,
        status: (status) => options.statusFind?.(status as never, String(options.session)),
      };
      this.creates.push(call);
      for (const waiter of this.waiters.splice(0)) waiter(call);
    });

  /** The n-th create() call (1-based), waiting for it if needed. */
  async create(n: number, timeoutMs = 5_000): Promise<CreateCall> {
    const deadline = Date.now() + timeoutMs;
    while (this.creates.length < n) {
      if (Date.now() > deadline) throw new Error(`create() #${n} was not called`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.creates[n - 1]!;
  }
}

export type Recorded =
  | ['qr', string, number]
  | ['linkCode', string]
  | ['status', StatusFind]
  | ['connected']
  | ['closed', string, { loggedOut?: boolean } | undefined]
  | ['restarting', string]
  | ['event', string, unknown];

/** EngineCallbacks that record every call in order. */
export function recordingCallbacks(): { callbacks: EngineCallbacks; calls: Recorded[] } {
  const calls: Recorded[] = [];
  const callbacks: EngineCallbacks = {
    qr: (urlcode, attempt) => calls.push(['qr', urlcode, attempt]),
    linkCode: (code) => calls.push(['linkCode', code]),
    status: (status) => calls.push(['status', status]),
    connected: () => calls.push(['connected']),
    closed: (reason, options) => calls.push(['closed', reason, options]),
    restarting: (reason) => calls.push(['restarting', reason]),
    event: (name, payload) => calls.push(['event', name, payload]),
  };
  return { callbacks, calls };
}

export function testConfig(overrides: Partial<WppconnectConfig> = {}): WppconnectConfig {
  return {
    chromiumPath: '',
    browserArgs: '',
    headless: true,
    autoCloseMs: 60_000,
    deviceSyncTimeoutMs: 180_000,
    startTimeoutMs: 5_000,
    maxConcurrentStarts: 0,
    restart: { maxAttempts: 2, backoffMs: 10, backoffMaxMs: 40 },
    watchdog: { intervalMs: 0, timeoutMs: 50, failures: 2 },
    whatsappVersion: '',
    migration: { tokensDir: '', userDataDir: '', move: false },
    ...overrides,
  };
}

export function fakeEngine(
  library: FakeLibrary,
  config: WppconnectConfig = testConfig(),
  extra: Partial<EngineDependencies> = {},
): WppconnectEngine {
  return new WppconnectEngine({
    config,
    log: pino({ level: 'silent' }),
    findBrowser: () => '/usr/bin/true',
    createClient: library.createClient,
    launchBrowser: library.launchBrowser,
    libraryLogger: () => ({}) as never,
    ...extra,
  });
}

export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
