/**
 * The contract of the durable outbox (provided by the built-in `webhooks` plugin as the service
 * `outbox`): plugins that make outgoing HTTP calls resolve it to get retries, ordering and the
 * delivery log without importing the webhooks plugin. See docs/webhooks.md.
 */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface EnqueueRequest {
  session: string;
  /** Who the call is for: 'webhook', 'chatwoot', … A target can have its own deliverer. */
  target: string;
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as-is; anything else as JSON. */
  body?: unknown;
  /** A second enqueue with the same key is ignored (returns the first row's id). */
  dedupeKey?: string;
  /** Stable id, sent as `webhook-id` (defaults to a new `msg_…`). */
  id?: string;
  /** Label shown in the delivery log (the webhook event name). */
  event?: string;
  /** Sign with Standard Webhooks headers using this secret (`whsec_…` base64, or raw text). */
  secret?: string;
  /** Free-form data for the deliverer (and for after-delivery actions). */
  meta?: Record<string, unknown>;
}

export interface DeliveryRecord {
  seq: number;
  id: string;
  session: string;
  target: string;
  event: string | null;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastStatus: number | null;
  createdAt: number;
  nextAt: number;
  deliveredAt: number | null;
  meta: Record<string, unknown>;
}

/** What a delivery attempt came to. `retry: false` gives the row up at once. */
export type DeliveryOutcome =
  | { ok: true; status?: number }
  | { ok: false; retry: boolean; error: string; status?: number; retryAfterMs?: number };

export type Deliverer = (record: DeliveryRecord, signal: AbortSignal) => Promise<DeliveryOutcome>;

/** The service other plugins resolve as `outbox` (documented in docs/webhooks.md). */
export interface OutboxService {
  enqueue(request: EnqueueRequest): { id: string; duplicate: boolean };
  /** Deliver rows of a target with custom code (e.g. several dependent API calls). */
  registerDeliverer(target: string, deliverer: Deliverer, options?: { window?: number }): void;
  /** Rows of one lane of a target in flight at once, still sent in order (default 1). */
  setWindow(target: string, window: number): void;
  /** The default HTTP delivery (timeout, signing, status classification), for custom deliverers to reuse. */
  send(record: DeliveryRecord, signal: AbortSignal): Promise<DeliveryOutcome>;
  /** Called after a row was accepted (2xx or a deliverer's ok). */
  onDelivered(target: string, callback: (record: DeliveryRecord) => void): void;
  list(query: ListQuery): DeliveryRecord[];
  get(session: string, id: string): DeliveryRecord | undefined;
  redeliver(session: string, id: string): boolean;
  redeliverFailed(session: string, since: number, target?: string): number;
}

export interface ListQuery {
  session: string;
  status?: DeliveryStatus;
  target?: string;
  limit?: number;
  /** Only rows older than this seq (paging). */
  beforeSeq?: number;
}
