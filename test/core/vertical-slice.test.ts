import test from 'ava';
import { startDaemon, waitFor } from '../helpers/daemon.ts';

test('a token, a session that connects, a message that reaches another session', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const alice = await d.connect('alice');
  const bob = await d.connect('bob');
  t.regex(alice, /^55\d{11}$/);
  t.not(alice, bob);

  const sent = await d.api('alice', 'POST', 'send-message', { phone: bob, message: 'hello bob' });
  t.is(sent.status, 201);
  t.is(sent.body.status, 'success');
  t.is(sent.body.mapper, 'return');
  t.is(sent.body.response.length, 1);
  t.is(sent.body.response[0].body, 'hello bob');
  t.is(sent.body.response[0].to, `${bob}@c.us`);
  t.true(sent.body.response[0].fromMe);
  t.regex(sent.body.response[0].id, new RegExp(`^true_${bob}@c\\.us_`));

  const network = d.daemon.container.resolve<{
    chatMessages(o: string, c: string): { body: string; fromMe: boolean }[];
  }>('engine-sandbox:network');
  const received = await waitFor(async () => network.chatMessages('bob', `${alice}@c.us`)[0]);
  t.is(received.body, 'hello bob');
  t.false(received.fromMe);
});

test('send-message answers 400 for a number that does not exist, and sends nothing', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('alice');
  const res = await d.api('alice', 'POST', 'send-message', { phone: '5511912340000', message: 'x' });
  t.is(res.status, 400);
  t.deepEqual(res.body, {
    response: null,
    status: 'Connected',
    message: 'O número 5511912340000 não existe.',
    session: 'alice',
  });
  const network = d.daemon.container.resolve<{ allMessages(o: string): unknown[] }>('engine-sandbox:network');
  t.is(network.allMessages('alice').length, 0);
});

test('send-message on a session that is not connected answers the 404 of wppconnect-server', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  const res = await d.api('idle', 'POST', 'send-message', { phone: '5511999999999', message: 'x' });
  t.is(res.status, 404);
  t.deepEqual(res.body, {
    response: null,
    status: 'Disconnected',
    message: 'A sessão do WhatsApp não está ativa.',
    session: 'idle',
  });
});

test('validation names the missing field', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('alice');
  const res = await d.api('alice', 'POST', 'send-message', { message: 'no phone' });
  t.is(res.status, 400);
  t.is(res.body.status, 'error');
  t.regex(res.body.message, /body\.phone is required/);
  // Path parameters with constraints are validated too (plain string ones need no validator).
  const badId = await d.api('alice', 'GET', 'message-by-id/not-a-message-id');
  t.is(badId.status, 400);
  t.regex(badId.body.message, /^params\.messageId /);
});

test('JSON answers carry `session` when the request says exactly application/json, errors included', async (t) => {
  const d = await startDaemon();
  t.teardown(() => d.close());
  await d.connect('alice');
  const authorization = `Bearer ${await d.token('alice')}`;
  const ok = await fetch(`${d.url}/api/alice/status-session`, {
    headers: { authorization, 'content-type': 'application/json' },
  });
  t.is(((await ok.json()) as { session: string }).session, 'alice');
  const invalid = await d.api('alice', 'POST', 'send-message', { message: 'no phone' });
  t.is(invalid.status, 400);
  t.is(invalid.body.session, 'alice');
  const plain = await fetch(`${d.url}/api/alice/status-session`, { headers: { authorization } });
  t.false('session' in ((await plain.json()) as object));
});
