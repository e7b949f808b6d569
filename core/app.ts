import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
// awilix's build without loadModules: the main entry imports fast-glob for it (~30 ms of boot), unused here.
import { type AwilixContainer, asValue, createContainer, InjectionMode } from 'awilix/browser';
import Koa from 'koa';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { type LoadConfigOptions, loadConfig } from './config/load.ts';
import type { CoreConfig } from './config/schema.ts';
import { errorMessage } from './errors.ts';
import { EventBus } from './events/bus.ts';
import { mintToken, secretsEqual, TokenVerifier } from './http/auth.ts';
import { coreRoutes } from './http/core-routes.ts';
import { apiDocsRouter } from './http/docs.ts';
import { errorEnvelope } from './http/error-envelope.ts';
import { buildOpenApi } from './http/openapi.ts';
import { fetchLimited } from './http/outbound.ts';
import { mountRoute } from './http/pipeline.ts';
import { clientKey, RateLimiter } from './http/ratelimit.ts';
import type { AnyRoute, RouteDefinition, RouteSchemas } from './http/route.ts';
import { RouteIndex } from './http/route-index.ts';
import { createLogger, type Logger } from './logger.ts';
import type { PluginApi } from './plugins/contract.ts';
import {
  checkCoreRange,
  emptyRecord,
  fail,
  importPlugin,
  isEnabled,
  orderByDependencies,
  type PluginRecord,
  type PluginSource,
  pluginConfig,
  withTimeout,
} from './plugins/loader.ts';
import { isValidSessionName, SessionManager } from './sessions/manager.ts';
import { sessionRoutes } from './sessions/routes.ts';
import { SessionStore } from './store/session-store.ts';
import { openSqlite, type SqliteDatabase } from './store/sqlite.ts';

const require = createRequire(import.meta.url);
export const VERSION: string = (require('../package.json') as { version: string }).version;

export interface DaemonOptions extends LoadConfigOptions {
  /** Built-in plugins, by name (defaults to plugins/index.ts). */
  builtins?: Record<string, () => Promise<unknown>>;
  /** Where pino writes (tests capture logs here). */
  logDestination?: import('pino').DestinationStream;
}

export interface Daemon {
  config: CoreConfig;
  container: AwilixContainer;
  log: Logger;
  sessions: SessionManager;
  events: EventBus;
  plugins: PluginRecord[];
  routes: AnyRoute[];
  server: http.Server;
  /** Listen on config.bind:config.port; resolves with the base URL. */
  listen(): Promise<string>;
  /** Graceful stop: stop accepting, finish in-flight requests, stop plugins, close sessions. */
  close(): Promise<void>;
}

const PLUGIN_STEP_TIMEOUT_MS = 10_000;

