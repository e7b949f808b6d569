/** The floor: a bare Koa "hello" server, measured in the same run as the daemon. */
import Koa from 'koa';

const app = new Koa();
app.use((ctx) => {
  ctx.body = { message: 'hello' };
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address?.port })}\n`,
  );
});
