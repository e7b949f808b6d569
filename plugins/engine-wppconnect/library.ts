/**
 * Loading @wppconnect-team/wppconnect lazily (it takes ~0.8 s and installs a global
 * unhandledRejection logger), and the one adapter its logging needs: the library wants a winston
 * Logger, wppd logs with pino, so a real winston logger (the library's own copy) forwards each
 * entry to a pino child.
 */
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import type { CreateConfig, CreateOptions, Whatsapp } from '@wppconnect-team/wppconnect';
import type { Logger } from '../../core/index.ts';

/** The library's `create()`, object form: what the adapter calls (tests pass a fake). */
export type CreateClient = (options: CreateOptions) => Promise<Whatsapp>;

/** The winston Logger type, as the library declares it. */
export type LibraryLogger = NonNullable<CreateConfig['logger']>;

let loading: Promise<typeof import('@wppconnect-team/wppconnect')> | undefined;

/** Imports the library once, on the first session start. */
export function loadLibrary(): Promise<typeof import('@wppconnect-team/wppconnect')> {
  loading ??= import('@wppconnect-team/wppconnect').catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export const createWithLibrary: CreateClient = async (options) => {
  const library = await loadLibrary();
  return library.create(options);
};

/** Puppeteer's launch options and browser, as the library's own declarations name them. */
export type LaunchOptions = NonNullable<CreateConfig['puppeteerOptions']>;
export type Browser = ReturnType<Whatsapp['page']['browser']>;
export type LaunchBrowser = (options: LaunchOptions) => Promise<Browser>;

let stealthPuppeteer: { launch(options: LaunchOptions): Promise<Browser> } | undefined;

/**
 * Launches Chromium the way the library would (puppeteer-extra with the stealth plugin, from the
 * library's own dependencies), but here, so wppd holds the browser from the first moment: a failed
 * `create()` gives no handle, and a browser that is not closed keeps the library's page timers alive.
 */
export const launchWithStealth: LaunchBrowser = async (options) => {
  if (!stealthPuppeteer) {
    const fromLibrary = createRequire(createRequire(import.meta.url).resolve('@wppconnect-team/wppconnect'));
    const { addExtra } = fromLibrary('puppeteer-extra') as { addExtra(puppeteer: unknown): StealthCapable };
    const stealth = fromLibrary('puppeteer-extra-plugin-stealth') as () => unknown;
    stealthPuppeteer = addExtra(fromLibrary('puppeteer')).use(stealth());
  }
  return stealthPuppeteer.launch(options);
};

interface StealthCapable {
  use(plugin: unknown): { launch(options: LaunchOptions): Promise<Browser> };
}

/** What wppd uses of winston, loaded from where the library loads it so both share one copy. */
interface WinstonModule {
  createLogger(options: { level: string; transports: unknown[] }): LibraryLogger;
  transports: { Stream: new (options: { stream: NodeJS.WritableStream }) => unknown };
}

function libraryWinston(): WinstonModule {
  const fromHere = createRequire(import.meta.url);
  const fromLibrary = createRequire(fromHere.resolve('@wppconnect-team/wppconnect'));
  return fromLibrary('winston') as WinstonModule;
}

/** winston's npm levels onto pino's: `http`/`verbose` are request chatter, `silly` is trace. */
const LEVELS: Record<string, 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  http: 'debug',
  verbose: 'debug',
  debug: 'debug',
  silly: 'trace',
};

/**
 * A winston Logger whose every entry goes to `log` (a pino child carrying the session name), with
 * the library's `type` meta kept as `libraryArea`. Nothing reaches the console.
 */
export function pinoBackedLibraryLogger(log: Logger): LibraryLogger {
  const winston = libraryWinston();
  const sink = new Writable({
    objectMode: true,
    write(entry: Record<string, unknown>, _encoding, done) {
      const level = LEVELS[String(entry.level)] ?? 'info';
      const message = typeof entry.message === 'string' ? entry.message : JSON.stringify(entry.message);
      const area = typeof entry.type === 'string' ? entry.type : undefined;
      log[level]({ libraryArea: area }, message);
      done();
    },
  });
  return winston.createLogger({
    level: 'silly',
    transports: [new winston.transports.Stream({ stream: sink })],
  });
}
