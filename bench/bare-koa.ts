/**
 * The floors, measured in the same run as the daemon: a bare Koa "hello" server (any GET), and the
 * same server doing the HTTP half of a send (any POST): koa-body parses the JSON body and the answer
 * is `BARE_KOA_POST_ANSWER`, send-message's own answer captured from the daemon by bench/run.ts. The
 * second says what a POST of that shape costs Koa before any work is done.
 */
import Koa from 'koa';
import { koaBody } from 'koa-body';

const postAnswer: unknown = JSON.parse(process.env.BARE_KOA_POST_ANSWER ?? '{"message":"hello"}');
const parseBody = koaBody();
const noop = async () => undefined;

const app = new Koa();
app.use((ctx) => {
  if (ctx.method !== 'POST') {
    ctx.body = { message: 'hello' };
    return;
  }
  return parseBody(ctx, noop).then(() => {
    ctx.status = 201;
    ctx.body = postAnswer;
  });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address?.port })}\n`,
  );
});
