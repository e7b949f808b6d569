import test from 'ava';
import { Webhook } from 'standardwebhooks';
import { startDaemon } from '../helpers/daemon.ts';
import { Receiver } from './receiver.ts';

// Short backoff so retries happen quickly; a short timeout only where a test makes the receiver hang
// (on a busy machine a 200 ms timeout can also hit a healthy receiver, which would retry on purpose).
const FAST = { retry: { initialDelayMs: 5, maxDelayMs: 40 } };

async function setup(t: import('ava').ExecutionContext, webhooks: Record<string, unknown> = {}) {
  const receiver = await new Receiver().start();
  const d = await startDaemon({
    config: { plugins: { webhooks: { url: receiver.url, ...FAST, ...webhooks } } },
  });
  t.teardown(async () => {
    await d.close();
    await receiver.close();
  });
  return { receiver, d };
}

const call = (n: number) => ({ id: `call-${n}` }) as never;

/** The first 12 requests fail: 500s, 503s and hangs longer than the timeout, mixed. */
const flaky = (_r: unknown, index: number) =>
  index >= 12 ? 200 : index % 3 === 0 ? 'hang' : index % 3 === 1 ? 500 : 503;

for (const pipelining of [1, 16]) {
  test(`a receiver that answers 500 and times out, then recovers, gets every event with the same id on retries (pipelining ${pipelining})`, async (t) => {
    const { receiver, d } = await setup(t, { pipelining, timeoutMs: 300 });
    receiver.behaviour = flaky;
    const emitted = Array.from({ length: 20 }, (_, n) =>
      d.daemon.events.emit('alice', 'incomingcall', call(n)),
    );
    await receiver.until(() => new Set(receiver.accepted().map((r) => r.headers['webhook-id'])).size === 20);

    const ids = emitted.map((e) => e.id);
    const firstAccepted = [...new Set(receiver.accepted().map((r) => String(r.headers['webhook-id'])))];
    t.deepEqual([...firstAccepted].sort(), [...ids].sort(), 'each event arrived at least once');
    // One by one, the order holds even across failures; pipelined, it holds while the receiver accepts.
    if (pipelining === 1) t.deepEqual(firstAccepted, ids, 'in emit order');
    // retries carried the event's id every time, and the same payload
    for (const id of ids) {
      const attempts = receiver.requests.filter((r) => r.headers['webhook-id'] === id);
      t.true(attempts.every((r) => r.raw === attempts[0]?.raw));
    }
    t.true(receiver.requests.filter((r) => r.headers['webhook-id'] === ids[0]).length > 1);
    t.true(
      receiver.requests.some((r) => r.answered === 0),
      'some attempts timed out',
    );
    // the delivery log agrees
    const log = await d.api('alice', 'GET', 'webhooks/deliveries?limit=100');
    t.is(log.status, 200);
    t.is(log.body.response.length, 20);
    t.true(log.body.response.every((r: { status: string }) => r.status === 'delivered'));
    const first = log.body.response.find((r: { id: string }) => r.id === ids[0]);
    // An attempt can time out before it reaches the receiver (queued behind a hung request, or a
    // slow reconnect on a busy machine), so the log may count more attempts than the receiver saw,
    // never fewer.
    const seen = receiver.requests.filter((r) => r.headers['webhook-id'] === ids[0]).length;
    t.true(first.attempts >= seen);
  });
}

test('an attempt the receiver never answers times out, is logged as such, and is retried', async (t) => {
  const { receiver, d } = await setup(t, { timeoutMs: 300 });
  receiver.behaviour = () => 'hang';
  d.daemon.events.emit('alice', 'incomingcall', call(0));
  await receiver.until(() => receiver.requests.length >= 2);
  const log = await d.api('alice', 'GET', 'webhooks/deliveries');
  t.like(log.body.response[0], { status: 'pending', lastError: 'timed out after 300 ms' });
  t.true(log.body.response[0].attempts >= 1);
});

