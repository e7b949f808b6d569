import { createHmac, randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Client, Dispatcher } from 'undici';
import {
  type Deliverer,
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeliveryStatus,
  type EnqueueRequest,
  errorMessage,
  type ListQuery,
  type Logger,
  type OutboxService,
  openSqlite,
  type SqliteDatabase,
} from '../../core/index.ts';

export type {
  Deliverer,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryStatus,
  EnqueueRequest,
  ListQuery,
  OutboxService,
};

/**
 * The durable outbox: every outgoing call (a webhook, or another plugin's HTTP call) is a row in
 * SQLite before anyone tries to send it. Rows of one lane (session + target) are delivered one at a
 * time, oldest first, so a receiver sees a session's events in order; a failed head is retried with
 * exponential backoff and jitter until it succeeds, is refused for good (4xx other than 408/429) or
 * gets older than the give-up age. A restart, even after kill -9, picks up every pending row.
 */

export interface OutboxSettings {
  timeoutMs: number;
  initialDelayMs: number;
  maxDelayMs: number;
  giveUpAfterMs: number;
  retentionMs: number;
  /** Requests pipelined on one connection per receiver origin. */
  pipelining: number;
}

interface Lane {
  session: string;
  target: string;
  inFlight: number;
  /** Highest seq dispatched since the lane was last idle: the next row comes after it. */
  cursor: number;
  /** A failure or a rewind: dispatch nothing new until the in-flight rows settle. */
  blocked: boolean;
  pumping: boolean;
  /**
   * The highest seq this process enqueued in the lane (0: none yet). Once the cursor reaches it
   * there is nothing newer to read (see dispatchedAllEnqueued): the lane skips its query, and a new
   * row is dispatched as written.
   */
  newest: number;
  timer?: NodeJS.Timeout;
  /** Settles once the lane's latest dispatch has handed its request to the connection. */
  lastSent: Promise<void>;
}

interface Row {
  seq: number;
  id: string;
  session: string;
  target: string;
  event: string | null;
  method: string;
  url: string;
  headers: string;
  body: string;
  secret: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  last_status: number | null;
  created_at: number;
  enqueued_at: number;
  next_at: number;
  delivered_at: number | null;
  meta: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  session TEXT NOT NULL,
  target TEXT NOT NULL,
  event TEXT,
  method TEXT NOT NULL,
  url TEXT NOT NULL,
  headers TEXT NOT NULL,
  body TEXT NOT NULL,
  secret TEXT,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_status INTEGER,
  created_at INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  next_at INTEGER NOT NULL,
  delivered_at INTEGER,
  dedupe_key TEXT UNIQUE,
  meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS deliveries_lane ON deliveries (session, target, status, seq);
CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (status) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_id ON deliveries (session, id);
`;

/** Standard Webhooks signature of one attempt: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
export function signPayload(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = secret.startsWith('whsec_')
    ? Buffer.from(secret.slice(6), 'base64')
    : Buffer.from(secret, 'utf8');
  const digest = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${digest}`;
}

