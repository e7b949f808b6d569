/**
 * What the bench scripts share: a daemon on the sandbox engine in its own process, two connected
 * sessions, the HTTP scenarios, and the server-side CPU measure. Not a test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

export const BENCH_SECRET = 'bench-secret';
const ROOT = path.resolve(import.meta.dirname, '..');

/**
 * For the HTTP load scenarios, the servers run on CPU 1 and the load generator (this process) on
 * CPU 0, when the machine has two CPUs and `taskset`. Unpinned, the scheduler's placement of each
 * process persisted for its life: two identical daemons compared side by side differed by 15–20%
 * depending on which was started first. Pinning gives every server, bare Koa included, the same
 * core. Boot, memory and the webhook run are not pinned: a daemon uses every core for its loader,
 * GC and I/O threads (pinned, boot measured twice as long). BENCH_NO_PIN=1 turns pinning off.
 */
const PIN =
  process.env.BENCH_NO_PIN !== '1' &&
  os.cpus().length >= 2 &&
  (() => {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
const SERVER_CPU = '1';

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/** The environment of a benchmarked daemon: sandbox engine, a fresh data dir, no per-IP limits. */
export function daemonEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    WPPD_ENGINE: 'sandbox',
    PORT: '0',
    WPPD_BIND: '127.0.0.1',
    WPPD_DATA_DIR: dataDir,
    SECRET_KEY: BENCH_SECRET,
    START_ALL_SESSION: 'false',
    WPPD_SANDBOX_AUTOSCAN_MS: '0',
    LOG_LEVEL: 'info',
    // The load generator is one client IP: lift the per-IP limits so they don't measure themselves.
    WPPD_RATE_TOKEN_CHECK_BURST: '0',
    WPPD_RATE_SECRET_KEY_BURST: '0',
  };
}

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  url: string;
}

export interface SpawnOptions {
  nodeArgs?: string[];
  /** The checkout to run from (bench/compare.ts runs two). */
  root?: string;
  /** Run on the server CPU (the HTTP load scenarios; see PIN). */
  pinned?: boolean;
}

/** Starts a server script (`core/main.ts` or `bench/bare-koa.ts`) with tsx and resolves once it logs that it listens. */
export function spawnServer(
  script: string,
  env: NodeJS.ProcessEnv,
  options: SpawnOptions = {},
): Promise<SpawnedServer> {
  const command = [process.execPath, ...(options.nodeArgs ?? []), '--import', 'tsx', script];
  // taskset execs the command, so the child's pid is the server's.
  // A child inherits this process's CPU mask (CPU 0 only): an unpinned server gets every CPU back.
  const cpus = options.pinned ? SERVER_CPU : `0-${os.cpus().length - 1}`;
  const [file, ...args] = PIN ? ['taskset', '-c', cpus, ...command] : command;
  const child = spawn(file as string, args, {
    cwd: options.root ?? ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const onLine = (line: string) => {
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if ((parsed.msg === 'wppd listening' || parsed.msg === 'listening') && parsed.port) {
          lines.off('line', onLine);
          // Keep draining the daemon's log so its stdout never blocks.
          lines.on('line', () => undefined);
          resolve({ child, port: parsed.port, url: `http://127.0.0.1:${parsed.port}` });
        }
      } catch {}
    };
    lines.on('line', onLine);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** A daemon of this (or another) checkout on a fresh data dir. */
export function spawnDaemon(
  extraEnv: NodeJS.ProcessEnv = {},
  options: SpawnOptions = {},
): Promise<SpawnedServer & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-bench-'));
  return spawnServer('core/main.ts', { ...daemonEnv(dataDir), ...extraEnv }, options).then((server) => ({
    ...server,
    dataDir,
  }));
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

async function json(url: string, init?: RequestInit): Promise<any> {
  return (await fetch(url, init)).json();
}

/** Token, start-session, scan until CONNECTED; resolves with the token and the phone number. */
export async function connectSession(
  base: string,
  session: string,
): Promise<{ token: string; number: string }> {
  const { token } = await json(`${base}/api/${session}/${BENCH_SECRET}/generate-token`, { method: 'POST' });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  await fetch(`${base}/api/${session}/start-session`, { method: 'POST', headers, body: '{}' });
  for (;;) {
    const scan = await fetch(`${base}/api/${session}/sandbox/scan`, { method: 'POST', headers });
    if (scan.status === 200) break;
    const status = await json(`${base}/api/${session}/status-session`, { headers });
    if (status.status === 'CONNECTED') break;
    await sleep(5);
  }
  const phone = await json(`${base}/api/${session}/get-phone-number`, { headers });
  return { token, number: String(phone.response ?? '').replace(/@.*/, '') };
}

/** A forged token of the right shape (cost 10): refused after one bcrypt compare, then from cache. */
export const FORGED_TOKEN = `$2b$10$${'x'.repeat(53)}`;

export const SCENARIOS = ['status', 'send', 'wrong-token', 'healthz', 'nope'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Connects alice and bob and returns autocannon's options for each HTTP scenario. */
export async function scenarioOptions(base: string): Promise<Record<Scenario, autocannon.Options>> {
  const alice = await connectSession(base, 'alice');
  const bob = await connectSession(base, 'bob');
  const auth = { authorization: `Bearer ${alice.token}` };
  return {
    status: { url: `${base}/api/alice/status-session`, headers: auth },
    send: {
      url: `${base}/api/alice/send-message`,
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ phone: bob.number, message: 'bench' }),
    },
    'wrong-token': {
      url: `${base}/api/alice/status-session`,
      headers: { authorization: `Bearer ${FORGED_TOKEN}` },
    },
    healthz: { url: `${base}/healthz` },
    nope: { url: `${base}/nope` },
  };
}

export interface Load {
  rps: number;
  p99: number;
  non2xx: number;
  /** The server's main-thread CPU time per request, µs (the cost the ratio hides on a shared machine). */
  cpuUsPerRequest: number;
}

/** CPU time (user + system) of a process's main thread, in ms (Linux; 0 elsewhere). */
export function mainThreadCpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
  } catch {
    return 0;
  }
}

/** One autocannon run against a server process, with that process's CPU per request. */
export async function load(pid: number, options: autocannon.Options): Promise<Load> {
  const cpuBefore = mainThreadCpuMs(pid);
  const result = await autocannon(options);
  const cpuMs = mainThreadCpuMs(pid) - cpuBefore;
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    non2xx: result.non2xx,
    cpuUsPerRequest: Math.round((cpuMs * 1000) / Math.max(1, result.requests.total)),
  };
}
