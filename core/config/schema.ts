import type { Schema } from 'convict';

/**
 * The core's configuration. Sources, lowest precedence first: these defaults, a JSON file
 * (`--config FILE`, `WPPD_CONFIG`, or `config/wppd.json` when present), environment variables.
 * wppconnect-server's env names keep their meaning; keys new in wppd use `WPPD_*`.
 * Plugins declare their own keys under `plugins.<name>` (see core/plugins/loader.ts).
 */
export const coreSchema: Schema<CoreConfig> = {
  secretKey: {
    doc: 'Secret key: mints session tokens and guards the admin routes',
    format: String,
    default: 'THISISMYSECURETOKEN',
    env: 'SECRET_KEY',
    sensitive: true,
  },
  host: {
    doc: 'Public base URL of this daemon (used in links it hands out)',
    format: String,
    default: 'http://localhost',
    env: 'HOST',
  },
  bind: {
    doc: 'Address to listen on',
    format: String,
    default: '0.0.0.0',
    env: 'WPPD_BIND',
  },
  port: { doc: 'TCP port (0 = any free port)', format: 'port', default: 21465, env: 'PORT' },
  dataDir: {
    doc: 'Folder holding all state (sessions, outbox, media, engine profiles)',
    format: String,
    default: './data',
    env: 'WPPD_DATA_DIR',
  },
  engine: {
    doc: 'WhatsApp engine: wppconnect (real) or sandbox (simulated network)',
    format: String,
    default: 'wppconnect',
    env: 'WPPD_ENGINE',
  },
  startAllSession: {
    doc: 'Restart every stored session at boot',
    format: Boolean,
    default: true,
    env: 'START_ALL_SESSION',
  },
  deviceName: {
    doc: 'Name shown in Linked Devices',
    format: String,
    default: 'WppConnect',
    env: 'DEVICE_NAME',
  },
  poweredBy: { doc: 'Powered-by string', format: String, default: 'WPPConnect-Server', env: 'POWERED_BY' },
  maxSessions: {
    doc: 'Most sessions that may run at once (0 = no limit)',
    format: 'nat',
    default: 0,
    env: 'WPPD_MAX_SESSIONS',
  },
  waitQrCodeTimeoutMs: {
    doc: 'How long start-session with waitQrCode waits for a QR, a pairing code or a connection',
    format: 'nat',
    default: 60_000,
    env: 'WPPD_WAIT_QRCODE_TIMEOUT_MS',
  },
  engineCallTimeoutMs: {
    doc: 'How long a request waits for one WhatsApp engine call before answering 504 (0 = no bound)',
    format: 'nat',
    default: 60_000,
    env: 'WPPD_ENGINE_CALL_TIMEOUT_MS',
  },
  limits: {
    jsonBody: { doc: 'Largest JSON body', format: String, default: '50mb', env: 'WPPD_JSON_LIMIT' },
    formBody: { doc: 'Largest urlencoded body', format: String, default: '1mb', env: 'WPPD_FORM_LIMIT' },
    uploadBytes: {
      doc: 'Largest multipart upload, in bytes',
      format: 'nat',
      default: 100 * 1024 * 1024,
      env: 'WPPD_UPLOAD_LIMIT',
    },
  },
  rateLimit: {
    secretKeyBurst: {
      doc: 'Requests to secret-key routes (generate-token, show-all-sessions, …) a client may make at once, per IP (0 = no limit)',
      format: 'nat',
      default: 60,
      env: 'WPPD_RATE_SECRET_KEY_BURST',
    },
    secretKeyPerMinute: {
      doc: 'How fast that allowance refills, per minute',
      format: 'nat',
      default: 30,
      env: 'WPPD_RATE_SECRET_KEY_PER_MINUTE',
    },
    tokenCheckBurst: {
      doc: 'Not-yet-verified session tokens a client may present at once, per IP (0 = no limit); verified tokens are free',
      format: 'nat',
      default: 60,
      env: 'WPPD_RATE_TOKEN_CHECK_BURST',
    },
    tokenCheckPerMinute: {
      doc: 'How fast that allowance refills, per minute',
      format: 'nat',
      default: 30,
      env: 'WPPD_RATE_TOKEN_CHECK_PER_MINUTE',
    },
  },
  log: {
    level: {
      doc: 'Log level',
      format: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      env: 'LOG_LEVEL',
    },
  },
  plugins: {
    doc: 'Per-plugin settings: plugins.<name>.enabled, plugins.<name>.resolve (third-party), and its own keys',
    format: Object,
    default: {},
  },
};

export interface CoreConfig {
  secretKey: string;
  host: string;
  bind: string;
  port: number;
  dataDir: string;
  engine: string;
  startAllSession: boolean;
  deviceName: string;
  poweredBy: string;
  maxSessions: number;
  waitQrCodeTimeoutMs: number;
  engineCallTimeoutMs: number;
  limits: { jsonBody: string; formBody: string; uploadBytes: number };
  rateLimit: {
    secretKeyBurst: number;
    secretKeyPerMinute: number;
    tokenCheckBurst: number;
    tokenCheckPerMinute: number;
  };
  log: { level: string };
  plugins: Record<string, Record<string, unknown>>;
}
