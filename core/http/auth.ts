import { createHash, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

/** The bcrypt cost wppconnect-server (and wppd) mints tokens with. */
export const TOKEN_COST = 10;

/**
 * A well-formed token as minted with cost 10, after the URL-safe swap is undone. Any other cost is
 * refused before hashing: wppconnect-server reads the cost from the client's token, so a forged
 * cost-14 token costs it over a second of CPU.
 */
const TOKEN_SHAPE = /^\$2[aby]\$10\$[./A-Za-z0-9]{53}$/;

/** wppconnect-server's 401 bodies (behaviour §A.2). */
export const AUTH_ERRORS = {
  noSession: { message: 'Session not informed' },
  noToken: { message: 'Token is not present. Check your header and try again' },
  badToken: { error: 'Check that the Session and Token are correct' },
} as const;

/** Mints a token exactly as wppconnect-server does, so tokens stay valid in both directions. */
export async function mintToken(session: string, secretKey: string): Promise<string> {
  const hash = await bcryptWorkers.run({ op: 'hash', data: session + secretKey, cost: TOKEN_COST });
  return toUrlSafe(hash);
}

export function toUrlSafe(hash: string): string {
  return hash.replaceAll('/', '_').replaceAll('+', '-');
}

export function fromUrlSafe(token: string): string {
  return token.replaceAll('_', '/').replaceAll('-', '+');
}

/** Compares two secrets in constant time (their digests, so lengths do not leak either). */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Splits `/api/<session>:<token>/…` and the Authorization header into session name and token. */
export function tokenFromRequest(
  sessionParam: string,
  authorization: string | undefined,
): { session: string; token: string | undefined } {
  const colon = sessionParam.indexOf(':');
  if (colon >= 0) return { session: sessionParam.slice(0, colon), token: sessionParam.slice(colon + 1) };
  // Any scheme word is accepted ("Bearer x", "Token x"): the token is the second word.
  const token = authorization?.split(' ')[1];
  return { session: sessionParam, token: token || undefined };
}

/** A small bounded map that forgets the least recently used entry. */
class LruSet {
  private readonly entries = new Map<string, boolean>();
  constructor(private readonly max: number) {}
  get(key: string): boolean | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }
  set(key: string, value: boolean): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
  }
  clear(): void {
    this.entries.clear();
  }
}

/**
 * Verifies session tokens. A verified (session, token) pair is remembered so bcrypt runs once per
 * token, not once per request; a refused one is remembered too, in a separate bounded cache, so a
 * replayed forged token costs nothing. bcrypt itself runs at most `concurrency` at a time, so a flood
 * of forged tokens queues behind itself instead of starving real requests.
 */
export class TokenVerifier {
  private readonly accepted = new LruSet(10_000);
  private readonly refused = new LruSet(10_000);
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly secretKey: string,
    private readonly concurrency = 2,
  ) {}

  /** Whether an already-verified pair is known, without hashing (for cheap paths like socket.io). */
  isKnownGood(session: string, token: string): boolean {
    return this.accepted.get(`${session}\n${token}`) === true;
  }

  /** Whether this pair was verified before, either way (answering it again costs no hashing). */
  isCached(session: string, token: string): boolean {
    return this.cachedVerdict(session, token) !== undefined;
  }

  /** The remembered verdict for this pair, or undefined when it was never verified. */
  cachedVerdict(session: string, token: string): boolean | undefined {
    const key = `${session}\n${token}`;
    return this.accepted.get(key) ?? this.refused.get(key);
  }

  async verify(session: string, urlSafeToken: string): Promise<boolean> {
    const key = `${session}\n${urlSafeToken}`;
    const cached = this.accepted.get(key) ?? this.refused.get(key);
    if (cached !== undefined) return cached;
    const hash = fromUrlSafe(urlSafeToken);
    if (!TOKEN_SHAPE.test(hash)) return false;
    const ok = await this.limited(() =>
      bcryptWorkers.run({ op: 'compare', data: session + this.secretKey, hash }),
    );
    (ok ? this.accepted : this.refused).set(key, ok);
    return ok;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // A finished job hands its slot straight to the next in line, so at most `concurrency` run.
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

type BcryptJob = { op: 'compare'; data: string; hash: string } | { op: 'hash'; data: string; cost: number };
type BcryptResult<J extends BcryptJob> = J extends { op: 'compare' } ? boolean : string;

/** Runs in each worker: bcryptjs is plain JavaScript, so off the main thread is the only way it can't block. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptPath);
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'compare' ? bcrypt.compareSync(job.data, job.hash) : bcrypt.hashSync(job.data, job.cost);
    parentPort.postMessage({ result });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
});`;

/**
 * A small pool of worker threads for bcrypt. bcryptjs computes in ~100 ms slices on whatever thread
 * calls it, so on the main thread a queue of forged tokens delays every other request by a slice each
 * turn; in workers the event loop stays free and a verified token answers at once. One job per worker
 * at a time; jobs wait in order. Workers are unref'd (they never keep the process alive) and are
 * replaced if one dies. Where threads are unavailable, bcrypt runs inline.
 */
class BcryptWorkers {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private spawned = 0;
  private readonly bcryptPath = createRequire(import.meta.url).resolve('bcryptjs');

  constructor(private readonly size: number) {}

  async run<J extends BcryptJob>(job: J): Promise<BcryptResult<J>> {
    const worker = await this.acquire();
    if (!worker) return (await inline(job)) as BcryptResult<J>;
    let died = false;
    try {
      return await new Promise<BcryptResult<J>>((resolve, reject) => {
        const onMessage = (answer: { result?: unknown; error?: string }) => {
          cleanup();
          if (answer.error !== undefined) reject(new Error(answer.error));
          else resolve(answer.result as BcryptResult<J>);
        };
        const onExit = () => {
          died = true;
          cleanup();
          reject(new Error('bcrypt worker exited'));
        };
        const cleanup = () => {
          worker.off('message', onMessage);
          worker.off('error', onExit);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onExit);
        worker.on('exit', onExit);
        worker.postMessage(job);
      });
    } finally {
      if (died) {
        this.spawned -= 1;
        void worker.terminate();
        this.release(undefined);
      } else this.release(worker);
    }
  }

  private acquire(): Promise<Worker | undefined> {
    const ready = this.idle.pop();
    if (ready) return Promise.resolve(ready);
    if (this.spawned < this.size) {
      try {
        // execArgv: [] keeps the parent's loaders (tsx) out: the worker is plain CommonJS.
        const worker = new Worker(WORKER_SOURCE, {
          eval: true,
          execArgv: [],
          workerData: { bcryptPath: this.bcryptPath },
        });
        worker.unref();
        this.spawned += 1;
        return Promise.resolve(worker);
      } catch {
        return Promise.resolve(undefined);
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker | undefined): void {
    const next = this.waiting.shift();
    if (!next) {
      if (worker) this.idle.push(worker);
      return;
    }
    if (worker) next(worker);
    else void this.acquire().then((replacement) => next(replacement as Worker));
  }
}

function inline(job: BcryptJob): Promise<boolean | string> {
  return job.op === 'compare' ? bcrypt.compare(job.data, job.hash) : bcrypt.hash(job.data, job.cost);
}

const bcryptWorkers = new BcryptWorkers(2);