/** Builds the whole daemon: config, container, plugins, HTTP. Nothing listens until listen(). */
export async function createDaemon(options: DaemonOptions = {}): Promise<Daemon> {
  const { config, redacted } = loadConfig(options);
  const log = createLogger(config.log.level, options.logDestination);
  const dataDir = path.resolve(config.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const uploadDir = path.join(dataDir, 'tmp', 'uploads');
  fs.mkdirSync(uploadDir, { recursive: true });

  const db: SqliteDatabase = openSqlite(path.join(dataDir, 'wppd.sqlite'));
  const store = new SessionStore(db);
  const events = new EventBus(log);
  const sessions = new SessionManager(
    {
      dataDir,
      engine: config.engine,
      deviceName: config.deviceName,
      poweredBy: config.poweredBy,
      maxSessions: config.maxSessions,
      waitQrCodeTimeoutMs: config.waitQrCodeTimeoutMs,
      engineCallTimeoutMs: config.engineCallTimeoutMs,
    },
    store,
    events,
    log,
  );
  const tokens = new TokenVerifier(config.secretKey);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const env = options.env ?? process.env;
  const publicUrl = publicUrlOf(config);

  const container = createContainer({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue(config),
    log: asValue(log),
    sessions: asValue(sessions),
    events: asValue(events),
    db: asValue(db),
    metrics: asValue(metrics),
  });
  log.debug({ config: redacted }, 'configuration');

  // ---- plugins: import, configure, register (staged), then start in dependency order ----
  const builtins = options.builtins ?? (await import('../plugins/index.ts')).builtinPlugins;
  const rawPlugins = config.plugins;
  const sources = new Map<string, PluginSource>();
  for (const [name, load] of Object.entries(builtins)) sources.set(name, { builtin: true, load });
  for (const [name, raw] of Object.entries(rawPlugins)) {
    if (typeof raw?.resolve === 'string' && raw.resolve)
      sources.set(name, { builtin: false, resolve: raw.resolve });
  }
  const records: PluginRecord[] = [];
  const serverCallbacks: ((server: http.Server) => void)[] = [];
  const answerBarriers: (() => Promise<void> | undefined)[] = [];
  for (const [name, source] of sources) {
    const record = emptyRecord(name, source.builtin);
    records.push(record);
    const raw = (rawPlugins[name] ?? {}) as Record<string, unknown>;
    if (!isEnabled(name, raw, env, true)) {
      record.state = 'disabled';
      continue;
    }
    try {
      const plugin = await importPlugin(source, process.cwd());
      record.plugin = plugin;
      record.version = plugin.version;
      if (plugin.name !== name)
        throw new Error(`the module is plugin "${plugin.name}", configured as "${name}"`);
      checkCoreRange(plugin);
      const pluginConf = pluginConfig(plugin, raw, env);
      record.api = makeApi(record, pluginConf);
    } catch (error) {
      fail(record, errorMessage(error), log);
    }
  }
  const ordered = orderByDependencies(records, log);
  for (const record of ordered) {
    if (record.state !== 'registered' || !record.plugin || !record.api) continue;
    try {
      await withTimeout(record.plugin.register(record.api), PLUGIN_STEP_TIMEOUT_MS, 'register');
      for (const { name, factory } of record.services)
        container.register(serviceKey(record.name, name), {
          resolve: () => factory(),
          lifetime: 'SINGLETON',
        });
    } catch (error) {
      fail(record, `register failed: ${errorMessage(error)}`, log);
    }
  }

  function makeApi(record: PluginRecord, pluginConf: Record<string, unknown>): PluginApi<object> {
    const pluginDir = path.join(dataDir, 'plugins', record.name);
    const dependencies = new Set(record.plugin?.dependencies ?? []);
    return {
      name: record.name,
      config: pluginConf,
      log: log.child({ plugin: record.name }),
      dataDir: pluginDir,
      core: { version: VERSION, engine: config.engine, dataDir, publicUrl },
      sessions: {
        get: (name) => sessions.get(name),
        names: () => sessions.names(),
        live: () => sessions.live(),
        sessionDir: (name) => sessions.sessionDir(name),
        saveConfig: (name, sessionConfig, { wanted }) => {
          if (!isValidSessionName(name)) throw new Error(`invalid session name: ${JSON.stringify(name)}`);
          store.save(name, sessionConfig, wanted);
        },
        clear: (name) => sessions.clear(name),
      },
      credentials: {
        verifySessionToken: (session, token) => tokens.verify(session, token),
        isSecretKey: (value) => secretsEqual(value, config.secretKey),
        mintToken: (session) => mintToken(session, config.secretKey),
      },
      metrics,
      fetch: (url, fetchOptions) =>
        fetchLimited(url, {
          allowPrivate: env.WPPD_FETCH_ALLOW_PRIVATE === 'true',
          timeoutMs: 15_000,
          maxBytes: fetchOptions?.maxBytes ?? 64 * 1024 * 1024,
        }),
      route: <S extends RouteSchemas>(definition: RouteDefinition<S>) => {
        if (definition.auth === 'self' && !/\/:session(\/|$)/.test(definition.path))
          throw new Error(`route ${definition.path}: auth 'self' needs a :session path parameter`);
        record.routes.push(definition as unknown as AnyRoute);
      },
      on: (event, hook) => {
        record.hooks.push({ event, hook: hook as never });
      },
      emit: (session, name, payload) => events.emit(session, name, payload),
      provide: (name, factory) => {
        record.services.push({ name, factory });
      },
      resolve: <T>(name: string): T => {
        for (const dependency of dependencies) {
          const key = serviceKey(dependency, name);
          if (container.hasRegistration(key)) return container.resolve<T>(key);
        }
        throw new Error(`plugin ${record.name}: no dependency provides the service "${name}"`);
      },
      provideEngine: (adapter) => {
        record.engines.push(adapter);
      },
      beforeAnswer: (wait) => {
        record.answerBarriers.push(wait);
      },
      onServer: (callback) => {
        record.serverCallbacks.push(callback);
      },
      onStop: (callback) => {
        record.stopCallbacks.push(callback);
      },
    };
  }

  for (const record of ordered) {
    if (record.state !== 'registered' || !record.plugin || !record.api) continue;
    try {
      for (const adapter of record.engines) sessions.registerEngine(adapter);
      await withTimeout(record.plugin.start?.(record.api), PLUGIN_STEP_TIMEOUT_MS, 'start');
      record.state = 'started';
      for (const { event, hook } of record.hooks) events.on(record.name, event, hook);
      serverCallbacks.push(...record.serverCallbacks);
      answerBarriers.push(...record.answerBarriers);
    } catch (error) {
      events.removeOwner(record.name);
      fail(record, `start failed: ${errorMessage(error)}`, log);
    }
  }

  // ---- HTTP ----
  const app = new Koa({ proxy: env.WPPD_TRUST_PROXY === 'true' });
  const routeIndex = new RouteIndex();
  const routes: AnyRoute[] = [
    ...sessionRoutes({ sessions, secretKey: config.secretKey, version: VERSION }),
    ...coreRoutes({ metrics, sessions, plugins: records }),
    ...records.filter((r) => r.state === 'started').flatMap((r) => r.routes),
  ];
  // Per-IP token buckets: secret-key routes (generate-token hashes with bcrypt; wrong keys are
  // guesses) and not-yet-verified session tokens (each costs a bcrypt compare).
  const secretKeyLimiter = new RateLimiter({
    burst: config.rateLimit.secretKeyBurst,
    perMinute: config.rateLimit.secretKeyPerMinute,
  });
  const tokenCheckLimiter = new RateLimiter({
    burst: config.rateLimit.tokenCheckBurst,
    perMinute: config.rateLimit.tokenCheckPerMinute,
  });
  const rateVerdict = (limiter: RateLimiter, ip: string): true | number => {
    const key = clientKey(ip);
    return limiter.take(key) || limiter.retryAfterSeconds(key);
  };
  const authFailures = new Counter({
    name: 'wppd_auth_failures_total',
    help: 'Requests refused for a wrong token or secret key',
    registers: [metrics],
  });
  const pipeline = {
    container,
    sessions,
    tokens,
    secretKey: config.secretKey,
    log,
    limits: config.limits,
    uploadDir,
    jsonParsers: new Map(),
    onAuthFailure: () => authFailures.inc(),
    mayTryToken: (ip: string) => rateVerdict(tokenCheckLimiter, ip),
    mayUseSecretKey: (ip: string) => rateVerdict(secretKeyLimiter, ip),
    beforeAnswer: answerBarriers.length > 0 ? () => pendingWrites(answerBarriers, log) : undefined,
  };
  for (const route of routes) mountRoute(routeIndex, route, pipeline);

  const openapi = buildOpenApi(routes, { version: VERSION, serverUrl: publicUrl });
  const docsRouter = apiDocsRouter(openapi);

  let closing: Promise<void> | undefined;
  app.use(errorEnvelope(log, () => closing !== undefined));
  app.use(routeIndex.middleware());
  app.use(docsRouter.routes());

  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 65_000;
  for (const callback of serverCallbacks) callback(server);

  const daemon: Daemon = {
    config,
    container,
    log,
    sessions,
    events,
    plugins: records,
    routes,
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.bind, () => {
          const address = server.address();
          const port = typeof address === 'object' && address ? address.port : config.port;
          const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
          log.info({ port, engine: config.engine }, 'wppd listening');
          if (config.startAllSession) void sessions.startAll({ onlyWanted: true });
          resolve(`http://${host}:${port}`);
        });
      }),
    close: () => {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), 5_000).unref();
        });
        for (const record of [...ordered].reverse()) {
          if (!record.plugin || !record.api) continue;
          try {
            if (record.state === 'started')
              await withTimeout(record.plugin.stop?.(record.api), PLUGIN_STEP_TIMEOUT_MS, 'stop');
            for (const callback of [...record.stopCallbacks].reverse())
              await withTimeout(callback(), PLUGIN_STEP_TIMEOUT_MS, 'stop');
            record.state = 'stopped';
          } catch (error) {
            log.error({ plugin: record.name, err: errorMessage(error) }, 'plugin stop failed');
          }
        }
        await sessions.shutdown();
        await container.dispose();
        db.close();
        log.info('wppd stopped');
        log.flush?.();
      })();
      return closing;
    },
  };
  return daemon;
}

function serviceKey(plugin: string, name: string): string {
  return `${plugin}:${name}`;
}

function publicUrlOf(config: CoreConfig): string {
  const host = config.host.replace(/\/+$/, '');
  return /:\d+$/.test(host) ? host : `${host}:${config.port}`;
}

/** What an answer waits for: every plugin's pending writes. A failing barrier is logged, never the answer's fault. */
function pendingWrites(
  barriers: (() => Promise<void> | undefined)[],
  log: Logger,
): Promise<void> | undefined {
  const pending: Promise<void>[] = [];
  for (const barrier of barriers) {
    try {
      const wait = barrier();
      if (wait) pending.push(wait);
    } catch (error) {
      log.error({ err: error }, 'a plugin failed to say what answers wait for');
    }
  }
  if (pending.length === 0) return undefined;
  return Promise.all(pending).then(
    () => undefined,
    (error: unknown) => log.error({ err: error }, 'a write that answers wait for failed'),
  );
}
