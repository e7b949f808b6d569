import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';

const SECRET = 'shutdown-test-secret';

/** Starts `node --import tsx core/main.ts` on the sandbox engine; resolves once it logs its port. */
function startChild(t: { teardown(fn: () => void): void }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-shutdown-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'core/main.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      WPPD_ENGINE: 'sandbox',
      PORT: '0',
      WPPD_BIND: '127.0.0.1',
      WPPD_DATA_DIR: dataDir,
      START_ALL_SESSION: 'false',
      SECRET_KEY: SECRET,
      WPPD_CONFIG: path.join(dataDir, 'none.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  fs.writeFileSync(path.join(dataDir, 'none.json'), '{}');
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  const port = new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (!line.includes('wppd listening')) continue;
        resolve((JSON.parse(line) as { port: number }).port);
      }
    });
    child.on('exit', (code) => reject(new Error(`daemon exited early (${code}): ${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, port, exited, logs: () => stdout };
}

/** A request whose body arrives in two halves; the second half is sent when `finish()` is called. */
function slowRequest(port: number, requestPath: string, body: string) {
  let finish = () => {};
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: requestPath,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    const half = Math.floor(body.length / 2);
    request.write(body.slice(0, half));
    finish = () => request.end(body.slice(half));
  });
  return { answer, finish: () => finish() };
}

const signalled = (child: ChildProcess, signal: NodeJS.Signals) => child.kill(signal);

test('SIGTERM: new connections are refused, the in-flight request completes, sessions close, exit 0', async (t) => {
  const { child, port: portPromise, exited, logs } = startChild(t);
  const port = await portPromise;
  const base = `http://127.0.0.1:${port}`;
  const { token } = (await (
    await fetch(`${base}/api/alice/${SECRET}/generate-token`, { method: 'POST' })
  ).json()) as {
    token: string;
  };
  const auth = { authorization: `Bearer ${token}` };
  await fetch(`${base}/api/alice/start-session`, { method: 'POST', headers: auth });
  for (let i = 0; i < 200; i++) {
    const { status } = (await (
      await fetch(`${base}/api/alice/status-session`, { headers: auth })
    ).json()) as {
      status: string;
    };
    if (status === 'QRCODE') await fetch(`${base}/api/alice/sandbox/scan`, { method: 'POST', headers: auth });
    if (status === 'CONNECTED') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }

  // In flight: headers and half the body are in, the daemon is waiting for the rest.
  const inFlight = slowRequest(
    port,
    `/api/bob/${SECRET}/generate-token`,
    JSON.stringify({ pad: 'x'.repeat(1000) }),
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  signalled(child, 'SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await t.throwsAsync(fetch(`${base}/healthz`), undefined, 'no new connections once stopping');
  inFlight.finish();
  const answer = await inFlight.answer;
  t.is(answer.status, 201, 'the in-flight request got its answer');
  t.is((JSON.parse(answer.body) as { session: string }).session, 'bob');
  t.is(await exited, 0);
  t.regex(logs(), /"msg":"shutting down"/);
  t.regex(logs(), /"msg":"wppd stopped"/);
});

test('a second signal forces the exit', async (t) => {
  const { child, port, exited } = startChild(t);
  const inFlight = slowRequest(await port, `/api/bob/${SECRET}/generate-token`, '{"pad":"xxxxxxxxxx"}');
  await new Promise((resolve) => setTimeout(resolve, 200));
  signalled(child, 'SIGTERM'); // waits for the request that never finishes…
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.is(child.exitCode, null, 'still finishing the in-flight request');
  signalled(child, 'SIGINT'); // …until the second signal
  t.is(await exited, 1);
  await inFlight.answer.catch(() => undefined);
});
