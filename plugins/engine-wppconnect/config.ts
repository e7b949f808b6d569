import type { WppdPlugin } from '../../core/index.ts';

/** The plugin's own keys, under `plugins.engine-wppconnect` (env names in the schema). */
export interface WppconnectConfig {
  chromiumPath: string;
  /** Extra Chromium flags, comma-separated, appended to the built-in list. */
  browserArgs: string;
  headless: boolean;
  autoCloseMs: number;
  deviceSyncTimeoutMs: number;
  startTimeoutMs: number;
  maxConcurrentStarts: number;
  restart: { maxAttempts: number; backoffMs: number; backoffMaxMs: number };
  watchdog: { intervalMs: number; timeoutMs: number; failures: number };
  whatsappVersion: string;
  migration: { tokensDir: string; userDataDir: string; move: boolean };
}

export const configSchema: NonNullable<WppdPlugin<WppconnectConfig>['config']> = {
  chromiumPath: {
    doc: 'Chromium/Chrome executable; empty = PUPPETEER_EXECUTABLE_PATH, puppeteer download, /usr/bin/chromium, /usr/bin/google-chrome',
    format: String,
    default: '',
    env: 'WPPD_CHROMIUM_PATH',
  },
  browserArgs: {
    doc: 'Extra Chromium flags, comma-separated (added to the built-in memory-saving list)',
    format: String,
    default: '',
    env: 'WPPD_CHROMIUM_ARGS',
  },
  headless: {
    doc: 'Run Chromium without a window',
    format: Boolean,
    default: true,
    env: 'WPPD_CHROMIUM_HEADLESS',
  },
  autoCloseMs: {
    doc: 'Close a session whose QR is not scanned within this many ms (0 = never), as the library does',
    format: 'nat',
    default: 60_000,
    env: 'WPPD_AUTO_CLOSE_MS',
  },
  deviceSyncTimeoutMs: {
    doc: 'After login, give up when chats have not loaded within this many ms (0 = never)',
    format: 'nat',
    default: 180_000,
    env: 'WPPD_DEVICE_SYNC_TIMEOUT_MS',
  },
  startTimeoutMs: {
    doc: 'A start that shows neither a QR, a pairing code nor a login within this many ms is stopped',
    format: 'nat',
    default: 90_000,
    env: 'WPPD_START_TIMEOUT_MS',
  },
  maxConcurrentStarts: {
    doc: 'How many browsers may be starting at once (start-all queues the rest)',
    format: 'nat',
    default: 2,
    env: 'WPPD_MAX_CONCURRENT_STARTS',
  },
  restart: {
    maxAttempts: {
      doc: 'Restarts after a browser crash or a hung page before the session is closed (0 = never restart)',
      format: 'nat',
      default: 5,
      env: 'WPPD_RESTART_MAX_ATTEMPTS',
    },
    backoffMs: {
      doc: 'Wait before the first restart; doubles on each further one',
      format: 'nat',
      default: 5_000,
      env: 'WPPD_RESTART_BACKOFF_MS',
    },
    backoffMaxMs: {
      doc: 'Longest wait between restarts',
      format: 'nat',
      default: 300_000,
      env: 'WPPD_RESTART_BACKOFF_MAX_MS',
    },
  },
  watchdog: {
    intervalMs: {
      doc: 'How often a connected session’s page is asked to answer (0 = no watchdog)',
      format: 'nat',
      default: 30_000,
      env: 'WPPD_WATCHDOG_INTERVAL_MS',
    },
    timeoutMs: {
      doc: 'How long the page has to answer one watchdog check',
      format: 'nat',
      default: 15_000,
      env: 'WPPD_WATCHDOG_TIMEOUT_MS',
    },
    failures: {
      doc: 'Unanswered checks in a row after which the session is restarted',
      format: 'nat',
      default: 2,
      env: 'WPPD_WATCHDOG_FAILURES',
    },
  },
  whatsappVersion: {
    doc: 'Pin a WhatsApp Web version bundled with the library (empty = the live one)',
    format: String,
    default: '',
    env: 'WPPD_WHATSAPP_VERSION',
  },
  migration: {
    tokensDir: {
      doc: "wppconnect-server's tokens/ folder: its sessions and their start-session config are imported at boot",
      format: String,
      default: '',
      env: 'WPPD_MIGRATE_TOKENS_DIR',
    },
    userDataDir: {
      doc: "wppconnect-server's userDataDir/ folder (CUSTOM_USER_DATA_DIR): each session's browser profile is imported",
      format: String,
      default: '',
      env: 'WPPD_MIGRATE_USER_DATA_DIR',
    },
    move: {
      doc: 'Move the profiles instead of copying them (saves disk; the old install can no longer use them)',
      format: Boolean,
      default: false,
      env: 'WPPD_MIGRATE_MOVE',
    },
  },
};
