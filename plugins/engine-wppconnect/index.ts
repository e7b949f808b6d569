import { Counter, Gauge } from 'prom-client';
import { definePlugin } from '../../core/index.ts';
import { type EngineObserver, WppconnectEngine } from './adapter.ts';
import {
  findBrowser,
  listProcesses,
  profileProcesses,
  puppeteerDownloadedBrowser,
  residentBytes,
} from './browser.ts';
import { configSchema, type WppconnectConfig } from './config.ts';
import { migrateFromWppconnectServer } from './migration.ts';

/**
 * The real WhatsApp engine (WPPD_ENGINE=wppconnect, the default): one Chromium per session driven by
 * @wppconnect-team/wppconnect, which is loaded only when a session starts. See
 * docs/engine-wppconnect.md for settings, browser flags and migration from wppconnect-server.
 */
export default definePlugin<WppconnectConfig>({
  name: 'engine-wppconnect',
  version: '1.0.0',
  core: '^1.0.0',
  config: configSchema,
  register(api) {
    const selected = api.core.engine === 'wppconnect';
    const observer = selected ? engineMetrics(api.metrics) : undefined;
    const engine = new WppconnectEngine({
      config: api.config,
      log: api.log,
      findBrowser: () =>
        findBrowser({
          configured: api.config.chromiumPath,
          env: process.env,
          puppeteerBrowser: puppeteerDownloadedBrowser,
        }),
      observer: observer?.observer,
    });
    observer?.watch(engine);
    api.provideEngine(engine);
  },
  async start(api) {
    if (api.core.engine !== 'wppconnect') return;
    const { migration } = api.config;
    if (!migration.tokensDir) return;
    await migrateFromWppconnectServer(migration, {
      stateDir: api.dataDir,
      sessionDir: (name) => api.sessions.sessionDir(name),
      isKnown: (name) => api.sessions.names().includes(name),
      // wanted: the sessions were running under wppconnect-server, so start-all brings them back.
      save: (name, config) => api.sessions.saveConfig(name, config, { wanted: true }),
      log: api.log,
    });
  },
});

/** Per-session browser memory, responsiveness, restarts and watchdog misses in /metrics. */
function engineMetrics(registry: import('prom-client').Registry): {
  observer: EngineObserver;
  watch(engine: WppconnectEngine): void;
} {
  let engine: WppconnectEngine | undefined;
  const liveSessions = () => engine?.liveSessions() ?? [];
  new Gauge({
    name: 'wppd_engine_browser_rss_bytes',
    help: "Resident memory of each session's Chromium process tree",
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      const processes = listProcesses();
      for (const session of liveSessions())
        this.set({ session: session.name }, residentBytes(profileProcesses(session.sessionDir, processes)));
    },
  });
  new Gauge({
    name: 'wppd_engine_browser_processes',
    help: "Processes in each session's Chromium tree",
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      const processes = listProcesses();
      for (const session of liveSessions())
        this.set({ session: session.name }, profileProcesses(session.sessionDir, processes).length);
    },
  });
  new Gauge({
    name: 'wppd_engine_page_responsive',
    help: "1 while the session's page answers the watchdog, 0 while it does not",
    labelNames: ['session'],
    registers: [registry],
    collect() {
      this.reset();
      for (const session of liveSessions()) this.set({ session: session.name }, session.responsive ? 1 : 0);
    },
  });
  new Gauge({
    name: 'wppd_engine_starting_browsers',
    help: 'Browsers currently starting (bounded by maxConcurrentStarts)',
    registers: [registry],
    collect() {
      this.set(engine?.startSlots.inUse ?? 0);
    },
  });
  const restarts = new Counter({
    name: 'wppd_engine_restarts_total',
    help: 'Automatic session restarts, by cause (crashed, unresponsive)',
    labelNames: ['session', 'cause'],
    registers: [registry],
  });
  const watchdogFailures = new Counter({
    name: 'wppd_engine_watchdog_failures_total',
    help: 'Watchdog checks the page did not answer in time',
    labelNames: ['session'],
    registers: [registry],
  });
  return {
    observer: {
      restarted: (session, cause) => restarts.inc({ session, cause }),
      watchdogFailed: (session) => watchdogFailures.inc({ session }),
    },
    watch(watched) {
      engine = watched;
    },
  };
}
