import type http from 'node:http';
import type { Schema } from 'convict';
import type { Registry } from 'prom-client';
import type { EngineAdapter } from '../engine/port.ts';
import type { EventHook, WppdEvent, WppdEventName, WppdEvents } from '../events/catalog.ts';
import type { FetchedFile } from '../http/outbound.ts';
import type { RouteDefinition, RouteSchemas } from '../http/route.ts';
import type { Logger } from '../logger.ts';
import type { Session } from '../sessions/session.ts';

/** The version of the plugin API; plugins state the range they need in `core`. */
export const CORE_API_VERSION = '1.0.0';

/**
 * A plugin: data plus three functions. Built-in plugins and third-party ones use exactly this.
 * `register` declares routes, hooks and services and does no I/O; `start` and `stop` do the I/O,
 * in dependency order, each bounded by a timeout.
 */
export interface WppdPlugin<C extends object = Record<string, unknown>> {
  name: string;
  version: string;
  /** semver range of CORE_API_VERSION this plugin works with, e.g. `^1.0.0`. */
  core: string;
  /** Plugins that must be loaded (and enabled) first; their services become resolvable. */
  dependencies?: string[];
  /** convict schema of the plugin's own keys, read from `plugins.<name>` and env vars. */
  config?: Schema<C>;
  register(api: PluginApi<C>): void | Promise<void>;
  start?(api: PluginApi<C>): void | Promise<void>;
  stop?(api: PluginApi<C>): void | Promise<void>;
}

/** What every session-facing plugin may see of the sessions registry. */
export interface SessionsView {
  get(name: string): Session | undefined;
  names(): string[];
  live(): Session[];
  /** The per-session folder under the data dir (created on first start). */
  sessionDir(name: string): string;
  /**
   * Records a session with its start-session config, as start-session would, without starting it
   * (importers: wppconnect-server migration). `wanted` sessions start at boot with START_ALL_SESSION.
   * Throws on a name that is not a valid session name.
   */
  saveConfig(name: string, config: Record<string, unknown>, options: { wanted: boolean }): void;
  /** clear-session-data: stop the session if it runs and delete everything stored for it. */
  clear(name: string): Promise<void>;
}

export interface CoreFacts {
  version: string;
  engine: string;
  dataDir: string;
  /** Public base URL: `host`, with the port when it is not in `host`. */
  publicUrl: string;
}

export interface CredentialsView {
  /** Whether a token (URL-safe form) is valid for a session. */
  verifySessionToken(session: string, token: string): Promise<boolean>;
  /** Constant-time check of the secret key. */
  isSecretKey(value: string): boolean;
  /** A new token for a session, exactly as generate-token mints it (for admin tools that hold the key). */
  mintToken(session: string): Promise<string>;
}

/** Fetch a URL from a request: SSRF-checked, time- and size-bounded (core/http/outbound.ts). */
export type OutboundFetch = (url: string, options?: { maxBytes?: number }) => Promise<FetchedFile>;

export interface PluginApi<C extends object = Record<string, unknown>> {
  readonly name: string;
  readonly config: C;
  readonly log: Logger;
  /** This plugin's own folder, `<dataDir>/plugins/<name>`. */
  readonly dataDir: string;
  readonly core: CoreFacts;
  readonly sessions: SessionsView;
  readonly credentials: CredentialsView;
  readonly metrics: Registry;
  readonly fetch: OutboundFetch;
  route<S extends RouteSchemas>(definition: RouteDefinition<S>): void;
  on<K extends WppdEventName>(event: K | '*', hook: EventHook<K>): void;
  emit<K extends WppdEventName>(session: string, name: K, payload: WppdEvents[K]): WppdEvent<K>;
  /** Offer a service to plugins that depend on this one. */
  provide<T>(name: string, factory: () => T): void;
  /** A service provided by one of this plugin's dependencies. */
  resolve<T>(name: string): T;
  /** Offer a WhatsApp engine (selected with WPPD_ENGINE). */
  provideEngine(adapter: EngineAdapter): void;
  /**
   * Holds every HTTP answer until the promise `wait` returns has settled (undefined: no wait). A
   * plugin that stores events in batches registers its pending batch here: the webhooks outbox
   * commits once per event-loop turn, so a request that raised events is answered only once they
   * are stored.
   */
  beforeAnswer(wait: () => Promise<void> | undefined): void;
  /** Called once the HTTP server exists (socket.io attaches here). */
  onServer(callback: (server: http.Server) => void): void;
  /**
   * Cleanup to run when the daemon stops (after the plugin's own `stop`), last added first. A plugin
   * object is shared by every daemon in a process, so per-daemon state lives in closures of
   * `register`, not in module variables.
   */
  onStop(callback: () => void | Promise<void>): void;
}
