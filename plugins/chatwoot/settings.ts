import type { Schema } from 'convict';

/**
 * Settings. A session is bridged when its start-session body has a `chatWoot` (or `chatwoot`)
 * object; every key missing there falls back to the plugin's server-wide defaults below. The keys are
 * wppconnect-server's (behaviour §G.1), plus wppd's own (`secret`, `groups`, `mirrorFromMe`,
 * `reportStatus`), which it did not have.
 */
export interface ChatwootConfig {
  baseURL: string;
  token: string;
  account_id: string;
  inbox_id: string;
  mobile_name: string;
  mobile_number: string;
  sendQrCode: boolean;
  sendStatus: boolean;
  secret: string;
  groups: boolean;
  mirrorFromMe: boolean;
  reportStatus: boolean;
  requestTimeoutMs: number;
  attachmentTimeoutMs: number;
  attachmentMaxBytes: number;
  signatureToleranceSeconds: number;
  retentionDays: number;
}

const text = (doc: string, def: string, env: string, sensitive = false) => ({
  doc,
  format: String,
  default: def,
  env,
  ...(sensitive ? { sensitive: true } : {}),
});
const flag = (doc: string, def: boolean, env: string) => ({ doc, format: Boolean, default: def, env });
const count = (doc: string, def: number, env: string) => ({ doc, format: 'nat', default: def, env });

export const configSchema: Schema<ChatwootConfig> = {
  baseURL: text('Default Chatwoot URL, e.g. https://chat.example.com', '', 'WPPD_CHATWOOT_BASE_URL'),
  token: text('Default Chatwoot api_access_token', '', 'WPPD_CHATWOOT_TOKEN', true),
  account_id: text('Default Chatwoot account id', '', 'WPPD_CHATWOOT_ACCOUNT_ID'),
  inbox_id: text('Default Chatwoot API inbox id', '', 'WPPD_CHATWOOT_INBOX_ID'),
  mobile_name: text(
    'Name of the contact QR codes and statuses are posted as',
    'WPPConnect',
    'WPPD_CHATWOOT_MOBILE_NAME',
  ),
  mobile_number: text('Number of that contact', '5511999999999', 'WPPD_CHATWOOT_MOBILE_NUMBER'),
  sendQrCode: flag('Post each QR code to Chatwoot', true, 'WPPD_CHATWOOT_SEND_QRCODE'),
  sendStatus: flag('Post status changes to Chatwoot', true, 'WPPD_CHATWOOT_SEND_STATUS'),
  secret: text(
    "Default API inbox secret: the callback then also accepts Chatwoot's X-Chatwoot-Signature",
    '',
    'WPPD_CHATWOOT_SECRET',
    true,
  ),
  groups: flag('Bridge group messages too (off, as wppconnect-server)', false, 'WPPD_CHATWOOT_GROUPS'),
  mirrorFromMe: flag(
    'Post messages the phone owner sends (from the phone or the API) as outgoing',
    true,
    'WPPD_CHATWOOT_MIRROR_FROM_ME',
  ),
  reportStatus: flag(
    'Report delivered/read/failed of agent messages back to Chatwoot (PATCH message status)',
    true,
    'WPPD_CHATWOOT_REPORT_STATUS',
  ),
  requestTimeoutMs: count('Timeout of one Chatwoot API call', 15_000, 'WPPD_CHATWOOT_TIMEOUT_MS'),
  attachmentTimeoutMs: count(
    'Timeout of one attachment download',
    60_000,
    'WPPD_CHATWOOT_ATTACHMENT_TIMEOUT_MS',
  ),
  attachmentMaxBytes: count(
    'Largest attachment sent to WhatsApp',
    64 * 1024 * 1024,
    'WPPD_CHATWOOT_ATTACHMENT_MAX_BYTES',
  ),
  signatureToleranceSeconds: count(
    'Oldest X-Chatwoot-Timestamp accepted (replay window)',
    300,
    'WPPD_CHATWOOT_SIGNATURE_TOLERANCE_S',
  ),
  retentionDays: count(
    'Days the bridge remembers message ids (quotes, statuses, replays); contacts and conversations are kept',
    30,
    'WPPD_CHATWOOT_RETENTION_DAYS',
  ),
};

/** One session's effective Chatwoot settings. */
export interface BridgeSettings {
  session: string;
  baseURL: string;
  token: string;
  accountId: string;
  inboxId: number;
  mobileName: string;
  mobileNumber: string;
  sendQrCode: boolean;
  sendStatus: boolean;
  secret: string;
  groups: boolean;
  mirrorFromMe: boolean;
  reportStatus: boolean;
  /** Names the Chatwoot inbox the mappings belong to: a session moved to another inbox starts afresh. */
  scope: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

/** The session's `chatWoot` object (or `chatwoot`, which wppconnect-server ignored: issue #977). */
export function sessionChatwoot(
  config: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  return asRecord(config?.chatWoot) ?? asRecord(config?.chatwoot);
}

/**
 * The effective settings of a session, or a reason why it is not bridged. The switches may sit at
 * the top of the object or, as wppconnect-server reads them, in a nested `chatwoot` object.
 */
export function resolveSettings(
  session: string,
  sessionConfig: Record<string, unknown> | undefined,
  defaults: ChatwootConfig,
): BridgeSettings | { missing: string } {
  const own = sessionChatwoot(sessionConfig);
  if (!own) return { missing: 'the session has no chatWoot settings' };
  const nested = asRecord(own.chatwoot) ?? asRecord(own.chatWoot) ?? {};
  const pickText = (key: keyof ChatwootConfig) => str(own[key]) ?? str(defaults[key]);
  const pickFlag = (key: keyof ChatwootConfig) =>
    bool(own[key]) ?? bool(nested[key]) ?? (defaults[key] as boolean);
  const baseURL = pickText('baseURL')?.replace(/\/+$/, '');
  const token = pickText('token');
  const accountId = pickText('account_id');
  const inboxId = Number(pickText('inbox_id'));
  if (!baseURL || !/^https?:\/\/[^/]+/i.test(baseURL))
    return { missing: 'chatWoot.baseURL (an http(s) URL)' };
  if (!token) return { missing: 'chatWoot.token' };
  if (!accountId || !/^\d+$/.test(accountId)) return { missing: 'chatWoot.account_id (a number)' };
  if (!Number.isInteger(inboxId) || inboxId <= 0) return { missing: 'chatWoot.inbox_id (a number)' };
  return {
    session,
    baseURL,
    token,
    accountId,
    inboxId,
    mobileName: pickText('mobile_name') ?? 'WPPConnect',
    mobileNumber: (pickText('mobile_number') ?? '5511999999999').replace(/\D/g, ''),
    sendQrCode: pickFlag('sendQrCode'),
    sendStatus: pickFlag('sendStatus'),
    secret: pickText('secret') ?? '',
    groups: pickFlag('groups'),
    mirrorFromMe: pickFlag('mirrorFromMe'),
    reportStatus: pickFlag('reportStatus'),
    scope: `${session}|${baseURL}|${accountId}|${inboxId}`,
  };
}