test('a receiver that is up gets a burst of pipelined events in emit order', async (t) => {
  const { receiver, d } = await setup(t, { pipelining: 16 });
  const ids = Array.from(
    { length: 300 },
    (_, n) => d.daemon.events.emit('alice', 'incomingcall', call(n)).id,
  );
  await receiver.until(() => receiver.accepted().length === 300);
  t.deepEqual(
    receiver.accepted().map((r) => r.headers['webhook-id']),
    ids,
  );
});

test('a 4xx (other than 408/429) is not retried; 429 and 408 are', async (t) => {
  const { receiver, d } = await setup(t);
  receiver.behaviour = (r) => {
    const id = (r.body as { id?: string }).id;
    const seen = receiver.requests.filter((x) => x.body.id === id).length;
    if (id === 'call-0') return 400;
    if (id === 'call-1') return seen === 0 ? 429 : 200;
    if (id === 'call-2') return seen === 0 ? 408 : 200;
    return 200;
  };
  for (let n = 0; n < 4; n++) d.daemon.events.emit('alice', 'incomingcall', call(n));
  await receiver.until(() =>
    ['call-1', 'call-2', 'call-3'].every((id) => receiver.events('incomingcall').some((e) => e.id === id)),
  );
  t.is(receiver.requests.filter((r) => r.body.id === 'call-0').length, 1);
  t.is(receiver.requests.filter((r) => r.body.id === 'call-1').length, 2);
  t.is(receiver.requests.filter((r) => r.body.id === 'call-2').length, 2);
  const metrics = await (await fetch(`${d.url}/metrics`)).text();
  t.regex(metrics, /wppd_outbox_attempts_total\{target="webhook",outcome="failed"\} 1\b/);
  t.regex(metrics, /wppd_outbox_attempts_total\{target="webhook",outcome="retry"\} 2\b/);
  const failed = await d.api('alice', 'GET', 'webhooks/deliveries?status=failed');
  t.is(failed.body.response.length, 1);
  t.like(failed.body.response[0], {
    status: 'failed',
    attempts: 1,
    lastStatus: 400,
    lastError: 'HTTP 400',
    event: 'incomingcall',
  });
});

