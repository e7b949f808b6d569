import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createDaemon, type Daemon, type DaemonOptions } from '../../core/app.ts';
import type { DeepPartial } from '../../core/config/load.ts';
import type { CoreConfig } from '../../core/config/schema.ts';

export const SECRET = 'test-secret-key';

export interface TestDaemon {
  url: string;
  daemon: Daemon;
  dataDir: string;
  /** Every log line the daemon wrote, parsed. */
  logs(): Record<string, unknown>[];
  /** Raw log text (for grepping secrets). */
  logText(): string;
  /** A valid token for a session (minted through the API). */
  token(session: string): Promise<string>;
  /** Authenticated JSON request. */
  api(session: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Start a sandbox session, scan it and wait until CONNECTED; resolves with its number. */
  connect(session: string, startBody?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions extends Omit<DaemonOptions, 'overrides'> {
  config?: DeepPartial<CoreConfig>;
  /** Reuse a data dir (restart tests); a fresh temp dir otherwise. */
  dataDir?: string;
}

/** Boots a real daemon on 127.0.0.1:<free port> with a fresh data dir and the sandbox engine. */
export async function startDaemon(options: StartOptions = {}): Promise<TestDaemon> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-test-'));
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const { config, ...rest } = options;
  const daemon = await createDaemon({
    env: {},
    logDestination: destination,
    ...rest,
    overrides: {
      port: 0,
      bind: '127.0.0.1',
      dataDir,
      engine: 'sandbox',
      secretKey: SECRET,
      startAllSession: false,
      log: { level: 'info' },
      ...config,
      plugins: {
        'engine-sandbox': { autoscanMs: 0 },
        ...(config?.plugins as Record<string, Record<string, unknown>> | undefined),
      },
    },
  });
  const url = await daemon.listen();
  const tokens = new Map<string, string>();
  const token = async (session: string) => {
    const cached = tokens.get(session);
    if (cached) return cached;
    const res = await fetch(`${url}/api/${session}/${SECRET}/generate-token`, { method: 'POST' });
    const body = (await res.json()) as { token: string };
    tokens.set(session, body.token);
    return body.token;
  };
  const api: TestDaemon['api'] = async (session, method, route, body) => {
    const res = await fetch(`${url}/api/${session}/${route}`, {
      method,
      headers: {
        authorization: `Bearer ${await token(session)}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  };
  const connect = async (session: string, startBody: Record<string, unknown> = {}) => {
    await api(session, 'POST', 'start-session', startBody);
    const loggedInAlready = await waitFor(async () => {
      const { body } = await api(session, 'GET', 'status-session');
      return body.status === 'CONNECTED' || body.status === 'QRCODE' || body.status === 'PHONECODE'
        ? body.status
        : undefined;
    });
    if (loggedInAlready !== 'CONNECTED') await api(session, 'POST', 'sandbox/scan');
    await waitFor(
      async () => (await api(session, 'GET', 'status-session')).body.status === 'CONNECTED' || undefined,
    );
    const network = daemon.container.resolve<{ phone(s: string): { number: string } | undefined }>(
      'engine-sandbox:network',
    );
    return network.phone(session)?.number ?? '';
  };
  return {
    url,
    daemon,
    dataDir,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    logText: () => lines.join('\n'),
    token,
    api,
    connect,
    close: () => daemon.close(),
  };
}

/** Polls until `check` returns a value (not undefined/false), for at most `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
