import { errorMessage, HttpError, statusForEngineError } from '../../core/index.ts';

/** A send result as the engine returns it: a Message or `{id, ack}`. */
interface SendResult {
  ack?: number;
  id?: unknown;
}

/** The engine said the message failed (ack FAILED or worse). wppconnect-server answered 201 anyway. */
export function failedAck(result: unknown): boolean {
  return typeof (result as SendResult)?.ack === 'number' && ((result as SendResult).ack as number) < 0;
}

/** wppconnect-server's send error: 500 {status:'Error', message:'Erro ao enviar a mensagem.', error}. */
export function sendError(error: unknown, message = 'Erro ao enviar a mensagem.'): HttpError {
  if (error instanceof HttpError) return error;
  return new HttpError(statusForEngineError(error, 500), {
    status: 'Error',
    message,
    error: errorMessage(error),
  });
}

/**
 * Sends to each recipient in turn and collects the results. Stops at the first failure: the client
 * gets an error naming the recipient and the results sent so far, never `201 success` for a message
 * that did not go out.
 */
export async function sendToEach<T>(
  recipients: string[],
  send: (to: string) => Promise<T>,
  errorText?: string,
) {
  const results: T[] = [];
  for (const to of recipients) {
    let result: T;
    try {
      result = await send(to);
    } catch (error) {
      throw sendError(error, errorText);
    }
    if (failedAck(result)) {
      throw new HttpError(500, {
        status: 'Error',
        message: errorText ?? 'Erro ao enviar a mensagem.',
        error: `WhatsApp reported the message to ${to} as failed (ack ${(result as SendResult).ack})`,
        response: results,
      });
    }
    results.push(result);
  }
  return results;
}

/** The 201 envelope of wppconnect-server's send routes. */
export function sent(results: unknown[]) {
  return { status: 201, body: { status: 'success', response: results, mapper: 'return' } };
}

/** wppconnect-server's generic success: `{status:'success', response}` (200 unless said). */
export function success(response: unknown, status = 200) {
  return { status, body: { status: 'success', response } };
}

/**
 * Runs an engine call the way wppconnect-server's device controllers answer failures:
 * `500 {status:'error', message, error}`. Answers the core already shaped (404 not connected, 501
 * unsupported, validation) pass through unchanged.
 */
export async function orFail<T>(message: string, work: () => Promise<T>, status = 500): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw new HttpError(statusForEngineError(error, status), {
      status: 'error',
      message,
      error: errorMessage(error),
    });
  }
}