/** Exponential backoff with jitter: half the step fixed, half random, capped. */
export function backoffMs(attempts: number, settings: Pick<OutboxSettings, 'initialDelayMs' | 'maxDelayMs'>) {
  const step = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class Outbox implements OutboxService {
  private db: SqliteDatabase | undefined;
  private readonly deliverers = new Map<string, Deliverer>();
  private readonly delivered = new Map<string, ((record: DeliveryRecord) => void)[]>();
  /** Lanes (session\ntarget) with a worker running or a retry timer set. */
  private readonly lanes = new Map<string, Lane>();
  private readonly windows = new Map<string, number>();
  private readonly gates = new Map<number, { gate: Promise<void>; markSent: () => void }>();
  private readonly clients = new Map<string, Client>();
  /**
   * Aborted by close(): the signal every attempt gets. One per open, not one per attempt: an
   * AbortController, AbortSignal.timeout and AbortSignal.any per delivery were ~6% of the daemon's
   * CPU in the webhook bench. Timeouts are undici's (headers, body, connect), and close() destroys
   * the connections, which ends the requests in flight.
   */
  private stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private pruneTimer: NodeJS.Timeout | undefined;
  /**
   * The write transaction of the current event-loop turn (group commit). Every write (a new row, a
   * delivery's outcome) joins it, and it commits once, when the turn ends: a commit per row was the
   * largest cost of an event under load (each commit rewrote the table's, its indexes' and
   * `sqlite_sequence`'s pages in the WAL), and a turn under load carries many rows. Reads use the same
   * connection, so they see every write at once. A kill before the commit loses only what the turn
   * wrote, and no HTTP answer waits for less: the plugin holds every answer until `committed()`.
   */
  private turn: { committed: Promise<void>; done: () => void; end: NodeJS.Immediate } | undefined;
  /** The signing secret of rows being attempted, so send() needs no second read of the row. */
  private readonly attemptSecrets = new Map<number, string | null>();
  /** Called after every attempt (metrics). */
  onAttempt: (target: string, outcome: 'delivered' | 'retry' | 'failed') => void = () => undefined;
  private stopped = false;
  private statements!: ReturnType<Outbox['prepare']>;
  private readonly headStatements = new Map<number, Statement<[string, string, number], Row>>();

  constructor(
    private readonly file: string,
    private readonly settings: OutboxSettings,
    private readonly log: Logger,
  ) {}

  open(): void {
    this.stopping = new AbortController();
    this.db = openSqlite(this.file);
    this.db.exec(SCHEMA);
    this.statements = this.prepare(this.db);
    this.headStatements.clear();
    this.stopped = false;
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), 60 * 60 * 1000);
    this.pruneTimer.unref();
    for (const { session, target } of this.statements.pendingLanes.all() as {
      session: string;
      target: string;
    }[])
      this.kick(session, target);
  }

  /**
   * The lane's next rows, at most `limit`. The limit is written into the statement (one prepared
   * statement per limit, at most a window's worth): with `LIMIT ?` the same query measured ~16 µs
   * instead of ~3 µs, and the outbox runs it about three times per event.
   */
  private headRows(session: string, target: string, afterSeq: number, limit: number): Row[] {
    let statement = this.headStatements.get(limit);
    if (!statement) {
      statement = (this.db as SqliteDatabase).prepare<[string, string, number], Row>(
        `SELECT * FROM deliveries WHERE session = ? AND target = ? AND status = 'pending' AND seq > ? ORDER BY seq LIMIT ${Math.max(1, Math.trunc(limit))}`,
      );
      this.headStatements.set(limit, statement);
    }
    return statement.all(session, target, afterSeq);
  }

  private prepare(db: SqliteDatabase) {
    return {
      begin: db.prepare('BEGIN'),
      commit: db.prepare('COMMIT'),
      insert: db.prepare(
        `INSERT INTO deliveries (id, session, target, event, method, url, headers, body, secret, status, created_at, enqueued_at, next_at, dedupe_key, meta)
         VALUES (@id, @session, @target, @event, @method, @url, @headers, @body, @secret, 'pending', @now, @now, @now, @dedupeKey, @meta)
         ON CONFLICT (dedupe_key) DO NOTHING`,
      ),
      byDedupe: db.prepare('SELECT id FROM deliveries WHERE dedupe_key = ?'),
      pendingLanes: db.prepare(`SELECT DISTINCT session, target FROM deliveries WHERE status = 'pending'`),
      succeed: db.prepare(
        `UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at = ? WHERE seq = ?`,
      ),
      fail: db.prepare(
        'UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_at = ? WHERE seq = ?',
      ),
      bySeq: db.prepare('SELECT * FROM deliveries WHERE seq = ?'),
      get: db.prepare('SELECT * FROM deliveries WHERE session = ? AND id = ? ORDER BY seq DESC LIMIT 1'),
      redeliver: db.prepare(
        `UPDATE deliveries SET status = 'pending', attempts = 0, enqueued_at = ?, next_at = ? WHERE seq = ?`,
      ),
      failedSince: db.prepare(
        `SELECT seq, target FROM deliveries WHERE session = ? AND status = 'failed' AND created_at >= ? AND (? IS NULL OR target = ?)`,
      ),
      prune: db.prepare(`DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?`),
    };
  }

  private get ready(): boolean {
    return this.db !== undefined && !this.stopped;
  }

  enqueue(request: EnqueueRequest): { id: string; duplicate: boolean } {
    if (!this.ready) throw new Error('the outbox is not open (the webhooks plugin has not started)');
    const id = request.id ?? `msg_${randomUUID()}`;
    const body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null);
    const headers = {
      ...(typeof request.body === 'string' ? {} : { 'content-type': 'application/json' }),
      ...request.headers,
    };
    const now = Date.now();
    const inserted = {
      id,
      session: request.session,
      target: request.target,
      event: request.event ?? null,
      method: (request.method ?? 'POST').toUpperCase(),
      url: request.url,
      headers: JSON.stringify(headers),
      body,
      secret: request.secret || null,
      meta: JSON.stringify(request.meta ?? {}),
    };
    this.beginTurn(this.db as SqliteDatabase);
    const result = this.statements.insert.run({ ...inserted, now, dedupeKey: request.dedupeKey ?? null });
    if (result.changes === 0) {
      const existing = this.statements.byDedupe.get(request.dedupeKey) as { id: string } | undefined;
      return { id: existing?.id ?? id, duplicate: true };
    }
    const seq = Number(result.lastInsertRowid);
    const lane = this.laneOf(request.session, request.target);
    // A lane that has dispatched every row it enqueued before this one sends the new row as it was
    // written, without reading it back (that query was one per event); otherwise the lane reads its
    // rows in order as usual.
    const caughtUp =
      dispatchedAllEnqueued(lane) &&
      !lane.blocked &&
      !lane.timer &&
      !lane.pumping &&
      lane.inFlight < (this.windows.get(lane.target) ?? 1);
    lane.newest = seq;
    if (caughtUp) {
      lane.cursor = seq;
      lane.inFlight += 1;
      this.dispatch(lane, {
        ...inserted,
        seq,
        status: 'pending',
        attempts: 0,
        last_error: null,
        last_status: null,
        created_at: now,
        enqueued_at: now,
        next_at: now,
        delivered_at: null,
      });
    } else this.kick(request.session, request.target);
    return { id, duplicate: false };
  }

  registerDeliverer(target: string, deliverer: Deliverer, options: { window?: number } = {}): void {
    this.deliverers.set(target, deliverer);
    if (options.window) this.windows.set(target, options.window);
  }

  /** How many rows of one lane of a target may be in flight at once (default 1: strictly one by one). */
  setWindow(target: string, window: number): void {
    this.windows.set(target, Math.max(1, window));
  }

  onDelivered(target: string, callback: (record: DeliveryRecord) => void): void {
    const list = this.delivered.get(target) ?? [];
    list.push(callback);
    this.delivered.set(target, list);
  }

  list(query: ListQuery): DeliveryRecord[] {
    if (!this.db) return [];
    const where = ['session = @session'];
    if (query.status) where.push('status = @status');
    if (query.target) where.push('target = @target');
    if (query.beforeSeq) where.push('seq < @beforeSeq');
    const rows = this.db
      .prepare(`SELECT * FROM deliveries WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT @limit`)
      .all({
        session: query.session,
        status: query.status,
        target: query.target,
        beforeSeq: query.beforeSeq,
        limit: Math.min(Math.max(query.limit ?? 50, 1), 500),
      }) as Row[];
    return rows.map(toRecord);
  }

  get(session: string, id: string): DeliveryRecord | undefined {
    if (!this.db) return undefined;
    const row = this.statements.get.get(session, id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  redeliver(session: string, id: string): boolean {
    if (!this.ready) return false;
    const row = this.statements.get.get(session, id) as Row | undefined;
    if (!row) return false;
    const now = Date.now();
    this.statements.redeliver.run(now, now, row.seq);
    this.kick(row.session, row.target, true);
    return true;
  }

  redeliverFailed(session: string, since: number, target?: string): number {
    if (!this.ready || !this.db) return 0;
    const rows = this.statements.failedSince.all(session, since, target ?? null, target ?? null) as {
      seq: number;
      target: string;
    }[];
    const now = Date.now();
    this.db.transaction(() => {
      for (const row of rows) this.statements.redeliver.run(now, now, row.seq);
    })();
    for (const t of new Set(rows.map((r) => r.target))) this.kick(session, t, true);
    return rows.length;
  }

  /** Pending rows per target (metrics). */
  pendingByTarget(): { target: string; n: number }[] {
    if (!this.db) return [];
    return this.db
      .prepare(`SELECT target, COUNT(*) AS n FROM deliveries WHERE status = 'pending' GROUP BY target`)
      .all() as { target: string; n: number }[];
  }

  /** Pending rows (tests and logs). */
  pendingCount(): number {
    if (!this.db) return 0;
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'`).get() as { n: number }
    ).n;
  }

  /** Rows of a lane are dispatched in seq order, at most `window` at a time (see pump). */
  private laneOf(session: string, target: string): Lane {
    const key = `${session}\n${target}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        session,
        target,
        inFlight: 0,
        cursor: 0,
        blocked: false,
        pumping: false,
        newest: 0,
        lastSent: Promise.resolve(),
      };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private kick(session: string, target: string, rewind = false): void {
    const lane = this.laneOf(session, target);
    if (rewind) {
      // An older row is pending again: send nothing newer until the window is empty, then restart
      // from the oldest pending row.
      if (lane.inFlight > 0) lane.blocked = true;
      else lane.cursor = 0;
    }
    if (lane.timer && (rewind || lane.inFlight === 0)) {
      clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    this.pump(lane);
  }

  /**
   * Dispatches the lane's next rows, oldest first, while the window has room. A row waiting for its
   * retry stops the lane (nothing newer overtakes it); a failed attempt blocks new dispatches until
   * the in-flight ones settle, then the lane restarts from its oldest pending row.
   */
  private pump(lane: Lane): void {
    if (!this.ready || lane.pumping) return;
    lane.pumping = true;
    try {
      const window = this.windows.get(lane.target) ?? 1;
      // The window's worth of next rows in one query (one query per row was a visible cost).
      fill: while (lane.inFlight < window && !lane.blocked && !lane.timer) {
        if (dispatchedAllEnqueued(lane)) break;
        const rows = this.headRows(lane.session, lane.target, lane.cursor, window - lane.inFlight);
        if (rows.length === 0) break;
        for (const row of rows) {
          const wait = row.next_at - Date.now();
          if (wait > 0) {
            if (lane.inFlight === 0) {
              lane.timer = setTimeout(() => {
                lane.timer = undefined;
                lane.cursor = 0;
                this.pump(lane);
              }, wait);
              lane.timer.unref();
            }
            break fill;
          }
          lane.cursor = row.seq;
          lane.inFlight += 1;
          this.dispatch(lane, row);
        }
      }
    } catch (error) {
      this.log.error(
        { session: lane.session, target: lane.target, err: errorMessage(error) },
        'outbox lane failed',
      );
    } finally {
      lane.pumping = false;
    }
  }

  private dispatch(lane: Lane, row: Row): void {
    // Requests leave in seq order: each waits until the previous one of its lane was handed to the
    // connection (a pipelined HTTP/1.1 connection then delivers them in that order).
    const gate = lane.lastSent;
    let markSent: () => void = () => undefined;
    lane.lastSent = new Promise<void>((resolve) => {
      markSent = resolve;
    });
    this.gates.set(row.seq, { gate, markSent });
    const work = this.attempt(row)
      .then((ok) => {
        if (!ok) lane.blocked = true;
      })
      .finally(() => {
        markSent();
        this.gates.delete(row.seq);
        this.inFlight.delete(work);
        lane.inFlight -= 1;
        if (lane.inFlight === 0) {
          lane.cursor = 0;
          lane.blocked = false;
        }
        this.pump(lane);
      });
    this.inFlight.add(work);
  }

  /** One attempt at a row; resolves with whether it was delivered. */
  private async attempt(row: Row): Promise<boolean> {
    const record = toRecord(row);
    const signal = this.stopping.signal;
    this.attemptSecrets.set(row.seq, row.secret);
    let outcome: DeliveryOutcome;
    try {
      const deliverer = this.deliverers.get(row.target);
      outcome = deliverer ? await deliverer(record, signal) : await this.sendRow(record, row.secret, signal);
    } catch (error) {
      outcome = { ok: false, retry: true, error: errorMessage(error) };
    } finally {
      this.attemptSecrets.delete(row.seq);
    }
    if (!this.ready) return false; // stopping: the row stays pending and is sent again after the restart
    const now = Date.now();
    if (outcome.ok) {
      this.beginTurn(this.db as SqliteDatabase);
      this.statements.succeed.run(outcome.status ?? null, now, row.seq);
      this.onAttempt(row.target, 'delivered');
      for (const callback of this.delivered.get(row.target) ?? []) {
        try {
          callback({ ...record, status: 'delivered', attempts: record.attempts + 1, deliveredAt: now });
        } catch (error) {
          this.log.error({ session: row.session, err: errorMessage(error) }, 'after-delivery action failed');
        }
      }
      return true;
    }
    const attempts = row.attempts + 1;
    const delay = Math.max(backoffMs(attempts, this.settings), outcome.retryAfterMs ?? 0);
    const tooOld = now + delay - row.enqueued_at > this.settings.giveUpAfterMs;
    const giveUp = !outcome.retry || tooOld;
    this.onAttempt(row.target, giveUp ? 'failed' : 'retry');
    this.statements.fail.run(
      giveUp ? 'failed' : 'pending',
      outcome.status ?? null,
      outcome.error,
      now + delay,
      row.seq,
    );
    const level = giveUp ? 'warn' : 'debug';
    this.log[level](
      {
        session: row.session,
        target: row.target,
        id: row.id,
        attempts,
        status: outcome.status,
        err: outcome.error,
      },
      giveUp ? 'delivery given up' : 'delivery failed, will retry',
    );
    // A row given up does not hold the lane; one to retry does.
    return giveUp;
  }

  send(record: DeliveryRecord, signal: AbortSignal): Promise<DeliveryOutcome> {
    if (this.attemptSecrets.has(record.seq))
      return this.sendRow(record, this.attemptSecrets.get(record.seq) ?? null, signal);
    const row = this.ready ? (this.statements.bySeq.get(record.seq) as Row | undefined) : undefined;
    return this.sendRow(record, row?.secret ?? null, signal);
  }

  /** undici is imported with the first delivery, not at boot (it was the largest package in the boot profile). */
  private clientClass: Promise<typeof Client> | undefined;

  private async clientFor(origin: string): Promise<Client> {
    this.clientClass ??= import('undici').then((undici) => undici.Client);
    const Client = await this.clientClass;
    let client = this.clients.get(origin);
    if (!client || client.closed || client.destroyed) {
      client = new Client(origin, {
        pipelining: this.settings.pipelining,
        keepAliveTimeout: 30_000,
        connect: { timeout: this.settings.timeoutMs },
      });
      this.clients.set(origin, client);
    }
    return client;
  }

  private async sendRow(
    record: DeliveryRecord,
    secret: string | null,
    signal: AbortSignal,
  ): Promise<DeliveryOutcome> {
    const ordering = this.gates.get(record.seq);
    const headers: Record<string, string> = { 'user-agent': 'wppd-webhooks', ...record.headers };
    headers['webhook-id'] = record.id;
    let url: URL;
    try {
      url = new URL(record.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new Error(`unsupported protocol ${url.protocol}`);
    } catch (error) {
      ordering?.markSent();
      // A URL that cannot work will not start working: give the row up at once.
      return { ok: false, retry: false, error: `invalid URL: ${errorMessage(error)}` };
    }
    try {
      await ordering?.gate;
      if (secret) {
        const timestamp = Math.floor(Date.now() / 1000);
        headers['webhook-timestamp'] = String(timestamp);
        headers['webhook-signature'] = signPayload(secret, record.id, timestamp, record.body);
      }
      const pending = (await this.clientFor(url.origin)).request({
        path: `${url.pathname}${url.search}`,
        method: record.method as Dispatcher.HttpMethod,
        headers,
        body: record.method === 'GET' || record.method === 'HEAD' ? undefined : record.body,
        // Closing destroys the connection; a caller's own signal (send()) still aborts its request.
        signal: signal === this.stopping.signal ? undefined : signal,
        headersTimeout: this.settings.timeoutMs,
        bodyTimeout: this.settings.timeoutMs,
        // Deliveries are idempotent (receivers dedupe on webhook-id), so they may be pipelined.
        idempotent: true,
      });
      ordering?.markSent();
      const response = await pending;
      // Read the answer so the connection can be reused.
      await response.body.dump().catch(() => undefined);
      const status = response.statusCode;
      if (status >= 200 && status < 300) return { ok: true, status };
      // Redirects are not followed (a POST would turn into a GET): a wrong URL, like a 4xx.
      const retry = status === 408 || status === 429 || status >= 500;
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
      };
      const location =
        status >= 300 && status < 400 ? ` (redirect to ${header('location')}, not followed)` : '';
      return {
        ok: false,
        retry,
        status,
        error: `HTTP ${status}${location}`,
        retryAfterMs: retryAfterMs(header('retry-after')),
      };
    } catch (error) {
      ordering?.markSent();
      const code = (error as { code?: string }).code;
      const message =
        code === 'UND_ERR_HEADERS_TIMEOUT' ||
        code === 'UND_ERR_BODY_TIMEOUT' ||
        code === 'UND_ERR_CONNECT_TIMEOUT'
          ? `timed out after ${this.settings.timeoutMs} ms`
          : errorMessage(error);
      return { ok: false, retry: true, error: message };
    }
  }

  /** Opens the turn's write transaction (see `turn`) unless it is open. */
  private beginTurn(db: SqliteDatabase): void {
    if (!db.inTransaction) this.statements.begin.run();
    if (this.turn) return;
    let done: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.turn = { committed, done, end: setImmediate(() => this.commit()) };
  }

  /** Commits the turn's writes: when the turn ends, and at close. */
  private commit(): void {
    const turn = this.turn;
    if (!turn) return;
    this.turn = undefined;
    clearImmediate(turn.end);
    try {
      if (this.db?.inTransaction) this.statements.commit.run();
    } catch (error) {
      // Only a failing disk gets here; the rows of this turn are gone, as an insert failing on its
      // own would have lost its row. Lanes that dispatched them see their updates change nothing.
      this.log.error({ err: errorMessage(error) }, 'outbox commit failed: the rows of this turn are lost');
      if (this.db?.inTransaction) this.db.exec('ROLLBACK');
    }
    turn.done();
  }

  /** Resolves once every row enqueued so far is committed; undefined when none waits. */
  committed(): Promise<void> | undefined {
    return this.turn?.committed;
  }

  private prune(): void {
    if (!this.ready) return;
    this.statements.prune.run(Date.now() - this.settings.retentionMs);
  }

  /** Stops sending: in-flight attempts are aborted and stay pending for the next start. */
  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pruneTimer);
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    this.lanes.clear();
    this.stopping.abort();
    // Destroying the connections ends the requests in flight; their rows stay pending.
    await Promise.allSettled([...this.clients.values()].map((client) => client.destroy()));
    this.clients.clear();
    await Promise.allSettled([...this.inFlight]);
    this.commit();
    this.db?.close();
    this.db = undefined;
  }
}

/** Whether this pass of the lane has dispatched every row this process enqueued in it: nothing newer to read. */
function dispatchedAllEnqueued(lane: Lane): boolean {
  return lane.newest !== 0 && lane.cursor >= lane.newest;
}

function toRecord(row: Row): DeliveryRecord {
  return {
    seq: row.seq,
    id: row.id,
    session: row.session,
    target: row.target,
    event: row.event,
    method: row.method,
    url: row.url,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    lastStatus: row.last_status,
    createdAt: row.created_at,
    nextAt: row.next_at,
    deliveredAt: row.delivered_at,
    meta: JSON.parse(row.meta) as Record<string, unknown>,
  };
}
