import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import nock from 'nock';
import { startDaemon, type TestDaemon, waitFor } from '../helpers/daemon.ts';

/**
 * Chatwoot is nock (its API only: the daemon itself is reached over 127.0.0.1). Each test gets its
 * own fake Chatwoot origin, so the tests of a file run concurrently without seeing each other's
 * interceptors; requests to an origin that nothing expects are collected and fail the test.
 */
nock.disableNetConnect();
nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));

const unmatched: { hostname: string; method: string; path: string }[] = [];
interface NockRequestOptions {
  hostname?: string;
  host?: string;
  method?: string;
  path?: string;
}
nock.emitter.on('no match', (request: NockRequestOptions, options?: NockRequestOptions) => {
  const seen = options ?? request;
  const hostname = String(seen.hostname ?? seen.host ?? '').replace(/:\d+$/, '');
  unmatched.push({ hostname, method: String(seen.method), path: String(seen.path) });
});

let counter = 0;
export function chatwootOrigin(): string {
  counter += 1;
  return `https://cw-${process.pid}-${counter}.chatwoot.test`;
}

/** Requests to this origin that no interceptor expected. */
export function unexpected(origin: string) {
  const { hostname } = new URL(origin);
  return unmatched.filter((r) => r.hostname === hostname).map((r) => `${r.method} ${r.path}`);
}

export const TOKEN = 'cw-agent-token';
export const ACCOUNT = 7;
export const INBOX = 3;
/** Outbox retries in milliseconds, so "Chatwoot down for a while" takes a moment. */
export const FAST_OUTBOX = { timeoutMs: 3000, retry: { initialDelayMs: 20, maxDelayMs: 100 } };

const FIXTURES = path.join(import.meta.dirname, '../fixtures/chatwoot');

/** A Chatwoot webhook payload from test/fixtures/chatwoot, deep-copied. */
export function fixture(name: string): Record<string, any> {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'));
}

/** An outgoing agent message addressed to `number`, with its ids set. */
export function agentMessage(
  number: string,
  id: number,
  conversationId: number,
  content = 'Hello from the agent',
) {
  const payload = fixture('message_created.outgoing');
  payload.id = id;
  payload.content = content;
  payload.conversation.id = conversationId;
  payload.conversation.messages[0].id = id;
  payload.conversation.messages[0].content = content;
  payload.conversation.meta.sender.phone_number = `+${number}`;
  payload.conversation.meta.sender.identifier = null;
  return payload;
}

/** Chatwoot's answer to a contact search that finds the contact of `number`, linked to the inbox. */
export function foundContact(number: string, contactId = 17, sourceId = `${number}@c.us`) {
  return {
    meta: { count: 1 },
    payload: [
      {
        id: contactId,
        phone_number: `+${number}`,
        contact_inboxes: [{ source_id: sourceId, inbox: { id: INBOX } }],
      },
    ],
  };
}

export function chatwootSettings(origin: string, extra: Record<string, unknown> = {}) {
  return {
    baseURL: origin,
    token: TOKEN,
    account_id: ACCOUNT,
    inbox_id: INBOX,
    chatwoot: { sendQrCode: false, sendStatus: false },
    ...extra,
  };
}

export interface Bridge {
  d: TestDaemon;
  origin: string;
  /** nock scope of the Chatwoot API: every interceptor checks the api_access_token header. */
  cw: nock.Scope;
  /** The Chatwoot account's API path prefix. */
  api: string;
  bob: string;
  alice: string;
  bobWid: string;
  aliceWid: string;
}

/**
 * A daemon where session `bob` is bridged to a fake Chatwoot and session `alice` is a WhatsApp
 * contact of bob (not bridged).
 */
export async function bridge(
  t: ExecutionContext,
  options: {
    dataDir?: string;
    origin?: string;
    chatwoot?: Record<string, unknown>;
    plugins?: Record<string, unknown>;
  } = {},
): Promise<Bridge> {
  const origin = options.origin ?? chatwootOrigin();
  const d = await startDaemon({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    config: { plugins: { webhooks: FAST_OUTBOX, ...options.plugins } as never },
  });
  t.teardown(() => d.close());
  const bob = await d.connect('bob', { chatWoot: chatwootSettings(origin, options.chatwoot) });
  const alice = await d.connect('alice');
  const cw = nock(origin, { reqheaders: { api_access_token: TOKEN } });
  return {
    d,
    origin,
    cw,
    api: `/api/v1/accounts/${ACCOUNT}`,
    bob,
    alice,
    bobWid: `${bob}@c.us`,
    aliceWid: `${alice}@c.us`,
  };
}

/** POSTs a webhook to the callback exactly as Chatwoot would (JSON body). */
export async function postWebhook(
  d: TestDaemon,
  sessionPath: string,
  payload: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${d.url}/api/${sessionPath}/chatwoot`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body };
}

/**
 * A session's engine, as a WhatsApp user acting on their phone (send media, read, create groups):
 * the library's own methods, so the bridge sees exactly what the engine reports.
 */
export function phoneOf(
  d: TestDaemon,
  session: string,
): { engine(method: string): (...args: any[]) => Promise<any> } {
  return (d.daemon as unknown as { sessions: { get(name: string): any } }).sessions.get(session);
}

/** The display name a session's phone uses (what a new Chatwoot contact is named after). */
export function pushnameOf(d: TestDaemon, session: string): string {
  return d.daemon.container
    .resolve<{ phone(s: string): { pushname: string } }>('engine-sandbox:network')
    .phone(session).pushname;
}

interface NetworkView {
  chatMessages(
    owner: string,
    chatId: string,
  ): {
    id: string;
    body: string;
    type: string;
    fromMe: boolean;
    caption?: string;
    filename?: string;
    mimetype?: string;
    filehash?: string;
    quotedMsgId?: string | null;
  }[];
  getMedia(hash: string): Buffer | undefined;
}

export function network(d: TestDaemon): NetworkView {
  return d.daemon.container.resolve<NetworkView>('engine-sandbox:network');
}

/** Messages a session received in a chat (not its own). */
export function received(d: TestDaemon, owner: string, chatId: string) {
  return network(d)
    .chatMessages(owner, chatId)
    .filter((m) => !m.fromMe);
}

/** The delivery log rows of a target, oldest first. */
export async function deliveries(d: TestDaemon, session: string, target: string) {
  const log = await d.api(session, 'GET', 'webhooks/deliveries?limit=500');
  return (
    log.body.response as {
      target: string;
      status: string;
      attempts: number;
      lastError: string | null;
      event: string;
      url: string;
    }[]
  )
    .filter((row) => row.target === target)
    .reverse();
}

/** Waits until every expected Chatwoot call was made. */
export async function allCalled(scope: nock.Scope, timeoutMs = 8000) {
  await waitFor(async () => scope.isDone() || undefined, timeoutMs).catch(() => {
    throw new Error(`Chatwoot calls not made: ${scope.pendingMocks().join(', ')}`);
  });
}

export { waitFor };
