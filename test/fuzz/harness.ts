import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.ts';
import {
  CASES,
  EscapeWatch,
  type FuzzContext,
  type FuzzTarget,
  judge,
  type OpenApiDoc,
  type Outcome,
  send,
  targetsOf,
} from './engine.ts';

export interface FuzzOptions {
  /** Small payloads and the few cases of SLICE_CASES (for `npm test`). */
  slice: boolean;
  /** Only targets whose id equals this or contains it. */
  route?: string;
  /** Only these cases. */
  cases?: string[];
  /** A request without an answer after this long is a hang. */
  timeoutMs: number;
  /** Called after each target (progress output). */
  onTarget?: (target: FuzzTarget, outcomes: Outcome[]) => void;
}

export interface FuzzRun {
  targets: FuzzTarget[];
  caseNames: string[];
  outcomes: Outcome[];
  ctx: FuzzContext;
  daemon: TestDaemon;
  root: string;
}

const FUZZ_SESSION = 'fuzz';
const PEER_SESSION = 'peer';

/**
 * Boots a sandbox daemon inside a canary folder, connects two sessions, reads the daemon's own
 * OpenAPI document and sends every case to every route. The caller closes `run.daemon`.
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzRun> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wppd-fuzz-'));
  const dataDir = path.join(root, 'data');
  const d = await startDaemon({
    dataDir,
    config: {
      // Thousands of requests from one address: the limiter has its own tests.
      rateLimit: { secretKeyBurst: 0, secretKeyPerMinute: 0, tokenCheckBurst: 0, tokenCheckPerMinute: 0 },
      waitQrCodeTimeoutMs: 1_000,
      log: { level: 'warn' },
    },
  });
  const marker = `m${Date.now().toString(36)}${process.pid}`;
  const watch = new EscapeWatch(root, dataDir, marker);
  const ctx: FuzzContext = {
    url: d.url,
    secretKey: '',
    session: FUZZ_SESSION,
    token: await d.token(FUZZ_SESSION),
    peerNumber: '',
    marker,
    slice: options.slice,
  };
  ctx.secretKey = (await import('../helpers/daemon.ts')).SECRET;
  await d.connect(FUZZ_SESSION);
  ctx.peerNumber = await d.connect(PEER_SESSION);

  const doc = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as OpenApiDoc;
  const targets = targetsOf(doc).filter(
    (target) => !options.route || target.id === options.route || target.id.includes(options.route),
  );
  const cases = CASES.filter((c) => !options.cases || options.cases.includes(c.name));

  // A throw that escapes the daemon's handlers would take a real daemon down: count it as a crash.
  let current = { target: '', caseName: '' };
  const crashes: Outcome[] = [];
  const onCrash = (error: unknown) => {
    crashes.push({
      ...current,
      label: 'uncaught exception',
      verdict: 'crash',
      status: 0,
      detail: String((error as Error)?.stack ?? error).slice(0, 500),
      request: { label: '', method: '', path: '', headers: {} },
    });
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const outcomes: Outcome[] = [];
  const reported = new Set<string>();
  try {
    for (const target of targets) {
      const mine: Outcome[] = [];
      for (const fuzzCase of cases) {
        current = { target: target.id, caseName: fuzzCase.name };
        for (const request of await fuzzCase.requests(target, ctx)) {
          const answer = await send(ctx, request, options.timeoutMs);
          const judged = judge(target, answer);
          const outcome: Outcome = {
            target: target.id,
            caseName: fuzzCase.name,
            label: request.label,
            request,
            ...judged,
          };
          const escaped = watch.changes().filter((file) => !reported.has(file));
          if (escaped.length > 0) {
            for (const file of escaped) reported.add(file);
            outcome.verdict = 'escape';
            outcome.detail = `wrote outside the data dir: ${escaped.join(', ')}`;
          }
          mine.push(outcome);
        }
        mine.push(...crashes.splice(0));
      }
      outcomes.push(...mine);
      options.onTarget?.(target, mine);
      // Routes like logout-session or clear-session-data end the session: bring both back.
      await reconnect(d, FUZZ_SESSION);
      ctx.peerNumber = (await reconnect(d, PEER_SESSION)) ?? ctx.peerNumber;
    }
  } finally {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  return { targets, caseNames: cases.map((c) => c.name), outcomes, ctx, daemon: d, root };
}

async function reconnect(d: TestDaemon, session: string): Promise<string | undefined> {
  const { body } = await d.api(session, 'GET', 'status-session');
  if (body?.status === 'CONNECTED') return undefined;
  return d.connect(session);
}
