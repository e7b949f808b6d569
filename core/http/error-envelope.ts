import type { Middleware } from 'koa';
import { errorMessage, HttpError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { withSessionKey } from './pipeline.ts';

/**
 * The outermost middleware: every answer is JSON in wppconnect-server's style (an HttpError's own
 * body, 4xx `{status:'error', message}`, or a logged 500), with its `session` key quirk. While the
 * daemon shuts down, each answer closes its connection so keep-alive clients let go at once.
 */
export function errorEnvelope(log: Logger, isClosing: () => boolean): Middleware {
  return async (ctx, next) => {
    if (isClosing()) ctx.set('connection', 'close');
    try {
      await next();
      // Paths are not echoed: they can carry the secret key or `session:token`.
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { status: 'error', message: `No such route: ${ctx.method}` };
      } else if (ctx.status === 405 && typeof ctx.body !== 'object') {
        ctx.body = { status: 'error', message: `Method not allowed: ${ctx.method}` };
      }
      const withSession = withSessionKey(ctx, ctx.body);
      if (withSession !== ctx.body) ctx.body = withSession;
    } catch (error) {
      if (error instanceof HttpError) {
        ctx.status = error.status;
        ctx.set(error.headers);
        ctx.body = withSessionKey(ctx, error.body);
        return;
      }
      const status = (error as { status?: number }).status;
      if (status && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = withSessionKey(ctx, { status: 'error', message: errorMessage(error) });
        return;
      }
      // The route pattern, never ctx.path: paths carry the secret key and `session:token`.
      log.error(
        { err: error, route: ctx._matchedRoute ?? 'unmatched', method: ctx.method },
        'request failed',
      );
      ctx.status = 500;
      ctx.body = { status: 'error', message: 'Internal error', error: errorMessage(error) };
    }
  };
}
