/**
 * Webhook benchmark (not a test): N inbound sandbox messages (default 10,000) go into a daemon on
 * 127.0.0.1, each becomes an `onmessage` webhook through the durable outbox, and a local receiver
 * timestamps its arrival. Reports events/s (first inbound request to last webhook) and p50/p99 of
 * the delivery latency (inbound request sent → webhook received).
 *
 *   node --import tsx bench/webhooks.ts [--messages 10000] [--concurrency 32] [--rate N] [--json]
 *   BENCH_DAEMON_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node --import tsx bench/webhooks.ts   # profile the daemon
 *
 * Without --rate the messages come as fast as the daemon takes them (a burst: latency then measures
 * the queue); --rate N offers N messages/s, for latency at a load the daemon sustains.
 *
 * bench/run.ts imports `benchWebhooks` and gets the same numbers as an object.
 */

import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { connectSession, mainThreadCpuMs, spawnDaemon, stop } from './harness.ts';

export interface WebhookBenchOptions {
  messages?: number;
  /** Inbound requests in flight at once. */
  concurrency?: number;
  /** Offered load in messages/s (default: as fast as the daemon takes them, a burst). */
  rate?: number;
}

export interface WebhookBenchResult {
  name: 'webhooks';
  messages: number;
  concurrency: number;
  /** Offered messages/s, or null for a burst. */
  rate: number | null;
  seconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /**
   * CPU per event, µs: the daemon's main thread (its event loop), and this process (the inbound
   * load and the receiver), which share the machine's two cores with it.
   */
  cpuUsPerEvent: { daemonMainThread: number; loadAndReceiver: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 100) / 100;
}

export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<WebhookBenchResult> {
  const total = options.messages ?? 10_000;
  const concurrency = options.concurrency ?? 32;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let lastArrival = 0;
  let done: () => void = () => undefined;
  const allArrived = new Promise<void>((resolve) => {
    done = resolve;
  });

  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const now = performance.now();
      res.writeHead(200).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event?: string; body?: string };
      if (body.event !== 'onmessage' || !body.body) return;
      const start = sentAt.get(body.body);
      if (start === undefined) return;
      sentAt.delete(body.body);
      latencies.push(now - start);
      lastArrival = now;
      if (latencies.length === total) done();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // The daemon runs in its own process, as in production; the load and the receiver run here.
  const daemon = await spawnDaemon(
    { WEBHOOK_URL: hookUrl, WPPD_WEBHOOK_READ_MESSAGE: 'false' },
    { nodeArgs: process.env.BENCH_DAEMON_ARGS?.split(' ') },
  );
  try {
    const { token } = await connectSession(daemon.url, 'bench');
    // undici's Pool costs the load generator far less CPU than fetch, so the numbers are the daemon's.
    const load = new Pool(daemon.url, { connections: concurrency });
    const inboundPath = '/api/bench/sandbox/inbound';
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let next = 0;
    const started = performance.now();
    const daemonCpuBefore = mainThreadCpuMs(daemon.child.pid as number);
    const ownCpuBefore = process.cpuUsage();
    const worker = async () => {
      while (next < total) {
        const n = next++;
        if (options.rate) {
          const due = started + (n * 1000) / options.rate - performance.now();
          if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
        }
        if (process.env.BENCH_DEBUG && n % 1000 === 0)
          console.error(
            `${n} sent at ${Math.round(performance.now() - started)} ms, ${latencies.length} delivered`,
          );
        const text = `bench-${n}`;
        sentAt.set(text, performance.now());
        const res = await load.request({
          path: inboundPath,
          method: 'POST',
          headers,
          body: JSON.stringify({ from: '5511955554444', body: text }),
        });
        await res.body.dump();
        if (res.statusCode !== 201) throw new Error(`inbound answered ${res.statusCode}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (process.env.BENCH_DEBUG)
      console.error(
        `inbound done after ${Math.round(performance.now() - started)} ms, ${latencies.length} delivered`,
      );
    await allArrived;
    const daemonCpuMs = mainThreadCpuMs(daemon.child.pid as number) - daemonCpuBefore;
    const ownCpu = process.cpuUsage(ownCpuBefore);
    await load.close();
    const seconds = (lastArrival - started) / 1000;
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      name: 'webhooks',
      messages: total,
      concurrency,
      rate: options.rate ?? null,
      seconds: Math.round(seconds * 1000) / 1000,
      eventsPerSecond: Math.round(total / seconds),
      cpuUsPerEvent: {
        daemonMainThread: Math.round((daemonCpuMs * 1000) / total),
        loadAndReceiver: Math.round((ownCpu.user + ownCpu.system) / total),
      },
      latencyMs: {
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: percentile(sorted, 100),
      },
    };
  } finally {
    await stop(daemon.child);
    fs.rmSync(daemon.dataDir, { recursive: true, force: true });
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchWebhooks({
    messages: Number(argument('messages') ?? 10_000),
    concurrency: Number(argument('concurrency') ?? 32),
    rate: argument('rate') ? Number(argument('rate')) : undefined,
  });
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else
    console.log(
      `webhooks: ${result.messages} inbound messages${result.rate ? ` offered at ${result.rate}/s` : ' (burst)'} → ${result.eventsPerSecond} events/s over ${result.seconds} s; ` +
        `delivery latency p50 ${result.latencyMs.p50} ms, p90 ${result.latencyMs.p90} ms, p99 ${result.latencyMs.p99} ms, max ${result.latencyMs.max} ms; ` +
        `CPU per event: daemon main thread ${result.cpuUsPerEvent.daemonMainThread} µs, load + receiver ${result.cpuUsPerEvent.loadAndReceiver} µs`,
    );
}
