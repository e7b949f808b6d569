/**
 * Errors that become HTTP answers. wppconnect-server has no single error envelope (see
 * shared/reference/wppconnect-behaviour.md §C), so an HttpError carries the exact body to send.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    // An HttpError is an answer, not a fault: its stack is never logged or sent, and capturing it was
    // the largest single cost of a refused request (wrong tokens are what attackers send).
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : `HTTP ${status}`);
    Error.stackTraceLimit = stackTraceLimit;
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** The generic error shape of wppconnect-server's controllers: `{status:'error', message}`. */
export function httpError(status: number, message: string, extra: Record<string, unknown> = {}): HttpError {
  return new HttpError(status, { status: 'error', message, ...extra });
}

/** Raised by the engine port when the running engine lacks a feature. */
export function notImplemented(feature: string, engine: string): HttpError {
  return httpError(501, `${feature} is not supported by the ${engine} engine`);
}

/** A readable message from anything thrown, for logs and error bodies (never a stack). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
