import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import test from 'ava';
import { Receiver } from './receiver.ts';

const SECRET = 'sigkill-test-secret';
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs the real daemon (`node --import tsx core/main.ts`) and resolves with its base URL. */
function spawnDaemon(dataDir: string, webhookUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      WPPD_BIND: '127.0.0.1',
      WPPD_DATA_DIR: dataDir,
      WPPD_ENGINE: 'sandbox',
      WPPD_SANDBOX_AUTOSCAN_MS: '0',
      SECRET_KEY: SECRET,
      START_ALL_SESSION: 'false',
      LOG_LEVEL: 'info',
      WEBHOOK_URL: webhookUrl,
      WPPD_WEBHOOK_TIMEOUT_MS: '2000',
      WPPD_WEBHOOK_RETRY_INITIAL_MS: '5',
      WPPD_WEBHOOK_RETRY_MAX_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'wppd listening') resolve({ child, url: `http://127.0.0.1:${entry.port}` });
      } catch {}
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}`)));
  });
}

async function call(url: string, token: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${url}/api/alice/${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { response?: { id: string } },
  };
}

test('SIGKILL mid-stream, then a restart: every accepted event is delivered', async (t) => {
  const receiver = await new Receiver().start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-sigkill-'));
  const children: ChildProcess[] = [];
  t.teardown(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await receiver.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // The receiver takes the first 5 messages, then stops answering: the rest pile up in the outbox.
  let taken = 0;
  receiver.behaviour = (r) => (r.body.event !== 'onmessage' ? 200 : taken++ < 5 ? 200 : 'hang');

  const first = await spawnDaemon(dataDir, receiver.url);
  children.push(first.child);
  const tokenRes = await fetch(`${first.url}/api/alice/${SECRET}/generate-token`, { method: 'POST' });
  const { token } = (await tokenRes.json()) as { token: string };
  await call(first.url, token, 'POST', 'start-session', {});
  for (;;) {
    const { body } = await call(first.url, token, 'GET', 'status-session');
    if (body.status === 'QRCODE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await call(first.url, token, 'POST', 'sandbox/scan');
  for (;;) {
    const { body } = await call(first.url, token, 'GET', 'status-session');
    if (body.status === 'CONNECTED') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const accepted: string[] = [];
  for (let n = 0; n < 30; n++) {
    const res = await call(first.url, token, 'POST', 'sandbox/inbound', {
      from: '5511955554444',
      body: `m${n}`,
    });
    t.is(res.status, 201);
    accepted.push(String(res.body.response?.id));
  }
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));
  const before = new Set(receiver.events('onmessage').map((e) => e.id));
  t.true(before.size < accepted.length, 'the kill happened with deliveries still pending');

  receiver.behaviour = () => 200;
  const second = await spawnDaemon(dataDir, receiver.url);
  children.push(second.child);
  await receiver.until(() => {
    const got = new Set(receiver.events('onmessage').map((e) => e.id));
    return accepted.every((id) => got.has(id));
  });
  const ids = receiver.events('onmessage').map((e) => e.id);
  t.deepEqual([...new Set(ids)].sort(), [...accepted].sort());
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));
});
