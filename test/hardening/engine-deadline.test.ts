import test from 'ava';
import { startDaemon, waitFor } from '../helpers/daemon.ts';

test('an engine call that never settles is answered 504 after the call timeout, and the daemon keeps serving', async (t) => {
  const d = await startDaemon({
    config: {
      engine: 'stuck',
      engineCallTimeoutMs: 300,
      plugins: { 'engine-stuck': { resolve: './test/fixtures/plugins/engine-stuck/index.ts' } },
    },
  });
  t.teardown(() => d.close());
  await d.api('s', 'POST', 'start-session', {});
  await waitFor(async () => (await d.api('s', 'GET', 'status-session')).body.status === 'CONNECTED');

  const res = await d.api('s', 'POST', 'send-message', { phone: '5511999999999', message: 'hello?' });
  t.is(res.status, 504);
  t.is(res.body.status, 'error');
  t.regex(res.body.message, /^WhatsApp did not answer sendText within 300 ms .*it may still complete$/);
  // The recipient check went through the same bound and answered at once.
  t.is((await d.api('s', 'GET', 'check-number-status/5511999999999')).status, 200);
  t.is((await d.api('s', 'GET', 'status-session')).body.status, 'CONNECTED');
});