test('delivery log: list, redeliver one, redeliver all failed since a time; token required', async (t) => {
  const { receiver, d } = await setup(t);
  receiver.behaviour = () => 410;
  const before = Date.now() - 1;
  const events = [0, 1, 2].map((n) => d.daemon.events.emit('alice', 'incomingcall', call(n)));
  await receiver.until(() => receiver.requests.length === 3);
  const list = async () =>
    (await d.api('alice', 'GET', 'webhooks/deliveries')).body.response as { id: string; status: string }[];
  await receiver.until(() => true);
  for (;;) {
    const rows = await list();
    if (rows.every((r) => r.status === 'failed')) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  t.deepEqual(
    (await list()).map((r) => r.id),
    events.map((e) => e.id).reverse(),
    'newest first',
  );

  const one = await d.api('alice', 'GET', `webhooks/deliveries/${events[0]?.id}`);
  t.is(one.status, 200);
  t.is(JSON.parse(one.body.response.body).id, 'call-0');

  receiver.behaviour = () => 200;
  const again = await d.api('alice', 'POST', `webhooks/deliveries/${events[1]?.id}/redeliver`);
  t.is(again.status, 202);
  await receiver.until(() => receiver.accepted().length === 1);
  t.is(receiver.accepted()[0]?.headers['webhook-id'], events[1]?.id);

  const all = await d.api('alice', 'POST', 'webhooks/redeliver-failed', {
    since: new Date(before).toISOString(),
  });
  t.is(all.status, 202);
  t.is(all.body.response.queued, 2);
  await receiver.until(() => receiver.accepted().length === 3);
  t.deepEqual(
    receiver.accepted().map((r) => r.headers['webhook-id']),
    [events[1]?.id, events[0]?.id, events[2]?.id],
  );

  t.is((await d.api('alice', 'POST', 'webhooks/deliveries/evt_nope/redeliver')).status, 404);
  const anonymous = await fetch(`${d.url}/api/alice/webhooks/deliveries`);
  t.is(anonymous.status, 401);
  const otherToken = await fetch(`${d.url}/api/alice/webhooks/deliveries`, {
    headers: { authorization: `Bearer ${await d.token('bob')}` },
  });
  t.is(otherToken.status, 401);
  const docs = (await (await fetch(`${d.url}/api-docs/openapi.json`)).json()) as {
    paths: Record<string, unknown>;
  };
  t.truthy(docs.paths['/api/{session}/webhooks/deliveries']);
  t.truthy(docs.paths['/api/{session}/webhooks/redeliver-failed']);
});

test('deliveries are signed with Standard Webhooks headers that the standardwebhooks package verifies', async (t) => {
  const secret = `whsec_${Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64')}`;
  const sessionSecret = `whsec_${Buffer.from('another-secret-only-for-carol!!!').toString('base64')}`;
  const { receiver, d } = await setup(t, { secret });
  d.daemon.events.emit('alice', 'incomingcall', call(1));
  await d.connect('carol', { webhookSecret: sessionSecret });
  await receiver.waitEvent('incomingcall');
  await receiver.waitEvent('status-find', (e) => e.session === 'carol' && e.status === 'inChat');

  const alice = receiver.accepted().find((r) => r.body.session === 'alice');
  if (!alice) throw new Error('no delivery');
  const headers = alice.headers as Record<string, string>;
  t.deepEqual(new Webhook(secret).verify(alice.raw, headers), alice.body);
  t.regex(headers['webhook-signature'] ?? '', /^v1,/);
  t.regex(headers['webhook-id'] ?? '', /^evt_/);
  t.throws(() => new Webhook(secret).verify(`${alice.raw} `, headers), { message: /signature/i });

  const carol = receiver.accepted().filter((r) => r.body.session === 'carol');
  t.true(carol.length > 0);
  for (const r of carol) {
    t.notThrows(() => new Webhook(sessionSecret).verify(r.raw, r.headers as Record<string, string>));
    t.throws(() => new Webhook(secret).verify(r.raw, r.headers as Record<string, string>));
  }
});

test('no secret, no signature headers (but still a webhook-id)', async (t) => {
  const { receiver, d } = await setup(t);
  d.daemon.events.emit('alice', 'incomingcall', call(1));
  await receiver.waitEvent('incomingcall');
  const [request] = receiver.requests;
  t.regex(String(request?.headers['webhook-id']), /^evt_/);
  t.is(request?.headers['webhook-signature'], undefined);
});

test('other plugins deliver through the outbox service: custom deliverer, dedupe, retries', async (t) => {
  const { receiver, d } = await setup(t);
  const outbox = d.daemon.container.resolve<import('../../core/index.ts').OutboxService>('webhooks:outbox');
  const first = outbox.enqueue({
    session: 'alice',
    target: 'crm',
    method: 'PUT',
    url: `${receiver.url}/crm`,
    headers: { authorization: 'Bearer crm-token' },
    body: { hello: 'crm' },
    dedupeKey: 'crm:1',
  });
  const second = outbox.enqueue({
    session: 'alice',
    target: 'crm',
    url: `${receiver.url}/crm`,
    body: {},
    dedupeKey: 'crm:1',
  });
  t.false(first.duplicate);
  t.true(second.duplicate);
  t.is(second.id, first.id);
  await receiver.until(() => receiver.accepted().length === 1);
  t.is(receiver.accepted()[0]?.headers.authorization, 'Bearer crm-token');
  t.deepEqual(receiver.accepted()[0]?.body, { hello: 'crm' });

  let calls = 0;
  outbox.registerDeliverer('custom', async () => {
    calls += 1;
    return calls < 3 ? { ok: false, retry: true, error: `try ${calls}` } : { ok: true };
  });
  const delivered = new Promise<string>((resolve) => outbox.onDelivered('custom', (r) => resolve(r.id)));
  const { id } = outbox.enqueue({ session: 'alice', target: 'custom', url: 'memory:', body: 'x' });
  t.is(await delivered, id);
  t.is(calls, 3);
  t.like(outbox.get('alice', id), { status: 'delivered', attempts: 3, target: 'custom' });
});
