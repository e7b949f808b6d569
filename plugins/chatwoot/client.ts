import { errorMessage } from '../../core/index.ts';
import type { BridgeSettings } from './settings.ts';

/**
 * A failed Chatwoot call. `retry` says whether trying again later can help: network errors,
 * timeouts, 408, 429 and 5xx can; other 4xx cannot (the request itself is wrong).
 */
export class ChatwootError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Chatwoot's Application API for one session's account (reference/chatwoot-api.md §2): the
 * `api_access_token` header, JSON or multipart bodies, a timeout per call. The Chatwoot host is
 * chosen by the session owner (it is often on a private network), so it is called directly, not
 * through the SSRF-checked fetch meant for URLs from requests.
 */
export class ChatwootClient {
  constructor(
    private readonly settings: BridgeSettings,
    private readonly timeoutMs: number,
  ) {}

  /** `/contacts` → `<base>/api/v1/accounts/<id>/contacts`. */
  url(path: string): string {
    return `${this.settings.baseURL}/api/v1/accounts/${this.settings.accountId}${path}`;
  }

  async call<T = Record<string, unknown>>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    body: Record<string, unknown> | FormData | undefined,
    signal: AbortSignal,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const headers: Record<string, string> = { api_access_token: this.settings.token };
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const label = `${method} ${path.split('?')[0]}`;
    let response: Response;
    try {
      response = await fetch(this.url(path), {
        method,
        headers,
        body: payload,
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'manual',
      });
    } catch (error) {
      const reason = timeout.aborted ? `timed out after ${this.timeoutMs} ms` : errorMessage(error);
      throw new ChatwootError(`Chatwoot ${label}: ${reason}`, true);
    }
    const text = await response.text().catch(() => '');
    if (response.status < 200 || response.status >= 300) {
      const status = response.status;
      const retry = status === 408 || status === 429 || status >= 500;
      throw new ChatwootError(
        `Chatwoot ${label}: HTTP ${status} ${text.slice(0, 300)}`.trim(),
        retry,
        status,
      );
    }
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new ChatwootError(`Chatwoot ${label}: the answer is not JSON`, true, response.status);
    }
  }
}
