/**
 * The part of the webhooks plugin's `outbox` service this plugin uses, declared here (structural
 * typing) because a plugin never imports another plugin's files. The real thing is documented in
 * docs/webhooks.md and implemented in plugins/webhooks/outbox.ts.
 */

export interface OutboxRecord {
  seq: number;
  id: string;
  session: string;
  target: string;
  event: string | null;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** What was enqueued as `body`, serialised (our job, as JSON). */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  meta: Record<string, unknown>;
}

export type OutboxOutcome =
  | { ok: true; status?: number }
  | { ok: false; retry: boolean; error: string; status?: number; retryAfterMs?: number };

export interface OutboxPort {
  enqueue(request: {
    session: string;
    target: string;
    method?: string;
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
    dedupeKey?: string;
    event?: string;
    meta?: Record<string, unknown>;
  }): { id: string; duplicate: boolean };
  registerDeliverer(
    target: string,
    deliverer: (record: OutboxRecord, signal: AbortSignal) => Promise<OutboxOutcome>,
  ): void;
}
